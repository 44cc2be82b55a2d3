"""Each public plan's grade or status counts of its latest published year, for the page that
compares municipalities.

A plan's latest published year is the one its plan page opens on: the latest year with a
published report or published entries. The counts are those of the plan page's overall row
(statistics.tally_rows): measures active in the year, each in the class of its published
entry, shares over the classes counted as rated, rounded as the plan rounds them. Grades are
each plan's own scheme: an A of one plan is not an A of another, so nothing here adds or
compares classes across plans.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, Grade, ImplementationStatus, Measure, Plan, Report
from public.statistics import Category, rounded_share

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


@dataclass
class Share:
    category: Category
    count: int
    share: Decimal | None  # None for classes not counted as rated


@dataclass
class DistributionRow:
    plan: Plan
    year: int | None
    scheme: str  # "grade", "status" or "" (the plan counts neither)
    shares: list[Share] = field(default_factory=list)
    counted: int = 0  # 評価対象
    excluded: int = 0  # 対象外・未評価, and entries not yet published
    total: int = 0  # active in the year

    @property
    def year_display(self) -> str:
        return fiscal_year_display(self.year) if self.year else ""

    @property
    def scheme_signature(self) -> tuple[tuple[str, str], ...]:
        """The classes as (code, label): plans with the same signature use the same words."""
        return tuple((s.category.code, s.category.label) for s in self.shares)


def latest_published_years(plan_ids: list[int]) -> dict[int, int]:
    """Each plan's latest year with a published report or a published entry (two queries)."""
    latest: dict[int, int] = {}
    reports = (
        Report.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(year=Max("fiscal_year"))
        .values_list("plan_id", "year")
    )
    entries = (
        Evaluation.objects.filter(measure__plan_id__in=plan_ids, review_status=PUBLISHED)
        .order_by()
        .values("measure__plan_id")
        .annotate(year=Max("fiscal_year"))
        .values_list("measure__plan_id", "year")
    )
    for rows in (reports, entries):
        for plan_id, year in rows:
            latest[plan_id] = max(year, latest.get(plan_id, year))
    return latest


def _active(first: int | None, last: int | None, year: int) -> bool:
    return (first is None or first <= year) and (last is None or year <= last)


def distribution_rows(plans: list[Plan]) -> list[DistributionRow]:
    """One row per plan, in the order given, in a fixed number of queries (latest years 2,
    grades, statuses, active measures, published entries of the latest years)."""
    ids = [plan.pk for plan in plans]
    latest = latest_published_years(ids)
    grades: dict[int, list[Category]] = defaultdict(list)
    for grade in Grade.objects.filter(plan_id__in=ids).order_by("plan_id", "order", "pk"):
        grades[grade.plan_id].append(Category(grade.pk, grade.code, grade.label, grade.is_rated))
    statuses: dict[int, list[Category]] = defaultdict(list)
    for status in ImplementationStatus.objects.filter(plan_id__in=ids).order_by(
        "plan_id", "order", "pk"
    ):
        statuses[status.plan_id].append(Category(status.pk, status.label, status.label))
    active: dict[int, int] = defaultdict(int)
    for plan_id, first, last, count in (
        Measure.objects.filter(plan_id__in=ids)
        .order_by()
        .values("plan_id", "first_fiscal_year", "last_fiscal_year")
        .annotate(count=Count("pk"))
        .values_list("plan_id", "first_fiscal_year", "last_fiscal_year", "count")
    ):
        year = latest.get(plan_id)
        if year is not None and _active(first, last, year):
            active[plan_id] += count
    by_grade: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_status: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for plan_id, year, grade_id, status_id, first, last, count in (
        Evaluation.objects.filter(
            measure__plan_id__in=ids,
            review_status=PUBLISHED,
            fiscal_year__in=sorted(set(latest.values())),
        )
        .order_by()
        .values(
            "measure__plan_id",
            "fiscal_year",
            "final_grade_id",
            "status_id",
            "measure__first_fiscal_year",
            "measure__last_fiscal_year",
        )
        .annotate(count=Count("pk"))
        .values_list(
            "measure__plan_id",
            "fiscal_year",
            "final_grade_id",
            "status_id",
            "measure__first_fiscal_year",
            "measure__last_fiscal_year",
            "count",
        )
    ):
        if latest.get(plan_id) != year or not _active(first, last, year):
            continue
        if grade_id is not None:
            by_grade[plan_id][grade_id] += count
        if status_id is not None:
            by_status[plan_id][status_id] += count
    rows = []
    for plan in plans:
        year = latest.get(plan.pk)
        if grades[plan.pk]:
            scheme, categories, counts = "grade", grades[plan.pk], by_grade[plan.pk]
        elif statuses[plan.pk]:
            scheme, categories, counts = "status", statuses[plan.pk], by_status[plan.pk]
        else:
            scheme, categories, counts = "", [], {}
        row = DistributionRow(plan, year, scheme)
        if year is not None:
            row.total = active[plan.pk]
            row.counted = sum(counts.get(c.pk, 0) for c in categories if c.counted)
            row.excluded = row.total - row.counted
            places = plan.share_decimal_places
            row.shares = [
                Share(
                    category,
                    counts.get(category.pk, 0),
                    rounded_share(counts.get(category.pk, 0), row.counted, places)
                    if category.counted
                    else None,
                )
                for category in categories
            ]
        rows.append(row)
    return rows


def scheme_groups(rows: list[DistributionRow]) -> list[dict]:
    """The grade schemes of the rows, each with the municipalities that use it, so a reader
    sees which plans share the same words."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        if row.scheme != "grade" or not row.shares:
            continue
        group = groups.setdefault(
            row.scheme_signature, {"classes": row.scheme_signature, "plans": []}
        )
        group["plans"].append(row.plan)
    return list(groups.values())
