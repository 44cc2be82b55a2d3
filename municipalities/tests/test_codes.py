from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import SimpleTestCase, TestCase

from municipalities.codes import check_digit, is_valid_code, validate_code
from municipalities.models import Municipality

FIVE_CITIES = ["282049", "352161", "102113", "142123", "192082"]


class CheckDigitTests(SimpleTestCase):
    def test_the_five_cities_codes_are_valid(self):
        for code in FIVE_CITIES:
            with self.subTest(code=code):
                self.assertTrue(is_valid_code(code))
                validate_code(code)

    def test_a_wrong_check_digit_is_rejected_with_the_right_one_named(self):
        with self.assertRaises(ValidationError) as caught:
            validate_code("282048")
        self.assertEqual(caught.exception.code, "check_digit")
        self.assertIn("282049", caught.exception.messages[0])

    def test_every_other_last_digit_is_rejected(self):
        for code in FIVE_CITIES:
            for digit in "0123456789":
                if digit != code[5]:
                    self.assertFalse(is_valid_code(code[:5] + digit), code[:5] + digit)

    def test_remainders_zero_and_one_keep_only_the_last_digit(self):
        # 11 - 0 = 11 -> 1 and 11 - 1 = 10 -> 0: the two cases where the rule wraps.
        remainders = {}
        for number in range(1000, 1300):
            first_five = f"{number:05d}"
            total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
            remainders.setdefault(total % 11, first_five)
        self.assertEqual(check_digit(remainders[0]), 1)
        self.assertEqual(check_digit(remainders[1]), 0)

    def test_codes_that_are_not_six_ascii_digits_are_rejected(self):
        for code in ["28204", "2820490", "28204a", "２８２０４９", ""]:
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                validate_code(code)
            self.assertEqual(caught.exception.code, "format")


class MunicipalityValidationTests(TestCase):
    def test_full_clean_rejects_a_wrong_check_digit(self):
        city = Municipality(code="282040", name="西宮市", prefecture="兵庫県", slug="x")
        with self.assertRaises(ValidationError) as caught:
            city.full_clean()
        self.assertIn("code", caught.exception.message_dict)

    def test_prefecture_must_match_the_codes_first_two_digits(self):
        city = Municipality(code="282049", name="西宮市", prefecture="大阪府", slug="x")
        with self.assertRaises(ValidationError) as caught:
            city.full_clean()
        self.assertIn("兵庫県", caught.exception.message_dict["prefecture"][0])

    def test_the_database_refuses_a_code_that_is_not_six_digits(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Municipality.objects.create(code="28204", name="x", prefecture="兵庫県", slug="x")
