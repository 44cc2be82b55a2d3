"""Import a plan document (docs/data-format.md) into the database.

`import_plan_document` is the one entry point: the management command, the admin upload and
the demo loader all call it. It checks the whole document first, then writes inside one
transaction; any problem, found early or while saving, rolls everything back and is reported
with the place in the document, the field and the reason, in Japanese. Rows are matched by
natural keys (municipality code, plan name, measure code and sub-number, fiscal year), so
importing the same file twice changes nothing and a corrected file updates rows in place.
Rows are only saved when a value differs, which keeps the history free of empty changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from measures.models import EffectAmount, Plan, PlanGoalResult, Report
from measures.plan_files.exporting import FORMAT
from measures.plan_files.importing.base import ReaderBase, request_user
from measures.plan_files.importing.effects import EffectPart
from measures.plan_files.importing.indicators import IndicatorPart
from measures.plan_files.importing.measures import MeasurePart
from measures.plan_files.importing.municipality import MunicipalityPart
from measures.plan_files.importing.outcome import (
    ImportIssue,
    ImportSummary,
    PlanImportError,
    in_file_order,
)
from measures.plan_files.importing.pillars import PillarPart
from measures.plan_files.importing.plan import PlanPart
from measures.plan_files.importing.reviews import ReviewPart
from measures.plan_files.importing.steps import StepPart
from measures.plan_files.importing.targets import TargetPart
from measures.plan_files.importing.years import YearPart
from measures.plan_files.limits import Deadline, OutOfTime
from measures.plan_files.shape import shape_problems
from measures.plan_files.workbook.reading import CELL_NOTES, CELL_PROBLEMS, CELL_PROBLEMS_OMITTED
from municipalities import content_version
from municipalities.models import Municipality

__all__ = ["ImportIssue", "ImportSummary", "PlanImportError", "import_plan_document"]


class _Reader(
    MunicipalityPart,
    PlanPart,
    PillarPart,
    MeasurePart,
    StepPart,
    IndicatorPart,
    TargetPart,
    EffectPart,
    YearPart,
    ReviewPart,
    ReaderBase,
):
    """Walks the document part by part, writing rows and collecting problems."""

    def read(self) -> Plan | None:
        document = self.document
        if not isinstance(document, dict):
            self.problem("ファイル", "", "計画データ（JSONのオブジェクト）ではありません。")
            return None
        # Cells a spreadsheet reader could not read: reported with everything found below,
        # which goes on reading so that the file's problems are listed all at once.
        for sheet, row, header, message in document.pop(CELL_PROBLEMS, []):
            self.problem(f"シート「{sheet}」{row}行目", header, message)
        self.issues.omitted += document.pop(CELL_PROBLEMS_OMITTED, 0)
        for sheet, row, header, message in document.pop(CELL_NOTES, []):
            self.summary.warnings.append(
                ImportIssue(f"シート「{sheet}」{row}行目", header, message)
            )
        known = self.issues.total
        for place, key, message in shape_problems(document, max_rows=settings.IMPORT_MAX_ROWS):
            self.problem(place, key, message)
        if self.issues.total > known:
            return None  # the reading below relies on every value being of its kind
        if document.get("format") not in (None, FORMAT):
            self.problem(
                "ファイル",
                "format",
                f"形式 {document.get('format')!r} には対応していません（{FORMAT}）。",
            )
        municipality = self.read_municipality(document.get("municipality"))
        plan_data = document.get("plan")
        if not isinstance(plan_data, dict):
            self.problem("計画", "", "計画の情報がありません。")
            return None
        self.check_duplicates(document)
        if municipality is None or self.issues.total > known:
            return None
        self.read_departments_list(municipality, document.get("departments") or [])
        plan = self.read_plan(municipality, plan_data)
        if plan is None:
            return None
        pillars = self.read_pillars(plan, document.get("pillars"))
        self.read_measures(plan, pillars, document.get("measures") or [])
        if document.get("review_bodies") is not None:
            self.read_review_bodies(
                plan, pillars, document["review_bodies"], document.get("measures") or []
            )
        return plan


def _office_years(plan: Plan) -> set[int]:
    """Years of the plan with figures that need no entry: effect results and goal results
    (a plan measured only in 効果額 publishes them)."""
    effects = (
        EffectAmount.objects.filter(measure__plan=plan)
        .exclude(actual_revenue=None, actual_saving=None)
        .values_list("fiscal_year", flat=True)
    )
    goals = PlanGoalResult.objects.filter(goal__plan=plan).values_list("fiscal_year", flat=True)
    return {year for year in (*effects, *goals) if plan.contains_fiscal_year(year)}


@contextmanager
def _stopped_when_out_of_time() -> Iterator[None]:
    """A deadline passed: the transaction inside has rolled back; report it as a problem."""
    try:
        yield
    except OutOfTime as error:
        raise PlanImportError([ImportIssue("ファイル", "", str(error))]) from None


def import_plan_document(
    document: dict,
    *,
    publish: bool = False,
    dry_run: bool = False,
    municipality: Municipality | None = None,
    deadline: Deadline | None = None,
) -> ImportSummary:
    """Import one plan document; all of it or, on any problem, none of it.

    Raises PlanImportError with the problems found. With dry_run the summary tells what
    would be created, changed and left alone, and nothing is written. With municipality,
    a file of any other municipality is refused (a reform officer imports only their own).
    History rows record the user of the current request, if any (simple-history's
    middleware), as for any other change. With a deadline (the admin's), the import gives
    up once it passes, writing nothing. The error lists at most IMPORT_MAX_PROBLEMS
    problems and counts the rest.
    """
    summary = ImportSummary(dry_run=dry_run)
    with _stopped_when_out_of_time(), transaction.atomic(), content_version.batch():
        reader = _Reader(
            document,
            publish=publish,
            summary=summary,
            municipality=municipality,
            deadline=deadline,
        )
        plan = reader.read()
        if reader.issues:
            raise PlanImportError(in_file_order(reader.issues), reader.issues.omitted)
        if plan is not None:
            content_version.changed([plan.municipality_id])  # bulk writes send no signals
        if publish and plan is not None and not plan.is_public:
            plan.is_public = True
            plan.save(update_fields=["is_public"])
            if (Plan, plan.pk) not in reader.created:
                summary.count("updated", Plan)
        if publish and plan is not None:
            # Results a city has already published get their published report revision,
            # as if published here; importing the same file again adds none.
            from measures.round.services import record_publication

            for _report in record_publication(
                plan=plan,
                by=request_user(),
                years=_office_years(plan) | set(reader.publication_dates),
                dates=reader.publication_dates,
            ):
                summary.count("created", Report)
        if dry_run:
            transaction.set_rollback(True)
    return summary
