"""What citizens may see: public plans, and of their yearly results only what was published.

Every public page, filter, download and API answer reads through these functions: a plan is
shown when the reform office made it public; an evaluation when it is published; a
measure's actual value, step result or effect result of a year by the rule in
`measures.publication`, decided per measure and year, never for a whole year of the plan.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Value
from django.shortcuts import get_object_or_404

from measures.goals import GoalProgress, goal_progress
from measures.models import (
    EffectAmount,
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    PeriodResult,
    Pillar,
    Plan,
    PlanGoalResult,
    Report,
)
from measures.publication import result_shown, result_shown_q
from municipalities.models import Municipality

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def public_plans():
    return Plan.objects.public().select_related("municipality")


def public_municipalities():
    return Municipality.objects.filter(plans__is_public=True).distinct()


def get_public_plan(slug: str, pk: int) -> Plan:
    return get_object_or_404(public_plans(), municipality__slug=slug, pk=pk)


@dataclass(frozen=True)
class PublishedYears:
    """The years a plan has published: `years` to offer citizens (those with a published
    report or published entries), `reported` those with a published report."""

    years: list[int]
    reported: frozenset[int]


def published_years(plan: Plan) -> PublishedYears:
    """Both sets of years in one query."""
    rows = (
        Report.objects.filter(plan=plan)
        .order_by()
        .values_list("fiscal_year", Value("report"))
        .union(
            Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED)
            .order_by()
            .values_list("fiscal_year", Value("entry"))
        )
    )
    rows = list(rows)
    return PublishedYears(
        years=sorted({year for year, _kind in rows}),
        reported=frozenset(year for year, kind in rows if kind == "report"),
    )


def published_evaluations(plan: Plan):
    return Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED).select_related(
        "final_grade", "status"
    )


def published_period_result(measure: Measure) -> PeriodResult | None:
    """The measure's result over the plan period, once published."""
    return (
        PeriodResult.objects.filter(measure=measure, published_at__isnull=False)
        .select_related("grade", "status")
        .first()
    )


def measures_for_public(plan: Plan, reported: frozenset[int]):
    """The plan's measures with everything the measure page shows, in a fixed number of
    queries: departments, effect amounts, published evaluations (`published`), the years of
    all entries (`entries`), and every indicator with its visible values."""
    values = IndicatorValue.objects.filter(
        ~Q(kind=IndicatorValue.Kind.ACTUAL)
        | result_shown_q(plan, "indicator__measure_id", reported)
    )
    return (
        Measure.objects.filter(plan=plan)
        .select_related("pillar", "merged_into")
        .prefetch_related(
            department_links(),
            "merged_items",
            "effects",
            Prefetch(
                "evaluations",
                queryset=published_evaluations(plan).order_by("fiscal_year"),
                to_attr="published",
            ),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.only("measure_id", "fiscal_year"),
                to_attr="entries",
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(Prefetch("values", queryset=values)),
            ),
        )
        .order_by("order", "pk")
    )


# What lists of measures leave out: the long texts only the measure page shows.
LONG_TEXTS = (
    "current_situation",
    "goal",
    "content",
    "future_direction",
    "related_plans",
    "comprehensive_plan_position",
    "co_creation_text",
    "notes",
)


def measures_for_list(plan: Plan):
    """The plan's measures with what lists show: number, title and departments."""
    return (
        Measure.objects.filter(plan=plan)
        .defer(*LONG_TEXTS)
        .prefetch_related(department_links())
        .order_by("order", "pk")
    )


def with_published(measures, plan: Plan):
    """Adds each measure's published evaluations, oldest first, as `published`: their
    grades and Do text only."""
    evaluations = (
        published_evaluations(plan)
        .order_by("fiscal_year")
        .only("measure_id", "fiscal_year", "do_text", "final_grade", "status")
    )
    return measures.prefetch_related(
        Prefetch("evaluations", queryset=evaluations, to_attr="published")
    )


def results_of_year(plan: Plan, year: int) -> dict[int, Evaluation]:
    """Each measure's published evaluation of the year (its grade and status), by measure."""
    return {
        evaluation.measure_id: evaluation
        for evaluation in published_evaluations(plan)
        .select_related("status")
        .filter(fiscal_year=year)
        .order_by()
        .only("measure_id", "final_grade", "status")
    }


def department_links() -> Prefetch:
    return Prefetch(
        "department_links", queryset=MeasureDepartment.objects.select_related("department")
    )


@dataclass(frozen=True)
class EffectOutline:
    """A measure's effect amounts (yen) of one year and basis; actuals only where public."""

    fiscal_year: int
    basis: str
    planned_revenue: int | None
    planned_saving: int | None
    actual_revenue: int | None
    actual_saving: int | None

    def amount(self, kind: str, part: str) -> int | None:
        """kind: planned | actual; part: revenue | saving | total."""
        revenue, saving = getattr(self, f"{kind}_revenue"), getattr(self, f"{kind}_saving")
        if part == "revenue":
            return revenue
        if part == "saving":
            return saving
        return EffectAmount.total_of(revenue, saving)


@dataclass
class MeasureOutline:
    """What the plan page counts of a measure: its pillar and active years, its published
    final grade and status of each year, and its effect amounts."""

    pillar_id: int | None
    first_year: int | None = None
    last_year: int | None = None
    grades: dict[int, int | None] = field(default_factory=dict)
    statuses: dict[int, int | None] = field(default_factory=dict)
    effects: list[EffectOutline] = field(default_factory=list)
    entries: set[int] = field(default_factory=set)

    def is_active(self, fiscal_year: int) -> bool:
        return (self.first_year is None or self.first_year <= fiscal_year) and (
            self.last_year is None or fiscal_year <= self.last_year
        )


def measure_outlines(plan: Plan, reported: frozenset[int]) -> list[MeasureOutline]:
    """Every measure of the plan as an outline, read as plain values in three queries: the
    plan page counts hundreds of rows and shows none of them."""
    outlines = {
        pk: MeasureOutline(pillar_id, first, last)
        for pk, pillar_id, first, last in Measure.objects.filter(plan=plan)
        .order_by("order", "pk")
        .values_list("pk", "pillar_id", "first_fiscal_year", "last_fiscal_year")
    }
    for measure_id, year, review_status, grade_id, status_id in (
        Evaluation.objects.filter(measure__plan=plan)
        .order_by()
        .values_list("measure_id", "fiscal_year", "review_status", "final_grade_id", "status_id")
    ):
        outline = outlines[measure_id]
        outline.entries.add(year)
        if review_status == PUBLISHED:
            outline.grades[year] = grade_id
            outline.statuses[year] = status_id
    effects = (
        EffectAmount.objects.filter(measure__plan=plan)
        .order_by("fiscal_year")
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
    for measure_id, year, basis, *amounts in effects:
        outline = outlines[measure_id]
        if not result_shown(
            year,
            first_year=plan.first_fiscal_year,
            reported=reported,
            entries=outline.entries,
            published_entries=outline.grades.keys(),
        ):
            amounts[2] = amounts[3] = None
        outline.effects.append(EffectOutline(year, basis, *amounts))
    return list(outlines.values())


def shown_years(measure: Measure, plan: Plan, reported: frozenset[int]):
    """A test of the years whose results of the measure are public, from its prefetched
    `published` and `entries`."""
    entries = {evaluation.fiscal_year for evaluation in measure.entries}
    published = {evaluation.fiscal_year for evaluation in measure.published}

    def shown(fiscal_year: int) -> bool:
        return result_shown(
            fiscal_year,
            first_year=plan.first_fiscal_year,
            reported=reported,
            entries=entries,
            published_entries=published,
        )

    return shown


def steps_for_public(measure: Measure, plan: Plan, reported: frozenset[int]):
    """Steps with their years; a year's result text only where its results are public."""
    shown = shown_years(measure, plan, reported)
    steps = list(measure.steps.prefetch_related("years", "departments"))
    for step in steps:
        for year in step.years.all():
            if not shown(year.fiscal_year):
                year.actual = year.progress = year.next_steps = ""
    return steps


def effects_for_public(
    measure: Measure, plan: Plan, reported: frozenset[int]
) -> list[EffectAmount]:
    """The measure's effect amounts (prefetched); actual amounts only where public."""
    shown = shown_years(measure, plan, reported)
    effects = list(measure.effects.all())
    for effect in effects:
        if not shown(effect.fiscal_year):
            effect.actual_revenue = effect.actual_saving = None
    return effects


def goals_for_public(plan: Plan, reported: frozenset[int]) -> list[GoalProgress]:
    """The plan-level goals with the results of years whose report is published."""
    results = PlanGoalResult.objects.filter(
        Q(fiscal_year__in=sorted(reported)) | Q(fiscal_year__lt=plan.first_fiscal_year)
    )
    goals = plan.goals.prefetch_related(Prefetch("results", queryset=results)).order_by(
        "order", "pk"
    )
    return [goal_progress(goal, goal.results.all(), plan.share_decimal_places) for goal in goals]


def pillar_roots(plan: Plan) -> tuple[list[Pillar], list[Pillar], dict[int, Pillar]]:
    """The plan's pillars in order, its top pillars, and for every pillar its top pillar."""
    pillars = list(Pillar.objects.filter(plan=plan).order_by("order", "pk"))
    by_id = {pillar.pk: pillar for pillar in pillars}

    def root(pillar: Pillar) -> Pillar:
        while pillar.parent_id:
            pillar = by_id[pillar.parent_id]
        return pillar

    return pillars, [p for p in pillars if p.parent_id is None], {p.pk: root(p) for p in pillars}


def latest_reports(plan: Plan):
    return Report.objects.filter(plan=plan).order_by("fiscal_year", "revision")
