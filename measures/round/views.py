"""Department staff's pages: this round's entries, the entry form, an entry's history."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, Indicator, IndicatorValue, Measure, Round, Step
from measures.round.entry_history import history_entries
from measures.round.entry_years import last_year_entry, year_entry
from measures.round.forms import EntryForm
from measures.round.grading import suggest_grade
from measures.round.services import EditConflict, EntryLocked, round_for, save_entry
from municipalities.models import Department


def _membership(request: HttpRequest):
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise Http404
    return membership


def _editable_entries(membership):
    """Entries the user may open: the reform office any of its municipality (to enter on a
    department's behalf), department staff those of measures their departments lead or
    help."""
    evaluations = Evaluation.objects.filter(
        measure__plan__municipality_id=membership.municipality_id
    )
    if membership.is_reform_office:
        return evaluations
    return evaluations.filter(measure__department_links__department__members=membership).distinct()


def _entries_for(membership):
    """Evaluations of open rounds the user may enter."""
    open_round = Round.objects.filter(
        plan_id=OuterRef("measure__plan_id"),
        fiscal_year=OuterRef("fiscal_year"),
        status=Round.Status.OPEN,
    )
    return (
        _editable_entries(membership)
        .annotate(deadline=Subquery(open_round.values("deadline")[:1]))
        .filter(deadline__isnull=False)
    )


def _get_evaluation_for_editor(request: HttpRequest, pk: int) -> Evaluation:
    """The entry if the user may enter it; 404 otherwise, so that another department's or
    municipality's entries do not even show they exist."""
    evaluations = _editable_entries(_membership(request))
    return get_object_or_404(
        evaluations.select_related("measure__plan", "measure__pillar", "entered_by", "entered_for"),
        pk=pk,
    )


def _proxy_departments(membership, measure: Measure):
    """For the reform office entering an entry that is not its own departments': the
    departments it may enter for (the measure's, leads first); None otherwise."""
    if not membership.is_reform_office:
        return None
    links = list(measure.department_links.all())
    own = set(membership.departments.values_list("pk", flat=True))
    if any(link.department_id in own for link in links):
        return None
    if links:
        ordered = sorted(links, key=lambda link: (link.role != "lead", link.order, link.pk))
        return [link.department for link in ordered]
    return list(Department.objects.filter(municipality_id=membership.municipality_id))


def missing_items(evaluation: Evaluation) -> list[str]:
    """What a complete entry still lacks, from prefetched indicators and values."""
    missing = []
    if not evaluation.do_text:
        missing.append("取組状況")
    if not evaluation.check_text:
        missing.append("評価")
    if evaluation.measure.plan.grades.all() and not evaluation.proposed_grade_id:
        missing.append("評価案")
    for indicator in evaluation.measure.indicators.all():
        if indicator.not_settable:
            continue
        if not any(
            v.kind == IndicatorValue.Kind.ACTUAL and v.fiscal_year == evaluation.fiscal_year
            for v in indicator.values.all()
        ):
            missing.append(f"{indicator.name}の実績値")
    return missing


@dataclass
class RoundGroup:
    """The entries of one round (a plan's fiscal year) on the staff list."""

    plan: object
    fiscal_year: int
    deadline: object
    entries: list

    @property
    def year_display(self) -> str:
        return fiscal_year_display(self.fiscal_year)


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    if (
        getattr(request.user, "membership", None) is None
        and request.user.review_memberships.exists()
    ):
        # A committee member who signed in at the staff login: their pages are the committee's.
        return redirect("reviews:home")
    membership = _membership(request)
    entries = list(
        _entries_for(membership)
        .select_related(
            "measure__plan", "measure__pillar", "proposed_grade", "entered_by", "entered_for"
        )
        .prefetch_related(
            "measure__plan__grades",
            Prefetch("measure__indicators", queryset=Indicator.objects.prefetch_related("values")),
        )
        .order_by("-fiscal_year", "deadline", "measure__plan_id", "measure__order", "pk")
    )
    groups = []
    for (_plan, fiscal_year), rows in groupby(
        entries, key=lambda e: (e.measure.plan_id, e.fiscal_year)
    ):
        rows = list(rows)
        for entry in rows:
            entry.missing = missing_items(entry)
            entry.year_display = fiscal_year_display(entry.fiscal_year)
        groups.append(RoundGroup(rows[0].measure.plan, fiscal_year, rows[0].deadline, rows))
    returned = [e for e in entries if e.review_status == Evaluation.ReviewStatus.RETURNED]
    return render(
        request,
        "measures/entry_list.html",
        {
            "groups": groups,
            "entries": entries,
            "returned": returned,
            "is_reform_office": membership.is_reform_office,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    evaluation = _get_evaluation_for_editor(request, pk)
    measure = (
        Measure.objects.select_related("plan", "pillar")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
            Prefetch("steps", queryset=Step.objects.prefetch_related("years")),
            "effects",
            "targets",
            "department_links__department",
        )
        .get(pk=evaluation.measure_id)
    )
    evaluation.measure = measure
    plan = measure.plan
    round_ = round_for(evaluation)
    editable = bool(round_ and round_.is_open and evaluation.editable_by_department)
    grades = plan.grades.all()
    proxy_departments = _proxy_departments(membership, measure)
    last_year = last_year_entry(evaluation, measure)
    form_kwargs = {
        "evaluation": evaluation,
        "indicators": measure.indicators.all(),
        "steps": measure.steps.all(),
        "grades": grades,
        "proxy_departments": proxy_departments,
    }
    conflict = None
    copied = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("この入力は今は変更できません。"))
            return redirect("measures:entry", pk=pk)
        copy = request.POST.get("copy")
        if copy:
            # Copying last year's text only fills the field in again; nothing is saved.
            data = request.POST.copy()
            text = EntryForm(**form_kwargs).last_year_text(copy, last_year) if last_year else None
            if text is not None:
                data[copy] = text
            form = EntryForm(data, **form_kwargs)
            if text is not None:
                copied = form.fields[copy].label
        else:
            form = EntryForm(request.POST, **form_kwargs)
            submit = "submit" in request.POST
            valid = form.is_valid()
            if submit:
                valid = form.check_complete() and valid
            if valid:
                try:
                    save_entry(
                        evaluation_id=evaluation.pk,
                        version=form.cleaned_data["version"],
                        data=form.entry_data(),
                        by=request.user,
                        submit=submit,
                        on_behalf_of=form.cleaned_data.get("entered_for"),
                    )
                except EditConflict as error:
                    conflict = error.current
                except EntryLocked:
                    messages.error(
                        request,
                        _("この入力は提出済みか受付が終わっているため、保存できませんでした。"),
                    )
                    return redirect("measures:entry", pk=pk)
                except ValidationError as error:
                    # The form checks what staff can type; this is the services' last line.
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    if submit:
                        messages.success(
                            request, _("提出しました。行政改革担当の審査をお待ちください。")
                        )
                        return redirect("measures:entry_list")
                    messages.success(request, _("下書きとして保存しました。"))
                    return redirect("measures:entry", pk=pk)
    else:
        form = EntryForm(initial=_initial(evaluation, measure, proxy_departments), **form_kwargs)
    return render(
        request,
        "measures/entry_form.html",
        {
            "evaluation": evaluation,
            "measure": measure,
            "plan": plan,
            "round": round_,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "copied": copied,
            "proxy": proxy_departments is not None,
            "this_year": year_entry(evaluation, measure),
            "last_year": last_year,
            "suggestion": suggest_grade(evaluation, list(grades)),
            "grades": grades,
            "year_display": fiscal_year_display(evaluation.fiscal_year),
            "target": next(
                (t for t in measure.targets.all() if t.fiscal_year == evaluation.fiscal_year), None
            ),
        },
    )


def _initial(evaluation: Evaluation, measure: Measure, proxy_departments) -> dict:
    year = evaluation.fiscal_year
    initial = {
        "version": evaluation.version,
        "entered_for": evaluation.entered_for_id
        or (proxy_departments[0].pk if proxy_departments else None),
        "do_text": evaluation.do_text,
        "check_text": evaluation.check_text,
        "action_text": evaluation.action_text,
        "proposed_grade": evaluation.proposed_grade_id,
    }
    for indicator in measure.indicators.all():
        actual = next(
            (
                v
                for v in indicator.values.all()
                if v.kind == IndicatorValue.Kind.ACTUAL and v.fiscal_year == year
            ),
            None,
        )
        initial[f"indicator_{indicator.pk}"] = actual.display if actual else ""
    for step in measure.steps.all():
        row = next((y for y in step.years.all() if y.fiscal_year == year), None)
        initial[f"step_{step.pk}_actual"] = row.actual if row else ""
        initial[f"step_{step.pk}_progress"] = row.progress if row else ""
        initial[f"step_{step.pk}_next"] = row.next_steps if row else ""
    effect = next((e for e in measure.effects.all() if e.fiscal_year == year), None)
    if effect:
        initial["actual_revenue"] = effect.actual_revenue or ""
        initial["actual_saving"] = effect.actual_saving or ""
    return initial


@login_required
def entry_history(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_editor(request, pk)
    return render(
        request,
        "measures/entry_history.html",
        {
            "evaluation": evaluation,
            "entries": history_entries(evaluation),
            "year_display": fiscal_year_display(evaluation.fiscal_year),
        },
    )
