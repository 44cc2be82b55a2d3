"""The report in every city's preset, in Debian's Chromium: axe-core finds no WCAG 2.1 A/AA
violation at desktop and phone widths, and on a phone (390 px) the table reads as stacked
cards without sideways scrolling."""

from django.urls import reverse

from measures.models import Plan
from measures.round.services import record_publication
from public.reports.presets import apply_own_presets
from public.tests.test_browser import BrowserTestCase


class ReportPresetBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.pages = {}
        for plan in Plan.objects.select_related("municipality").order_by("municipality__code"):
            apply_own_presets(plan)
            if not plan.reports.exists():
                record_publication(plan=plan, years=[plan.first_fiscal_year])
            year = plan.reports.order_by("-fiscal_year").first().fiscal_year
            url = reverse("public:report", args=[plan.municipality.slug, plan.pk, year])
            for layout in plan.report_layouts.all():
                self.pages[f"{plan.municipality.name} {layout.name}"] = f"{url}?layout={layout.pk}"

    def check(self, width: int) -> dict[str, list[str]]:
        self.browser.set_window_size(width, 1200)
        self.browser.set_script_timeout(60)
        found = {}
        for name, path in self.pages.items():
            problems = self.page_problems(path)
            if problems:
                found[name] = problems
        return found

    def test_every_preset_has_no_wcag_violation_on_a_desktop(self):
        self.maxDiff = None
        self.assertEqual(len(self.pages), 6)
        self.assertEqual(self.check(1280), {})

    def test_every_preset_reads_as_cards_on_a_phone_without_violations(self):
        self.assertEqual(self.check(390), {})
        browser = self.open(self.pages["山陽小野田市 資料1 行動計画一覧"])
        display = browser.execute_script(
            "return getComputedStyle(document.querySelector('table.report tbody tr')).display"
        )
        label = browser.execute_script(
            "const cell = document.querySelector('table.report td[data-label]');"
            "return getComputedStyle(cell, '::before').content"
        )
        self.assertEqual(display, "block")
        self.assertIn("担当部署", label)

    def test_at_390_px_reports_and_measure_schedules_are_no_wider_than_the_phone(self):
        from django.db.models import Count

        from measures.models import Measure

        pages = dict(self.pages)
        for plan in Plan.objects.select_related("municipality"):
            measure = (
                Measure.objects.filter(plan=plan)
                .annotate(steps_count=Count("steps"))
                .order_by("-steps_count", "order")
                .first()
            )
            pages[f"{plan.municipality.name} measure {measure.code}"] = reverse(
                "public:measure", args=[plan.municipality.slug, plan.pk, measure.pk]
            )
        self.assertEqual(len(pages), 11)
        self.browser.set_window_size(390, 1200)
        widths, schedules = {}, {}
        for name, path in pages.items():
            browser = self.open(path)
            width = browser.execute_script("return window.innerWidth")
            self.assertEqual(width, 390, "Chromium keeps the phone's width")
            widths[name] = browser.execute_script("return document.documentElement.scrollWidth")
            # The schedule (steps × years) reads as a card per step, each year's cell
            # headed by its year.
            found = browser.execute_script(
                "const row = document.querySelector('table.schedule tbody tr');"
                "if (!row) return null;"
                "const cell = row.querySelector('td[data-label]');"
                "return [getComputedStyle(row).display, getComputedStyle(cell, '::before').content]"
            )
            if found is not None:
                schedules[name] = found
        self.assertEqual({name: w for name, w in widths.items() if w > 390}, {})
        # 山陽小野田市 (事業 計画/実績) and 厚木市 (取組内容 per year) have schedules.
        self.assertEqual(
            {name.split()[0] for name in schedules}, {"山陽小野田市", "厚木市"}, schedules
        )
        for display, label in schedules.values():
            self.assertEqual(display, "block", schedules)
            self.assertIn("年度", label)

    def test_the_preview_and_confirmation_pages_have_no_wcag_violation(self):
        from selenium.webdriver.common.by import By

        from measures.round.services import reopen_year
        from municipalities.models import Department, Membership
        from municipalities.services import create_staff_user

        city = self.sanyo.municipality
        create_staff_user(
            username="office",
            password="office-password-2026",
            municipality=city,
            role=Membership.Role.REFORM_OFFICE,
            departments=[Department.objects.filter(municipality=city).first()],
        )
        # A correction of 2020: the preview marks what changed against the first revision.
        reopen_year(plan=self.sanyo, fiscal_year=2020, by=None)
        browser = self.open(reverse("login"))
        browser.find_element(By.NAME, "username").send_keys("office")
        browser.find_element(By.NAME, "password").send_keys("office-password-2026")
        self.click_and_wait(browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))
        self.pages = {
            f"preview {width}": reverse("admin:measures_report_preview", args=[self.sanyo.pk, 2020])
            for width in (1280,)
        }
        self.pages["confirm"] = reverse("admin:measures_report_confirm", args=[self.sanyo.pk, 2020])
        self.pages["entry list"] = reverse("admin:measures_report_publication")
        self.assertEqual(self.check(1280), {})
        self.pages = {"preview": self.pages["preview 1280"]}
        self.assertEqual(self.check(390), {})
        self.assertIn("まだ公開されていません", self.browser.page_source)
