"""Preview, then publish: the office reads a year's report exactly as it will be published
(page and PDF) without anything becoming public, then confirms on a page that says what
will be published and takes the note a correction needs."""

import subprocess
from pathlib import Path
from tempfile import TemporaryDirectory

from django.urls import reverse

from measures.models import Evaluation, Report
from measures.plan_files.importing import import_plan_document
from measures.round.services import reopen_year
from measures.tests.documents import small_document
from municipalities.models import Municipality
from municipalities.tests.base import ActorsTestCase
from public.reports.pdf import unavailable
from public.reports.presets import apply_preset

APPROVED = Evaluation.ReviewStatus.APPROVED
PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


class ReportPreviewTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        document = small_document()
        document["plan"]["is_public"] = True
        cls.plan = import_plan_document(document).plan
        cls.plan.is_public = True
        cls.plan.save()
        apply_preset(plan=cls.plan, key="sanyo-onoda-list")

    def url(self, name: str, year: int = 2020) -> str:
        return reverse(f"admin:measures_report_{name}", args=[self.plan.pk, year])

    def public_report(self, year: int = 2020):
        return self.client.get(
            reverse("public:report", args=[self.plan.municipality.slug, self.plan.pk, year])
        )

    def test_the_preview_shows_the_report_to_be_published_and_publishes_nothing(self):
        self.client.force_login(self.officer)
        version = Municipality.objects.get(pk=self.city.pk).content_version
        page = self.client.get(self.url("preview"))
        self.assertContains(page, "この報告はまだ公開されていません")
        self.assertContains(page, "未収債権835百万円。")
        self.assertContains(page, "第1版として公開されます")
        self.assertFalse(Report.objects.exists())
        self.assertEqual(
            set(
                Evaluation.objects.filter(fiscal_year=2020).values_list("review_status", flat=True)
            ),
            {APPROVED},
        )
        self.assertEqual(Municipality.objects.get(pk=self.city.pk).content_version, version)
        self.client.logout()
        self.assertEqual(self.public_report().status_code, 404)

    def test_the_preview_pdf_is_the_pdf_that_would_be_written(self):
        if unavailable():
            raise AssertionError(f"{unavailable()} Run `make pdf-deps`.")
        self.client.force_login(self.officer)
        response = self.client.get(self.url("preview_pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        with TemporaryDirectory() as folder:
            path = Path(folder) / "preview.pdf"
            path.write_bytes(response.content)
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        self.assertIn("未収債権835百万円。", "".join(text.split()))
        self.assertFalse(Report.objects.exists())

    def test_the_confirmation_says_what_becomes_public_and_publishes_on_submit(self):
        self.client.force_login(self.officer)
        page = self.client.get(self.url("confirm"))
        self.assertContains(page, "第1版として公開します")
        self.assertContains(page, "承認済みの入力2件が公表済みになり")
        self.assertContains(page, "報告には2件の取組が載ります")
        response = self.client.post(self.url("confirm"), {"note": ""})
        report = Report.objects.get(plan=self.plan, fiscal_year=2020)
        self.assertRedirects(response, reverse("admin:measures_report_change", args=[report.pk]))
        self.assertEqual(
            set(
                Evaluation.objects.filter(fiscal_year=2020).values_list("review_status", flat=True)
            ),
            {PUBLISHED},
        )
        self.client.logout()
        self.assertContains(self.public_report(), "未収債権835百万円。")

    def test_a_correction_needs_its_note_and_marks_what_changed(self):
        self.client.force_login(self.officer)
        self.client.post(self.url("confirm"), {"note": ""})
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        Evaluation.objects.filter(measure__code="1", fiscal_year=2020).update(
            do_text="未収債権830百万円。"
        )
        preview = self.client.get(self.url("preview"))
        self.assertContains(preview, "第2版として公開されます")
        self.assertContains(preview, "（訂正）")
        self.assertContains(preview, "前の版から変わった行は1行")
        refused = self.client.post(self.url("confirm"), {"note": " "})
        self.assertContains(refused, "何をなぜ直したかを書いてください")
        self.assertEqual(Report.objects.filter(plan=self.plan, fiscal_year=2020).count(), 1)
        self.client.post(self.url("confirm"), {"note": "概要の数値の誤りを訂正"})
        second = Report.objects.get(plan=self.plan, fiscal_year=2020, revision=2)
        self.assertEqual(second.note, "概要の数値の誤りを訂正")
        first = Report.objects.get(plan=self.plan, fiscal_year=2020, revision=1)
        self.assertIn("未収債権835百万円。", str(first.content))

    def test_a_year_with_unapproved_entries_cannot_be_previewed_and_says_why(self):
        Evaluation.objects.filter(fiscal_year=2020, measure__code="2").update(
            review_status=Evaluation.ReviewStatus.SUBMITTED
        )
        self.client.force_login(self.officer)
        response = self.client.get(self.url("preview"), follow=True)
        self.assertContains(response, "承認されていない入力が1件あります")
        self.assertFalse(Report.objects.exists())

    def test_other_municipalities_and_department_staff_get_nothing(self):
        self.client.force_login(self.other_officer)
        for name in ("preview", "confirm"):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        self.client.force_login(self.finance_staff)
        self.assertNotEqual(self.client.get(self.url("preview")).status_code, 200)
        self.assertFalse(Report.objects.exists())

    def test_the_entry_list_offers_the_officers_plans_and_years(self):
        self.client.force_login(self.officer)
        page = self.client.get(reverse("admin:measures_report_publication"))
        self.assertContains(page, self.plan.name)
        self.assertContains(page, self.url("preview", 2022))
