"""What citizens may see: public plans, and of their yearly results only what was published.

Every public page, filter, download and API answer reads through these functions, so the
rule lives in one place: a plan is shown when the reform office made it public; an
evaluation when it is published; a measure's actual value, step result or effect result of
a year only when that measure's evaluation of that year is published (or when the year is
from before the plan began, as the published plan itself shows). Visibility is decided per
measure and year, never for a whole year of the plan: one published entry must not expose
the drafts of the other measures of its year.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
    Report,
)
from municipalities.models import Municipality

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def public_plans():
    return Plan.objects.public().select_related("municipality")


def public_municipalities():
    return Municipality.objects.filter(plans__is_public=True).distinct()


def get_public_plan(slug: str, pk: int) -> Plan:
    return get_object_or_404(public_plans(), municipality__slug=slug, pk=pk)


def published_years(plan: Plan) -> list[int]:
    return sorted(
        set(
            Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED)
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
    )


def result_published_q(plan: Plan, measure_field: str) -> Q:
    """Rows of a measure's yearly results (with a `fiscal_year`) that citizens may see: the
    measure's evaluation of that year is published, or the year is before the plan began.
    `measure_field` is the lookup from the row to its measure's id."""
    published = Evaluation.objects.filter(
        measure_id=OuterRef(measure_field),
        fiscal_year=OuterRef("fiscal_year"),
        review_status=PUBLISHED,
    )
    return Q(fiscal_year__lt=plan.first_fiscal_year) | Q(Exists(published))


def published_evaluations(plan: Plan):
    return Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED).select_related(
        "final_grade"
    )


def measures_for_public(plan: Plan):
    """The plan's measures with everything the measure page shows, in a fixed number of
    queries: departments, effect amounts, published evaluations, and every indicator with
    its visible values."""
    values = IndicatorValue.objects.filter(
        ~Q(kind=IndicatorValue.Kind.ACTUAL) | result_published_q(plan, "indicator__measure_id")
    )
    return (
        Measure.objects.filter(plan=plan)
        .select_related("pillar")
        .prefetch_related(
            _department_links(),
            "effects",
            Prefetch(
                "evaluations",
                queryset=published_evaluations(plan).order_by("fiscal_year"),
                to_attr="published",
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
        .prefetch_related(_department_links())
        .order_by("order", "pk")
    )


def with_published(measures, plan: Plan):
    """Adds each measure's published evaluations, oldest first, as `published`: their
    grades and Do text only."""
    evaluations = (
        published_evaluations(plan)
        .order_by("fiscal_year")
        .only("measure_id", "fiscal_year", "do_text", "final_grade")
    )
    return measures.prefetch_related(
        Prefetch("evaluations", queryset=evaluations, to_attr="published")
    )


def grades_of_year(plan: Plan, year: int) -> dict[int, Grade | None]:
    """Each measure's published final grade of the year, by measure id."""
    return {
        evaluation.measure_id: evaluation.final_grade
        for evaluation in published_evaluations(plan)
        .filter(fiscal_year=year)
        .order_by()
        .only("measure_id", "final_grade")
    }


def _department_links() -> Prefetch:
    return Prefetch(
        "department_links", queryset=MeasureDepartment.objects.select_related("department")
    )


@dataclass
class MeasureOutline:
    """What the plan page counts of a measure: its pillar, its published final grade of each
    year, and its effect amounts (yen) as (fiscal year, planned total, actual total)."""

    pillar_id: int | None
    grades: dict[int, int | None] = field(default_factory=dict)
    effects: list[tuple[int, int | None, int | None]] = field(default_factory=list)


def measure_outlines(plan: Plan) -> list[MeasureOutline]:
    """Every measure of the plan as an outline, read as plain values in three queries: the
    plan page counts hundreds of rows and shows none of them."""
    outlines = {
        pk: MeasureOutline(pillar_id)
        for pk, pillar_id in Measure.objects.filter(plan=plan)
        .order_by("order", "pk")
        .values_list("pk", "pillar_id")
    }
    for measure_id, year, grade_id in (
        published_evaluations(plan)
        .order_by()
        .values_list("measure_id", "fiscal_year", "final_grade_id")
    ):
        outlines[measure_id].grades[year] = grade_id
    effects = (
        EffectAmount.objects.filter(measure__plan=plan)
        .order_by()
        .values_list(
            "measure_id",
            "fiscal_year",
            "planned_revenue",
            "planned_saving",
            "actual_revenue",
            "actual_saving",
        )
    )
    for measure_id, year, *amounts in effects:
        outline = outlines[measure_id]
        planned = EffectAmount.total_of(amounts[0], amounts[1])
        actual = EffectAmount.total_of(amounts[2], amounts[3])
        if not results_shown(plan, outline.grades.keys(), year):
            actual = None
        outline.effects.append((year, planned, actual))
    return list(outlines.values())


def results_shown(plan: Plan, measure_years: Iterable[int], fiscal_year: int) -> bool:
    """Whether a measure's results of a year may be shown: `measure_years` are the years of
    that measure's published evaluations; years from before the plan began came with the
    published plan."""
    return fiscal_year < plan.first_fiscal_year or fiscal_year in measure_years


def published_years_of(measure: Measure) -> set[int]:
    """The years of the measure's published evaluations (prefetched as `published`)."""
    return {evaluation.fiscal_year for evaluation in measure.published}


def steps_for_public(measure: Measure, plan: Plan):
    """Steps with their years; a year's result text only when the measure's evaluation of
    that year is published."""
    shown = published_years_of(measure)
    steps = list(measure.steps.prefetch_related("years", "departments"))
    for step in steps:
        for year in step.years.all():
            if not results_shown(plan, shown, year.fiscal_year):
                year.actual = year.progress = year.next_steps = ""
    return steps


def effects_for_public(measure: Measure, plan: Plan) -> list[EffectAmount]:
    """The measure's effect amounts (prefetched); actual amounts only of the years whose
    evaluation of the measure is published."""
    shown = published_years_of(measure)
    effects = list(measure.effects.all())
    for effect in effects:
        if not results_shown(plan, shown, effect.fiscal_year):
            effect.actual_revenue = effect.actual_saving = None
    return effects


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
