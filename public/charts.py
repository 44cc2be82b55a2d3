"""Small charts as inline SVG drawn on the server, with a text alternative; the same
numbers are always in a table beside them, so nothing depends on the picture or on
JavaScript."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from measures.fiscal_years import fiscal_year_short_label
from measures.values import format_number

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 420, 190, 100, 28, 12


def _n(number: float) -> str:
    return f"{number:.1f}"


def indicator_chart(name: str, unit: str, rows: list[dict], chart_id: str) -> str:
    """A bar per year for the target (outline) and the actual (filled). `rows` are
    {"fiscal_year", "target": Decimal|None, "actual": Decimal|None}. Empty string when no
    year has a number."""
    numbers = [r[k] for r in rows for k in ("target", "actual") if r.get(k) is not None]
    if not numbers:
        return ""
    top = max(max(numbers), Decimal(0))
    bottom = min(min(numbers), Decimal(0))
    span = (top - bottom) or Decimal(1)
    plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT) / max(len(rows), 1)
    bar = min(slot / 3, 28)

    def y(value: Decimal) -> float:
        return PAD_TOP + float((top - value) / span) * plot_height

    parts = []
    for index, row in enumerate(rows):
        x = PAD_LEFT + index * slot + slot / 2
        for offset, key, style in ((-bar, "target", "target"), (0, "actual", "actual")):
            value = row.get(key)
            if value is None:
                continue
            y0, y1 = sorted((y(value), y(Decimal(0))))
            parts.append(
                format_html(
                    '<rect class="bar-{}" x="{}" y="{}" width="{}" height="{}"></rect>',
                    style,
                    _n(x + offset),
                    _n(y0),
                    _n(bar),
                    _n(max(y1 - y0, 1)),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x),
                HEIGHT - 8,
                fiscal_year_short_label(row["fiscal_year"]),
            )
        )
    axis = format_html(
        '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" class="axis"></line>'
        '<text x="{3}" y="{4}" text-anchor="end">{5}</text>'
        '<text x="{3}" y="{6}" text-anchor="end">{7}</text>',
        PAD_LEFT,
        _n(y(Decimal(0))),
        WIDTH,
        PAD_LEFT - 4,
        _n(y(top) + 4),
        format_number(top, unit),
        _n(y(bottom) + 4 if bottom else y(Decimal(0)) + 4),
        format_number(bottom, unit),
    )
    description = "、".join(
        f"{fiscal_year_short_label(r['fiscal_year'])}: 目標 {format_number(r['target'], unit) if r.get('target') is not None else 'なし'}"
        f"・実績 {format_number(r['actual'], unit) if r.get('actual') is not None else 'なし'}"
        for r in rows
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}の目標値（枠）と実績値（塗り）</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        name,
        chart_id,
        description,
        axis,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
