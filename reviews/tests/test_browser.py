"""In Debian's Chromium: a committee member signs in, saves their grades without
JavaScript, meets a conflict page when their sheet changed meanwhile; axe-core finds no WCAG
2.1 A/AA violation on the member's pages, the chair's page or the published 意見一覧表."""

from django.urls import reverse

from measures.models import Evaluation
from measures.round.services import publish_year
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_measure,
    make_pillar,
    make_plan,
)
from municipalities.tests.base import make_department, make_municipality
from public.tests.test_browser import AXE, ChromiumTestCase
from reviews import services
from reviews.models import Aggregation, MemberGrade, Opinion, OpinionProgress
from reviews.tests.factories import make_body, make_question, make_round, make_unit
from reviews.tests.test_round import grade_all

PASSWORD = "member-password-2026"
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ' +
                                      v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"""


class CommitteeBrowserTests(ChromiumTestCase):
    def setUp(self):
        city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        finance = make_department(city, "財政課")
        tax = make_department(city, "税務課")
        self.plan = make_plan(city, is_public=True)
        grades = make_grades(self.plan)
        pillar = make_pillar(self.plan)
        for code, lead in (("1", finance), ("2", tax)):
            measure = make_measure(self.plan, code, f"取組{code}", pillar=pillar, lead=lead)
            make_evaluation(
                measure,
                2020,
                do_text="督促を強化した",
                final_grade=grades["B"],
                review_status=Evaluation.ReviewStatus.APPROVED,
            )
        make_question(self.plan)
        self.body = make_body(self.plan, aggregation=Aggregation.CHAIR)
        self.unit = make_unit(self.body, finance)
        make_unit(self.body, tax, order=1)
        # 2020: concluded by the chair, opinions answered, published with the year.
        done = make_round(self.body, 2020)
        grade_all(self.body, done, self.unit)
        services.save_self_evaluation(
            round_=done,
            unit=self.unit,
            version=0,
            grades={v.pk: self.body.scheme["B"] for v in self.body.viewpoint_list},
            answers={},
            by=None,
        )
        services.set_chair_grades(
            round_=done,
            unit=self.unit,
            grades={v.pk: self.body.scheme["B"] for v in self.body.viewpoint_list},
        )
        services.conclude_round(round_=done, by=None)
        opinion = Opinion.objects.create(
            round=done,
            unit=self.unit,
            viewpoint=self.body.viewpoint_list[2],
            text="早期の催告を徹底すること",
            response="催告の時期を早める",
            responsible_department=finance,
        )
        OpinionProgress.objects.create(opinion=opinion, fiscal_year=2021, status="considering")
        publish_year(plan=self.plan, fiscal_year=2020, by=None)
        # 2021: open for the members.
        self.round = make_round(self.body, 2021)
        self.chair = self.body.member_list[0]
        self.member = self.body.member_list[1]
        for member in (self.chair, self.member):
            member.user.set_password(PASSWORD)
            member.user.save()

    def sign_in(self, user):
        from selenium.webdriver.common.by import By

        self.browser.delete_all_cookies()
        browser = self.open(reverse("reviews:login"))
        browser.find_element(By.NAME, "username").send_keys(user.username)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.submit(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))

    def submit(self, button):
        self.click_and_wait(button)

    def test_a_member_grades_in_the_browser_and_the_pages_pass_axe(self):
        from selenium.webdriver.common.by import By

        if not AXE.exists():
            raise AssertionError("axe-core is missing: run `make browser-deps` (npm ci).")
        found = {}
        self.sign_in(self.member.user)
        self.assertIn("外部評価", self.browser.page_source)
        found["home"] = self.violations()
        sheet = reverse("reviews:sheet", args=[self.round.pk, self.unit.pk])
        browser = self.open(sheet)
        self.assertIn("督促を強化した", browser.page_source)
        found["sheet"] = self.violations()
        check = self.body.viewpoint_list[2]
        browser.find_element(
            By.CSS_SELECTOR, f"input[name=grade_{check.pk}][value='{self.body.scheme['C'].pk}']"
        ).click()
        browser.find_element(By.NAME, f"comment_{check.pk}").send_keys("実績の説明が不足")
        self.submit(browser.find_element(By.CSS_SELECTOR, "form.entry-form button[type=submit]"))
        self.assertIn("評価を保存しました", self.browser.page_source)
        saved = MemberGrade.objects.get(
            sheet__round=self.round, sheet__member=self.member, viewpoint=check
        )
        self.assertEqual((saved.grade.code, saved.comment), ("C", "実績の説明が不足"))
        # The sheet changes in another tab before this form is sent: both are shown.
        services.save_member_sheet(
            round_=self.round,
            unit=self.unit,
            member=self.member,
            version=saved.sheet.version,
            entries={check.pk: (self.body.scheme["D"], "別の画面での保存")},
        )
        self.submit(
            self.browser.find_element(By.CSS_SELECTOR, "form.entry-form button[type=submit]")
        )
        self.assertIn("別の画面で先に保存されています", self.browser.page_source)
        found["sheet with a conflict"] = self.violations()
        # The chair's page.
        self.sign_in(self.chair.user)
        self.open(reverse("reviews:conclusion", args=[self.round.pk, self.unit.pk]))
        self.assertIn("委員2", self.browser.page_source)
        found["chair"] = self.violations()
        # The published 意見一覧表 and the measure page with the committee's view.
        self.browser.delete_all_cookies()
        slug = self.plan.municipality.slug
        self.open(reverse("reviews_public:year", args=[slug, self.plan.pk, 2020]))
        self.assertIn("早期の催告を徹底すること", self.browser.page_source)
        found["opinions"] = self.violations()
        measure = self.plan.measures.get(code="1")
        self.open(reverse("public:measure", args=[slug, self.plan.pk, measure.pk]))
        self.assertIn("催告の時期を早める", self.browser.page_source)
        found["measure"] = self.violations()
        self.assertEqual({k: v for k, v in found.items() if v}, {})
