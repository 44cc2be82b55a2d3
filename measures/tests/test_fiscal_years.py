import datetime

from django.test import SimpleTestCase

from measures.fiscal_years import (
    era_date_label,
    fiscal_year_display,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_short_label,
    fiscal_year_start,
    parse_fiscal_year,
)


class FiscalYearBoundaryTests(SimpleTestCase):
    def test_march_31_belongs_to_the_year_before_and_april_1_starts_a_new_one(self):
        self.assertEqual(fiscal_year_of(datetime.date(2021, 3, 31)), 2020)
        self.assertEqual(fiscal_year_of(datetime.date(2021, 4, 1)), 2021)
        self.assertEqual(fiscal_year_of(datetime.date(2020, 12, 31)), 2020)
        self.assertEqual(fiscal_year_of(datetime.date(2021, 1, 1)), 2020)

    def test_start_and_end_dates(self):
        self.assertEqual(fiscal_year_start(2020), datetime.date(2020, 4, 1))
        self.assertEqual(fiscal_year_end(2020), datetime.date(2021, 3, 31))


class EraTests(SimpleTestCase):
    def test_the_2019_era_change_for_dates(self):
        self.assertEqual(era_date_label(datetime.date(2019, 4, 30)), "平成31年4月30日")
        self.assertEqual(era_date_label(datetime.date(2019, 5, 1)), "令和元年5月1日")
        self.assertEqual(era_date_label(datetime.date(1989, 1, 7)), "昭和64年1月7日")
        self.assertEqual(era_date_label(datetime.date(1989, 1, 8)), "平成元年1月8日")

    def test_fiscal_year_labels(self):
        self.assertEqual(fiscal_year_label(2020), "令和2年度")
        self.assertEqual(fiscal_year_label(2019), "令和元年度")
        self.assertEqual(fiscal_year_label(2018), "平成30年度")
        self.assertEqual(fiscal_year_label(2017), "平成29年度")
        self.assertEqual(fiscal_year_label(1989), "平成元年度")
        self.assertEqual(fiscal_year_label(1988), "昭和63年度")

    def test_short_labels(self):
        self.assertEqual(fiscal_year_short_label(2020), "R2")
        self.assertEqual(fiscal_year_short_label(2019), "R1")
        self.assertEqual(fiscal_year_short_label(2017), "H29")

    def test_display_for_citizens_shows_both_forms(self):
        self.assertEqual(fiscal_year_display(2020), "令和2年度（2020年度）")
        self.assertEqual(fiscal_year_display(2024), "令和6年度（2024年度）")


class ParseFiscalYearTests(SimpleTestCase):
    def test_forms_used_in_the_documents(self):
        cases = {
            "R2": 2020,
            "R2年度": 2020,
            "令和2年度": 2020,
            "令和元年度": 2019,
            "令和6(2024)年度": 2024,
            "令和６（２０２４）年度": 2024,
            "R1(2019)": 2019,
            "H29(当初)": 2017,
            "H30": 2018,
            "平成31年度": 2019,
            "2020": 2020,
            "2020年度": 2020,
            "r4": 2022,
        }
        for text, year in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_fiscal_year(text), year)

    def test_a_bracketed_western_year_that_disagrees_is_refused(self):
        with self.assertRaises(ValueError):
            parse_fiscal_year("令和6(2023)年度")

    def test_text_that_is_no_year_is_refused(self):
        for text in ["", "来年度", "令和年度", "R0"]:
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_fiscal_year(text)

    def test_labels_round_trip(self):
        for year in range(1989, 2040):
            self.assertEqual(parse_fiscal_year(fiscal_year_label(year)), year)
            self.assertEqual(parse_fiscal_year(fiscal_year_short_label(year)), year)
