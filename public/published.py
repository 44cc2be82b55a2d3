"""What citizens may see: public plans, and of their yearly results only published years.

Every public page, filter, download and API answer reads through these functions, so the
rule lives in one place: a plan is shown when the reform office made it public; an
evaluation when it is published; an actual value, a step's result or an effect result only
for a published year (or from before the plan began, as the published plan itself shows).
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from measures.models import (
    Evaluation,
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


def visible_year_q(plan: Plan, years: list[int], field: str = "fiscal_year") -> Q:
    return Q(**{f"{field}__in": years}) | Q(**{f"{field}__lt": plan.first_fiscal_year})


def published_evaluations(plan: Plan):
    return Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED).select_related(
        "final_grade"
    )


def measures_for_public(plan: Plan, years: list[int], *, details: bool = True):
    """The plan's measures with what public pages show, in a fixed number of queries.

    With details (the measure page) every indicator with its visible values; without, only
    what lists and statistics need: departments, published grades and the year's texts,
    and effect amounts.
    """
    queryset = (
        Measure.objects.filter(plan=plan)
        .select_related("pillar")
        .prefetch_related(
            Prefetch(
                "department_links",
                queryset=MeasureDepartment.objects.select_related("department"),
            ),
            "effects",
        )
        .order_by("order", "pk")
    )
    evaluations = published_evaluations(plan).order_by("fiscal_year")
    if not details:
        # Lists and statistics need the grades and the Do text, not the other long texts.
        evaluations = evaluations.defer("plan_text", "check_text", "action_text", "override_reason")
    queryset = queryset.prefetch_related(
        Prefetch("evaluations", queryset=evaluations, to_attr="published")
    )
    if not details:
        return queryset
    values = IndicatorValue.objects.filter(
        ~Q(kind=IndicatorValue.Kind.ACTUAL) | visible_year_q(plan, years)
    )
    return queryset.prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(Prefetch("values", queryset=values)),
        )
    )


def steps_for_public(measure: Measure, plan: Plan, years: list[int]):
    """Steps with their years; a year's result text only when the year is published."""
    steps = list(measure.steps.prefetch_related("years", "departments"))
    shown = set(years)
    for step in steps:
        for year in step.years.all():
            if year.fiscal_year not in shown and year.fiscal_year >= plan.first_fiscal_year:
                year.actual = year.progress = year.next_steps = ""
    return steps


def pillar_roots(plan: Plan) -> tuple[list[Pillar], dict[int, Pillar]]:
    """The plan's top pillars, and for every pillar its top pillar."""
    pillars = list(Pillar.objects.filter(plan=plan).order_by("order", "pk"))
    by_id = {pillar.pk: pillar for pillar in pillars}

    def root(pillar: Pillar) -> Pillar:
        while pillar.parent_id:
            pillar = by_id[pillar.parent_id]
        return pillar

    return [p for p in pillars if p.parent_id is None], {p.pk: root(p) for p in pillars}


def latest_reports(plan: Plan):
    return Report.objects.filter(plan=plan).order_by("fiscal_year", "revision")
