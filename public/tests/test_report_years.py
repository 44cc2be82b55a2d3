"""A year's report shows that year and the years before it, never a later one, and a
column naming a year shows that year's value."""

from django.test import TestCase
from django.urls import reverse

from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from public.tests.report_tables import column_headings, read_table, row_of


class ReportYearsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        document = small_document()
        measure = document["measures"][0]
        measure["indicators"][0]["years"] = [
            {"fiscal_year": 2019, "target": "900百万円", "actual": "950百万円"},
            {"fiscal_year": 2020, "target": "800百万円", "actual": "835百万円"},
            {"fiscal_year": 2021, "target": "750百万円"},
        ]
        measure["effects"] = [
            {"fiscal_year": 2019, "actual_revenue": "1,000千円"},
            {"fiscal_year": 2020, "actual_revenue": "1,200千円"},
        ]
        # Both years published (as an import of published results does): each year's
        # revision holds the whole published plan, 2020 included.
        cls.plan = import_plan_document(document, publish=True).plan

    def report(self, year: int, **query) -> str:
        url = reverse("public:report", args=[self.plan.municipality.slug, self.plan.pk, year])
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_first_years_report_shows_no_grade_actual_or_text_of_a_later_year(self):
        page = self.report(2019)
        headings, rows = read_table(page)
        self.assertFalse([h for h in headings if "令和2年度" in h or "R2" in h], headings)
        self.assertEqual(row_of(rows, "1")[-1], "C")
        self.assertNotIn("B", row_of(rows, "2"))
        for later in ("835百万円", "未収債権835百万円。"):
            self.assertNotIn(later, page)
        self.assertIn("950百万円", page)

    def test_the_pdca_table_of_the_first_year_shows_no_later_text(self):
        page = self.report(2019, layout="pdca")
        self.assertNotIn("未収債権835百万円。", page)

    def test_the_later_years_report_shows_both_years(self):
        _headings, rows = read_table(self.report(2020))
        self.assertEqual(row_of(rows, "1")[-2:], ["C", "C"])
        self.assertEqual(row_of(rows, "2")[-2:], ["—", "B"])

    def test_a_target_column_shows_the_target_of_the_year_it_names(self):
        page = self.report(2019)
        _headings, rows = read_table(page)
        row = dict(zip(column_headings(page), row_of(rows, "1"), strict=True))
        # The year's own target, and the plan's final year (R4), which this measure has none
        # of: not the latest target it has (R3's 750百万円).
        self.assertEqual(row["R1目標"], "900百万円")
        self.assertEqual(row["R4目標"], "—")
        self.assertNotIn("750百万円", row.values())
