"""The PDF of a published revision, rendered by WeasyPrint from the same templates and
print stylesheet as the report page: tagged (PDF/UA-1), with the Japanese font embedded,
its text selectable.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and a Japanese font
(fonts-noto-cjk); `make pdf-deps` (run by `make test` and `make demo`) installs them.
Where either is missing, `unavailable()` says which, the report page shows that instead of
a download, and publishing still works: `manage.py make_report_pdfs` writes the missing
files later.
"""

import hashlib
import logging
import shutil
import subprocess
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string

from measures.models import Report, ReportFile
from public.reports.layouts import LayoutSpec, layouts_of
from public.reports.page import report_context

logger = logging.getLogger(__name__)
# WeasyPrint reports each step and page at INFO; a publication's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
JAPANESE_FONT = "Noto Sans CJK JP"


@cache
def unavailable() -> str:
    """Why PDFs cannot be made on this server, or "" when they can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"PDFを作成するライブラリ（WeasyPrint と Pango）を読み込めません: {error}"
    if shutil.which("fc-list") is None:
        return "フォントの一覧（fontconfig）がないため、日本語フォントを確かめられません。"
    found = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
    ).stdout
    if JAPANESE_FONT not in found:
        return f"日本語フォント（{JAPANESE_FONT}、Debian の fonts-noto-cjk）がありません。"
    return ""


def _stylesheet() -> str:
    path = finders.find("css/print.css")
    return Path(path).read_text(encoding="utf-8") if path else ""


def render_pdf(report: Report, layout: LayoutSpec, previous: Report | None = None) -> bytes:
    """The revision in the layout as PDF/UA-1 bytes."""
    from weasyprint import HTML

    context = report_context(report, layout, previous)
    context["stylesheet"] = _stylesheet()
    html = render_to_string("public/report_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1", custom_metadata=True
    )


def _previous(report: Report) -> Report | None:
    if report.revision == 1:
        return None
    return Report.objects.filter(
        plan_id=report.plan_id, fiscal_year=report.fiscal_year, revision=report.revision - 1
    ).first()


def write_files(report: Report) -> list[ReportFile]:
    """The PDFs of the revision in each of its plan's layouts that it has none of yet. A
    file once written is never replaced: later edits to the plan or its layouts change
    what a new revision prints, never a published file."""
    if unavailable():
        return []
    written = []
    previous = _previous(report)
    existing = set(report.files.values_list("layout_name", flat=True))
    for layout in layouts_of(report.plan):
        if layout.name in existing:
            continue
        content = render_pdf(report, layout, previous)
        written.append(
            ReportFile.objects.create(
                report=report,
                kind=ReportFile.Kind.PDF,
                layout_name=layout.name,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
        )
    return written


def write_files_on_commit(reports: list[Report]) -> None:
    """Write the revisions' PDFs once the publication is committed, so a failure there
    never undoes the publication (the files can be made later)."""
    if not getattr(settings, "REPORT_PDF_ON_PUBLISH", True):
        return

    def write() -> None:
        for report in reports:
            try:
                write_files(report)
            except Exception:
                logger.exception("PDF of %s could not be written", report)

    transaction.on_commit(write)
