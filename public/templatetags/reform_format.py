"""Numbers and years as city halls write them."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from measures.fiscal_years import fiscal_year_display
from measures.values import YEN_MULTIPLIERS, format_number, format_yen_in_thousands

register = template.Library()


@register.filter
def fiscal_year(value):
    """2020 → 令和2年度（2020年度）."""
    return fiscal_year_display(int(value)) if value not in (None, "") else ""


@register.filter
def thousand_yen(value):
    """164686200 → 164,686千円; negative amounts with ▲."""
    return format_yen_in_thousands(value) if value not in (None, "") else ""


@register.filter
def quantity(value):
    """An IndicatorValue as written (its text), or its number with unit."""
    if value is None:
        return ""
    if value.text:
        return value.text
    return format_number(value.value, value.unit) if value.value is not None else ""


@register.filter
def signed(value):
    """A change in a count: +2, ▲1, ±0."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"▲{-value}"
    return "±0"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def money(value, unit="千円"):
    """An amount in yen shown in the plan's unit, rounded half up: 1,234,500 → 1,235 (千円)."""
    if value in (None, ""):
        return ""
    amount = (Decimal(value) / YEN_MULTIPLIERS.get(unit, 1000)).quantize(Decimal(1), ROUND_HALF_UP)
    return format_number(amount)


@register.filter
def percent(value):
    """A share or rate as written: 12.3%."""
    return "" if value is None else f"{value}%"


@register.filter
def number(value):
    """A Decimal without trailing zeros, with thousands separators: 12000.000000 → 12,000."""
    return "" if value in (None, "") else format_number(value)
