"""Writes of the external review: members' sheets, self-evaluations, the body's
conclusion, and the aggregation of members' grades it rests on."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.models import Measure
from reviews.models import (
    CLOSING_STATUSES,
    Aggregation,
    Conclusion,
    MemberGrade,
    MemberSheet,
    Opinion,
    OpinionProgress,
    ReviewGrade,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfCheckAnswer,
    SelfEvaluation,
    SelfGrade,
    UnitKind,
)


class EditConflict(Exception):
    """Someone saved the sheet after it was opened; `current` is what they saved."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


class ReviewClosed(Exception):
    """The round is concluded: nothing of it can be entered any more."""


# Aggregation ---------------------------------------------------------------------------
#
# Grades are scored by rank: in a scheme of n classes the best scores n and the worst 1.
# A mean is rounded half up on that score, so a mean exactly between two classes takes the
# better one (A and B → A; B, B, C, C → B). The median of an even count is the mean of the
# two middle grades, rounded the same way (B and D → C; B and C → B).


def _score(grade: ReviewGrade, scheme: Sequence[ReviewGrade]) -> int:
    return len(scheme) - list(scheme).index(grade)


def _grade_of(score_sum: int, count: int, scheme: Sequence[ReviewGrade]) -> ReviewGrade:
    rounded = (2 * score_sum + count) // (2 * count)  # half up, in integers
    return scheme[len(scheme) - rounded]


def mean_grade(grades: Sequence[ReviewGrade], scheme: Sequence[ReviewGrade]) -> ReviewGrade | None:
    """The class nearest to the mean of the grades' scores (half up: the better one)."""
    if not grades:
        return None
    return _grade_of(sum(_score(g, scheme) for g in grades), len(grades), scheme)


def median_grade(
    grades: Sequence[ReviewGrade], scheme: Sequence[ReviewGrade]
) -> ReviewGrade | None:
    """The middle grade; of an even count, the mean of the two middle ones (half up)."""
    if not grades:
        return None
    scores = sorted(_score(g, scheme) for g in grades)
    middle = len(scores) // 2
    if len(scores) % 2:
        return _grade_of(scores[middle], 1, scheme)
    return _grade_of(scores[middle - 1] + scores[middle], 2, scheme)


def aggregate(
    method: str, grades: Sequence[ReviewGrade], scheme: Sequence[ReviewGrade]
) -> ReviewGrade | None:
    """The members' grades taken together as the body is configured; for a body whose
    chair decides, the mean, shown to the chair as a reference."""
    if method == Aggregation.MEDIAN:
        return median_grade(grades, scheme)
    return mean_grade(grades, scheme)


@dataclass
class ViewpointSummary:
    viewpoint: object
    member_grades: list  # (member, MemberGrade | None) in member order
    aggregated: ReviewGrade | None
    conclusion: Conclusion | None


def summarise(*, round_: ReviewRound, unit: ReviewUnit) -> list[ViewpointSummary]:
    """Per viewpoint of the body: each member's grade, the aggregate, the conclusion."""
    body = round_.body
    scheme = list(body.grades.all())
    viewpoints = list(body.viewpoints.all())
    members = list(body.members.all())
    grades = {
        (g.sheet.member_id, g.viewpoint_id): g
        for g in MemberGrade.objects.filter(sheet__round=round_, sheet__unit=unit).select_related(
            "sheet", "grade"
        )
    }
    conclusions = {
        c.viewpoint_id: c
        for c in Conclusion.objects.filter(round=round_, unit=unit).select_related(
            "grade", "aggregated_grade"
        )
    }
    summaries = []
    for viewpoint in viewpoints:
        rows = [(m, grades.get((m.pk, viewpoint.pk))) for m in members]
        given = [g.grade for _m, g in rows if g is not None and g.grade is not None]
        summaries.append(
            ViewpointSummary(
                viewpoint=viewpoint,
                member_grades=rows,
                aggregated=aggregate(body.aggregation, given, scheme),
                conclusion=conclusions.get(viewpoint.pk),
            )
        )
    return summaries


# Members' sheets and self-evaluations --------------------------------------------------


def _locked_open_round(round_id: int) -> ReviewRound:
    round_ = ReviewRound.objects.select_for_update().select_related("body").get(pk=round_id)
    if not round_.is_open:
        raise ReviewClosed
    return round_


@transaction.atomic
def save_member_sheet(
    *,
    round_: ReviewRound,
    unit: ReviewUnit,
    member: ReviewMember,
    version: int,
    entries: dict[int, tuple[ReviewGrade | None, str]],
) -> MemberSheet:
    """Save a member's grade and comment per viewpoint id. `version` is the sheet's version
    when the form was opened (0 for a sheet not yet saved); if someone saved it since,
    EditConflict is raised and nothing is written."""
    round_ = _locked_open_round(round_.pk)
    if unit.body_id != round_.body_id or member.body_id != round_.body_id:
        raise ValidationError(_("この委員会の評価ではありません。"))
    sheet = (
        MemberSheet.objects.select_for_update()
        .filter(round=round_, unit=unit, member=member)
        .first()
    )
    if sheet is None:
        if version != 0:
            raise EditConflict(None)
        try:
            with transaction.atomic():
                sheet = MemberSheet.objects.create(round=round_, unit=unit, member=member)
        except IntegrityError as error:
            raise EditConflict(None) from error
    elif sheet.version != version:
        raise EditConflict(sheet)
    else:
        sheet.version += 1
        sheet.save()
    viewpoint_ids = set(round_.body.viewpoints.values_list("pk", flat=True))
    for viewpoint_id, (grade, comment) in entries.items():
        if viewpoint_id not in viewpoint_ids:
            raise ValidationError(_("この委員会の観点ではありません。"))
        if grade is not None and grade.body_id != round_.body_id:
            raise ValidationError(_("委員会の評価区分から選んでください。"))
        comment = comment.strip()
        if grade is None and not comment:
            MemberGrade.objects.filter(sheet=sheet, viewpoint_id=viewpoint_id).delete()
            continue
        MemberGrade.objects.update_or_create(
            sheet=sheet, viewpoint_id=viewpoint_id, defaults={"grade": grade, "comment": comment}
        )
    return sheet


@transaction.atomic
def save_self_evaluation(
    *,
    round_: ReviewRound,
    unit: ReviewUnit,
    version: int,
    grades: dict[int, ReviewGrade | None],
    answers: dict[int, str],
    by,
) -> SelfEvaluation:
    """Save a department's self-grades (as entered) and self-check answers, with the same
    version check as members' sheets."""
    round_ = _locked_open_round(round_.pk)
    if unit.body_id != round_.body_id:
        raise ValidationError(_("この委員会の評価ではありません。"))
    evaluation = SelfEvaluation.objects.select_for_update().filter(round=round_, unit=unit).first()
    if evaluation is None:
        if version != 0:
            raise EditConflict(None)
        try:
            with transaction.atomic():
                evaluation = SelfEvaluation.objects.create(round=round_, unit=unit, updated_by=by)
        except IntegrityError as error:
            raise EditConflict(None) from error
    elif evaluation.version != version:
        raise EditConflict(evaluation)
    else:
        evaluation.version += 1
        evaluation.updated_by = by
        evaluation.save()
    for viewpoint_id, grade in grades.items():
        if grade is None:
            SelfGrade.objects.filter(evaluation=evaluation, viewpoint_id=viewpoint_id).delete()
            continue
        row = SelfGrade.objects.filter(evaluation=evaluation, viewpoint_id=viewpoint_id).first()
        row = row or SelfGrade(evaluation=evaluation, viewpoint_id=viewpoint_id)
        row.grade = grade
        row.full_clean()
        row.save()
    for question_id, text in answers.items():
        text = text.strip()
        if not text:
            SelfCheckAnswer.objects.filter(evaluation=evaluation, question_id=question_id).delete()
        else:
            SelfCheckAnswer.objects.update_or_create(
                evaluation=evaluation, question_id=question_id, defaults={"text": text}
            )
    return evaluation


# The body's conclusion -----------------------------------------------------------------


@transaction.atomic
def set_chair_grades(
    *, round_: ReviewRound, unit: ReviewUnit, grades: dict[int, ReviewGrade | None]
) -> None:
    """The chair's grade per viewpoint id after deliberation (bodies whose chair decides)."""
    round_ = _locked_open_round(round_.pk)
    if round_.body.aggregation != Aggregation.CHAIR:
        raise ValidationError(_("この委員会の評価は委員の評価から集計します。"))
    summaries = {s.viewpoint.pk: s for s in summarise(round_=round_, unit=unit)}
    for viewpoint_id, grade in grades.items():
        if viewpoint_id not in summaries:
            raise ValidationError(_("この委員会の観点ではありません。"))
        if grade is None:
            Conclusion.objects.filter(round=round_, unit=unit, viewpoint_id=viewpoint_id).delete()
            continue
        if grade.body_id != round_.body_id:
            raise ValidationError(_("委員会の評価区分から選んでください。"))
        summary = summaries[viewpoint_id]
        Conclusion.objects.update_or_create(
            round=round_,
            unit=unit,
            viewpoint_id=viewpoint_id,
            defaults={
                "grade": grade,
                "aggregated_grade": summary.aggregated,
                "set_by_chair": True,
                "member_count": _graded_count(summary),
            },
        )


def _graded_count(summary: ViewpointSummary) -> int:
    return sum(1 for _m, g in summary.member_grades if g is not None and g.grade is not None)


@transaction.atomic
def conclude_round(*, round_: ReviewRound, by) -> int:
    """Conclude the round: for each unit and viewpoint the members graded, the body's grade
    is the members' grades aggregated as configured; a body whose chair decides needs the
    chair's grade for each of them first. Returns the number of conclusions."""
    round_ = _locked_open_round(round_.pk)
    body = round_.body
    count = 0
    missing = []
    for unit in body.units.all():
        for summary in summarise(round_=round_, unit=unit):
            if summary.aggregated is None:
                continue
            count += 1
            if body.aggregation == Aggregation.CHAIR:
                if summary.conclusion is None:
                    missing.append(f"{unit} {summary.viewpoint}")
                continue
            Conclusion.objects.update_or_create(
                round=round_,
                unit=unit,
                viewpoint=summary.viewpoint,
                defaults={
                    "grade": summary.aggregated,
                    "aggregated_grade": summary.aggregated,
                    "set_by_chair": False,
                    "member_count": _graded_count(summary),
                },
            )
    if missing:
        raise ValidationError(
            _("委員長の評価が決まっていない観点があります: %(items)s")
            % {"items": "、".join(missing)}
        )
    round_.status = ReviewRound.Status.CONCLUDED
    round_.concluded_at = timezone.now()
    round_.concluded_by = by
    round_.full_clean()
    round_.save()
    return count


@transaction.atomic
def reopen_round(*, round_: ReviewRound) -> None:
    """Open a concluded round again (before its year is published); the conclusions stay
    until it is concluded again."""
    from reviews.publication import round_is_public

    round_ = ReviewRound.objects.select_for_update().get(pk=round_.pk)
    if round_is_public(round_):
        raise ValidationError(_("公表した年度の外部評価は再開できません。"))
    round_.status = ReviewRound.Status.OPEN
    round_.concluded_at = None
    round_.concluded_by = None
    round_.save()


# Carry-over ------------------------------------------------------------------------------


def open_opinions(queryset, fiscal_year: int):
    """Opinions of rounds before `fiscal_year` not closed (反映済み / 反映しない) by a
    progress record of a year up to `fiscal_year`."""
    closed = OpinionProgress.objects.filter(
        fiscal_year__lte=fiscal_year, status__in=CLOSING_STATUSES
    ).values("opinion_id")
    return (
        queryset.filter(round__fiscal_year__lt=fiscal_year)
        .exclude(pk__in=closed)
        .select_related("round__body", "viewpoint", "responsible_department")
        .prefetch_related("progress")
        .order_by("round__fiscal_year", "round__body__order", "order", "pk")
    )


def open_opinions_for(measure: Measure, fiscal_year: int) -> list[Opinion]:
    """The opinions still open for a measure's entry of `fiscal_year`: those on the measure
    itself, on its pillars, or on its lead departments as a whole."""
    from django.db.models import Q

    pillar_ids = []
    pillar = measure.pillar
    while pillar is not None:
        pillar_ids.append(pillar.pk)
        pillar = pillar.parent
    department_ids = list(
        measure.department_links.filter(role="lead").values_list("department_id", flat=True)
    )
    about = (
        Q(unit__kind=UnitKind.MEASURE, unit__measure=measure)
        | Q(unit__kind=UnitKind.PILLAR, unit__pillar_id__in=pillar_ids)
        | Q(unit__kind=UnitKind.DEPARTMENT, unit__department_id__in=department_ids)
    )
    return list(
        open_opinions(
            Opinion.objects.filter(about, round__body__plan_id=measure.plan_id), fiscal_year
        )
    )
