"""The template as files: xlsx and a zip of CSV tables, read defensively and written safely.

The file size is capped, an xlsx (a zip archive) is refused when its members would expand
beyond a limit or compress suspiciously well, its XML is read by calamine (whose parser
expands no entities and loads no DTD) or, for a sheet too sparse to read as a grid, by
openpyxl through defusedxml, and cells that were escaped against formula injection on export are unescaped on import. Rows and
cells are counted across all sheets while they stream, and reading stops at the limits
(IMPORT_MAX_ROWS, IMPORT_MAX_CELLS); problems are listed up to IMPORT_MAX_PROBLEMS and the
rest counted.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings

from measures.plan_files.limits import MAX_CELL_CHARACTERS, Deadline, ProblemList, ProblemReport
from measures.plan_files.workbook.template import PLAN_FIELDS, SHEETS, SHEETS_BY_NAME, Sheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A member this large that compresses this well is a zip bomb, whatever the total allows.
MAX_COMPRESSION_RATIO = 200
# A sheet is read whole as a grid of its used area when the grid has at most this many
# cells (a few hundred MB at most while it is read); the largest real plan's biggest sheet
# has about 300,000.
MAX_GRID_CELLS = 4_000_000


class WorkbookError(ProblemReport):
    """The file cannot be read as an import template; the problems say why, in Japanese."""

    def __init__(self, problems: str | list[str], omitted: int = 0):
        super().__init__([problems] if isinstance(problems, str) else problems, omitted)


def escape_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()  # a date cell: 2021-04-01, whichever reader gave it
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"
    return unescape_formula(str(value)).strip()


def _check_size(data: bytes) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise WorkbookError(
            f"ファイルが大きすぎます（{len(data):,} バイト、上限 {limit:,} バイト）。"
        )


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the directory alone, before anything is decompressed. The sizes
    it declares bind: zipfile stops a member at its declared size (a CRC error if it lied)."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
            and member.file_size > 10 * 1024 * 1024
        ):
            raise WorkbookError(
                f"圧縮率が異常なファイルです（{member.filename}）。取り込みを中止しました。"
            )
        if total > limit:
            raise WorkbookError(
                f"展開後のサイズが上限（{limit:,} バイト）を超えるファイルです。取り込みを中止しました。"
            )


class _Reading:
    """What reading one file has taken so far, all its sheets together: rows (empty ones
    too, as they cost as much to stream) and cells, against the limits, and the cells that
    could not be taken."""

    def __init__(self, deadline: Deadline | None = None):
        self.rows = 0
        self.cells = 0
        self.max_rows = settings.IMPORT_MAX_ROWS
        self.max_cells = settings.IMPORT_MAX_CELLS
        self.deadline = deadline
        self.problems: ProblemList[tuple[str, int, str, str]] = ProblemList()

    def count(self, sheet: Sheet, number: int, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.max_rows:
            raise WorkbookError(
                f"ファイル全体の行数が上限（{self.max_rows:,}行）を超えたため、"
                f"シート「{sheet.name}」{number}行目で読むのをやめました（空の行も数えます）。"
            )
        if self.cells > self.max_cells:
            raise WorkbookError(
                f"ファイル全体のセルの数が上限（{self.max_cells:,}）を超えたため、"
                f"シート「{sheet.name}」{number}行目で読むのをやめました。"
            )
        if self.deadline is not None:
            self.deadline.check()

    def raise_problems(self) -> None:
        raise_problems(self.problems)


def raise_problems(problems: ProblemList[tuple[str, int, str, str]]) -> None:
    if problems:
        raise WorkbookError(
            [
                f"シート「{sheet}」{number}行目「{header}」: {message}"
                for sheet, number, header, message in problems
            ],
            problems.omitted,
        )


def _numbered(sheet: Sheet, rows: Iterable, reading: _Reading) -> Iterator[tuple[int, Any]]:
    """The rows with their numbers, counted against the file's limits; a failure to read
    one is named by its sheet and row."""
    iterator = iter(rows)
    number = 0
    while True:
        number += 1
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except csv.Error:
            raise WorkbookError(
                f"シート「{sheet.name}」{number}行目: CSVとして読めません"
                f"（1つのセルが長すぎるか、引用符が閉じていません）。"
            ) from None
        except UnicodeDecodeError:
            raise WorkbookError(
                f"シート「{sheet.name}」{number}行目: UTF-8ではありません。UTF-8で保存してください。"
            ) from None
        except Exception as error:  # openpyxl's XML parser and cell conversions raise many kinds
            raise WorkbookError(
                f"シート「{sheet.name}」を読めませんでした（{number}行目、{type(error).__name__}）。"
            ) from None
        reading.count(sheet, number, len(cells))
        yield number, cells


_ROW_TAGS = (b"<row ", b"<row>")


_CELL_TAGS = (b"<c ", b"<c>", b"<c/")


# Cell and row references (r="AB12", <row r="12">); a reference of two or three letters is
# a column beyond Z. Each is under 24 bytes, which the chunks overlap by.
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,9})"')
_OVERLAP = 24


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _count_sheet_rows(archive: zipfile.ZipFile) -> bool:
    """Count the row and cell elements of every worksheet before the file is opened, and
    refuse it at the limits. Returns whether every sheet's used area (its last row by its
    last column, as cell references place them) is small enough to be read whole as a grid.

    openpyxl parses a whole sheet when it opens a workbook if the sheet does not declare its
    size (<dimension>, which some tools leave out), and calamine reads a sheet as a grid of
    its used area, so that two cells at A1 and XFD100000 would make 1.6 billion: a hostile
    file would cost that before the first row reaches the streaming count. This scan reads
    the decompressed XML as bytes, at the speed of zlib. Tags it does not recognise (a
    namespace prefix) are simply not counted here; the streaming count still holds.
    """
    rows = cells = 0
    fits = True
    for member in archive.infolist():
        if not member.filename.startswith("xl/worksheets/"):
            continue
        sheet_rows = sheet_cells = placed_rows = placed_cells = 0
        last_row, last_column = 0, 26
        with archive.open(member) as stream:
            previous = b""
            while chunk := stream.read(1024 * 1024):
                window = previous[-_OVERLAP:] + chunk
                # A tag cut by the chunk boundary is counted once, in the longer window.
                found_rows = sum((previous[-4:] + chunk).count(tag) for tag in _ROW_TAGS)
                found_cells = sum((previous[-2:] + chunk).count(tag) for tag in _CELL_TAGS)
                sheet_rows += found_rows
                sheet_cells += found_cells
                placed_cells += (previous[-5:] + chunk).count(b'<c r="')
                for match in _ROW_NUMBER.finditer(window):
                    if match.end() > _OVERLAP or not previous:
                        last_row = max(last_row, int(match[1]))
                        placed_rows += 1
                for match in _WIDE_CELL.finditer(window):
                    if match.end() > _OVERLAP or not previous:
                        last_column = max(last_column, _column_number(match[1]))
                previous = chunk
                if rows + sheet_rows > settings.IMPORT_MAX_ROWS:
                    raise WorkbookError(
                        f"ファイル全体の行数が上限（{settings.IMPORT_MAX_ROWS:,}行）を超えています"
                        f"（シートを開く前に数えて、{rows + sheet_rows:,}行まで数えたところで止めました）。"
                    )
                if cells + sheet_cells > settings.IMPORT_MAX_CELLS:
                    raise WorkbookError(
                        f"ファイル全体のセルの数が上限（{settings.IMPORT_MAX_CELLS:,}）を超えています"
                        f"（シートを開く前に数えて、{cells + sheet_cells:,}まで数えたところで止めました）。"
                    )
        rows += sheet_rows
        cells += sheet_cells
        # Cells or rows without a reference follow the one before; a sheet with such is
        # read as a stream too, as is one whose area would not fit.
        unplaced = placed_cells != sheet_cells or placed_rows != sheet_rows
        area = max(last_row, sheet_rows) * last_column
        if unplaced or area > MAX_GRID_CELLS:
            fits = False
    return fits


def _rows_to_table(
    sheet: Sheet, rows: Iterable, reading: _Reading
) -> list[tuple[int, dict[str, str]]]:
    """The sheet's data rows as {header: cell text}, after its header row. Cells that cannot
    be stored (a NUL character, text beyond Excel's limit) are kept as problems."""
    numbered = _numbered(sheet, rows, reading)
    header_row, header_number = None, 0
    for number, cells in numbered:
        values = [cell_text(cell) for cell in cells]
        if any(values):
            header_row, header_number = values, number
            break
    if header_row is None:
        return []
    unknown = [shown(h) for h in header_row if h and h not in sheet.headers]
    if unknown:
        raise WorkbookError(
            f"シート「{sheet.name}」{header_number}行目: 見出し「{'」「'.join(unknown)}」はテンプレートにありません。"
        )
    # Columns the template gained later may be missing: a workbook kept from an earlier year
    # still imports, and leaves what those columns hold as it is.
    missing = [
        column.header
        for column in sheet.columns
        if column.header not in header_row and column.header != "枝番" and not column.later
    ]
    if missing and sheet.name != "計画":
        raise WorkbookError(
            f"シート「{sheet.name}」: 見出し「{'」「'.join(missing)}」がありません。"
        )
    table = []
    for row_number, cells in numbered:
        values = [cell_text(cell) for cell in cells]
        if not any(values):
            continue
        padded = values + [""] * (len(header_row) - len(values))
        row = {}
        for header, value in zip(header_row, padded, strict=False):
            if header:
                row[header] = _storable_cell(sheet, row_number, header, value, reading.problems)
        table.append((row_number, row))
    return table


def _storable_cell(
    sheet: Sheet, number: int, header: str, value: str, problems: ProblemList
) -> str:
    if "\x00" in value:
        problems.append(
            (sheet.name, number, header, "NUL文字（\\x00）を含むセルは取り込めません。")
        )
        return ""
    if len(value) > MAX_CELL_CHARACTERS:
        problems.append(
            (
                sheet.name,
                number,
                header,
                f"{len(value):,}字あります。1つのセルは{MAX_CELL_CHARACTERS:,}字までです。",
            )
        )
        return ""
    return value


def read_xlsx(
    data: bytes, *, deadline: Deadline | None = None
) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """The workbook's sheets as tables. A workbook whose sheets fit in memory as grids (every
    real plan file) is read by calamine, ten times as fast as openpyxl; any other by
    openpyxl's read-only stream, which holds one row at a time."""
    _check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("Excelファイル（xlsx）として読めません。") from None
    with archive:
        _check_archive(archive)
        fits = _count_sheet_rows(archive)
    reading = _Reading(deadline)
    tables = _read_grids(data, reading) if fits else _read_stream(data, reading)
    reading.raise_problems()
    return tables


def _check_sheet_names(names: list[str]) -> None:
    unknown = [name for name in names if name not in SHEETS_BY_NAME]
    if unknown:
        raise WorkbookError(f"シート「{'」「'.join(unknown)}」はテンプレートにありません。")
    if "計画" not in names:
        raise WorkbookError("シート「計画」がありません。")


def _read_failed(error: BaseException, sheet: str = "") -> WorkbookError:
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise error
    where = f"シート「{sheet}」" if sheet else "Excelファイル"
    return WorkbookError(f"{where}を読めませんでした（{type(error).__name__}）。")


def _trimmed(rows: list[list]) -> Iterator[list]:
    """Each row without the empty cells a grid pads it with on the right."""
    for row in rows:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        yield row[:end] if end < len(row) else row


def _read_grids(data: bytes, reading: _Reading) -> dict[str, list[tuple[int, dict[str, str]]]]:
    from python_calamine import CalamineWorkbook

    # calamine is written in Rust: a failure inside it arrives as an exception that is not
    # an Exception (pyo3's PanicException), and the file is refused all the same.
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except BaseException as error:
        raise _read_failed(error) from None
    _check_sheet_names(names)
    tables = {}
    for name in names:
        try:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as error:
            raise _read_failed(error, name) from None
        tables[name] = _rows_to_table(SHEETS_BY_NAME[name], _trimmed(grid), reading)
        del grid
    return tables


def _read_stream(data: bytes, reading: _Reading) -> dict[str, list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds, including defusedxml's refusals
        raise _read_failed(error) from None
    try:
        _check_sheet_names(workbook.sheetnames)
        tables = {}
        for name in workbook.sheetnames:
            worksheet = workbook[name]
            # The size a sheet declares (<dimension ref="A1:XFD1048576">) would pad every
            # row to it; each row is read as wide as its own cells instead.
            worksheet.reset_dimensions()
            tables[name] = _rows_to_table(
                SHEETS_BY_NAME[name], worksheet.iter_rows(values_only=True), reading
            )
    finally:
        workbook.close()
    return tables


def read_csv_zip(
    data: bytes, *, deadline: Deadline | None = None
) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """A zip of CSV files named after the sheets (計画.csv, 取組.csv …), UTF-8 (BOM allowed)."""
    _check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("CSVをまとめたzipファイルとして読めません。") from None
    tables = {}
    reading = _Reading(deadline)
    with archive:
        _check_archive(archive)
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = member.filename.rsplit("/", 1)[-1].removesuffix(".csv")
            if name not in SHEETS_BY_NAME:
                raise WorkbookError(
                    f"「{shown(member.filename)}」はテンプレートの表ではありません。"
                )
            # Read as a stream: a member is decoded and split a row at a time.
            with archive.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                tables[name] = _rows_to_table(SHEETS_BY_NAME[name], csv.reader(text), reading)
    if "計画" not in tables:
        raise WorkbookError("「計画.csv」がありません。")
    reading.raise_problems()
    return tables


def _typed(value: Any) -> Any:
    if isinstance(value, str):
        return escape_formula(value)
    return value


def write_xlsx(tables: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = bold
        for row_number, row in enumerate(tables.get(sheet.name, []), start=2):
            worksheet.append([_typed(value) for value in row])
            # Cell by cell: worksheet.max_row and worksheet[n] scan every cell of the sheet,
            # which made writing a 50,000-row plan take minutes.
            cells = (worksheet.cell(row_number, column) for column in range(1, len(row) + 1))
            for cell in cells:
                if isinstance(cell.value, str):
                    # Never let a cell be taken for a formula, whatever it starts with.
                    cell.data_type = "s"
                    if "\n" in cell.value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            letter = worksheet.cell(row=1, column=index).column_letter
            wide = column.kind == "text" and column.header not in (
                "番号",
                "取組番号",
                "項目記号",
                "記号",
            )
            worksheet.column_dimensions[letter].width = 30 if wide else 12
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_csv_zip(tables: dict[str, list[list[Any]]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(sheet.headers)
            for row in tables.get(sheet.name, []):
                writer.writerow(["" if value is None else _typed(value) for value in row])
            # Excel reads UTF-8 CSV correctly only with a byte-order mark.
            archive.writestr(f"{sheet.name}.csv", "\ufeff" + text.getvalue())
    return output.getvalue()


def empty_template() -> bytes:
    """The blank template offered for download: headers only, plus the 計画 sheet's items."""
    tables = {sheet.name: [] for sheet in SHEETS}
    tables["計画"] = [[column.header, ""] for column in PLAN_FIELDS]
    return write_xlsx(tables)


def shown(text: str) -> str:
    """Cell text as a message quotes it: short enough to read whatever the cell held."""
    return text if len(text) <= 40 else text[:39] + "…"
