"""What a row of the search across municipalities shows of each measure found: its
latest published grade or status and its latest public effect amount."""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from measures.fiscal_years import fiscal_year_display
from measures.models import (
    Basis,
    EffectAmount,
    Evaluation,
    Grade,
    ImplementationStatus,
    Measure,
    Plan,
    Report,
)
from measures.publication import result_shown

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def measures_shown(pks: list[int]) -> list[Measure]:
    """The measures of public plans among pks, in that order, with what a result row shows
    of them and their plans. Two queries, each led by its keys (a join let PostgreSQL hash
    every plan of the country for fifty rows)."""
    measures = Measure.objects.filter(pk__in=pks).only(
        "pk", "plan_id", "code", "sub_number", "title", "order"
    )
    measures = list(measures)
    plans = (
        Plan.objects.filter(pk__in={m.plan_id for m in measures}, is_public=True)
        .select_related("municipality")
        .only(
            "pk",
            "name",
            "first_fiscal_year",
            "municipality__name",
            "municipality__slug",
            "municipality__code",
            "municipality__prefecture",
            "municipality__population",
        )
        .in_bulk()
    )
    place = {pk: n for n, pk in enumerate(pks)}
    shown = []
    for measure in sorted(measures, key=lambda m: place[m.pk]):
        plan = plans.get(measure.plan_id)
        if plan is not None:  # made private since the index was read
            measure.plan = plan
            shown.append(measure)
    return shown


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
    effect amount, the actual where public, else the planned one. Five queries at most, each
    led by its keys."""
    if not measures:
        return
    ids = [m.pk for m in measures]
    plan_ids = {m.plan_id for m in measures}
    entries: dict[int, set[int]] = defaultdict(set)
    published: dict[int, set[int]] = defaultdict(set)
    results = {m.pk: Result() for m in measures}
    evaluations = (
        Evaluation.objects.filter(measure_id__in=ids)
        .order_by("fiscal_year")
        .values_list("measure_id", "fiscal_year", "review_status", "final_grade_id", "status_id")
    )
    latest: dict[int, tuple[int, int | None, int | None]] = {}
    for measure_id, year, review_status, grade_id, status_id in evaluations:
        entries[measure_id].add(year)
        if review_status != PUBLISHED:
            continue
        published[measure_id].add(year)
        if grade_id is not None or status_id is not None:
            latest[measure_id] = (year, grade_id, status_id)
    grades = Grade.objects.filter(pk__in={g for _y, g, _s in latest.values() if g}).in_bulk()
    statuses = ImplementationStatus.objects.filter(
        pk__in={s for _y, g, s in latest.values() if s and not g}
    ).in_bulk()
    for measure_id, (year, grade_id, status_id) in latest.items():
        result = results[measure_id]
        result.grade_year = year
        if grade_id is not None:
            grade = grades[grade_id]
            result.grade_code, result.grade_label = grade.code, grade.label
        else:
            result.grade_code = result.grade_label = statuses[status_id].label
    reported: dict[int, set[int]] = defaultdict(set)
    for plan_id, year in Report.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "fiscal_year"
    ):
        reported[plan_id].add(year)
    by_pk = {m.pk: m for m in measures}
    # Oldest first and, within a year, the cumulative figure before the single-year one,
    # so that the last one kept is the latest year's single-year figure where it has one.
    effects = (
        EffectAmount.objects.filter(measure_id__in=ids)
        .order_by("fiscal_year", "basis")
        .values_list(
            "measure_id",
            "fiscal_year",
            "basis",
            "planned_revenue",
            "planned_saving",
            "actual_revenue",
            "actual_saving",
        )
    )
    labels = dict(Basis.choices)
    for measure_id, year, basis, *amounts in effects:
        planned_revenue, planned_saving, actual_revenue, actual_saving = amounts
        measure = by_pk[measure_id]
        result = results[measure_id]
        shown = result_shown(
            year,
            first_year=measure.plan.first_fiscal_year,
            reported=reported[measure.plan_id],
            entries=entries[measure_id],
            published_entries=published[measure_id],
        )
        actual = EffectAmount.total_of(actual_revenue, actual_saving) if shown else None
        planned = EffectAmount.total_of(planned_revenue, planned_saving)
        if actual is not None:
            kind, amount = "actual", actual
        elif planned is not None and result.effect_kind != "actual":
            kind, amount = "planned", planned
        else:
            continue
        result.effect, result.effect_kind = amount, kind
        result.effect_basis = labels[basis]
        result.effect_year = year
    for measure in measures:
        measure.result = results[measure.pk]


def add_urls(measures: list[Measure]) -> None:
    """Give each measure `url`, its page's address: the plan's search address (reversed once
    for each plan) and the measure's key."""
    searches: dict[int, str] = {}
    for measure in measures:
        search = searches.get(measure.plan_id)
        if search is None:
            slug = measure.plan.municipality.slug
            search = searches[measure.plan_id] = reverse(
                "public:search", args=[slug, measure.plan_id]
            )
        measure.url = f"{search}{measure.pk}/"
