"""The comparison pages' charts: inline SVG drawn on the server, with a title and a text
description; the table below each chart holds the same numbers."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join

from measures.values import format_number

WIDTH, LABEL, ROW, GAP, TOP = 640, 170, 18, 6, 4
# Dark to light by the class's place in its plan's own scheme (best first). The colours
# say only that: a class of one plan and the class of the same colour of another plan do
# not mean the same.
GRADE_COLOURS = ("#08306b", "#2171b5", "#6baed6", "#c6dbef", "#f7fbff", "#ffffff")
STATUS_COLOURS = ("#00441b", "#238b45", "#74c476", "#c7e9c0", "#f7fcf5", "#ffffff")


def _n(number: float) -> str:
    return f"{number:.1f}"


def thousand_yen(amount: int) -> str:
    """Yen as 千円, rounded half up: 1,234,500 → 1,235千円."""
    return format_number((Decimal(amount) / 1000).quantize(Decimal(1), ROUND_HALF_UP), "千円")


def _colour(palette: tuple[str, ...], index: int) -> str:
    return palette[min(index, len(palette) - 1)]


def distribution_chart(rows, title: str, chart_id: str = "distribution-chart") -> str:
    """A bar per plan, divided by the shares of its rated classes (100 % = its 評価対象)."""
    drawn = [row for row in rows if row.counted]
    if not drawn:
        return ""
    height = TOP + len(drawn) * (ROW + GAP)
    span = WIDTH - LABEL - 8
    parts, descriptions = [], []
    for index, row in enumerate(drawn):
        y = TOP + index * (ROW + GAP)
        palette = GRADE_COLOURS if row.scheme == "grade" else STATUS_COLOURS
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL - 6,
                _n(y + ROW - 5),
                row.plan.municipality.name,
            )
        )
        x = float(LABEL)
        rated = [share for share in row.shares if share.category.counted]
        for place, share in enumerate(rated):
            width = span * share.count / row.counted
            if width:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#333"'
                        ' stroke-width="0.5"></rect>',
                        _n(x),
                        y,
                        _n(width),
                        ROW,
                        _colour(palette, place),
                    )
                )
            x += width
        descriptions.append(
            f"{row.plan.municipality.name} {row.year_display}: "
            + "、".join(f"{share.category.code} {share.share}%" for share in rated)
        )
    return _svg(chart_id, height, title, "。".join(descriptions), parts)


def amount_chart(items: list[tuple[str, int]], title: str, chart_id: str = "effect-chart") -> str:
    """A bar per (label, yen amount), to scale from zero; negative amounts draw no bar."""
    if not items:
        return ""
    top = max(max(amount for _label, amount in items), 1)
    height = TOP + len(items) * (ROW + GAP)
    span = WIDTH - LABEL - 90
    parts = []
    for index, (label, amount) in enumerate(items):
        y = TOP + index * (ROW + GAP)
        width = span * max(amount, 0) / top
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b4f8a"></rect>'
                '<text x="{}" y="{}">{}</text>',
                LABEL - 6,
                _n(y + ROW - 5),
                label,
                LABEL,
                y,
                _n(max(width, 0)),
                ROW,
                _n(LABEL + width + 4),
                _n(y + ROW - 5),
                thousand_yen(amount),
            )
        )
    description = "、".join(f"{label}: {thousand_yen(amount)}" for label, amount in items)
    return _svg(chart_id, height, title, description, parts)


def _svg(chart_id: str, height: int, title: str, description: str, parts: list[str]) -> str:
    """The chart as an image named by its title, with its text alternative as description."""
    return format_html(
        '<svg class="compare-chart" viewBox="0 0 {} {}" font-size="12" role="img"'
        ' aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
