"""全国地方公共団体コード (local government codes, JIS X 0402).

A code is five digits (two for the prefecture, three for the municipality) followed by a
check digit: 11 - (sum of digit * weight, weights 6, 5, 4, 3, 2) mod 11, keeping only the
last digit of the result (so a remainder of 0 gives 1 and a remainder of 1 gives 0).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:5]) == int(code[5])


def validate_code(code: str) -> None:
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValidationError(
            _("地方公共団体コードは6桁の半角数字で入力してください（%(code)s）。"),
            code="format",
            params={"code": code},
        )
    if not is_valid_code(code):
        raise ValidationError(
            _("地方公共団体コード %(code)s の検査数字が違います（正しくは %(expected)s）。"),
            code="check_digit",
            params={"code": code, "expected": f"{code[:5]}{check_digit(code[:5])}"},
        )
