from decimal import Decimal

from django.test import SimpleTestCase

from measures.text_cleaning import clean_text
from measures.values import (
    Quantity,
    format_number,
    format_yen_in_thousands,
    parse_value,
    to_yen,
)


class ParseValueTests(SimpleTestCase):
    def assertParses(self, text, value, unit):
        quantity = parse_value(text)
        self.assertEqual(quantity.value, None if value is None else Decimal(value), text)
        self.assertEqual(quantity.unit, unit, text)
        self.assertEqual(quantity.text, text.strip(), "the original text is always kept")

    def test_the_documents_own_examples(self):
        self.assertParses("982百万円", "982", "百万円")
        self.assertParses("164,687千円", "164687", "千円")
        self.assertParses("97.78%", "97.78", "%")
        self.assertParses("▲520,000千円", "-520000", "千円")
        self.assertParses("R1:11.8 時間", "11.8", "時間")

    def test_dashes_and_empty_cells_are_no_value(self):
        for text in ["—", "－", "-", "", "  ", "―"]:
            with self.subTest(text=text):
                self.assertEqual(parse_value(text), Quantity(None, "", ""))
                self.assertTrue(parse_value(text).is_empty)
        self.assertTrue(parse_value(None).is_empty)

    def test_more_units_as_written_in_the_seeds(self):
        self.assertParses("100.5万件", "100.5", "万件")
        self.assertParses("12校", "12", "校")
        self.assertParses("2団地", "2", "団地")
        self.assertParses("11.6fm", "11.6", "fm")
        self.assertParses("184 時間", "184", "時間")
        self.assertParses("4 グループ", "4", "グループ")
        self.assertParses("1,560万文字", "1560", "万文字")
        self.assertParses("HPアクセス数 470,000件", "470000", "件")
        self.assertParses("△18.9%", "-18.9", "%")
        self.assertParses("６．５％以下", "6.5", "%")

    def test_a_note_mark_keeps_the_number_and_the_text(self):
        self.assertParses("93.45%※", "93.45", "%")

    def test_text_that_is_not_one_number_stays_text_with_no_value(self):
        for text in ["見直し・反映", "実施", "・40課 ・3事業", "前年度比 1%減", "約54%", "未実施"]:
            with self.subTest(text=text):
                self.assertParses(text, None, "")

    def test_numbers_pass_through(self):
        self.assertEqual(parse_value(12).value, Decimal(12))
        self.assertEqual(parse_value(Decimal("0.5")).value, Decimal("0.5"))


class FormatTests(SimpleTestCase):
    def test_thousands_separators_and_unit(self):
        self.assertEqual(format_number(Decimal("164687"), "千円"), "164,687千円")
        self.assertEqual(format_number(Decimal("97.780000"), "%"), "97.78%")
        self.assertEqual(format_number(Decimal("1234.5"), ""), "1,234.5")

    def test_negative_numbers_are_shown_with_a_triangle(self):
        self.assertEqual(format_number(Decimal("-520000"), "千円"), "▲520,000千円")
        self.assertEqual(format_number(Decimal("-18.9"), "%"), "▲18.9%")

    def test_quantity_shows_its_original_text_first(self):
        self.assertEqual(str(parse_value("93.45%※")), "93.45%※")
        self.assertEqual(str(Quantity(Decimal("-3"), "件", "")), "▲3件")

    def test_money_converts_to_yen_and_back_to_thousands(self):
        self.assertEqual(to_yen(parse_value("982百万円")), 982_000_000)
        self.assertEqual(to_yen(parse_value("164,687千円")), 164_687_000)
        self.assertEqual(to_yen(parse_value("▲520,000千円")), -520_000_000)
        self.assertIsNone(to_yen(parse_value("12校")))
        self.assertEqual(format_yen_in_thousands(164_686_200), "164,686千円")
        self.assertEqual(format_yen_in_thousands(-520_000_000), "▲520,000千円")
        self.assertEqual(format_yen_in_thousands(None), "")


class CleanTextTests(SimpleTestCase):
    def test_html_lists_become_plain_bullet_lines(self):
        raw = '<ul style="list-style-type: none"> <li>・広報あんなかで提供</li> <li>HPを活用</li> </ul>'
        self.assertEqual(clean_text(raw), "・広報あんなかで提供\n・HPを活用")

    def test_paragraphs_become_lines_and_no_markup_survives(self):
        raw = "<p>・一行目</p><p>二行目<script>alert(1)</script></p>"
        cleaned = clean_text(raw)
        self.assertNotIn("<", cleaned)
        self.assertEqual(cleaned.splitlines()[:2], ["・一行目", "二行目alert(1)"])

    def test_plain_text_keeps_its_line_breaks(self):
        self.assertEqual(clean_text("  一行目\r\n二行目  "), "一行目\n二行目")
