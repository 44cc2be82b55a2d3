"""Every published year's report revisions with their files, for the plan page: each
revision's PDFs (with their digests) and its table as xlsx in each of the plan's layouts,
as the report page offers them."""

from dataclasses import dataclass, field

from measures.fiscal_years import fiscal_year_display
from measures.models import Plan, Report, ReportFile
from public import published
from public.reports.layouts import BUILT_IN


@dataclass(frozen=True)
class LayoutLink:
    key: str  # what ?layout= names
    name: str


@dataclass
class Revision:
    report: Report
    files: list[ReportFile] = field(default_factory=list)


@dataclass
class YearReports:
    fiscal_year: int
    display: str
    revisions: list[Revision] = field(default_factory=list)  # newest first

    @property
    def latest(self) -> Revision:
        return self.revisions[0]


def layout_links(plan: Plan) -> list[LayoutLink]:
    """The plan's layouts by key and name only (the report page resolves their columns)."""
    saved = [
        LayoutLink(str(pk), name)
        for pk, name in plan.report_layouts.order_by("order", "pk").values_list("pk", "name")
    ]
    return saved or [LayoutLink(spec.key, spec.name) for spec in BUILT_IN]


def reports_by_year(plan: Plan) -> list[YearReports]:
    """The plan's published years, newest first, each with its revisions (newest first) and
    their files; no revision's content is read."""
    reports = list(published.latest_reports(plan).defer("content"))
    files: dict[int, list[ReportFile]] = {}
    for item in ReportFile.objects.filter(report__plan=plan).defer("content").order_by("pk"):
        files.setdefault(item.report_id, []).append(item)
    years: dict[int, YearReports] = {}
    for report in sorted(reports, key=lambda r: (-r.fiscal_year, -r.revision)):
        year = years.setdefault(
            report.fiscal_year,
            YearReports(report.fiscal_year, fiscal_year_display(report.fiscal_year)),
        )
        year.revisions.append(Revision(report, files.get(report.pk, [])))
    return list(years.values())
