"""The reform office's view of a round: per lead department and review status how many
entries there are, which entries are overdue, which grades disagree with the computed one.

A measure led by two departments counts once for each of them, and once in the total.
Every figure is read in a fixed number of queries, whatever the number of entries.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, MeasureDepartment, ReminderSent, Round

Status = Evaluation.ReviewStatus
LISTED = 50  # entries named on the page per list; the queue has the rest
NO_DEPARTMENT = "none"


@dataclass
class Cell:
    count: int
    url: str


@dataclass
class DepartmentRow:
    name: str
    cells: list[Cell]
    total: Cell


@dataclass
class Dashboard:
    round: Round
    year_display: str
    statuses: list[tuple[str, str]]
    rows: list[DepartmentRow]
    totals: DepartmentRow
    overdue: list[Evaluation]
    overdue_count: int
    overdue_url: str
    disagreements: list[Evaluation]
    disagreement_count: int
    disagreement_url: str
    is_past_deadline: bool
    reminders: list[ReminderSent] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def awaiting_count(self) -> int:
        submitted = [value for value, _label in self.statuses].index(Status.SUBMITTED)
        return self.totals.cells[submitted].count


def round_entries(round_: Round) -> QuerySet:
    return Evaluation.objects.filter(
        measure__plan_id=round_.plan_id, fiscal_year=round_.fiscal_year
    )


def disagreeing(entries: QuerySet) -> QuerySet:
    """Entries whose proposed or final grade is not the computed one (all set)."""
    return entries.filter(
        Q(proposed_grade__isnull=False, computed_grade__isnull=False)
        & ~Q(proposed_grade=F("computed_grade"))
        | Q(final_grade__isnull=False, computed_grade__isnull=False)
        & ~Q(final_grade=F("computed_grade"))
    )


def overdue(entries: QuerySet, today: datetime.date) -> QuerySet:
    """Entries not submitted although their round's deadline has passed."""
    past_deadline = Round.objects.filter(
        plan_id=OuterRef("measure__plan_id"),
        fiscal_year=OuterRef("fiscal_year"),
        deadline__lt=today,
    )
    return entries.filter(Exists(past_deadline)).outstanding()


def queue_url(round_: Round, **filters) -> str:
    """The review queue narrowed to the round and the given filters."""
    query = {"plan": round_.plan_id, "fiscal_year__exact": round_.fiscal_year, **filters}
    return f"{reverse('admin:measures_evaluation_changelist')}?{urlencode(query)}"


def _listed(entries: QuerySet) -> list[Evaluation]:
    return list(
        entries.select_related(
            "measure", "proposed_grade", "computed_grade", "final_grade"
        ).prefetch_related(
            Prefetch(
                "measure__department_links",
                queryset=MeasureDepartment.objects.filter(
                    role=MeasureDepartment.Role.LEAD
                ).select_related("department"),
                to_attr="leads",
            )
        )[:LISTED]
    )


def round_dashboard(round_: Round, *, today: datetime.date) -> Dashboard:
    entries = round_entries(round_)
    statuses = list(Status.choices)
    per_department: dict[tuple[int | None, str], dict[str, int]] = {}
    lead_counts = (
        MeasureDepartment.objects.filter(
            role=MeasureDepartment.Role.LEAD,
            measure__plan_id=round_.plan_id,
            measure__evaluations__fiscal_year=round_.fiscal_year,
        )
        .values("department_id", "department__name", "measure__evaluations__review_status")
        .annotate(count=Count("pk"))
    )
    for row in lead_counts:
        key = (row["department_id"], row["department__name"])
        per_department.setdefault(key, {})[row["measure__evaluations__review_status"]] = row[
            "count"
        ]
    lead = MeasureDepartment.objects.filter(
        measure_id=OuterRef("measure_id"), role=MeasureDepartment.Role.LEAD
    )
    unled = entries.filter(~Exists(lead)).values("review_status").annotate(count=Count("pk"))
    unled_counts = {row["review_status"]: row["count"] for row in unled}
    if unled_counts:
        per_department[(None, str(_("（担当課なし）")))] = unled_counts
    totals = {
        row["review_status"]: row["count"]
        for row in entries.values("review_status").annotate(count=Count("pk"))
    }

    def row_of(name: str, counts: dict[str, int], department=None) -> DepartmentRow:
        filters = {} if department is None else {"department": department}
        cells = [
            Cell(counts.get(value, 0), queue_url(round_, review_status__exact=value, **filters))
            for value, _label in statuses
        ]
        return DepartmentRow(name, cells, Cell(sum(counts.values()), queue_url(round_, **filters)))

    rows = [
        row_of(name, counts, NO_DEPARTMENT if pk is None else pk)
        for (pk, name), counts in sorted(
            per_department.items(), key=lambda item: (item[0][0] is None, item[0][1])
        )
    ]
    late = overdue(entries, today).order_by("measure__order", "measure_id")
    differing = disagreeing(entries).order_by("measure__order", "measure_id")
    plan_year = [round_.plan_id, round_.fiscal_year]
    return Dashboard(
        round=round_,
        year_display=fiscal_year_display(round_.fiscal_year),
        statuses=statuses,
        rows=rows,
        totals=row_of(str(_("合計")), totals),
        overdue=_listed(late),
        overdue_count=late.count(),
        overdue_url=queue_url(round_, overdue="yes"),
        disagreements=_listed(differing),
        disagreement_count=differing.count(),
        disagreement_url=queue_url(round_, disagreement="yes"),
        is_past_deadline=round_.deadline < today,
        reminders=list(
            ReminderSent.objects.filter(round=round_)
            .select_related("department")
            .order_by("-sent_at", "department__name")[:LISTED]
        ),
        links={
            "awaiting": queue_url(round_, review_status__exact=Status.SUBMITTED),
            "preview": reverse("admin:measures_report_preview", args=plan_year),
            "confirm": reverse("admin:measures_report_confirm", args=plan_year),
            "round": reverse("admin:measures_round_change", args=[round_.pk]),
        },
    )
