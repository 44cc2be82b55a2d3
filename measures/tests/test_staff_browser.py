"""The staff pages in Debian's Chromium: axe-core finds no WCAG 2.1 A/AA violation on the
list, the entry form (empty, with errors, with last year's entry, on a department's behalf,
submitted) and the history; the copy buttons fill the field in place with JavaScript."""

import datetime

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from measures.models import Evaluation, IndicatorValue, Step, StepYear
from measures.round.services import open_round, return_entry
from measures.tests.factories import (
    make_grades,
    make_indicator,
    make_measure,
    make_plan,
    make_value,
)
from municipalities.tests.base import make_department, make_municipality, make_staff
from public.tests.test_browser import AXE, ChromiumTestCase

Kind = IndicatorValue.Kind


class StaffBrowserTests(ChromiumTestCase):
    def setUp(self):
        city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        office_department = make_department(city, "政策推進課", is_reform_office=True)
        self.tax = make_department(city, "税務課")
        self.officer = make_staff("officer", city, [office_department], officer=True)
        self.clerk = make_staff("clerk", city, [self.tax])
        plan = make_plan(city, first=2020, last=2024)
        grades = make_grades(plan)
        # Measure 1 has last year's entry; measure 2 starts this year; measure 3 is returned.
        self.measure = make_measure(plan, code="1", title="公金収納対策の強化", lead=self.tax)
        indicator = make_indicator(self.measure, direction="decrease")
        make_value(indicator, Kind.BASELINE, 2017, 982, "百万円")
        make_value(indicator, Kind.TARGET, 2022, 700, "百万円")
        make_value(indicator, Kind.ACTUAL, 2020, 835, "百万円")
        step = Step.objects.create(measure=self.measure, title="滞納債権の整理・回収")
        StepYear.objects.create(
            step=step, fiscal_year=2020, actual="催告書を送付", next_steps="差押えの強化"
        )
        Evaluation.objects.create(
            measure=self.measure,
            fiscal_year=2020,
            do_text="文書・電話による催告を実施した。",
            check_text="目標には届かない。",
            action_text="滞納の未然防止に努める。",
            final_grade=grades["C"],
            review_comment="根拠の数値を添えてください。",
            review_status="published",
            published_at=timezone.now(),
        )
        new = make_measure(plan, code="2", title="窓口業務の見直し", lead=self.tax)
        returned = make_measure(plan, code="3", title="補助金の見直し", lead=self.tax)
        open_round(plan=plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=None)
        self.entry = Evaluation.objects.get(measure=self.measure, fiscal_year=2021)
        self.new_entry = Evaluation.objects.get(measure=new, fiscal_year=2021)
        self.returned = Evaluation.objects.get(measure=returned, fiscal_year=2021)
        self.returned.review_status = "submitted"
        self.returned.do_text = "実施した"
        self.returned.save()
        return_entry(evaluation=self.returned, by=self.officer, comment="Checkを書いてください。")

    def log_in(self, user):
        client = Client()
        client.force_login(user)
        self.browser.get(self.live_server_url + reverse("public:home"))
        self.browser.delete_all_cookies()
        self.browser.add_cookie(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )

    def submit(self, name: str):
        from selenium.webdriver.common.by import By

        self.click_and_wait(self.browser.find_element(By.CSS_SELECTOR, f"main button[name={name}]"))

    def test_no_wcag_violations_on_the_staff_pages(self):
        if not AXE.exists():
            raise AssertionError("axe-core is missing: run `make browser-deps` (npm ci).")
        found = {}

        def check(name: str):
            violations = self.violations()
            if violations:
                found[name] = violations

        self.log_in(self.clerk)
        self.open(reverse("measures:entry_list"))
        self.assertIn("Checkを書いてください。", self.browser.page_source)
        check("list with a returned entry")
        self.open(reverse("measures:entry", args=[self.new_entry.pk]))
        self.assertNotIn("昨年度の文章を写す", self.browser.page_source)
        check("entry form, empty")
        self.open(reverse("measures:entry", args=[self.entry.pk]))
        self.assertIn("昨年度（令和2年度（2020年度））の入力", self.browser.page_source)
        check("entry form with last year's entry")
        self.submit("submit")
        self.assertIn("入力に不足や誤りがあります", self.browser.page_source)
        check("entry form with errors")
        self.open(reverse("measures:entry", args=[self.returned.pk]))
        check("returned entry form")
        self.open(reverse("measures:entry_history", args=[self.returned.pk]))
        check("history")
        self.log_in(self.officer)
        self.open(reverse("measures:entry", args=[self.entry.pk]))
        self.assertIn("代わりに入力する部署", self.browser.page_source)
        check("entry form on a department's behalf")
        self.open(reverse("measures:entry_list"))
        check("the office's list")
        self.assertEqual(found, {})

    def test_the_submitted_entry_has_no_violations_and_shows_what_was_entered(self):
        from measures.round.services import EntryData, save_entry

        save_entry(
            evaluation_id=self.entry.pk,
            version=self.entry.version,
            data=EntryData(do_text="今年度の取組", check_text="今年度の評価"),
            by=self.clerk,
            submit=True,
        )
        self.log_in(self.clerk)
        self.open(reverse("measures:entry", args=[self.entry.pk]))
        self.assertIn("今年度の取組", self.browser.page_source)
        self.assertEqual(self.violations(), [])

    def test_a_copy_button_fills_the_field_in_place(self):
        from selenium.webdriver.common.by import By

        self.log_in(self.clerk)
        browser = self.open(reverse("measures:entry", args=[self.entry.pk]))
        browser.execute_script("window.stayedOnPage = true")
        browser.find_element(By.CSS_SELECTOR, "button.copy[value=check_text]").click()
        self.assertEqual(
            browser.find_element(By.ID, "id_check_text").get_attribute("value"),
            "目標には届かない。",
        )
        self.assertTrue(browser.execute_script("return window.stayedOnPage === true"))
        self.assertEqual(browser.switch_to.active_element.get_attribute("id"), "id_check_text")

    def test_without_javascript_the_copy_button_re_renders_the_form(self):
        from selenium.webdriver.common.by import By

        self.log_in(self.clerk)
        browser = self.open(reverse("measures:entry", args=[self.entry.pk]))
        # The script is what makes the copy in place; without it the form is submitted.
        browser.execute_script(
            "document.querySelectorAll('button.copy').forEach(b => b.replaceWith(b.cloneNode(true)));"
            "document.addEventListener('click', e => e.stopImmediatePropagation(), true);"
        )
        browser.find_element(By.ID, "id_do_text").send_keys("書きかけ")
        self.submit_copy("action_text")
        self.assertIn("昨年度の「見直し・改善（Action）」を写しました", browser.page_source)
        self.assertEqual(
            browser.find_element(By.ID, "id_action_text").get_attribute("value"),
            "滞納の未然防止に努める。",
        )
        self.assertEqual(
            browser.find_element(By.ID, "id_do_text").get_attribute("value"), "書きかけ"
        )
        self.assertEqual(Evaluation.objects.get(pk=self.entry.pk).do_text, "")

    def submit_copy(self, field: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.browser.find_element(By.CSS_SELECTOR, f"button.copy[value={field}]").click()
        WebDriverWait(self.browser, 10).until(lambda driver: "を写しました" in driver.page_source)
