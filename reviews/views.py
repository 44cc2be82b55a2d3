"""The committee pages: a member's units under review, their sheet for each unit, the
chair's conclusion; and the department's self-evaluation page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reviews import services
from reviews.forms import ChairGradesForm, MemberSheetForm, SelfEvaluationForm
from reviews.material import published_material
from reviews.models import (
    MemberSheet,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfEvaluation,
    UnitKind,
)

UNIT_RELATED = ["measure", "pillar", "department"]


def _member_of(request: HttpRequest, round_pk: int) -> tuple[ReviewMember, ReviewRound]:
    """The user's membership of the round's body; 404 for anyone else, so that another
    body's or municipality's rounds do not even show they exist."""
    round_ = get_object_or_404(
        ReviewRound.objects.select_related("body__plan__municipality"),
        pk=round_pk,
        body__members__user=request.user,
    )
    member = ReviewMember.objects.get(body_id=round_.body_id, user=request.user)
    return member, round_


def _unit_of(round_: ReviewRound, unit_pk: int) -> ReviewUnit:
    return get_object_or_404(
        ReviewUnit.objects.select_related(*UNIT_RELATED), pk=unit_pk, body_id=round_.body_id
    )


def _self_evaluation(round_: ReviewRound, unit: ReviewUnit) -> SelfEvaluation | None:
    return (
        SelfEvaluation.objects.filter(round=round_, unit=unit)
        .prefetch_related("grades__grade", "grades__viewpoint", "answers__question")
        .first()
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The rounds of the user's bodies, open ones first, each with its units."""
    memberships = list(
        ReviewMember.objects.filter(user=request.user).select_related("body__plan__municipality")
    )
    if not memberships:
        raise Http404
    rounds = list(
        ReviewRound.objects.filter(body__members__user=request.user)
        .select_related("body__plan")
        .prefetch_related(
            Prefetch("body__units", queryset=ReviewUnit.objects.select_related(*UNIT_RELATED))
        )
        .order_by("status", "-fiscal_year", "body__order")
    )
    chair_of = {m.body_id for m in memberships if m.is_chair}
    return render(
        request,
        "reviews/home.html",
        {"memberships": memberships, "rounds": rounds, "chair_of": chair_of},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    member, round_ = _member_of(request, round_pk)
    unit = _unit_of(round_, unit_pk)
    body = round_.body
    viewpoints = list(body.viewpoints.all())
    scheme = list(body.grades.all())
    current = (
        MemberSheet.objects.filter(round=round_, unit=unit, member=member)
        .prefetch_related("grades__grade", "grades__viewpoint")
        .first()
    )
    form_kwargs = {"viewpoints": viewpoints, "scheme": scheme}
    conflict = None
    if request.method == "POST":
        if not round_.is_open:
            messages.error(request, _("この年度の評価は確定したため、変更できません。"))
            return redirect("reviews:sheet", round_pk=round_.pk, unit_pk=unit.pk)
        form = MemberSheetForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                services.save_member_sheet(
                    round_=round_,
                    unit=unit,
                    member=member,
                    version=form.cleaned_data["version"],
                    entries=form.entries(),
                )
            except services.EditConflict:
                conflict = (
                    MemberSheet.objects.filter(round=round_, unit=unit, member=member)
                    .prefetch_related("grades__grade", "grades__viewpoint")
                    .first()
                )
            except services.ReviewClosed:
                messages.error(request, _("この年度の評価は確定したため、変更できません。"))
                return redirect("reviews:sheet", round_pk=round_.pk, unit_pk=unit.pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("評価を保存しました。"))
                return redirect("reviews:sheet", round_pk=round_.pk, unit_pk=unit.pk)
    else:
        initial = {"version": current.version if current else 0}
        for row in current.grades.all() if current else []:
            initial[f"grade_{row.viewpoint_id}"] = str(row.grade_id or "")
            initial[f"comment_{row.viewpoint_id}"] = row.comment
        form = MemberSheetForm(initial=initial, **form_kwargs)
    return render(
        request,
        "reviews/sheet.html",
        {
            "round": round_,
            "body": body,
            "unit": unit,
            "member": member,
            "current": current,
            "form": form,
            "scheme": scheme,
            "conflict": conflict,
            "conflict_version": conflict.version if conflict else None,
            "material": published_material(unit),
            "self_evaluation": _self_evaluation(round_, unit),
        },
    )


def _chair_of(request: HttpRequest, round_pk: int) -> tuple[ReviewMember, ReviewRound]:
    member, round_ = _member_of(request, round_pk)
    if not member.is_chair:
        raise Http404
    return member, round_


@login_required
@require_http_methods(["GET", "POST"])
def conclusion(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    """The chair's view of a unit: every member's grade, the aggregate and, for a body
    whose chair decides, the form for the body's grade."""
    _member, round_ = _chair_of(request, round_pk)
    unit = _unit_of(round_, unit_pk)
    body = round_.body
    viewpoints = list(body.viewpoints.all())
    scheme = list(body.grades.all())
    summaries = services.summarise(round_=round_, unit=unit)
    form = None
    if body.aggregation == "chair" and round_.is_open:
        if request.method == "POST":
            form = ChairGradesForm(request.POST, viewpoints=viewpoints, scheme=scheme)
            if form.is_valid():
                try:
                    services.set_chair_grades(round_=round_, unit=unit, grades=form.grades())
                except (ValidationError, services.ReviewClosed):
                    messages.error(request, _("委員会の評価を保存できませんでした。"))
                else:
                    messages.success(request, _("委員会の評価を保存しました。"))
                return redirect("reviews:conclusion", round_pk=round_.pk, unit_pk=unit.pk)
        else:
            initial = {
                f"grade_{s.viewpoint.pk}": str(s.conclusion.grade_id) if s.conclusion else ""
                for s in summaries
            }
            form = ChairGradesForm(initial=initial, viewpoints=viewpoints, scheme=scheme)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "reviews/conclusion.html",
        {
            "round": round_,
            "body": body,
            "unit": unit,
            "members": list(body.members.all()),
            "summaries": summaries,
            "form": form,
            "self_evaluation": _self_evaluation(round_, unit),
        },
    )


@login_required
@require_POST
def conclude(request: HttpRequest, round_pk: int) -> HttpResponse:
    _member, round_ = _chair_of(request, round_pk)
    try:
        services.conclude_round(round_=round_, by=request.user)
    except services.ReviewClosed:
        messages.error(request, _("この年度の評価はすでに確定しています。"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("委員会の評価を確定しました。"))
    return redirect("reviews:home")


# The department's self-evaluation --------------------------------------------------------


def _unit_for_department(request: HttpRequest, round_pk: int, unit_pk: int):
    """The unit and round if the user's department is the one reviewed (for a measure, its
    lead department) or the user is of the reform office of the plan's municipality."""
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise Http404
    round_ = get_object_or_404(
        ReviewRound.objects.select_related("body__plan"),
        pk=round_pk,
        body__plan__municipality_id=membership.municipality_id,
    )
    unit = _unit_of(round_, unit_pk)
    if membership.is_reform_office:
        return round_, unit
    mine = set(membership.departments.values_list("pk", flat=True))
    if unit.kind == UnitKind.DEPARTMENT and unit.department_id in mine:
        return round_, unit
    if (
        unit.kind == UnitKind.MEASURE
        and unit.measure.department_links.filter(role="lead", department_id__in=mine).exists()
    ):
        return round_, unit
    raise Http404


@login_required
def self_evaluation_list(request: HttpRequest) -> HttpResponse:
    """The units of open rounds the user's department enters a self-evaluation for (every
    unit of the municipality for the reform office)."""
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise Http404
    units = ReviewUnit.objects.filter(body__plan__municipality_id=membership.municipality_id)
    if not membership.is_reform_office:
        mine = list(membership.departments.values_list("pk", flat=True))
        units = units.filter(
            Q(kind=UnitKind.DEPARTMENT, department_id__in=mine)
            | Q(
                kind=UnitKind.MEASURE,
                measure__department_links__role="lead",
                measure__department_links__department_id__in=mine,
            )
        )
    rounds = list(
        ReviewRound.objects.open()
        .filter(body__plan__municipality_id=membership.municipality_id)
        .select_related("body__plan")
        .prefetch_related(
            Prefetch(
                "body__units",
                queryset=ReviewUnit.objects.filter(pk__in=units.values("pk")).select_related(
                    *UNIT_RELATED
                ),
                to_attr="mine",
            )
        )
        .order_by("-fiscal_year", "body__order")
    )
    return render(
        request,
        "reviews/self_evaluation_list.html",
        {"rounds": [r for r in rounds if r.body.mine]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_evaluation(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    round_, unit = _unit_for_department(request, round_pk, unit_pk)
    body = round_.body
    kwargs = {
        "viewpoints": list(body.viewpoints.all()),
        "scheme": list(body.grades.all()),
        "questions": list(body.plan.self_check_questions.all()),
    }
    current = _self_evaluation(round_, unit)
    conflict = None
    if request.method == "POST":
        if not round_.is_open:
            messages.error(request, _("この年度の評価は確定したため、変更できません。"))
            return redirect("reviews:self_evaluation", round_pk=round_.pk, unit_pk=unit.pk)
        form = SelfEvaluationForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.save_self_evaluation(
                    round_=round_,
                    unit=unit,
                    version=form.cleaned_data["version"],
                    grades=form.grades(),
                    answers=form.answers(),
                    by=request.user,
                )
            except services.EditConflict:
                conflict = _self_evaluation(round_, unit)
            except services.ReviewClosed:
                messages.error(request, _("この年度の評価は確定したため、変更できません。"))
                return redirect("reviews:self_evaluation", round_pk=round_.pk, unit_pk=unit.pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("自己評価を保存しました。"))
                return redirect("reviews:self_evaluation", round_pk=round_.pk, unit_pk=unit.pk)
    else:
        initial = {"version": current.version if current else 0}
        if current:
            for row in current.grades.all():
                initial[f"grade_{row.viewpoint_id}"] = str(row.grade_id)
            for answer in current.answers.all():
                initial[f"answer_{answer.question_id}"] = answer.text
        form = SelfEvaluationForm(initial=initial, **kwargs)
    return render(
        request,
        "reviews/self_evaluation.html",
        {
            "round": round_,
            "body": body,
            "unit": unit,
            "form": form,
            "conflict": conflict,
            "conflict_version": conflict.version if conflict else None,
        },
    )
