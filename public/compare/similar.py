"""Measures of all public plans found by words in their titles and goals, with each one's
latest published grade or status and its latest public effect amount."""

from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import add, and_, or_

from django.db.models import Case, IntegerField, Q, Value, When

from measures.fiscal_years import fiscal_year_display
from measures.models import Basis, EffectAmount, Evaluation, Measure, Report
from measures.publication import result_shown

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def _word_q(word: str) -> Q:
    return Q(title__icontains=word) | Q(goal__icontains=word)


def matching_measures(measures, words: list[str], *, any_word: bool):
    """Measures whose title or goal holds every word, or (any_word) at least one, those
    holding the most words first."""
    if not words:
        return measures.none()
    if not any_word:
        return measures.filter(reduce(and_, (_word_q(w) for w in words))).order_by(
            "plan__municipality__code", "plan_id", "order", "pk"
        )
    score = reduce(
        add,
        (
            Case(When(_word_q(w), then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
    )
    return (
        measures.filter(reduce(or_, (_word_q(w) for w in words)))
        .annotate(score=score)
        .order_by("-score", "plan__municipality__code", "plan_id", "order", "pk")
    )


def public_measures():
    """Measures of public plans, with what a result row shows of them."""
    return (
        Measure.objects.filter(plan__is_public=True)
        .select_related("plan__municipality")
        .only(
            "pk",
            "code",
            "sub_number",
            "title",
            "order",
            "plan__name",
            "plan__first_fiscal_year",
            "plan__municipality__name",
            "plan__municipality__slug",
            "plan__municipality__code",
            "plan__municipality__prefecture",
            "plan__municipality__population",
        )
    )


@dataclass
class Result:
    grade_code: str = ""
    grade_label: str = ""
    grade_year: int | None = None
    effect: int | None = None
    effect_kind: str = ""  # "actual" | "planned"
    effect_basis: str = ""
    effect_year: int | None = None

    @property
    def grade_year_display(self) -> str:
        return fiscal_year_display(self.grade_year) if self.grade_year else ""

    @property
    def effect_year_display(self) -> str:
        return fiscal_year_display(self.effect_year) if self.effect_year else ""


def add_results(measures: list[Measure]) -> None:
    """Give each measure `result`: its latest published grade (or status) and its latest
    effect amount, the actual where public, else the planned one. Three queries."""
    ids = [m.pk for m in measures]
    plan_ids = {m.plan_id for m in measures}
    entries: dict[int, set[int]] = defaultdict(set)
    published: dict[int, set[int]] = defaultdict(set)
    results = {m.pk: Result() for m in measures}
    for evaluation in (
        Evaluation.objects.filter(measure_id__in=ids)
        .select_related("final_grade", "status")
        .only(
            "measure_id",
            "fiscal_year",
            "review_status",
            "final_grade__code",
            "final_grade__label",
            "status__label",
        )
        .order_by("fiscal_year")
    ):
        entries[evaluation.measure_id].add(evaluation.fiscal_year)
        if evaluation.review_status != PUBLISHED:
            continue
        published[evaluation.measure_id].add(evaluation.fiscal_year)
        result = results[evaluation.measure_id]
        if evaluation.final_grade_id:
            result.grade_code = evaluation.final_grade.code
            result.grade_label = evaluation.final_grade.label
            result.grade_year = evaluation.fiscal_year
        elif evaluation.status_id:
            result.grade_code = result.grade_label = evaluation.status.label
            result.grade_year = evaluation.fiscal_year
    reported: dict[int, set[int]] = defaultdict(set)
    for plan_id, year in Report.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "fiscal_year"
    ):
        reported[plan_id].add(year)
    by_pk = {m.pk: m for m in measures}
    # Oldest first and, within a year, the cumulative figure before the single-year one,
    # so that the last one kept is the latest year's single-year figure where it has one.
    effects = EffectAmount.objects.filter(measure_id__in=ids).order_by("fiscal_year", "basis")
    for effect in effects:
        measure = by_pk[effect.measure_id]
        result = results[measure.pk]
        shown = result_shown(
            effect.fiscal_year,
            first_year=measure.plan.first_fiscal_year,
            reported=reported[measure.plan_id],
            entries=entries[measure.pk],
            published_entries=published[measure.pk],
        )
        actual = effect.actual_total if shown else None
        if actual is not None:
            kind, amount = "actual", actual
        elif effect.planned_total is not None and result.effect_kind != "actual":
            kind, amount = "planned", effect.planned_total
        else:
            continue
        result.effect, result.effect_kind = amount, kind
        result.effect_basis = Basis(effect.basis).label
        result.effect_year = effect.fiscal_year
    for measure in measures:
        measure.result = results[measure.pk]
