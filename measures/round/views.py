"""Department staff's pages: this round's entries, the entry form, an entry's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, Indicator, IndicatorValue, Measure, Round, Step
from measures.round.forms import EntryForm
from measures.round.services import EditConflict, EntryLocked, round_for, save_entry


def _membership(request: HttpRequest):
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise Http404
    return membership


def _entries_for(membership):
    """Evaluations of open rounds for the measures the user's departments lead or help."""
    open_round = Round.objects.filter(
        plan_id=OuterRef("measure__plan_id"),
        fiscal_year=OuterRef("fiscal_year"),
        status=Round.Status.OPEN,
    )
    return (
        Evaluation.objects.filter(
            measure__plan__municipality_id=membership.municipality_id,
            measure__department_links__department__members=membership,
        )
        .annotate(deadline=Subquery(open_round.values("deadline")[:1]))
        .filter(deadline__isnull=False)
        .distinct()
    )


def _get_evaluation_for_editor(request: HttpRequest, pk: int) -> Evaluation:
    """The entry if the user's department leads or helps its measure; 404 otherwise, so
    that another department's or municipality's entries do not even show they exist."""
    membership = _membership(request)
    evaluations = Evaluation.objects.filter(
        measure__plan__municipality_id=membership.municipality_id,
        measure__department_links__department__members=membership,
    ).distinct()
    return get_object_or_404(evaluations.select_related("measure__plan", "measure__pillar"), pk=pk)


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


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    entries = list(
        _entries_for(membership)
        .select_related("measure__plan", "measure__pillar", "proposed_grade")
        .prefetch_related(
            "measure__plan__grades",
            Prefetch("measure__indicators", queryset=Indicator.objects.prefetch_related("values")),
        )
        .order_by("deadline", "measure__plan_id", "measure__order")
    )
    for entry in entries:
        entry.missing = missing_items(entry)
        entry.year_display = fiscal_year_display(entry.fiscal_year)
    return render(request, "measures/entry_list.html", {"entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_editor(request, pk)
    measure = Measure.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
        Prefetch("steps", queryset=Step.objects.prefetch_related("years")),
        "effects",
        "targets",
        "department_links__department",
    ).get(pk=evaluation.measure_id)
    plan = evaluation.measure.plan
    round_ = round_for(evaluation)
    editable = bool(round_ and round_.is_open and evaluation.editable_by_department)
    grades = plan.grades.all()
    form_kwargs = {
        "evaluation": evaluation,
        "indicators": measure.indicators.all(),
        "steps": measure.steps.all(),
        "grades": grades,
    }
    conflict = None
    if request.method == "POST":
        if not editable:
            messages.error(request, "この入力は今は変更できません。")
            return redirect("measures:entry", pk=pk)
        form = EntryForm(request.POST, **form_kwargs)
        submit = "submit" in request.POST
        if form.is_valid() and (not submit or form.check_complete()):
            try:
                save_entry(
                    evaluation_id=evaluation.pk,
                    version=form.cleaned_data["version"],
                    data=form.entry_data(),
                    by=request.user,
                    submit=submit,
                )
            except EditConflict as error:
                conflict = error.current
            except EntryLocked:
                messages.error(
                    request, "この入力は提出済みか受付が終わっているため、保存できませんでした。"
                )
                return redirect("measures:entry", pk=pk)
            except ValidationError as error:
                # The form checks what staff can type; this is the services' last line.
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if submit:
                    messages.success(request, "提出しました。行政改革担当の審査をお待ちください。")
                    return redirect("measures:entry_list")
                messages.success(request, "下書きとして保存しました。")
                return redirect("measures:entry", pk=pk)
    else:
        form = EntryForm(initial=_initial(evaluation, measure), **form_kwargs)
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
            "year_display": fiscal_year_display(evaluation.fiscal_year),
            "target": next(
                (t for t in measure.targets.all() if t.fiscal_year == evaluation.fiscal_year), None
            ),
        },
    )


def _initial(evaluation: Evaluation, measure: Measure) -> dict:
    year = evaluation.fiscal_year
    initial = {
        "version": evaluation.version,
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
    effect = next((e for e in measure.effects.all() if e.fiscal_year == year), None)
    if effect:
        initial["actual_revenue"] = effect.actual_revenue or ""
        initial["actual_saving"] = effect.actual_saving or ""
    return initial


@login_required
def entry_history(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_editor(request, pk)
    records = list(evaluation.history.select_related("history_user").order_by("-history_date"))
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            changes.append((newer, []))
            continue
        delta = newer.diff_against(older, excluded_fields=["version", "updated_at"])
        changes.append((newer, delta.changes))
    return render(
        request,
        "measures/entry_history.html",
        {
            "evaluation": evaluation,
            "changes": changes,
            "year_display": fiscal_year_display(evaluation.fiscal_year),
        },
    )
