"""Values as municipal documents write them: a number with its unit, or text.

`parse_value("▲520,000千円")` gives Quantity(value=Decimal("-520000"), unit="千円",
text="▲520,000千円"). Whatever cannot be read as one number keeps its text and has no value,
so nothing the document said is lost. A dash or an empty cell is no value at all.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

EMPTY_MARKS = frozenset({"", "-", "—", "－", "―", "‐", "ー", "–", "−", "‒", "/", "／"})

# Multipliers from a money unit to yen, for totals of 効果額.
YEN_MULTIPLIERS = {
    "円": 1,
    "千円": 1_000,
    "万円": 10_000,
    "百万円": 1_000_000,
    "億円": 100_000_000,
}

_NUMBER = re.compile(
    r"""^
    (?:(?P<prefix>.*?[\s:：])\s*)?            # a label such as "HPアクセス数 " or "R1:"
    (?P<sign>[▲△-])?\s*
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
    \s*(?P<unit>[^\d\s※*¹²³⁴⁵⁶⁷⁸⁹()（）]{0,8}?)
    (?P<qualifier>以上|以下|未満|超|程度)?
    \s*(?P<note>[※*¹²³⁴⁵⁶⁷⁸⁹(（].*)?
    $""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Quantity:
    value: Decimal | None
    unit: str
    text: str

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.text

    @property
    def is_number(self) -> bool:
        return self.value is not None

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.value is None:
            return ""
        return format_number(self.value, self.unit)


NO_VALUE = Quantity(None, "", "")


def parse_value(raw: str | int | float | Decimal | None) -> Quantity:
    if raw is None:
        return NO_VALUE
    if isinstance(raw, int | float | Decimal):
        return Quantity(Decimal(str(raw)), "", "")
    text = raw.strip()
    if text in EMPTY_MARKS:
        return NO_VALUE
    normalized = unicodedata.normalize("NFKC", text).replace("−", "-")
    match = _NUMBER.match(normalized)
    if not match or _is_comparison(match):
        return Quantity(None, "", text)
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return Quantity(None, "", text)
    if match["sign"]:
        number = -number
    return Quantity(number, match["unit"].strip(), text)


def _is_comparison(match: re.Match) -> bool:
    # "前年度比 1%減" states a change, not a level: it stays text.
    prefix = match["prefix"] or ""
    unit = match["unit"] or ""
    return "比" in prefix or unit.endswith(("増", "減"))


def format_number(value: Decimal | int, unit: str = "") -> str:
    """164,687千円; ▲520,000千円 for negatives; no trailing zeros after the point."""
    number = Decimal(value)
    sign = "▲" if number < 0 else ""
    number = abs(number)
    if number == number.to_integral_value():
        digits = f"{int(number):,}"
    else:
        digits = f"{number.normalize():,f}"
    return f"{sign}{digits}{unit}"


def to_yen(quantity: Quantity) -> int | None:
    """The amount in yen of a money value, or None when it is not money."""
    if quantity.value is None or quantity.unit not in YEN_MULTIPLIERS:
        return None
    return int(quantity.value * YEN_MULTIPLIERS[quantity.unit])


def format_yen_in_thousands(yen: int | None) -> str:
    """Amounts of 効果額 are shown in 千円, rounded to the nearest thousand yen."""
    if yen is None:
        return ""
    thousands = (Decimal(yen) / 1000).quantize(Decimal(1))
    return format_number(thousands, "千円")


# Units a plan-level goal is measured in (主要目標): money, people, area, counts.
GOAL_UNITS = frozenset(
    {
        *YEN_MULTIPLIERS,
        "人",
        "名",
        "平方メートル",
        "㎡",
        "m2",
        "m²",
        "%",
        "件",
        "施設",
        "校",
        "園",
        "箇所",
        "か所",
        "ヶ所",
        "事業",
        "団体",
        "回",
        "時間",
        "日",
        "台",
        "戸",
        "棟",
        "世帯",
        "課",
        "ha",
        "km",
        "t",
    }
)
# Words that say which way a goal goes, written after its number: 12人削減, 3施設減.
_GOAL_DIRECTION = re.compile(r"(削減|縮減|減少|減|増加|増|以上|以下|程度)$")


def parse_goal_value(raw: str) -> tuple[Quantity, bool]:
    """A goal's target or result as written, with its number and unit, and whether the unit
    is one a goal is known to use: "12人削減" → 12 人; "延床面積 12,000平方メートル" →
    12000 平方メートル; "1,500百万円" → 1500 百万円. The text is always kept."""
    text = raw.strip()
    normalized = unicodedata.normalize("NFKC", text)
    bare = _GOAL_DIRECTION.sub("", normalized).strip()
    quantity = parse_value(bare)
    if quantity.value is None:
        return Quantity(None, "", text), False
    unit = quantity.unit
    return Quantity(quantity.value, unit, text), unit == "" or unit in GOAL_UNITS
