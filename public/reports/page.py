"""What the report page, its PDF and the office's preview render: one revision's content
as of its year, in one layout, with the rows and cells a correction changed."""

from dataclasses import dataclass

from measures.fiscal_years import fiscal_year_display, fiscal_year_label
from public.reports.content import as_of
from public.reports.layouts import LayoutSpec, fitted
from public.reports.review import review_sections
from public.reports.summary import summary_sections
from public.reports.table import Table, build_table, with_years


@dataclass
class SheetRow:
    """A row of a measure's sheet: one attribute, or the columns of one group side by side."""

    label: str
    cells: list
    grouped: bool = False


def sheet_rows(row) -> list[SheetRow]:
    rows: list[SheetRow] = []
    for cell in row.cells:
        group = " ".join(cell.column.path)
        if group and rows and rows[-1].grouped and rows[-1].label == group:
            rows[-1].cells.append(cell)
        elif group:
            rows.append(SheetRow(group, [cell], grouped=True))
        else:
            rows.append(SheetRow(cell.column.heading or cell.column.default_heading, [cell]))
    return rows


def mark_changes(table: Table, before: Table) -> None:
    """Flag the rows and cells that differ from the previous revision in the same layout;
    rows it did not have are new."""
    earlier = {row.key: row for row in before.rows}
    for row in table.rows:
        old = earlier.get(row.key)
        if old is None:
            row.new = row.changed = True
            continue
        for cell, old_cell in zip(row.cells, old.cells, strict=False):
            if cell.text != old_cell.text or (cell.grid is not None and cell.grid != old_cell.grid):
                cell.changed = row.changed = True


def report_context(report, layout: LayoutSpec, previous=None) -> dict:
    """Everything the report templates print, from the revision's frozen content only;
    `previous` is the revision it corrects, to mark what changed."""
    year = report.fiscal_year
    document = as_of(report.content, year)
    layout = fitted(layout, document)
    plan = document["plan"]
    table = build_table(document, layout, year)
    if previous is not None:
        mark_changes(table, build_table(as_of(previous.content, year), layout, year))
    for row in table.rows:
        row.sheet = sheet_rows(row) if layout.is_sheets else []
    title = with_years(layout.title, year) if layout.title else ""
    return {
        "document": document,
        "doc_plan": plan,
        "municipality_name": document["municipality"]["name"],
        "layout": layout,
        "table": table,
        "column_count": len(table.columns),
        "summary": summary_sections(document, year, layout.sections),
        "review_sections": review_sections(document, layout.sections),
        "grade_scheme": plan.get("grade_scheme", []),
        "grade_note": plan.get("grade_note", ""),
        "report_title": title,
        "year": year,
        "year_display": fiscal_year_display(year),
        "year_label": fiscal_year_label(year),
        "corrected": previous is not None,
        "changed_rows": sum(1 for row in table.rows if row.changed),
        "report": report,
    }
