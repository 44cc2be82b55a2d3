"""Numbers and years as city halls write them."""

from django import template

from measures.fiscal_years import fiscal_year_display
from measures.values import format_number, format_yen_in_thousands

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
