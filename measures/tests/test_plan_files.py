"""xlsx, CSV and JSON files: round trips, cell safety and hostile files."""

import io
import json
import time
import zipfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import TestCase, override_settings
from openpyxl import load_workbook

from measures.models import Measure, Plan, Report
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.formats import PlanFileError, read_plan_file, write_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import empty_template, write_xlsx
from measures.plan_files.workbook.template import SHEETS
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def export(plan: Plan) -> dict:
    return plan_document(plan_queryset().get(pk=plan.pk))


class RoundTripTests(TestCase):
    """Export → wipe → import → export gives the same document, for every city and format."""

    def round_trip(self, fixture: Path, file_format: str) -> None:
        plan = import_plan_document(json.loads(fixture.read_text()), publish=True).plan
        before = export(plan)
        plan_file = write_plan_file(plan, file_format)
        # Published reports protect a plan from deletion: wipe them first for the test.
        Report.objects.filter(plan=plan).delete()
        Plan.objects.filter(pk=plan.pk).delete()
        document = read_plan_file(plan_file.filename, plan_file.content)
        # The export holds published results: bringing them back is a publication.
        plan = import_plan_document(document, publish=True).plan
        after = export(plan)
        self.assertEqual(before, after, f"{fixture.name} via {file_format}")

    def test_every_city_round_trips_through_xlsx_csv_and_json(self):
        for fixture in sorted(FIXTURES.glob("*.json")):
            for file_format in ("xlsx", "csv", "json"):
                with self.subTest(city=fixture.name, format=file_format):
                    self.round_trip(fixture, file_format)

    def test_reimporting_an_export_changes_nothing(self):
        plan = import_plan_document(small_document()).plan
        for file_format in ("xlsx", "csv", "json"):
            plan_file = write_plan_file(plan, file_format)
            summary = import_plan_document(read_plan_file(plan_file.filename, plan_file.content))
            self.assertFalse(summary.changed, f"{file_format}: {summary.lines()}")


class CellSafetyTests(TestCase):
    def setUp(self):
        document = small_document()
        document["measures"][0]["title"] = '=HYPERLINK("http://example.invalid","x")'
        document["measures"][1]["title"] = "-1 の削減"
        document["measures"][1]["content"] = "@SUM(A1)"
        self.plan = import_plan_document(document).plan

    def test_text_that_looks_like_a_formula_is_escaped_in_xlsx_and_restored_on_import(self):
        content = write_plan_file(self.plan, "xlsx").content
        sheet = load_workbook(io.BytesIO(content))["取組"]
        titles = [row[6].value for row in sheet.iter_rows(min_row=2)]
        self.assertEqual(titles[0], '\'=HYPERLINK("http://example.invalid","x")')
        self.assertEqual(titles[1], "'-1 の削減")
        for row in sheet.iter_rows(min_row=2):
            self.assertEqual(row[6].data_type, "s")
        document = read_plan_file("plan.xlsx", content)
        self.assertEqual(
            document["measures"][0]["title"], '=HYPERLINK("http://example.invalid","x")'
        )
        self.assertEqual(document["measures"][1]["content"], "@SUM(A1)")

    def test_text_that_looks_like_a_formula_is_escaped_in_csv(self):
        content = write_plan_file(self.plan, "csv").content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = archive.read("取組.csv").decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", text)
        self.assertNotIn(",=HYPERLINK", text)

    def test_numbers_stay_numeric_cells(self):
        content = write_plan_file(self.plan, "xlsx").content
        workbook = load_workbook(io.BytesIO(content))
        years = [row[2].value for row in workbook["年度評価"].iter_rows(min_row=2)]
        self.assertTrue(all(isinstance(year, int) for year in years), years)
        effect = next(workbook["効果額"].iter_rows(min_row=2))
        self.assertEqual(effect[3].value, None)
        self.assertEqual(effect[5].value, 1_200_000)
        sub_numbers = [row[1].value for row in workbook["取組"].iter_rows(min_row=2)]
        self.assertEqual(sub_numbers, [1, 1])

    def test_the_empty_template_has_every_sheet_with_japanese_headers(self):
        workbook = load_workbook(io.BytesIO(empty_template()))
        self.assertEqual(workbook.sheetnames, [sheet.name for sheet in SHEETS])
        self.assertEqual([c.value for c in workbook["取組"][1]][:3], ["番号", "枝番", "項目記号"])
        items = [row[0].value for row in workbook["計画"].iter_rows(min_row=2)]
        self.assertIn("地方公共団体コード", items)


def xlsx_of(document: dict, edit=None) -> bytes:
    content = write_xlsx(document_to_tables(document))
    if edit is None:
        return content
    workbook = load_workbook(io.BytesIO(content))
    edit(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class SpreadsheetErrorTests(TestCase):
    def assertFileRefused(self, content: bytes, filename: str, *fragments):
        with self.assertRaises(PlanFileError) as caught:
            read_plan_file(filename, content)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_an_unreadable_year_names_the_sheet_row_and_column(self):
        def edit(workbook):
            workbook["年度評価"]["C3"] = "来年"

        content = xlsx_of(small_document(), edit)
        self.assertFileRefused(
            content,
            "plan.xlsx",
            "シート「年度評価」3行目「年度」",
            "「来年」を年度として読めません",
        )

    def test_an_unreadable_number_names_the_sheet_row_and_column(self):
        def edit(workbook):
            workbook["取組"]["B2"] = "いち"

        self.assertFileRefused(
            xlsx_of(small_document(), edit), "plan.xlsx", "シート「取組」2行目「枝番」"
        )

    def test_a_grade_outside_the_scheme_names_the_sheet_and_row(self):
        def edit(workbook):
            workbook["年度評価"]["J4"] = "S"

        document = read_plan_file("plan.xlsx", xlsx_of(small_document(), edit))
        with self.assertRaises(PlanImportError) as caught:
            import_plan_document(document)
        self.assertIn("シート「年度評価」4行目 の「評価」", str(caught.exception))

    def test_a_row_for_a_measure_that_is_not_listed_is_named(self):
        def edit(workbook):
            workbook["年度評価"]["A2"] = "99"

        self.assertFileRefused(
            xlsx_of(small_document(), edit),
            "plan.xlsx",
            "シート「年度評価」2行目「取組番号」",
            "取組 99",
        )

    def test_an_unknown_sheet_or_header_is_refused(self):
        def extra_sheet(workbook):
            workbook.create_sheet("メモ")

        self.assertFileRefused(
            xlsx_of(small_document(), extra_sheet), "plan.xlsx", "シート「メモ」"
        )

        def bad_header(workbook):
            workbook["取組"]["A1"] = "No."

        self.assertFileRefused(xlsx_of(small_document(), bad_header), "plan.xlsx", "見出し「No.」")

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self):
        self.assertFileRefused(b"not a zip", "plan.xlsx", "xlsx")
        self.assertFileRefused(b"{broken", "plan.json", "JSONとして読めません")
        self.assertFileRefused(b"x", "plan.pdf", "xlsx・zip")


class HostileFileTests(TestCase):
    @override_settings(IMPORT_MAX_BYTES=1000)
    def test_a_file_over_the_size_limit_is_refused_before_parsing(self):
        with self.assertRaises(PlanFileError) as caught:
            read_plan_file("plan.xlsx", b"x" * 1001)
        self.assertIn("大きすぎます", str(caught.exception))

    def test_a_zip_bomb_is_refused_quickly_without_unpacking(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            chunk = b"\0" * (1024 * 1024)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                for _ in range(300):
                    member.write(chunk)
        started = time.perf_counter()
        with self.assertRaises(PlanFileError) as caught:
            read_plan_file("bomb.xlsx", output.getvalue())
        self.assertLess(time.perf_counter() - started, 5, "refused from the zip directory alone")
        self.assertRegex(str(caught.exception), "圧縮率|展開後")

    def test_an_xml_entity_bomb_is_refused(self):
        content = xlsx_of(small_document())
        source = zipfile.ZipFile(io.BytesIO(content))
        output = io.BytesIO()
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
        )
        with zipfile.ZipFile(output, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = bomb.encode()
                target.writestr(item, data)
        # Refused by either reader: calamine expands no entity, defusedxml refuses them.
        for grid_cells in (4_000_000, 0):
            with (
                self.subTest(grid_cells=grid_cells),
                mock.patch("measures.plan_files.workbook.files.MAX_GRID_CELLS", grid_cells),
                self.assertRaises(PlanFileError) as caught,
            ):
                read_plan_file("bomb.xlsx", output.getvalue())
            self.assertRegex(
                str(caught.exception), "(Excelファイル|シート「計画」)を読めませんでした"
            )

    def test_html_in_a_spreadsheet_cell_is_stored_as_plain_text(self):
        def edit(workbook):
            workbook["取組"]["M2"] = (
                '<ul style="list-style-type: none"><li>・督促</li><li>催告</li></ul>'
            )

        import_plan_document(read_plan_file("plan.xlsx", xlsx_of(small_document(), edit)))
        self.assertEqual(Measure.objects.get(code="1").content, "・督促\n・催告")


class TemplateDocumentationTests(TestCase):
    def test_the_documented_layout_matches_the_template(self):
        from measures.plan_files.workbook.template import template_markdown

        documented = (Path(settings.BASE_DIR) / "docs" / "import-template.md").read_text(
            encoding="utf-8"
        )
        self.assertEqual(documented, template_markdown(), "regenerate docs/import-template.md")


class PartialFileTests(TestCase):
    def test_a_sheet_left_out_leaves_its_rows_alone(self):
        import_plan_document(small_document())

        def drop_sheets(workbook):
            for name in ("指標", "指標の値", "年次計画", "体系"):
                del workbook[name]

        document = small_document()
        document["measures"][0]["title"] = "公金収納対策の強化（改）"
        content = xlsx_of(document, drop_sheets)
        summary = import_plan_document(read_plan_file("plan.xlsx", content))
        measure = Measure.objects.get(code="1")
        self.assertEqual(measure.title, "公金収納対策の強化（改）")
        self.assertEqual(measure.indicators.count(), 1)
        self.assertEqual(measure.indicators.get().values.count(), 3)
        self.assertEqual(measure.steps.count(), 1)
        self.assertEqual(measure.pillar.code, "①")
        self.assertEqual(sum(summary.deleted.values()), 0)

    def test_an_empty_list_removes_rows(self):
        import_plan_document(small_document())
        document = small_document()
        document["measures"][0]["steps"] = []
        summary = import_plan_document(document)
        self.assertEqual(Measure.objects.get(code="1").steps.count(), 0)
        self.assertEqual(summary.deleted["年次計画の項目"], 1)
