"""One city's whole round in Debian's Chromium, as its users do it, with the mails of each
step: the office opens the year; the tax department fills in and submits; the office returns
it with a comment; the department, shown the computed grade, fixes and submits again; the office approves with another
grade than the computed one and says why; the year is published and a citizen reads it; a
office enters another department's entry on its behalf (代理入力) and approves it; the year is
published and a citizen reads it; a correction is published as a new revision.

The other 23 entries of the year go through the same services without a browser, so that the
year can be published."""

import contextlib

from django.core import mail
from django.urls import reverse
from selenium.common.exceptions import NoSuchElementException

from measures.models import Evaluation, Measure, Report
from measures.round.services import EntryData, approve_entry, save_entry
from measures.tests.test_office_browser import OfficeBrowserTestCase
from municipalities.models import Department

OFFICE_MAIL = "kikaku@example.invalid"
TAX_MAIL = "zeimu@example.invalid"
FINANCE_MAIL = "zaisei@example.invalid"


class RoundWalkthroughTests(OfficeBrowserTestCase):
    def setUp(self):
        super().setUp()
        Department.objects.filter(municipality=self.city, name="税務課").update(email=TAX_MAIL)
        Department.objects.filter(municipality=self.city, name="企画課").update(
            email=OFFICE_MAIL, is_reform_office=True
        )
        self.measure = Measure.objects.get(plan=self.plan, code="1")

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.browser.find_element(By.CSS_SELECTOR, css)

    def named(self, name: str):
        from selenium.webdriver.common.by import By

        return self.browser.find_element(By.NAME, name)

    def fill(self, name: str, text: str):
        field = self.named(name)
        field.clear()
        field.send_keys(text)

    def choose(self, name: str, label: str):
        from selenium.webdriver.support.ui import Select

        Select(self.named(name)).select_by_visible_text(label)

    def new_mail(self, since: int) -> list:
        return mail.outbox[since:]

    def entry(self) -> Evaluation:
        return Evaluation.objects.get(measure=self.measure, fiscal_year=2021)

    def approve_the_others(self, *done: Measure):
        clerk = self.clerk
        for other in Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021).exclude(
            measure__in=[self.measure, *done]
        ):
            submitted = save_entry(
                evaluation_id=other.pk,
                version=other.version,
                data=EntryData(do_text="実施した", check_text="順調"),
                by=clerk,
                submit=True,
            )
            approve_entry(evaluation=submitted, by=self.office)

    def test_a_whole_round_as_the_office_the_department_and_a_citizen_see_it(self):
        from selenium.webdriver.common.by import By

        # The office opens 令和3年度 with a deadline.
        self.log_in("office")
        self.open(reverse("admin:measures_round_add"))
        self.choose("plan", str(self.plan))
        self.choose("fiscal_year", "令和3年度（2021年度）")
        self.browser.execute_script(
            "document.querySelector('[name=deadline]').value = '2022-05-31'"
        )
        self.click_and_wait(self.named("_save"))
        self.assertIn("入力を25件作りました", self.browser.page_source)

        # The tax department fills in its entry and submits it; the office is told.
        self.log_in("clerk")
        self.open(reverse("measures:entry_list"))
        self.click_and_wait(self.browser.find_element(By.PARTIAL_LINK_TEXT, "公金収納対策の強化"))
        indicator = self.measure.indicators.get()
        self.fill("do_text", "文書・電話による催告を実施した。")
        self.fill("check_text", "未収債権は減少したが目標には届かない。")
        self.fill(f"indicator_{indicator.pk}", "790百万円")
        grade_c = self.plan.grades.get(code="C").pk
        self.find(f"input[name=proposed_grade][value='{grade_c}']").click()
        self.fill("action_text", "滞納の未然防止に努める。")
        for step in self.measure.steps.all():
            self.fill(f"step_{step.pk}_actual", "実施")
        sent = len(mail.outbox)
        self.click_and_wait(self.named("submit"))
        self.assertEqual(self.entry().review_status, "submitted")
        # What was submitted stays readable, with the grade computed from the saved actual.
        self.open(reverse("measures:entry", args=[self.entry().pk]))
        computed = self.find("#computed-grade").text
        self.assertIn("指標から算出した評価", computed)
        self.assertIn("C ", computed)
        self.assertIn("790百万円", self.browser.page_source)
        submitted = self.new_mail(sent)
        self.assertEqual([m.to for m in submitted], [[OFFICE_MAIL]])
        self.assertIn("公金収納対策の強化", submitted[0].subject)
        review_path = reverse("admin:measures_evaluation_change", args=[self.entry().pk])
        self.assertIn(review_path, submitted[0].body)

        # The office reads what is graded, with the computed grade, and returns it.
        self.log_in("office")
        self.open(review_path)
        page = self.browser.page_source
        self.assertIn("算出した評価: C", page)
        self.assertIn("68%", page)
        self.assertIn("790百万円", page)
        self.fill("review_comment", "回収見込みの根拠を書いてください。")
        sent = len(mail.outbox)
        self.click_and_wait(self.named("_return"))
        self.assertEqual(self.entry().review_status, "returned")
        returned = self.new_mail(sent)
        self.assertIn(TAX_MAIL, returned[0].to)
        self.assertIn("回収見込みの根拠を書いてください。", returned[0].body)
        self.assertIn(reverse("measures:entry", args=[self.entry().pk]), returned[0].body)

        # The department reads the comment, fixes the entry and submits it again.
        self.log_in("clerk")
        self.open(reverse("measures:entry", args=[self.entry().pk]))
        self.assertIn("回収見込みの根拠を書いてください。", self.browser.page_source)
        self.fill("check_text", "大口滞納の分納が始まり、年度末に回収が見込める。")
        sent = len(mail.outbox)
        self.click_and_wait(self.named("submit"))
        self.assertEqual(self.entry().review_status, "submitted")
        self.assertEqual([m.to for m in self.new_mail(sent)], [[OFFICE_MAIL]])

        # The office approves with B instead of the computed C, and says why.
        self.log_in("office")
        self.open(review_path)
        self.choose("final_grade", "B")
        self.fill("override_reason", "年度末に大口の納付が確定している")
        sent = len(mail.outbox)
        self.click_and_wait(self.named("_approve"))
        entry = self.entry()
        self.assertEqual((entry.review_status, entry.final_grade.code), ("approved", "B"))
        self.assertEqual(entry.reviewed_by, self.office)
        approved = self.new_mail(sent)
        self.assertIn(TAX_MAIL, approved[0].to)
        self.assertIn("確定した評価: B", approved[0].body)
        self.assertIn("年度末に大口の納付が確定している", approved[0].body)

        # The finance department has no account: the office enters its entry on its behalf,
        # the department hears of it, and the entry is reviewed like any other.
        finance = Department.objects.get(municipality=self.city, name="財政課")
        Department.objects.filter(pk=finance.pk).update(email=FINANCE_MAIL)
        other = (
            Measure.objects.filter(plan=self.plan, departments=finance).order_by("order").first()
        )
        proxy = Evaluation.objects.get(measure=other, fiscal_year=2021)
        self.open(reverse("measures:entry", args=[proxy.pk]))
        self.choose("entered_for", "財政課")
        self.fill("do_text", "財政課からの聞き取りにより行政改革担当が入力した。")
        self.fill("check_text", "予定どおり進んでいる。")
        for indicator in other.indicators.all():
            with contextlib.suppress(NoSuchElementException):
                self.fill(f"indicator_{indicator.pk}", "1")
        grade_b = self.plan.grades.get(code="B").pk
        self.find(f"input[name=proposed_grade][value='{grade_b}']").click()
        sent = len(mail.outbox)
        self.click_and_wait(self.named("submit"))
        proxy.refresh_from_db()
        self.assertEqual(proxy.review_status, "submitted")
        self.assertEqual((proxy.entered_by, proxy.entered_for), (self.office, finance))
        on_behalf = self.new_mail(sent)
        self.assertEqual(len(on_behalf), 1)
        self.assertEqual(set(on_behalf[0].to), {OFFICE_MAIL, FINANCE_MAIL})
        self.assertIn("財政課に代わって入力", on_behalf[0].body)
        self.open(reverse("admin:measures_evaluation_change", args=[proxy.pk]))
        self.assertIn("財政課に代わって入力", self.browser.page_source)
        self.choose("final_grade", "B")
        self.fill("override_reason", "施設の募集が年度内に始まる")
        self.click_and_wait(self.named("_approve"))
        proxy.refresh_from_db()
        self.assertEqual(proxy.review_status, "approved")
        self.assertEqual(proxy.reviewed_by, self.office)

        # Publication, from the round's dashboard through the confirmation page.
        self.approve_the_others(other)
        round_ = entry.measure.plan.rounds.get(fiscal_year=2021)
        self.open(reverse("admin:measures_round_dashboard", args=[round_.pk]))
        self.click_and_wait(self.browser.find_element(By.PARTIAL_LINK_TEXT, "公表へ進む"))
        sent = len(mail.outbox)
        self.click_and_wait(self.find("input[type=submit][value='公表する']"))
        self.assertIn("第1版として公表しました", self.browser.page_source)
        self.assertEqual(self.entry().review_status, "published")
        self.assertEqual(self.new_mail(sent), [])  # publishing itself mails no one

        # A citizen reads the measure's 令和3年度 results.
        self.browser.delete_all_cookies()
        measure_page = reverse(
            "public:measure", args=[self.city.slug, self.plan.pk, self.measure.pk]
        )
        self.open(measure_page)
        page = self.browser.page_source
        self.assertIn("大口滞納の分納が始まり", page)
        self.assertIn("令和3年度", page)

        # A correction: the year is reopened, the entry changed, a second revision published.
        self.log_in("office")
        self.open(reverse("admin:measures_round_changelist"))
        self.find(f"input[name=_selected_action][value='{round_.pk}']").click()
        self.choose("action", "公表済みの年度を訂正のために再開する")
        self.click_and_wait(self.find("button[name=index]"))
        self.open(review_path)
        self.fill("do_text", "文書・電話による催告と滞納処分を実施した。")
        self.click_and_wait(self.named("_save"))
        self.open(reverse("admin:measures_report_confirm", args=[self.plan.pk, 2021]))
        self.fill("note", "取組状況に滞納処分を追記")
        self.click_and_wait(self.find("input[type=submit][value='公表する']"))
        self.assertIn("第2版として公表しました", self.browser.page_source)
        self.assertEqual(
            list(
                Report.objects.filter(plan=self.plan, fiscal_year=2021)
                .order_by("revision")
                .values_list("revision", "note")
            ),
            [(1, ""), (2, "取組状況に滞納処分を追記")],
        )
        self.browser.delete_all_cookies()
        self.open(measure_page)
        self.assertIn("滞納処分を実施した", self.browser.page_source)
        self.open(reverse("public:report", args=[self.city.slug, self.plan.pk, 2021]))
        self.assertIn("取組状況に滞納処分を追記", self.browser.page_source)
