"""The comparison pages with the five cities' published plans, in Debian's Chromium: axe-core
finds no WCAG 2.1 A/AA violation at desktop and phone widths, nothing scrolls sideways at
390 px, and the filters keep a shareable address without JavaScript."""

from django.urls import reverse

from measures.models import EffectAmount
from municipalities.population import apply_population
from public.tests.test_browser import BrowserTestCase


class CompareBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        apply_population()
        # The five files hold no 効果額: some for 山陽小野田市, published (2020) and not (2021).
        for measure in self.sanyo.measures.order_by("order")[:5]:
            for year in (2020, 2021):
                EffectAmount.objects.create(
                    measure=measure,
                    fiscal_year=year,
                    planned_saving=3_000_000,
                    actual_revenue=1_200_000,
                    actual_saving=2_500_000,
                )
        grades = reverse("public:compare_grades")
        effects = reverse("public:compare_effects")
        measures = reverse("public:compare_measures")
        self.pages = {
            "grades": grades,
            "grades filtered": grades + "?size=50k-100k&sort=population-desc",
            "effects": effects,
            "effects cumulative": effects + "?basis=cumulative",
            "measures empty": measures,
            "measures found": measures + "?match=any&q=収納+対策+職員",
            "measures ignored": measures + "?pref=99",
        }

    def check(self, width: int) -> dict[str, list[str]]:
        self.browser.set_window_size(width, 1200)
        found = {}
        for name, path in self.pages.items():
            problems = self.page_problems(path)
            self.assertEqual(self.browser.execute_script("return window.innerWidth"), width)
            if problems:
                found[name] = problems
        return found

    def test_no_wcag_violations_and_no_sideways_scrolling_at_1280_and_390_px(self):
        self.maxDiff = None
        self.assertEqual(self.check(1280), {})
        self.assertEqual(self.check(390), {})

    def test_a_citizen_filters_by_population_class_and_follows_a_measure_to_similar_ones(self):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        self.browser.set_window_size(1280, 1200)
        browser = self.open(reverse("public:home"))
        self.click_and_wait(
            browser.find_element(By.LINK_TEXT, "評価・実施状況の分布（最新の公表年度）")
        )
        Select(browser.find_element(By.ID, "id_size")).select_by_value("50k-100k")
        self.click_and_wait(
            browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]")
        )
        self.assertIn("size=50k-100k", browser.current_url)
        rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr th[scope=row]")
        # 安中市 54,962, 南アルプス市 69,494 and 山陽小野田市 60,367 (2020 census)
        self.assertEqual(
            sorted(row.text.split("\n")[0] for row in rows),
            ["南アルプス市", "安中市", "山陽小野田市"],
        )
        self.assertIn("<svg", browser.page_source)
        browser = self.open(reverse("public:compare_effects") + "?pref=35")
        cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table tbody tr td")]
        # 2020: 5 measures × 1,200千円 and × 2,500千円 published; 2021 without actuals
        self.assertEqual(cells[:7], ["—", "6,000", "15,000", "12,500", "15,000", "18,500", "306"])
        self.assertEqual(cells[7:14], ["—", "—", "15,000", "—", "15,000", "—", "—"])
        measure = self.sanyo.measures.get(code="1")
        browser = self.open(
            reverse("public:measure", args=["sanyo-onoda", self.sanyo.pk, measure.pk])
        )
        self.click_and_wait(browser.find_element(By.LINK_TEXT, "他の自治体の似た取組を探す"))
        self.assertIn("match=any", browser.current_url)
        first = browser.find_element(By.CSS_SELECTOR, "table tbody tr th[scope=row]")
        self.assertIn("公金収納対策の強化", first.text)
