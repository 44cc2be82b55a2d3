"""Each public plan's effect amounts (効果額) per fiscal year, summed over its measures, for
the page that compares municipalities.

Planned amounts are part of the published plan; an actual amount counts only where the
measure's result of the year is public (measures.publication.result_shown, decided per
measure and year). A year whose actuals are public for some measures only says so.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from measures.fiscal_years import fiscal_year_display
from measures.models import EffectAmount, Evaluation, Plan, Report
from measures.publication import result_shown

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED
PARTS = ("revenue", "saving", "total")


def _add(total: int | None, amount: int | None) -> int | None:
    if amount is None:
        return total
    return (total or 0) + amount


@dataclass
class YearEffect:
    fiscal_year: int
    planned: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(PARTS))
    actual: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(PARTS))
    # Measures with amounts of the year whose results are not public yet (whether or not
    # they hold an actual figure, which is not for citizens to learn)
    unpublished: int = 0

    @property
    def label(self) -> str:
        return fiscal_year_display(self.fiscal_year)

    def add(self, planned: tuple, actual: tuple | None) -> None:
        for amounts, target in ((planned, self.planned), (actual, self.actual)):
            if amounts is None:
                continue
            revenue, saving = amounts
            target["revenue"] = _add(target["revenue"], revenue)
            target["saving"] = _add(target["saving"], saving)
            target["total"] = _add(target["total"], EffectAmount.total_of(revenue, saving))


@dataclass
class PlanEffects:
    plan: Plan
    years: list[YearEffect]

    @property
    def latest_actual(self) -> YearEffect | None:
        """The latest year with a public actual total."""
        return next((y for y in reversed(self.years) if y.actual["total"] is not None), None)

    def per_person(self, year: YearEffect) -> int | None:
        """The year's public actual total in yen per inhabitant (2020 census)."""
        population = self.plan.municipality.population
        if not population or year.actual["total"] is None:
            return None
        return round(year.actual["total"] / population)


def plan_effects(plans: list[Plan], *, basis: str, year: int | None = None) -> list[PlanEffects]:
    """Per plan (in the order given) its years with any amount of the basis, in three
    queries: the effect amounts, the years of the measures' entries and the reports."""
    ids = [plan.pk for plan in plans]
    amounts = EffectAmount.objects.filter(measure__plan_id__in=ids, basis=basis)
    if year is not None:
        amounts = amounts.filter(fiscal_year=year)
    amounts = amounts.order_by().values_list(
        "measure_id",
        "measure__plan_id",
        "fiscal_year",
        "planned_revenue",
        "planned_saving",
        "actual_revenue",
        "actual_saving",
    )
    entries: dict[int, set[int]] = defaultdict(set)
    published: dict[int, set[int]] = defaultdict(set)
    for measure_id, fiscal_year, review_status in (
        Evaluation.objects.filter(measure__plan_id__in=ids)
        .order_by()
        .values_list("measure_id", "fiscal_year", "review_status")
    ):
        entries[measure_id].add(fiscal_year)
        if review_status == PUBLISHED:
            published[measure_id].add(fiscal_year)
    reported: dict[int, set[int]] = defaultdict(set)
    for plan_id, fiscal_year in (
        Report.objects.filter(plan_id__in=ids).order_by().values_list("plan_id", "fiscal_year")
    ):
        reported[plan_id].add(fiscal_year)
    first_years = {plan.pk: plan.first_fiscal_year for plan in plans}
    years: dict[int, dict[int, YearEffect]] = defaultdict(dict)
    for measure_id, plan_id, fiscal_year, *values in amounts:
        shown = result_shown(
            fiscal_year,
            first_year=first_years[plan_id],
            reported=reported[plan_id],
            entries=entries[measure_id],
            published_entries=published[measure_id],
        )
        cell = years[plan_id].setdefault(fiscal_year, YearEffect(fiscal_year))
        actual = (values[2], values[3])
        cell.add((values[0], values[1]), actual if shown else None)
        if not shown:
            cell.unpublished += 1
    return [
        PlanEffects(plan, [years[plan.pk][y] for y in sorted(years[plan.pk])]) for plan in plans
    ]
