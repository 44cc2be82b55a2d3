"""Hostile values in a plan file are refused with a named problem; the import never crashes.

Whatever a key of the document holds (a list where text belongs, a number beyond any column,
a NUL character, nesting deeper than Python's stack), `import_plan_document` either imports
the file or raises PlanImportError naming the place, and then writes nothing. Spreadsheet
cells are held to the same, and the admin and `import_plan` report each case as a problem.
"""

import copy
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from measures.models import CoCreationActor, Plan
from measures.plan_files.formats import PlanFileError, read_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import write_csv_zip, write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import every_key_document, small_document, xlsx_with_raw_text
from municipalities.models import Department, Municipality
from municipalities.tests.base import ActorsTestCase


def nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def nested_object(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"x": value}
    return value


HOSTILE_VALUES: dict[str, Any] = {
    "null": None,
    "an empty string": "",
    "an empty list": [],
    "an empty object": {},
    "a word": "abc",
    "1e400": 1e400,
    "minus one": -1,
    "zero": 0,
    "true": True,
    "a 100,000-character string": "長" * 100_000,
    "a string with a NUL character": "a\x00b",
    "a list nested 100,000 deep": nested_list(100_000),
    "an object nested 100,000 deep": nested_object(100_000),
    "a float where a whole number belongs": 2020.5,
    "a whole number far beyond 64 bits": 2**100,
}


def positions(document: dict) -> list[tuple[str, tuple]]:
    """Every key of every object and every item of every list, once per place in the format
    (the first measure's title stands for every measure's title)."""
    found: dict[str, tuple] = {}
    stack: list[tuple[Any, tuple, str]] = [(document, (), "")]
    while stack:
        value, path, pattern = stack.pop()
        if isinstance(value, dict):
            children = [(key, f"{pattern}.{key}") for key in value]
        elif isinstance(value, list):
            children = [(index, f"{pattern}[*]") for index in range(len(value))]
        else:
            continue
        for key, child_pattern in children:
            found.setdefault(child_pattern, (*path, key))
            stack.append((value[key], (*path, key), child_pattern))
    return sorted(found.items())


def substituted(document: dict, path: tuple, value: Any) -> dict:
    changed = copy.deepcopy(document)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return changed


class HostileValueTests(TestCase):
    def written_rows(self) -> tuple[int, ...]:
        return tuple(
            model.objects.count() for model in (Municipality, Department, Plan, CoCreationActor)
        )

    def test_every_key_of_the_document_survives_every_hostile_value(self):
        document = every_key_document()
        import_plan_document(document, dry_run=True)  # the document itself is fine
        places = positions(document)
        self.assertGreater(len(places), 100)
        before = self.written_rows()
        for pattern, path in places:
            for label, value in HOSTILE_VALUES.items():
                with self.subTest(key=pattern, value=label):
                    self.assertImportsOrRefuses(substituted(document, path, value), before)

    def test_the_whole_document_or_a_scheme_replaced_by_a_hostile_value_is_refused(self):
        before = self.written_rows()
        for label, value in HOSTILE_VALUES.items():
            with self.subTest(value=label):
                self.assertImportsOrRefuses(value, before)

    def assertImportsOrRefuses(self, document: Any, before: tuple[int, ...]) -> None:
        try:
            with transaction.atomic():
                import_plan_document(document)
                transaction.set_rollback(True)  # the next case starts from nothing again
        except PlanImportError as error:
            self.assertTrue(error.issues)
            self.assertEqual(self.written_rows(), before, "a refused file wrote rows")
        except Exception as error:  # any other exception is the failure looked for
            self.fail(f"{type(error).__name__}: {str(error)[:200]}")


class ValuesTheDatabaseWouldRefuseTests(TestCase):
    """Checked before any query, the same on SQLite as on PostgreSQL."""

    def assertRefused(self, document: dict, *fragments: str) -> None:
        with self.assertRaises(PlanImportError) as caught:
            import_plan_document(document)
        text = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertFalse(Plan.objects.exists())

    def test_a_nul_character_in_a_title_is_named(self):
        document = small_document()
        document["measures"][1]["title"] = "ネーミング\x00ライツ"
        self.assertRefused(document, "取組 2 の「名称」", "NUL")

    def test_a_nul_character_in_a_lookup_key_is_named_before_any_query(self):
        document = small_document()
        document["plan"]["name"] = "計画\x00"
        self.assertRefused(document, "計画 の「計画名」", "NUL")

    def test_a_sub_number_beyond_its_column_is_refused_on_every_database(self):
        document = small_document()
        document["measures"][1]["sub_number"] = 40_000
        self.assertRefused(document, "「枝番」", "0～32,767")

    def test_an_amount_beyond_a_64_bit_column_is_refused(self):
        document = small_document()
        document["measures"][0]["effects"][0]["actual_saving"] = "9,223,372,036,854,775,808円"
        self.assertRefused(document, "効果額", "実績 歳出削減（円）", "9,223,372,036,854,775,807")

    def test_a_number_beyond_64_bits_anywhere_in_the_document_is_named(self):
        document = small_document()
        document["measures"][0]["effects"][0]["actual_saving"] = 2**63
        self.assertRefused(document, "measures[0].effects[0] の「actual_saving」", "範囲")

    def test_an_indicator_value_with_too_many_digits_is_refused(self):
        document = small_document()
        document["measures"][0]["indicators"][0]["years"][0]["actual"] = {"value": "1e30"}
        self.assertRefused(document, "2020年度実績値", "数値")

    def test_a_new_co_creation_actor_is_checked_like_any_other_row(self):
        document = small_document()
        document["measures"][0]["co_creation"] = {"actors": ["担" * 51]}
        self.assertRefused(document, "取組 1", "名称")
        self.assertFalse(CoCreationActor.objects.filter(name="担" * 51).exists())


# -- the reported cases, through the file readers, the admin and the command ------------------

DEEP_JSON = ('{"measures": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()


def json_file(document: dict | str) -> bytes:
    if isinstance(document, str):
        return document.encode()
    return json.dumps(document, ensure_ascii=False).encode()


def sub_number_json(literal: str) -> bytes:
    text = json.dumps(small_document(), ensure_ascii=False)
    return text.replace('"code": "2",', f'"code": "2", "sub_number": {literal},').encode()


def csv_zip(edit) -> bytes:
    tables = document_to_tables(small_document())
    edit(tables)
    return write_csv_zip(tables)


def csv_with_a_long_field() -> bytes:
    def edit(tables):
        tables["取組"][1][12] = "長" * 200_000  # 取組内容 of the second measure

    return csv_zip(edit)


REPORTED_CASES = {
    "JSON nested 100,000 deep": ("plan.json", DEEP_JSON, "JSONの入れ子が深すぎます"),
    "a sub-number of 1e400": (
        "plan.json",
        sub_number_json("1e400"),
        "measures[1] の「sub_number」",
    ),
    "a sub-number of abc": (
        "plan.json",
        sub_number_json('"abc"'),
        "の「枝番」: 枝番 ",
    ),
    "a CSV field over the csv module's limit": (
        "plan.zip",
        csv_with_a_long_field(),
        "シート「取組」3行目",
    ),
}


def refusal_text(filename: str, content: bytes) -> str:
    try:
        import_plan_document(read_plan_file(filename, content))
    except (PlanFileError, PlanImportError) as error:
        return str(error)
    raise AssertionError("the file was imported")


class ReportedCaseTests(TestCase):
    def test_each_reported_case_is_a_named_problem(self):
        for case, (filename, content, message) in REPORTED_CASES.items():
            with self.subTest(case):
                self.assertIn(message, refusal_text(filename, content))
                self.assertFalse(Plan.objects.exists())

    def test_a_sub_number_of_1e400_says_the_number_is_out_of_range(self):
        self.assertIn("扱える範囲を超える数値", refusal_text("plan.json", sub_number_json("1e400")))

    def test_an_integer_too_long_for_python_to_read_is_a_json_problem(self):
        self.assertIn("JSONとして読めません", refusal_text("plan.json", b"1" * 5000))

    def test_the_command_fails_cleanly_on_each_reported_case(self):
        for case, (filename, content, message) in REPORTED_CASES.items():
            with self.subTest(case):
                path = Path(tempfile.mkdtemp()) / filename
                path.write_bytes(content)
                with self.assertRaises(CommandError) as caught:
                    call_command("import_plan", str(path), "--dry-run", stdout=io.StringIO())
                self.assertIn(message, str(caught.exception))
                self.assertFalse(Plan.objects.exists())


class AdminReportedCaseTests(ActorsTestCase):
    def test_the_admin_lists_each_reported_case_as_a_problem(self):
        self.client.force_login(self.officer)
        url = reverse("admin:measures_plan_import")
        for case, (filename, content, message) in REPORTED_CASES.items():
            with self.subTest(case):
                response = self.client.post(url, {"file": SimpleUploadedFile(filename, content)})
                self.assertContains(response, "取り込みませんでした", status_code=200)
                self.assertContains(response, message)
                self.assertFalse(Plan.objects.exists())


# -- spreadsheet cells -------------------------------------------------------------------------


def xlsx_with(cells: dict[tuple[str, str], Any]) -> bytes:
    workbook = load_workbook(io.BytesIO(write_xlsx(document_to_tables(small_document()))))
    for (sheet, cell), value in cells.items():
        workbook[sheet][cell] = value
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class SpreadsheetCellTests(TestCase):
    def assertNamed(self, filename: str, content: bytes, *fragments: str) -> None:
        text = refusal_text(filename, content)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertFalse(Plan.objects.exists())

    def test_a_csv_cell_with_a_nul_character_is_named(self):
        def edit(tables):
            tables["取組"][0][6] = "公金\x00収納"

        self.assertNamed("plan.zip", csv_zip(edit), "シート「取組」2行目「名称」", "NUL")

    def test_an_over_long_cell_is_named_in_csv_and_xlsx(self):
        def edit(tables):
            tables["年度評価"][0][4] = "長" * 40_000

        self.assertNamed(
            "plan.zip", csv_zip(edit), "シート「年度評価」2行目「取組状況（Do）」", "32,767"
        )
        # openpyxl cuts what it writes at Excel's limit; a file made otherwise need not be.
        content = xlsx_with_raw_text("<t>公金収納対策の強化</t>", f"<t>{'長' * 40_000}</t>")
        self.assertNamed("plan.xlsx", content, "シート「取組」2行目「名称」", "32,767")

    def test_a_huge_number_in_a_number_cell_is_named_without_being_expanded(self):
        def edit(tables):
            tables["取組"][1][1] = "1e999999999"
            tables["評価区分"][0][3] = "1e-999999999"

        self.assertNamed(
            "plan.zip", csv_zip(edit), "シート「取組」3行目「枝番」", "シート「評価区分」2行目"
        )
        self.assertNamed(
            "plan.xlsx", xlsx_with({("取組", "B3"): "1e999999999"}), "シート「取組」3行目「枝番」"
        )

    def test_a_number_too_large_for_a_float_in_a_numeric_cell_is_named(self):
        content = xlsx_with_raw_text("<v>1</v>", "<v>1e400</v>")
        self.assertNamed("plan.xlsx", content, "シート「取組」", "「枝番」")

    def test_a_broken_sheet_in_the_middle_of_reading_is_named(self):
        content = xlsx_with_raw_text("<v>1</v>", "<v>1</v></c><c>&#0;")
        self.assertNamed("plan.xlsx", content, "シート「取組」を読めませんでした")
