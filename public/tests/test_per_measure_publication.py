"""A measure's results of a year are public only when that measure's evaluation of that year is
published, and only publishing (the service, or an import with the publish option) makes
anything published.

The attack this guards against: an office exported its plan, set another measure's
review_status of an open year to "published" in the file and imported it without the publish
option; every department's draft figures of that year then appeared on the public pages, the
API and the downloads.
"""

import copy
import datetime
import io
import zipfile

from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from measures.models import Evaluation, Report
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.round.services import (
    EntryData,
    open_round,
    publish_year,
    record_publication,
    reopen_year,
    save_entry,
)
from measures.tests.documents import small_document
from measures.values import parse_value
from municipalities import content_version
from municipalities.tests.base import ActorsTestCase, make_staff

DRAFT_ACTUAL = "7777777"
DRAFT_STEP = "下書きの年次計画の実績"
DRAFT_EFFECT = 3_456_789


def _text_of_download(file_format: str, content: bytes) -> str:
    if file_format == "json":
        return content.decode()
    if file_format == "csv":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    workbook = load_workbook(io.BytesIO(content))
    return "".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )


class PerMeasurePublicationTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan
        city = cls.plan.municipality
        cls.clerk = make_staff("clerk", city, list(city.departments.all()))
        open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.clerk
        )
        cls.draft = Evaluation.objects.get(
            measure__plan=cls.plan, measure__code="1", fiscal_year=2021
        )
        measure = cls.draft.measure
        cls.measure = measure
        save_entry(
            evaluation_id=cls.draft.pk,
            version=cls.draft.version,
            data=EntryData(
                do_text="入力中",
                indicator_actuals={measure.indicators.get().pk: parse_value(DRAFT_ACTUAL)},
                step_actuals={measure.steps.get().pk: ("実施", DRAFT_STEP)},
                actual_saving=DRAFT_EFFECT,
            ),
            by=cls.clerk,
        )

    def setUp(self):
        # Pages cached by an earlier test carry the same content version (rolled back).
        caches["default"].clear()

    def publish_directly(self, **lookup) -> None:
        """Mark entries published behind every service's back (as a bug or a raw write
        might), to check that visibility does not depend on the import's checks alone."""
        Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021, **lookup).update(
            review_status="published", published_at=timezone.now()
        )
        content_version.changed([self.plan.municipality_id])

    def office_export_with_other_measure_published(self) -> dict:
        document = copy.deepcopy(plan_document(plan_queryset().get(pk=self.plan.pk)))
        other = next(m for m in document["measures"] if m["code"] == "2")
        year = next(y for y in other["years"] if y["fiscal_year"] == 2021)
        year["review_status"] = "published"
        return document

    def public_answers(self) -> dict[str, str]:
        slug, pk = self.plan.municipality.slug, self.plan.pk
        urls = {
            "measure page": reverse("public:measure", args=[slug, pk, self.measure.pk]),
            "plan page": reverse("public:plan", args=[slug, pk]) + "?year=2021",
            "API plan": reverse("api:plan", args=[pk]),
            "API measures": reverse("api:measures", args=[pk]),
        }
        answers = {name: self.client.get(url).content.decode() for name, url in urls.items()}
        for file_format in ("json", "csv", "xlsx"):
            content = self.client.get(
                reverse("public:download", args=[slug, pk, file_format])
            ).content
            answers[f"{file_format} download"] = _text_of_download(file_format, content)
        return answers

    def assert_no_draft_result_is_public(self):
        for name, text in self.public_answers().items():
            with self.subTest(answer=name):
                self.assertNotIn(DRAFT_ACTUAL, text)
                self.assertNotIn(DRAFT_STEP, text)
                self.assertNotIn(str(DRAFT_EFFECT), text)
                self.assertNotIn("3,456", text)

    def test_an_import_without_the_publish_option_cannot_publish_an_entry(self):
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(self.office_export_with_other_measure_published())
        message = str(raised.exception)
        self.assertIn("取組 2", message)
        self.assertIn("2021年度評価", message)
        self.assertIn("審査状況", message)
        self.assertIn("公表の操作だけ", message)
        self.assertFalse(
            Evaluation.objects.filter(
                measure__plan=self.plan, fiscal_year=2021, review_status="published"
            ).exists()
        )
        self.assert_no_draft_result_is_public()

    def test_one_published_entry_does_not_expose_the_drafts_of_its_year(self):
        # However an entry came to be published, the other measures' drafts stay private.
        self.publish_directly(measure__code="2")
        self.assert_no_draft_result_is_public()

    def test_the_published_entry_shows_its_own_results(self):
        self.publish_directly(pk=self.draft.pk)
        answers = self.public_answers()
        for name in ("measure page", "API plan", "json download"):
            with self.subTest(answer=name):
                self.assertIn(DRAFT_STEP, answers[name])
                self.assertIn(DRAFT_ACTUAL, answers[name])

    def test_a_publication_freezes_only_the_published_entries_results(self):
        self.publish_directly(measure__code="2")
        reports = record_publication(plan=self.plan, by=self.officer)
        self.assertIn(2021, [report.fiscal_year for report in reports])
        for report in reports:
            self.assertNotIn(DRAFT_ACTUAL, str(report.content))
            self.assertNotIn(DRAFT_STEP, str(report.content))

    def test_reimporting_the_offices_own_export_changes_nothing(self):
        document = plan_document(plan_queryset().get(pk=self.plan.pk))
        summary = import_plan_document(document)
        self.assertFalse(summary.changed, summary.lines())

    def test_an_import_without_the_publish_option_cannot_change_a_published_entry(self):
        document = plan_document(plan_queryset().get(pk=self.plan.pk))
        first = next(m for m in document["measures"] if m["code"] == "1")
        year = next(y for y in first["years"] if y["fiscal_year"] == 2020)
        year["do"] = "公表後に書き換えた取組状況"
        year["review_status"] = "approved"
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(document)
        self.assertIn("取組状況（Do）", str(raised.exception))
        self.assertIn("審査状況", str(raised.exception))
        self.assertIn("公表済みの年度評価は取り込みでは変えられません", str(raised.exception))

    def test_the_publish_option_and_the_publish_service_still_publish(self):
        document = self.office_export_with_other_measure_published()
        import_plan_document(document, publish=True)
        self.assertEqual(
            Evaluation.objects.filter(
                measure__plan=self.plan, fiscal_year=2021, review_status="published"
            ).count(),
            2,
        )
        reopen_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2021, by=self.officer, note="訂正")
        self.assertTrue(Report.objects.filter(plan=self.plan, fiscal_year=2021).exists())
