"""The reform office imports and exports plan files in the admin."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from measures.models import Measure, Plan
from measures.plan_files.importing import import_plan_document
from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document
from municipalities.tests.base import ActorsTestCase


def upload(document: dict, name: str = "plan.xlsx") -> SimpleUploadedFile:
    if name.endswith(".json"):
        return SimpleUploadedFile(name, json.dumps(document, ensure_ascii=False).encode())
    return SimpleUploadedFile(name, write_xlsx(document_to_tables(document)))


class AdminImportTests(ActorsTestCase):
    url = reverse("admin:measures_plan_import")

    def setUp(self):
        self.client.force_login(self.officer)

    def preview(self, document, **extra):
        return self.client.post(self.url, {"file": upload(document), **extra})

    def test_the_preview_shows_counts_and_writes_nothing(self):
        response = self.preview(small_document())
        self.assertContains(response, "まだ何も書き込んでいません")
        rows = {row["name"]: row for row in response.context["summary"].rows()}
        self.assertEqual(rows["取組"]["created"], 2)
        self.assertFalse(Plan.objects.exists())

    def test_confirming_imports_and_records_the_officer_in_the_history(self):
        response = self.preview(small_document())
        confirm = response.context["confirm_form"].initial
        response = self.client.post(self.url, {**confirm, "publish": ""})
        plan = Plan.objects.get()
        self.assertRedirects(response, reverse("admin:measures_plan_change", args=[plan.pk]))
        self.assertEqual(plan.measures.count(), 2)
        measure = Measure.objects.get(code="1")
        self.assertEqual(measure.history.first().history_user, self.officer)
        evaluation = measure.evaluations.get(fiscal_year=2020)
        self.assertEqual(evaluation.history.first().history_user, self.officer)

    def test_errors_are_listed_and_nothing_is_written(self):
        document = small_document()
        document["measures"][1]["years"][0]["grade"] = "S"
        response = self.preview(document)
        self.assertContains(response, "1件の問題があるため、取り込みませんでした")
        self.assertContains(response, "シート「年度評価」4行目 の「評価」")
        self.assertFalse(Plan.objects.exists())

    def test_an_officer_cannot_import_another_municipalitys_plan(self):
        document = small_document()
        document["municipality"] = {
            "code": "352161",
            "name": "山陽小野田市",
            "prefecture": "山口県",
            "slug": "sanyo-onoda",
        }
        response = self.preview(document)
        self.assertContains(response, "西宮市の計画しか取り込めません")
        self.assertFalse(Plan.objects.exists())

    def test_a_tampered_confirmation_token_is_refused(self):
        response = self.client.post(
            self.url, {"token": "../../etc/passwd", "filename": "x.xlsx"}, follow=True
        )
        self.assertContains(response, "確認情報が正しくありません")

    def test_department_staff_cannot_reach_the_import(self):
        self.client.force_login(self.finance_staff)
        response = self.client.get(self.url)
        self.assertNotEqual(response.status_code, 200)

    def test_the_template_downloads_as_xlsx(self):
        response = self.client.get(reverse("admin:measures_plan_import_template"))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertIn("取組", workbook.sheetnames)

    def test_json_and_csv_files_are_accepted_too(self):
        response = self.client.post(self.url, {"file": upload(small_document(), "plan.json")})
        self.assertContains(response, "まだ何も書き込んでいません")


class AdminExportTests(ActorsTestCase):
    def setUp(self):
        self.plan = import_plan_document(small_document()).plan

    def test_an_officer_exports_their_plan_in_every_format(self):
        self.client.force_login(self.officer)
        for file_format, marker in [("xlsx", b"PK"), ("csv", b"PK"), ("json", b"{")]:
            response = self.client.get(
                reverse("admin:measures_plan_export", args=[self.plan.pk, file_format])
            )
            self.assertEqual(response.status_code, 200, file_format)
            self.assertTrue(response.content.startswith(marker), file_format)
            self.assertIn("attachment", response["Content-Disposition"])

    def test_another_municipalitys_officer_gets_404(self):
        self.client.force_login(self.other_officer)
        response = self.client.get(
            reverse("admin:measures_plan_export", args=[self.plan.pk, "json"])
        )
        self.assertEqual(response.status_code, 404)
