"""Limits that hold for the whole file: rows, cells and unpacked size across all sheets, the
bytes of an upload, the problems listed, and the time the admin may take.

The hostile workbook of the review had five sheets just under the old per-sheet limit of
200,000 rows, every row a problem; here the same shape is built small and the limits are
lowered to meet it. benchmarks/import_limits.py measures the full-size file.
"""

import io
import json
import tempfile
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.management import CommandError, call_command
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, TestCase, override_settings
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from openpyxl import Workbook

from measures.models import Plan
from measures.plan_files.admin import PlanUploadForm
from measures.plan_files.formats import PlanFileError, read_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import write_csv_zip, write_xlsx
from measures.plan_files.workbook.template import SHEETS_BY_NAME
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document, xlsx_with_raw_text
from municipalities.tests.base import ActorsTestCase
from reform.uploads import SizeLimitedUploadHandler, upload_was_stopped

HOSTILE_SHEETS = ("担当課", "年度目標", "効果額", "年度評価", "指標")


def hostile_workbook(rows_per_sheet: int) -> bytes:
    """A real 計画 sheet, then five sheets whose every row names a measure that is not there."""
    workbook = Workbook(write_only=True)
    plan_sheet = workbook.create_sheet("計画")
    plan_sheet.append(SHEETS_BY_NAME["計画"].headers)
    for row in document_to_tables(small_document())["計画"]:
        plan_sheet.append(row)
    for name in HOSTILE_SHEETS:
        sheet = workbook.create_sheet(name)
        sheet.append(SHEETS_BY_NAME[name].headers)
        for _ in range(rows_per_sheet):
            sheet.append(["99", 1])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def refusal(filename: str, content: bytes) -> PlanFileError | PlanImportError:
    try:
        import_plan_document(read_plan_file(filename, content), dry_run=True)
    except (PlanFileError, PlanImportError) as error:
        return error
    raise AssertionError("the file was imported")


class WholeFileLimitTests(TestCase):
    @override_settings(IMPORT_MAX_ROWS=1_000)
    def test_rows_are_counted_across_every_sheet_before_openpyxl_opens_the_file(self):
        # 25 rows of 計画, then 301 in each sheet: every sheet is far under the limit, the
        # file is not. openpyxl would parse each whole sheet just to open the workbook, as
        # they declare no size (<dimension>).
        with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
            error = refusal("hostile.xlsx", hostile_workbook(300))
        self.assertIn("ファイル全体の行数が上限（1,000行）を超えています", str(error))

    @override_settings(IMPORT_MAX_ROWS=1_000)
    def test_rows_are_counted_while_the_sheets_stream_and_reading_stops_at_the_limit(self):
        # One row numbered 5000: openpyxl streams the 4,998 empty rows before it, which cost
        # as much time as any, though the XML holds a single row element. (A sheet that
        # fits as a grid is read by calamine, which places the row's cells by their own
        # references; here every sheet is read as a stream.)
        content = xlsx_with_raw_text('<row r="3">', '<row r="5000">')
        with mock.patch("measures.plan_files.workbook.files.MAX_GRID_CELLS", 0):
            error = refusal("plan.xlsx", content)
        self.assertIn("ファイル全体の行数が上限（1,000行）を超えた", str(error))
        self.assertRegex(
            str(error), r"シート「取組」\d+行目で読むのをやめました（空の行も数えます）"
        )

    @override_settings(IMPORT_MAX_ROWS=1_000)
    def test_a_sheet_too_sparse_for_a_grid_is_streamed_not_read_whole(self):
        # Two cells, at A1 and XFD100000, would make a grid of 1.6 billion cells: calamine
        # must never see it, and openpyxl's stream stops at the row limit.
        far = '<row r="100000"><c r="XFD100000" t="inlineStr"><is><t>x</t></is></c></row>'
        content = xlsx_with_raw_text("</sheetData>", far + "</sheetData>")
        with mock.patch(
            "python_calamine.CalamineWorkbook.from_filelike", side_effect=AssertionError("grid")
        ):
            error = refusal("plan.xlsx", content)
        self.assertIn("ファイル全体の行数が上限（1,000行）を超えた", str(error))

    def test_a_real_plan_file_is_read_as_grids(self):
        import python_calamine

        with (
            mock.patch.object(
                python_calamine.CalamineWorkbook,
                "from_filelike",
                wraps=python_calamine.CalamineWorkbook.from_filelike,
            ) as opened,
            mock.patch("openpyxl.load_workbook", side_effect=AssertionError("stream")),
        ):
            document = read_plan_file("plan.xlsx", write_xlsx(document_to_tables(small_document())))
        opened.assert_called_once()
        self.assertEqual(document["plan"]["name"], small_document()["plan"]["name"])

    @override_settings(IMPORT_MAX_ROWS=1_000)
    def test_csv_tables_share_the_same_row_limit(self):
        tables = document_to_tables(small_document())
        for name in HOSTILE_SHEETS:
            tables[name] = [["99", 1]] * 300
        error = refusal("hostile.zip", write_csv_zip(tables))
        self.assertIn("ファイル全体の行数が上限（1,000行）を超えた", str(error))

    @override_settings(IMPORT_MAX_CELLS=2_000)
    def test_cells_are_counted_across_every_sheet(self):
        error = refusal("hostile.xlsx", hostile_workbook(300))
        self.assertIn("ファイル全体のセルの数が上限（2,000）を超えています", str(error))

    @override_settings(IMPORT_MAX_CELLS=2_000)
    def test_csv_cells_are_counted_while_they_stream(self):
        tables = document_to_tables(small_document())
        tables["取組"] = [tables["取組"][0]] * 150  # 19 cells a row
        error = refusal("hostile.zip", write_csv_zip(tables))
        self.assertIn(
            "ファイル全体のセルの数が上限（2,000）を超えたため、シート「取組」", str(error)
        )

    def test_a_sheet_claiming_to_be_huge_is_read_by_its_real_cells(self):
        content = write_xlsx(document_to_tables(small_document()))
        content = _with_dimension(content, "A1:XFD1048576")
        with override_settings(IMPORT_MAX_CELLS=5_000):
            import_plan_document(read_plan_file("plan.xlsx", content), dry_run=True)

    @override_settings(IMPORT_MAX_UNPACKED_BYTES=100_000)
    def test_the_unpacked_size_is_a_setting(self):
        error = refusal("hostile.xlsx", hostile_workbook(300))
        self.assertIn("展開後のサイズが上限（100,000 バイト）を超える", str(error))

    @override_settings(IMPORT_MAX_ROWS=50)
    def test_a_json_document_is_held_to_the_same_row_limit(self):
        document = small_document()
        document["measures"][1]["years"] = [{"fiscal_year": 2020, "do": "x"}] * 60
        error = refusal("plan.json", json.dumps(document, ensure_ascii=False).encode())
        self.assertIn("行（リストの要素）の数が上限（50行）を超えています", str(error))


def _csv_zip(edit) -> bytes:
    tables = document_to_tables(small_document())
    edit(tables)
    return write_csv_zip(tables)


def _with_dimension(content: bytes, dimension: str) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                start = data.index(b'<dimension ref="') + len(b'<dimension ref="')
                data = data[:start] + dimension.encode() + data[data.index(b'"', start) :]
            target.writestr(item, data)
    return output.getvalue()


class BoundedProblemListTests(TestCase):
    def test_a_workbook_with_a_problem_in_every_row_lists_the_first_ones_and_counts_the_rest(self):
        error = refusal("hostile.xlsx", hostile_workbook(300))  # 1,500 problems
        lines = error.lines()
        self.assertEqual(len(lines), 201)
        self.assertEqual(lines[-1], "ほか 1,300 件の問題があります。")
        self.assertEqual(error.total, 1_500)

    @override_settings(IMPORT_MAX_PROBLEMS=5)
    def test_the_importer_keeps_the_number_of_problems_the_settings_allow(self):
        document = small_document()
        document["measures"][1]["years"] = [
            {"fiscal_year": 2015 + n, "grade": f"S{n}"} for n in range(12)
        ]
        with self.assertRaises(PlanImportError) as caught:
            import_plan_document(document)
        self.assertEqual(len(caught.exception.issues), 5)
        self.assertEqual(caught.exception.total, 12)
        self.assertEqual(caught.exception.lines()[-1], "ほか 7 件の問題があります。")

    def test_a_problem_quoting_a_long_cell_is_cut_short(self):
        def edit(tables):
            tables["年度評価"][0][2] = "来" * 30_000  # 年度

        error = refusal("plan.zip", _csv_zip(edit))
        self.assertIn("シート「年度評価」2行目「年度」", error.lines()[0])
        self.assertLessEqual(len(error.lines()[0]), 400)

    @override_settings(IMPORT_MAX_PROBLEMS=5)
    def test_the_command_prints_the_same_bounded_list(self):
        path = Path(tempfile.mkdtemp()) / "hostile.xlsx"
        # 15 cells that cannot be read, and the plan the sheets leave out: all reported at once.
        path.write_bytes(hostile_workbook(3))
        with self.assertRaises(CommandError) as caught:
            call_command("import_plan", str(path), "--dry-run", stdout=io.StringIO())
        message = str(caught.exception)
        self.assertEqual(message.count("取組 99（枝番 1）は「取組」シートにありません"), 5)
        self.assertIn("ほか 11 件の問題があります。", message)


class AdminLimitTests(ActorsTestCase):
    url = reverse("admin:measures_plan_import")

    def setUp(self):
        self.client.force_login(self.officer)

    @override_settings(IMPORT_MAX_PROBLEMS=5)
    def test_the_admin_counts_every_problem_and_lists_the_first_ones(self):
        upload = SimpleUploadedFile("hostile.xlsx", hostile_workbook(3))
        response = self.client.post(self.url, {"file": upload})
        self.assertContains(response, "16件の問題があるため、取り込みませんでした")
        self.assertContains(response, "ほか 11 件の問題があります。")
        self.assertEqual(len(response.context["problems"]), 6)

    @override_settings(IMPORT_MAX_BYTES=1_000)
    def test_an_upload_over_the_limit_is_refused_on_the_form_while_it_streams(self):
        upload = SimpleUploadedFile("plan.xlsx", b"x" * 5_000_000)
        response = self.client.post(self.url, {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertFormError(
            response.context["form"], "file", "ファイルが大きすぎます（上限 1,000 バイト）。"
        )
        self.assertNotIn("problems", response.context)

    @override_settings(IMPORT_ADMIN_SECONDS=0)
    def test_an_import_that_would_outlast_the_request_is_stopped_with_a_message(self):
        upload = SimpleUploadedFile("plan.xlsx", write_xlsx(document_to_tables(small_document())))
        response = self.client.post(self.url, {"file": upload})
        self.assertContains(response, "秒以内に終わらないため、中止しました")
        self.assertContains(response, "import_plan")
        self.assertFalse(Plan.objects.exists())

    @override_settings(IMPORT_ADMIN_SECONDS=0)
    def test_the_command_has_no_time_limit(self):
        path = Path(tempfile.mkdtemp()) / "plan.json"
        path.write_text(json.dumps(small_document(), ensure_ascii=False), encoding="utf-8")
        call_command("import_plan", str(path), stdout=io.StringIO())
        self.assertTrue(Plan.objects.exists())


class UnreadableUpload(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("the upload was read")


class UploadSizeTests(TestCase):
    @override_settings(IMPORT_MAX_BYTES=1_000)
    def test_the_form_checks_the_size_before_anything_reads_the_file(self):
        form = PlanUploadForm({}, {"file": UnreadableUpload("plan.xlsx", b"x" * 1_001)})
        self.assertFalse(form.is_valid())
        self.assertIn("ファイルが大きすぎます", form.errors["file"][0])

    @override_settings(IMPORT_MAX_BYTES=100_000)
    def test_the_upload_handler_stops_keeping_the_file_past_the_limit(self):
        # No line breaks: a body drained line by line would be read into memory whole.
        upload = SimpleUploadedFile("a.xlsx", b"x" * 10**6)
        body = encode_multipart(BOUNDARY, {"file": upload, "publish": "on"})
        request = RequestFactory().post(
            "/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
        memory = MemoryFileUploadHandler(request)
        received = []
        memory.receive_data_chunk = lambda data, start: received.append(len(data)) or data
        handlers = [SizeLimitedUploadHandler(request), memory]
        post, files = MultiPartParser(
            request.META, io.BytesIO(body), handlers, request.encoding
        ).parse()
        self.assertNotIn("file", files)
        self.assertTrue(upload_was_stopped(request))
        self.assertLessEqual(sum(received), 100_000)
        self.assertEqual(post["publish"], "on", "the fields after the file are still read")

    @override_settings(IMPORT_MAX_BYTES=100_000)
    def test_a_request_body_far_over_the_limit_is_refused_before_its_file_is_read(self):
        body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("a.xlsx", b"x" * 3 * 10**6)})
        request = RequestFactory().post(
            "/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
        memory = MemoryFileUploadHandler(request)
        received = []
        memory.receive_data_chunk = lambda data, start: received.append(len(data)) or data
        handlers = [SizeLimitedUploadHandler(request), memory]
        MultiPartParser(request.META, io.BytesIO(body), handlers, request.encoding).parse()
        self.assertTrue(upload_was_stopped(request))
        self.assertEqual(received, [])

    def test_a_small_upload_passes_the_handler_untouched(self):
        content = write_xlsx(document_to_tables(small_document()))
        body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("a.xlsx", content)})
        request = RequestFactory().post(
            "/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
        handlers = [SizeLimitedUploadHandler(request), MemoryFileUploadHandler(request)]
        _post, files = MultiPartParser(
            request.META, io.BytesIO(body), handlers, request.encoding
        ).parse()
        self.assertEqual(files["file"].read(), content)
        self.assertFalse(upload_was_stopped(request))
