"""What only a browser shows, in Debian's Chromium: pages render, links and filters work,
the language switch works, the print stylesheet applies, and axe-core finds no WCAG 2.1 A/AA
violation on any public page type."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.urls import reverse

from measures.models import Measure, Plan
from measures.plan_files.importing import import_plan_document

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
]


def start_browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise AssertionError(
            "The browser tests need Debian's Chromium: run `make browser-deps` "
            "(as root: apt-get install chromium chromium-driver)."
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


# axe-core's WCAG 2.1 A/AA rules, each violation as "rule: help (nodes) first targets".
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ') ' +
                                      v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"""


class ChromiumTestCase(StaticLiveServerTestCase):
    """Debian's Chromium for the test class, and what every browser test does with it: open
    a page, click what loads another and wait for it, ask axe-core for violations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = start_browser()
        cls.browser.set_script_timeout(60)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        super().tearDownClass()

    def open(self, path: str):
        self.browser.get(self.live_server_url + path)
        return self.browser

    def click_and_wait(self, element, condition=None):
        """Click what starts a page load, then wait until the new page is there."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        def left_page(driver) -> bool:
            # The old page's element is gone once the new page has replaced it; during the
            # switch Chromium may also answer that the node no longer belongs to a document.
            try:
                element.is_enabled()
            except WebDriverException:
                return True
            return False

        element.click()
        wait = WebDriverWait(self.browser, 10)
        wait.until(left_page)
        wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")
        if condition is not None:
            wait.until(condition)

    def page_problems(self, path: str) -> list[str]:
        """Open the page and return axe-core's violations, and a sideways scroll if the page
        is wider than the window."""
        browser = self.open(path)
        # Measured before axe runs: its checks add elements of their own to the page.
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        problems = self.violations()
        if overflow > 0:
            width = browser.execute_script("return window.innerWidth")
            problems.append(f"scrolls sideways by {overflow}px at {width}px")
        return problems

    def violations(self) -> list[str]:
        """axe-core's WCAG 2.1 A/AA violations on the page open now."""
        if not AXE.exists():
            raise AssertionError("axe-core is missing: run `make browser-deps` (npm ci).")
        self.browser.execute_script(AXE.read_text())
        return list(self.browser.execute_async_script(AXE_RUN))


class BrowserTestCase(ChromiumTestCase):
    """The five cities' plans, published, in Chromium."""

    def setUp(self):
        for path in sorted(FIXTURES.glob("*.json")):
            import_plan_document(json.loads(path.read_text()), publish=True)
        self.sanyo = Plan.objects.get(municipality__code="352161")
        self.minami = Plan.objects.get(municipality__code="192082")

    def page_types(self) -> dict[str, str]:
        plan, slug = self.sanyo, "sanyo-onoda"
        measure = Measure.objects.get(plan=plan, code="1")
        return {
            "home": reverse("public:home"),
            "municipality": reverse("public:municipality", args=[slug]),
            "plan": reverse("public:plan", args=[slug, plan.pk]),
            "pillar": reverse("public:pillar", args=[slug, plan.pk, plan.pillars.first().pk]),
            "measure": reverse("public:measure", args=[slug, plan.pk, measure.pk]),
            "search": reverse("public:search", args=[slug, plan.pk]) + "?grade=C&year=2020",
            "report summary": reverse("public:report", args=[slug, plan.pk, 2020]),
            "report pdca": reverse("public:report", args=["minami-alps", self.minami.pk, 2020])
            + "?layout=pdca",
            "api docs": reverse("public:api_docs"),
            "login": reverse("login"),
            "not found": "/m/no-such-municipality/",
        }


class PublicBrowserTests(BrowserTestCase):
    def test_every_public_page_type_renders(self):
        from selenium.webdriver.common.by import By

        for name, path in self.page_types().items():
            with self.subTest(page=name):
                browser = self.open(path)
                self.assertTrue(browser.find_element(By.TAG_NAME, "h1").text.strip(), name)
                self.assertNotIn("Traceback", browser.page_source)

    def test_a_citizen_follows_links_from_home_to_a_measure(self):
        from selenium.webdriver.common.by import By

        browser = self.open(reverse("public:home"))
        self.click_and_wait(browser.find_element(By.LINK_TEXT, "山陽小野田市"))
        self.click_and_wait(browser.find_element(By.PARTIAL_LINK_TEXT, "第一次行政改革プラン"))
        self.click_and_wait(browser.find_element(By.PARTIAL_LINK_TEXT, "持続可能な財政運営"))
        self.click_and_wait(browser.find_element(By.LINK_TEXT, "公金収納対策の強化"))
        self.assertIn("公金収納対策の強化", browser.find_element(By.TAG_NAME, "h1").text)
        self.assertIn("835百万円", browser.page_source)

    def test_the_filters_narrow_the_list_and_keep_a_shareable_address(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        browser = self.open(reverse("public:search", args=["sanyo-onoda", self.sanyo.pk]))
        Select(browser.find_element(By.ID, "id_year")).select_by_value("2020")
        Select(browser.find_element(By.ID, "id_grade")).select_by_value("D")
        self.click_and_wait(
            browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]")
        )
        self.assertIn("grade=D", browser.current_url)
        self.assertIn(
            "1件が該当します", browser.find_element(By.CSS_SELECTOR, "[role=status]").text
        )
        rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
        self.assertEqual(len(rows), 1)

    def test_the_language_switch_changes_the_page_language(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        browser = self.open(reverse("public:home"))
        self.assertEqual(browser.find_element(By.TAG_NAME, "html").get_attribute("lang"), "ja")
        Select(browser.find_element(By.ID, "language-select")).select_by_value("en")
        self.click_and_wait(browser.find_element(By.CSS_SELECTOR, ".language-switch button"))
        self.assertEqual(browser.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        self.assertIn("Administrative reform", browser.find_element(By.TAG_NAME, "h1").text)

    def test_the_print_stylesheet_hides_navigation_and_repeats_table_headers(self):
        from public.reports.presets import apply_preset

        layout = apply_preset(plan=self.sanyo, key="sanyo-onoda-list")
        url = reverse("public:report", args=["sanyo-onoda", self.sanyo.pk, 2020])

        def printed(layout_key):
            browser = self.open(f"{url}?layout={layout_key}")
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            return browser.execute_script(
                "const groups = document.querySelectorAll('table.report tbody.pillar-group');"
                "return [getComputedStyle(document.querySelector('.site-header')).display,"
                " getComputedStyle(document.querySelector('table.report thead')).display,"
                " getComputedStyle(groups[groups.length - 1]).breakBefore]"
            )

        # Pages break per pillar only where the layout asks for it.
        self.assertEqual(printed(layout.pk), ["none", "table-header-group", "auto"])
        layout.break_per_pillar = True
        layout.group_levels = 1
        layout.save()
        self.assertEqual(printed(layout.pk), ["none", "table-header-group", "page"])


class AccessibilityTests(BrowserTestCase):
    def axe_violations(self, path: str) -> list[str]:
        if not AXE.exists():
            raise AssertionError("axe-core is missing: run `make browser-deps` (npm ci).")
        browser = self.open(path)
        browser.execute_script(AXE.read_text())
        result = browser.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
              .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ') ' +
                                                  v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '))))
              .catch(e => done(['axe failed: ' + e]));
            """
        )
        return result

    def test_the_checker_itself_finds_a_violation(self):
        # A page with an unlabelled field must fail, or a green result would prove nothing.
        self.browser.set_script_timeout(30)
        self.open(reverse("public:home"))
        self.browser.execute_script(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
        )
        self.browser.execute_script(AXE.read_text())
        violations = self.browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a']}})"
            ".then(r => done(r.violations.map(v => v.id))).catch(e => done(['failed ' + e]));"
        )
        self.assertIn("label", violations)

    def test_no_wcag_violations_on_any_public_page_type(self):
        self.browser.set_script_timeout(30)
        found = {}
        for name, path in self.page_types().items():
            violations = self.axe_violations(path)
            if violations:
                found[name] = violations
        self.assertEqual(found, {})

    def test_no_wcag_violations_on_the_department_staff_pages(self):
        import datetime

        from selenium.webdriver.common.by import By

        from measures.models import Evaluation
        from measures.round.services import open_round
        from municipalities.models import Department, Membership
        from municipalities.services import create_staff_user

        city = self.sanyo.municipality
        clerk = create_staff_user(
            username="clerk",
            password="clerk-password-2026",
            municipality=city,
            role=Membership.Role.DEPARTMENT_STAFF,
            departments=[Department.objects.get(municipality=city, name="税務課")],
        )
        open_round(plan=self.sanyo, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=clerk)
        entry = Evaluation.objects.get(
            measure__plan=self.sanyo, measure__code="1", fiscal_year=2021
        )
        browser = self.open(reverse("login"))
        browser.find_element(By.NAME, "username").send_keys("clerk")
        browser.find_element(By.NAME, "password").send_keys("clerk-password-2026")
        self.click_and_wait(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        self.browser.set_script_timeout(30)
        found = {}
        for path in (
            reverse("measures:entry_list"),
            reverse("measures:entry", args=[entry.pk]),
            reverse("measures:entry_history", args=[entry.pk]),
        ):
            violations = self.axe_violations(path)
            if violations:
                found[path] = violations
        # An entry submitted incomplete shows its error summary and field errors.
        browser = self.open(reverse("measures:entry", args=[entry.pk]))
        self.click_and_wait(browser.find_element(By.NAME, "submit"))
        self.assertIn("入力に不足や誤りがあります", browser.page_source)
        browser.execute_script(AXE.read_text())
        after_errors = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => done(r.violations.map(v => v.id))).catch(e => done(['failed ' + e]));"
        )
        if after_errors:
            found["entry form with errors"] = after_errors
        self.assertEqual(found, {})

    def test_the_skip_link_and_visible_focus(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        browser = self.open(reverse("public:home"))
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        self.assertEqual(focused.get_attribute("class"), "skip-link")
        outline = browser.execute_script(
            "return getComputedStyle(document.activeElement).outlineStyle"
        )
        left = browser.execute_script("return document.activeElement.getBoundingClientRect().left")
        self.assertNotEqual(outline, "none")
        self.assertGreaterEqual(left, 0)
