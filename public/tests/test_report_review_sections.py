"""The external review in the published report: a plan evaluated per department on five
viewpoints (A–E) by a five-member body prints its 意見一覧表 (opinions with the office's
responses, and the next year the 反映状況) and its 部局別評価シート (the committee's grade
beside the self-grade) after the table, from the revision's frozen content. A review in
progress never appears, nor does anything of a plan without review, and editing the review
after publication leaves the published revision as it was."""

import re
from io import BytesIO

from django.test import override_settings
from django.urls import reverse

from measures.models import Evaluation, Report, ReportLayout
from measures.round.services import publish_year, record_publication
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_measure,
    make_pillar,
    make_plan,
)
from municipalities.tests.base import ActorsTestCase
from public.page_cache import page_cache
from public.reports.layouts import from_model
from public.reports.pdf import render_pdf, unavailable
from public.reports.presets import PRESETS, apply_preset
from public.tests.test_browser import ChromiumTestCase
from public.tests.test_report_pdf import poppler
from reviews import services
from reviews.models import Conclusion, Opinion, OpinionProgress, OpinionStatus
from reviews.tests.factories import make_body, make_round, make_unit
from reviews.tests.test_round import grade_all

APPROVED = Evaluation.ReviewStatus.APPROVED
OPINION = "滞納整理の手法を見直し、早期の催告を徹底すること"
RESPONSE = "令和3年度から催告の時期を1か月早める"
REFLECTION = "催告を前倒しし、収納率が0.5ポイント向上した"
IN_PROGRESS = "審議中の意見（まだ公表しない）"
VIEWPOINTS = [
    "計画の妥当性（Plan）",
    "取組過程（Do）",
    "実績（Check）",
    "実施後の対応（Action）",
    "総合",
]
# The mean of the members' grades of reviews.tests.test_round.MEMBER_GRADES per viewpoint.
COMMITTEE = ["B 良好", "B 良好", "C 概ね妥当", "C 概ね妥当", "B 良好"]


def strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def sheet_rows(html: str, unit: str) -> list[tuple[str, str, str]]:
    """The rows (viewpoint, committee grade, self-grade) of a unit's evaluation sheet."""
    start = html.index(f"<caption>{unit}</caption>")
    table = html[start : html.index("</table>", start)]
    return [
        tuple(strip_tags(cell) for cell in row)
        for row in re.findall(
            r'<tr><th scope="row">(.*?)</th><td class="review-grade"[^>]*>(.*?)</td>'
            r'<td class="review-grade"[^>]*>(.*?)</td></tr>',
            table,
        )
    ]


def build_reviewed_plan(case) -> None:
    """On `case`: a public plan of 西宮市 whose finance and tax departments are reviewed
    for 2020 by a five-member body (the finance department self-graded all A), with one
    adopted opinion, answered, and the 南アルプス市 PDCA preset as its layout."""
    case.plan = make_plan(case.city, is_public=True)
    grades = make_grades(case.plan)
    pillar = make_pillar(case.plan)
    case.measure = make_measure(case.plan, "1", "未収債権の回収", pillar=pillar, lead=case.finance)
    make_measure(case.plan, "2", "収納率の向上", pillar=pillar, lead=case.tax)
    for measure in case.plan.measures.all():
        for year in (2020, 2021):
            make_evaluation(measure, year, review_status=APPROVED, final_grade=grades["B"])
    case.body = make_body(case.plan)
    case.unit = make_unit(case.body, case.finance)
    case.tax_unit = make_unit(case.body, case.tax, order=1)
    case.round = make_round(case.body, 2020)
    grade_all(case.body, case.round, case.unit)
    grade_all(case.body, case.round, case.tax_unit)
    services.save_self_evaluation(
        round_=case.round,
        unit=case.unit,
        version=0,
        grades={v.pk: case.body.scheme["A"] for v in case.body.viewpoint_list},
        answers={},
        by=case.finance_staff,
    )
    case.opinion = Opinion.objects.create(
        round=case.round,
        unit=case.unit,
        viewpoint=case.body.viewpoint_list[2],
        text=OPINION,
        response=RESPONSE,
        responsible_department=case.finance,
    )
    case.layout = apply_preset(plan=case.plan, key="minami-alps-pdca")


class ReportReviewSectionTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_reviewed_plan(cls)

    def setUp(self):
        page_cache().clear()

    def report_url(self, year: int, plan=None) -> str:
        plan = plan or self.plan
        return reverse("public:report", args=[self.city.slug, plan.pk, year])

    def page(self, year: int, plan=None) -> str:
        response = self.client.get(self.report_url(year, plan))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def xlsx_text(self, year: int) -> str:
        from openpyxl import load_workbook

        response = self.client.get(
            reverse("public:report_xlsx", args=[self.city.slug, self.plan.pk, year]),
            {"layout": self.layout.pk},
        )
        sheet = load_workbook(BytesIO(response.content)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)

    def pdf_text(self, year: int) -> str:
        if unavailable():
            raise AssertionError(f"{unavailable()} Run `make pdf-deps`.")
        report = Report.objects.filter(plan=self.plan, fiscal_year=year).first()
        return poppler("pdftotext", render_pdf(report, from_model(self.layout)))

    def conclude_and_publish(self) -> Report:
        services.conclude_round(round_=self.round, by=self.officer)
        return publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)

    def test_the_city_presets_print_the_review_after_the_table(self):
        for key in ("sanyo-onoda-list", "minami-alps-pdca", "nishinomiya-progress"):
            sections = PRESETS[key].sections
            self.assertEqual(
                sections[-2:],
                [ReportLayout.Section.REVIEW_OPINIONS, ReportLayout.Section.REVIEW_SHEETS],
            )
        self.assertEqual(self.layout.sections, ["grade_counts", "review_opinions", "review_sheets"])
        self.layout.full_clean()

    def test_the_published_report_shows_the_opinions_with_responses_and_the_department_sheets(self):
        self.conclude_and_publish()
        html = self.page(2020)
        table_end = html.index("</table>", html.index('class="report report-table"'))
        reviews = html.index('<div class="report-reviews">')
        self.assertLess(table_end, reviews)
        self.assertIn("外部評価の意見一覧表", html)
        opinions = html[reviews : html.index("</table>", reviews)]
        self.assertIn("令和2年度　行政改革推進委員会の意見と対応方針", opinions)
        row = re.search(r'<tbody><tr><th scope="row">(.*?)</th>(.*?)</tr>', opinions)
        self.assertEqual(row.group(1), "財政課")
        self.assertEqual(
            [strip_tags(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(2))],
            ["実績（Check）", OPINION, RESPONSE, "財政課"],
        )
        self.assertIn("部局別評価シート", html)
        self.assertEqual(
            sheet_rows(html, "財政課"),
            [(v, c, "A 極めて良好") for v, c in zip(VIEWPOINTS, COMMITTEE, strict=True)],
        )
        # The tax department did not grade itself.
        self.assertEqual(
            sheet_rows(html, "税務課"),
            [(v, c, "—") for v, c in zip(VIEWPOINTS, COMMITTEE, strict=True)],
        )
        # Members' own comments stay off the report.
        self.assertNotIn("委員1の", html)
        pdf = self.pdf_text(2020)
        for text in ("外部評価の意見一覧表", "部局別評価シート", "早期の催告を徹底", "概ね妥当"):
            self.assertIn(text, pdf)

    def test_the_next_years_report_shows_how_the_opinion_was_reflected(self):
        self.conclude_and_publish()
        OpinionProgress.objects.create(
            opinion=self.opinion, fiscal_year=2021, status=OpinionStatus.PARTLY, text=REFLECTION
        )
        next_round = make_round(self.body, 2021)
        grade_all(self.body, next_round, self.unit)
        services.conclude_round(round_=next_round, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        html = self.page(2021)
        start = html.index("令和3年度に記録した、前年度までの意見の反映状況")
        reflection = html[start : html.index("</table>", start)]
        self.assertIn("財政課", reflection)
        self.assertIn("令和2年度の意見・実績（Check）", reflection)
        self.assertIn(OPINION, reflection)
        self.assertIn("<strong>一部反映</strong>", reflection)
        self.assertIn(REFLECTION, reflection)
        # The 2021 round has no opinion of its own: no empty table of the year's opinions.
        self.assertNotIn("令和3年度　行政改革推進委員会の意見と対応方針", html)
        self.assertEqual(len(re.findall(r"<caption>財政課</caption>", html)), 1)
        # The 2020 report says nothing of a later year.
        self.assertNotIn(REFLECTION, self.page(2020))

    def test_each_body_has_its_sheets_headed_by_what_it_reviews(self):
        body = make_body(
            self.plan, name="取組評価委員会", unit_kind="measure", members=3, prefix="m"
        )
        unit = make_unit(body, self.measure)
        round_ = make_round(body, 2020)
        grade_all(body, round_, unit, ["AAAAA", "AAAAA", "BBBBB"])
        services.conclude_round(round_=round_, by=self.officer)
        Opinion.objects.create(round=round_, unit=unit, text="取組への意見", response="対応する")
        self.conclude_and_publish()
        html = self.page(2020)
        self.assertIn("部局別評価シート（行政改革推進委員会）", html)
        self.assertIn("取組別評価シート（取組評価委員会）", html)
        caption = f"<caption>{self.measure}</caption>"
        self.assertEqual(
            sheet_rows(html, str(self.measure))[0], (VIEWPOINTS[0], "A 極めて良好", "—")
        )
        self.assertEqual(html.count(caption), 1)
        self.assertIn("令和2年度　取組評価委員会の意見と対応方針", html)
        self.assertLess(html.index(OPINION), html.index("取組への意見"))

    def test_a_review_in_progress_never_appears_in_the_report_pdf_or_xlsx(self):
        Opinion.objects.create(round=self.round, unit=self.unit, text=IN_PROGRESS)
        # The round is still open when its year is published.
        report = publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertNotIn("reviews", report.content)
        texts = {
            "page": self.page(2020),
            "pdf": self.pdf_text(2020),
            "xlsx": self.xlsx_text(2020),
        }
        for name, text in texts.items():
            for hidden in (OPINION, RESPONSE, IN_PROGRESS, "意見一覧表", "評価シート", "概ね妥当"):
                self.assertNotIn(hidden, text, f"{hidden} in the {name}")
        # Concluded after the publication: shown by the review's own page, and in the report
        # only with its next revision.
        services.conclude_round(round_=self.round, by=self.officer)
        self.assertNotIn(OPINION, self.page(2020))

    def test_a_later_years_open_round_stays_out_of_that_years_report(self):
        self.conclude_and_publish()
        next_round = make_round(self.body, 2021)
        grade_all(self.body, next_round, self.unit)
        Opinion.objects.create(round=next_round, unit=self.unit, text=IN_PROGRESS)
        report = publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        self.assertNotIn("reviews", report.content)
        html = self.page(2021)
        self.assertNotIn(IN_PROGRESS, html)
        self.assertNotIn("評価シート", html)
        self.assertNotIn(IN_PROGRESS, self.pdf_text(2021))

    def test_editing_the_review_after_publication_leaves_the_published_revision_as_it_was(self):
        report = self.conclude_and_publish()
        frozen = report.content
        with self.settings(PAGE_CACHE_SECONDS=600):
            before = self.page(2020)
            before_pdf = self.pdf_text(2020)
            opinion = Opinion.objects.get(pk=self.opinion.pk)
            opinion.response = "対応方針を改めた"
            opinion.text = "書き換えた意見"
            opinion.save()
            conclusion = Conclusion.objects.get(
                round=self.round, unit=self.unit, viewpoint=self.body.viewpoint_list[0]
            )
            conclusion.grade = self.body.scheme["E"]
            conclusion.save()
            Opinion.objects.create(round=self.round, unit=self.tax_unit, text="後から足した意見")
            # The review changed: the page is rendered anew, from the same frozen content.
            after = self.page(2020)
        report.refresh_from_db()
        self.assertEqual(report.content, frozen)
        body = slice(before.index('<div class="report-body'), before.index("</main>"))
        self.assertEqual(after[body], before[body])
        self.assertIn(RESPONSE, after)
        for text in ("対応方針を改めた", "書き換えた意見", "後から足した意見", "E 極めて問題"):
            self.assertNotIn(text, after)
        self.assertEqual(self.pdf_text(2020), before_pdf)

    def test_a_correction_carries_the_review_as_it_is_then(self):
        self.conclude_and_publish()
        Opinion.objects.filter(pk=self.opinion.pk).update(response="対応方針を改めた")
        from measures.round.services import reopen_year

        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        correction = publish_year(plan=self.plan, fiscal_year=2020, by=self.officer, note="訂正")
        self.assertEqual(correction.revision, 2)
        self.assertIn("対応方針を改めた", self.page(2020))
        first = self.client.get(self.report_url(2020), {"revision": 1}).content.decode()
        self.assertIn(RESPONSE, first)
        self.assertNotIn("対応方針を改めた", first)

    def test_an_import_that_publishes_nothing_new_writes_no_new_revision(self):
        self.conclude_and_publish()
        self.assertEqual(record_publication(plan=self.plan), [])
        self.assertEqual(Report.objects.filter(plan=self.plan).count(), 1)

    def test_a_plan_without_review_prints_no_review_heading(self):
        plan = make_plan(self.city, name="別の計画", is_public=True)
        measure = make_measure(plan, "1", "窓口の改善", lead=self.tax)
        make_evaluation(measure, 2020, review_status=APPROVED)
        apply_preset(plan=plan, key="minami-alps-pdca")
        report = publish_year(plan=plan, fiscal_year=2020, by=self.officer)
        self.assertNotIn("reviews", report.content)
        html = self.page(2020, plan)
        self.assertIn("窓口の改善", html)
        for text in ("report-reviews", "外部評価", "意見一覧表", "評価シート"):
            self.assertNotIn(text, html)

    def test_the_report_reads_in_english_too(self):
        from django.conf import settings

        self.conclude_and_publish()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = self.page(2020)
        self.assertIn("External review: opinions and responses", html)
        self.assertIn("Evaluation sheets by department", html)


@override_settings(REPORT_PDF_ON_PUBLISH=False)
class ReportReviewBrowserTests(ChromiumTestCase):
    """axe-core finds no WCAG 2.1 A/AA violation on the report with its review sections, at
    desktop and phone widths; at 390 px the 意見一覧表 reads as cards without sideways
    scrolling."""

    def setUp(self):
        from municipalities.tests.base import make_department, make_municipality, make_staff

        self.city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        self.finance = make_department(self.city, "財政課")
        self.tax = make_department(self.city, "税務課")
        self.finance_staff = make_staff("finance-staff", self.city, [self.finance])
        build_reviewed_plan(self)
        services.conclude_round(round_=self.round, by=None)
        publish_year(plan=self.plan, fiscal_year=2020, by=None)
        OpinionProgress.objects.create(
            opinion=self.opinion, fiscal_year=2021, status=OpinionStatus.PARTLY, text=REFLECTION
        )
        next_round = make_round(self.body, 2021)
        grade_all(self.body, next_round, self.unit)
        services.conclude_round(round_=next_round, by=None)
        publish_year(plan=self.plan, fiscal_year=2021, by=None)
        self.paths = [
            reverse("public:report", args=[self.city.slug, self.plan.pk, year])
            for year in (2020, 2021)
        ]

    def check(self, width: int) -> dict[str, list[str]]:
        self.browser.set_window_size(width, 1200)
        found = {}
        for path in self.paths:
            browser = self.open(path)
            self.assertIn("外部評価の意見一覧表", browser.page_source)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            problems = self.violations()
            if overflow > 0:
                problems.append(f"scrolls sideways by {overflow}px at {width}px")
            if problems:
                found[path] = problems
        return found

    def test_the_review_sections_have_no_violation_on_a_desktop(self):
        self.assertEqual(self.check(1280), {})
        display = self.browser.execute_script(
            "return getComputedStyle(document.querySelector('table.review-opinions tbody tr')).display"
        )
        self.assertEqual(display, "table-row")

    def test_the_review_sections_read_as_cards_on_a_phone_without_violations(self):
        self.assertEqual(self.check(390), {})
        browser = self.open(self.paths[0])
        display = browser.execute_script(
            "return getComputedStyle(document.querySelector('table.review-opinions tbody tr')).display"
        )
        label = browser.execute_script(
            "const cell = document.querySelector('table.review-opinions td[data-label]');"
            "return getComputedStyle(cell, '::before').content"
        )
        self.assertEqual(display, "block")
        self.assertIn("評価の観点", label)
