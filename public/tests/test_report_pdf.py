"""Every published revision has its PDF, written when it is published and never changed:
a tagged PDF (PDF/UA-1) with the Japanese font embedded and its text selectable. Where the
server cannot make PDFs the report page says so, and publishing still works."""

import json
import subprocess
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from measures.models import Evaluation, Measure, Plan, Report, ReportFile
from measures.plan_files.importing import import_plan_document
from measures.round.services import publish_year, reopen_year
from municipalities.tests.base import make_staff
from public.reports.pdf import unavailable, write_files
from public.reports.presets import apply_own_presets

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def poppler(tool: str, content: bytes, *args: str) -> str:
    """Run a poppler tool (Debian's poppler-utils) on the PDF; its output as text."""
    with TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        return subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


class ReportPdfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        if unavailable():
            raise AssertionError(f"{unavailable()} Run `make pdf-deps` (as root it installs them).")
        for name in ("352161-sanyo-onoda.json", "192082-minami-alps.json"):
            document = json.loads((FIXTURES / name).read_text())
            apply_own_presets(import_plan_document(document, publish=True).plan)
        cls.sanyo = Plan.objects.get(municipality__code="352161")
        cls.minami = Plan.objects.get(municipality__code="192082")
        cls.report = Report.objects.get(plan=cls.sanyo, fiscal_year=2020)
        write_files(cls.report)
        cls.list_pdf, cls.sheets_pdf = (bytes(f.content) for f in cls.report.files.order_by("pk"))

    def test_the_file_is_a_tagged_pdf_ua_with_the_japanese_font_embedded(self):
        self.assertTrue(self.list_pdf.startswith(b"%PDF-"))
        info = poppler("pdfinfo", self.list_pdf)
        self.assertIn("Tagged:          yes", info)
        self.assertIn("pdfuaid:part", poppler("pdfinfo", self.list_pdf, "-meta"))
        fonts = poppler("pdffonts", self.list_pdf).splitlines()[2:]
        self.assertTrue(fonts)
        for line in fonts:
            # name, type, encoding, emb, sub, uni: every font embedded, with a Unicode map
            # so that the text can be selected and searched.
            self.assertIn("CJK-JP", line.split()[0])
            self.assertEqual(line.split()[-5:-3], ["yes", "yes"], line)

    def test_the_text_holds_the_headings_and_cells_of_the_table(self):
        # Narrow cells wrap inside words; the text is compared without line breaks.
        text = "".join(poppler("pdftotext", self.list_pdf).split())
        for expected in (
            "行動計画",
            "担当部署",
            "H29(当初)",
            "R2(現状)",
            "R4(目標)",
            "指標に対する目標達成度",
            "未収債権額",
            "982百万円",
            "未収債権835百万円。",
            "山陽小野田市",
            "第1版",
        ):
            self.assertIn("".join(expected.split()), text)

    def test_page_counts_stay_in_the_range_of_the_documents(self):
        # 001: 資料1 is a table of 25 rows (here led by the grade counts, the legend after
        # it), and the document has one page per 行動計画 sheet, 25 of them.
        pages = int(poppler("pdfinfo", self.list_pdf).split("Pages:")[1].split()[0])
        self.assertTrue(2 <= pages <= 3, pages)
        sheets = int(poppler("pdfinfo", self.sheets_pdf).split("Pages:")[1].split()[0])
        self.assertTrue(25 <= sheets <= 26, sheets)
        minami = Report.objects.get(plan=self.minami, fiscal_year=2020)
        write_files(minami)
        pdca = bytes(minami.files.get().content)
        pdca_pages = int(poppler("pdfinfo", pdca).split("Pages:")[1].split()[0])
        # 38 rows of long PDCA texts, the legend on every page; no page per pillar. The
        # document prints them on 11 pages.
        self.assertTrue(11 <= pdca_pages <= 14, pdca_pages)
        self.assertIn("取組達成度", "".join(poppler("pdftotext", pdca).split()))

    def test_the_stored_pdf_stays_byte_identical_after_edits_and_a_correction(self):
        first = self.report.files.order_by("pk").first()
        digest, content = first.sha256, bytes(first.content)
        officer = make_staff("officer", self.sanyo.municipality, officer=True)
        measure = Measure.objects.get(plan=self.sanyo, code="1")
        measure.title = "公金収納対策の強化と債権管理の適正化"
        measure.save()
        reopen_year(plan=self.sanyo, fiscal_year=2020, by=officer)
        Evaluation.objects.filter(measure=measure, fiscal_year=2020).update(
            do_text="訂正した概要。"
        )
        with (
            override_settings(REPORT_PDF_ON_PUBLISH=True),
            self.captureOnCommitCallbacks(execute=True),
        ):
            correction = publish_year(
                plan=self.sanyo, fiscal_year=2020, by=officer, note="取組名と概要の訂正"
            )
        first.refresh_from_db()
        self.assertEqual((first.sha256, bytes(first.content)), (digest, content))
        self.assertEqual(self.report.files.count(), 2)
        new = correction.files.order_by("pk").first()
        self.assertNotEqual(new.sha256, digest)
        text = poppler("pdftotext", bytes(new.content))
        self.assertIn("訂正した概要。", text)
        self.assertIn("（訂正）", text)

    def test_the_report_page_links_the_pdf_with_its_digest(self):
        plan = self.sanyo
        url = reverse("public:report", args=[plan.municipality.slug, plan.pk, 2020])
        page = self.client.get(url)
        item = self.report.files.order_by("pk").first()
        self.assertContains(page, item.sha256)
        download = self.client.get(
            reverse("public:report_file", args=[plan.municipality.slug, plan.pk, 2020, item.pk])
        )
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertEqual(download.content, bytes(item.content))
        # A file of another year's report is not found under this year.
        self.assertEqual(
            self.client.get(
                reverse("public:report_file", args=[plan.municipality.slug, plan.pk, 2019, item.pk])
            ).status_code,
            404,
        )

    def test_the_plan_page_links_every_published_years_revisions_with_pdf_digest_and_xlsx(self):
        plan = self.sanyo
        slug = plan.municipality.slug
        officer = make_staff("officer", plan.municipality, officer=True)
        reopen_year(plan=plan, fiscal_year=2020, by=officer)
        with (
            override_settings(REPORT_PDF_ON_PUBLISH=True),
            self.captureOnCommitCallbacks(execute=True),
        ):
            correction = publish_year(plan=plan, fiscal_year=2020, by=officer, note="概要の訂正")
        page = self.client.get(reverse("public:plan", args=[slug, plan.pk]))
        html = page.content.decode()
        # Both revisions of 2020 with every PDF and its digest, the earlier one unchanged.
        for report in (self.report, correction):
            for item in report.files.all():
                url = reverse("public:report_file", args=[slug, plan.pk, 2020, item.pk])
                self.assertIn(f'href="{url}"', html)
                self.assertIn(item.sha256, html)
            for layout in plan.report_layouts.all():
                xlsx = reverse("public:report_xlsx", args=[slug, plan.pk, 2020])
                self.assertIn(f"{xlsx}?layout={layout.pk}&amp;revision={report.revision}", html)
        self.assertContains(page, "概要の訂正")
        # 2019 was published without files here: it is listed, and says it has no PDF yet.
        self.assertContains(page, reverse("public:report", args=[slug, plan.pk, 2019]))
        self.assertIn("この版のPDFはまだ作成されていません。", html.split('id="report-2019"')[1])
        # Newest year first, newest revision first.
        self.assertLess(html.index('id="report-2020"'), html.index('id="report-2019"'))
        self.assertLess(html.index("第2版"), html.index("第1版"))

    def test_without_the_pdf_libraries_the_page_says_so_and_publishing_still_works(self):
        reason = "日本語フォント（Noto Sans CJK JP、Debian の fonts-noto-cjk）がありません。"
        officer = make_staff("officer", self.sanyo.municipality, officer=True)
        reopen_year(plan=self.sanyo, fiscal_year=2019, by=officer)
        with (
            mock.patch("public.reports.pdf.unavailable", return_value=reason),
            override_settings(REPORT_PDF_ON_PUBLISH=True),
            self.captureOnCommitCallbacks(execute=True),
        ):
            correction = publish_year(plan=self.sanyo, fiscal_year=2019, by=officer, note="再公表")
            page = self.client.get(
                reverse("public:report", args=["sanyo-onoda", self.sanyo.pk, 2019])
            )
        self.assertEqual(correction.revision, 2)
        self.assertFalse(ReportFile.objects.filter(report=correction).exists())
        self.assertContains(page, "このサーバーではPDFを作成できないためです")
        self.assertContains(page, reason)

    def test_the_table_downloads_as_xlsx_with_the_same_headings(self):
        from io import BytesIO

        from openpyxl import load_workbook

        plan = self.sanyo
        layout = plan.report_layouts.first()
        response = self.client.get(
            reverse("public:report_xlsx", args=[plan.municipality.slug, plan.pk, 2020]),
            {"layout": layout.pk},
        )
        sheet = load_workbook(BytesIO(response.content)).active
        self.assertEqual(
            [c.value for c in sheet[2]][:8],
            [
                "行動計画",
                "担当部署",
                "指標",
                "H29(当初)",
                "R2(現状)",
                "R4(目標)",
                "昨年度取組内容の概要 (詳細は別紙行動計画を参照)",
                "指標に対する目標達成度",
            ],
        )
        self.assertEqual([c.value for c in sheet[3]][7:9], ["R1", "R2"])
        first = [c.value for c in sheet[4]]
        self.assertEqual(first[0], "1 公金収納対策の強化")
        self.assertEqual(
            first[3:], ["982百万円", "835百万円", "700百万円", "未収債権835百万円。", "C", "C"]
        )
        # The longest column (昨年度取組内容の概要) is the widest, grades the narrowest.
        widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
        self.assertEqual(max(widths, key=widths.get), "G")
        self.assertLess(widths["H"], widths["D"])
