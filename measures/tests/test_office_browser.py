"""The reform office's pages in Debian's Chromium: axe-core finds no WCAG 2.1 A/AA violation
on the round dashboard, the review form (with what is graded, and with errors), the admin
index, the round's opening form and an entry's history."""

import datetime
import json

from django.urls import reverse

from measures.models import Evaluation, Round
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, save_entry
from measures.values import parse_value
from municipalities.models import Department, Membership
from municipalities.services import create_staff_user
from public.tests.test_browser import FIXTURES, ChromiumTestCase

PASSWORD = "office-password-2026"


class OfficeBrowserTestCase(ChromiumTestCase):
    def setUp(self):
        document = json.loads((FIXTURES / "352161-sanyo-onoda.json").read_text())
        self.plan = import_plan_document(document, publish=True).plan
        self.city = self.plan.municipality
        self.office = create_staff_user(
            username="office",
            password=PASSWORD,
            municipality=self.city,
            role=Membership.Role.REFORM_OFFICE,
            departments=[Department.objects.get(municipality=self.city, name="企画課")],
        )
        self.clerk = create_staff_user(
            username="clerk",
            password=PASSWORD,
            municipality=self.city,
            role=Membership.Role.DEPARTMENT_STAFF,
            departments=[Department.objects.get(municipality=self.city, name="税務課")],
        )

    def log_in(self, username: str):
        from selenium.webdriver.common.by import By

        self.browser.delete_all_cookies()
        browser = self.open(reverse("login"))
        browser.find_element(By.NAME, "username").send_keys(username)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        self.click_and_wait(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))


class OfficePagesAccessibilityTests(OfficeBrowserTestCase):
    def test_no_wcag_violations_on_the_office_pages_of_a_round(self):
        from selenium.webdriver.common.by import By

        round_ = open_round(
            plan=self.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=self.office
        )
        entry = Evaluation.objects.get(measure__plan=self.plan, measure__code="1", fiscal_year=2021)
        indicator = entry.measure.indicators.get()
        save_entry(
            evaluation_id=entry.pk,
            version=entry.version,
            data=EntryData(
                do_text="催告を実施した。",
                check_text="目標には届かない。",
                proposed_grade=self.plan.grades.get(code="A"),  # computes to C
                indicator_actuals={indicator.pk: parse_value("790百万円")},
            ),
            by=self.clerk,
            submit=True,
        )
        # Past the deadline, so that the dashboard lists overdue entries too.
        Round.objects.filter(pk=round_.pk).update(deadline=datetime.date(2021, 4, 30))
        self.log_in("office")
        pages = {
            "admin index": reverse("admin:index"),
            "dashboard": reverse("admin:measures_round_dashboard", args=[round_.pk]),
            "review form": reverse("admin:measures_evaluation_change", args=[entry.pk]),
            "opening a round": reverse("admin:measures_round_add"),
            "round": reverse("admin:measures_round_change", args=[round_.pk]),
            "entry history": reverse("admin:measures_evaluation_history", args=[entry.pk]),
        }
        found = {}
        for name, path in pages.items():
            browser = self.open(path)
            self.assertNotIn("Traceback", browser.page_source, name)
            problems = self.violations()
            if problems:
                found[name] = problems
        browser = self.open(pages["dashboard"])
        self.assertIn("期限を過ぎて未提出の入力 24件", browser.page_source)
        self.assertIn("算出した評価と異なる評価 1件", browser.page_source)

        # Approving with A (computed C) and no reason: the form comes back with its errors.
        browser = self.open(pages["review form"])
        final = browser.find_element(By.NAME, "final_grade")
        from selenium.webdriver.support.ui import Select

        Select(final).select_by_visible_text("A")
        self.click_and_wait(browser.find_element(By.NAME, "_approve"))
        self.assertIn("理由を書いてください", self.browser.page_source)
        problems = self.violations()
        if problems:
            found["review form with errors"] = problems
        self.maxDiff = None
        self.assertEqual(found, {})
