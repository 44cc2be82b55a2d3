"""The report's table as an xlsx workbook, for clerks who paste it into council papers:
the same headings (merged where they span), pillar heading rows and cells as the page."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from public.reports.table import Grid, Table

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADING_FILL = PatternFill("solid", fgColor="EEEEEE")
# Characters per column, as the page and the PDF give them room (public.reports.table.WIDTHS).
COLUMN_WIDTHS = {"mark": 6, "value": 12, "level": 12, "name": 20, "text": 44}


def _grid_text(grid: Grid) -> str:
    lines = [" ".join(c.text for c in row) for row in [*grid.head, *grid.body]]
    if grid.note:
        lines.append(grid.note)
    return "\n".join(line for line in lines if line.strip())


def table_workbook(table: Table, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "進捗報告"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    top = 2
    covered: set[tuple[int, int]] = set()  # cells under a heading that spans rows
    for level, header in enumerate(table.header):
        row, column = top + level, 1
        for cell in header:
            while (row, column) in covered:
                column += 1
            target = sheet.cell(row, column, cell.text or cell.hidden_text)
            target.font, target.fill = Font(bold=True), HEADING_FILL
            target.border, target.alignment = BOX, WRAP
            last_row, last_column = row + cell.rowspan - 1, column + cell.colspan - 1
            if (last_row, last_column) != (row, column):
                sheet.merge_cells(
                    start_row=row, start_column=column, end_row=last_row, end_column=last_column
                )
            covered |= {
                (r, c) for r in range(row + 1, last_row + 1) for c in range(column, last_column + 1)
            }
            column = last_column + 1
    row_number = top + len(table.header)
    width = len(table.columns)
    for group in table.groups:
        for item in group.items:
            if not hasattr(item, "cells"):
                text = item.text + (f"\n●{item.aim}" if item.aim else "")
                sheet.cell(row_number, 1, text).font = Font(bold=True)
                sheet.merge_cells(
                    start_row=row_number, start_column=1, end_row=row_number, end_column=width
                )
                row_number += 1
                continue
            for index, cell in enumerate(item.cells, start=1):
                value = _grid_text(cell.grid) if cell.grid else cell.text
                target = sheet.cell(row_number, index, value)
                target.border, target.alignment = BOX, WRAP
            row_number += 1
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[column.width]
    sheet.freeze_panes = sheet.cell(top + len(table.header), 1)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
