import io
import json
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from measures.models import Plan
from measures.tests.documents import small_document


class CommandTests(TestCase):
    def write(self, document: dict) -> Path:
        path = Path(tempfile.mkdtemp()) / "plan.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    def test_dry_run_writes_nothing(self):
        out = io.StringIO()
        call_command("import_plan", str(self.write(small_document())), "--dry-run", stdout=out)
        self.assertIn("書き込みなし", out.getvalue())
        self.assertFalse(Plan.objects.exists())

    def test_publish_marks_years_published(self):
        call_command(
            "import_plan", str(self.write(small_document())), "--publish", stdout=io.StringIO()
        )
        plan = Plan.objects.get()
        statuses = set(plan.measures.values_list("evaluations__review_status", flat=True))
        self.assertEqual(statuses, {"published"})

    def test_errors_are_listed_and_the_command_fails(self):
        document = small_document()
        document["measures"][0]["years"][0]["grade"] = "Z"
        with self.assertRaises(CommandError) as caught:
            call_command("import_plan", str(self.write(document)), stdout=io.StringIO())
        self.assertIn("評価「Z」", str(caught.exception))

    def test_export_writes_json_xlsx_and_csv_files(self):
        call_command("import_plan", str(self.write(small_document())), stdout=io.StringIO())
        folder = Path(tempfile.mkdtemp())
        for file_format in ("json", "xlsx", "csv"):
            target = folder / f"out.{file_format}"
            call_command(
                "export_plan",
                "282049",
                "--format",
                file_format,
                "-o",
                str(target),
                stderr=io.StringIO(),
            )
            self.assertGreater(target.stat().st_size, 100)
        exported = json.loads((folder / "out.json").read_text(encoding="utf-8"))
        self.assertEqual(
            exported["municipality"],
            {**exported["municipality"], "code": "282049", "name": "西宮市"},
        )
        self.assertEqual(exported["plan"]["first_fiscal_year"], 2019)
        measure = exported["measures"][0]
        self.assertEqual(measure["indicators"][0]["baseline"]["value"], "982")
        self.assertEqual(measure["indicators"][0]["baseline"]["unit"], "百万円")
        self.assertEqual(measure["years"][1]["grade"], "C")

    def test_export_of_an_unknown_municipality_fails_clearly(self):
        with self.assertRaises(CommandError) as caught:
            call_command("export_plan", "999999")
        self.assertIn("見つかりません", str(caught.exception))
