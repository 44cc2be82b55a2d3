"""The measure table (or the sheets) of a report, built from its frozen content and a
layout: columns resolved to years, headings in rows with their spans, and for each
measure the text of every cell."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from measures.fiscal_years import fiscal_year_label, fiscal_year_short_label
from measures.models import ReportColumn
from measures.values import format_number
from public.reports.layouts import ColumnSpec, LayoutSpec

Field = ReportColumn.Field
Year = ReportColumn.Year

# The bearers of 協創 as 001's sheets print them, in their order.
CO_CREATION_ACTORS = ["行政", "市民", "地域", "団体", "学校・大学", "企業", "近隣自治体"]
GROUP_SEPARATOR = "›"
NONE = "—"
LEVEL_FIELDS = {Field.LEVEL1: 0, Field.LEVEL2: 1, Field.LEVEL3: 2}
VALUE_FIELDS = {
    Field.GRADE,
    Field.STATUS,
    Field.BASELINE,
    Field.INDICATOR_TARGET,
    Field.INDICATOR_ACTUAL,
    Field.EFFECT,
    Field.EFFECT_PLANNED,
}
SLASHED_FIELDS = {Field.BASELINE, Field.INDICATOR_TARGET, Field.INDICATOR_ACTUAL, Field.GRADE}
GRID_FIELDS = {
    Field.STEPS,
    Field.STEP_SCHEDULE,
    Field.STEP_PROGRESS,
    Field.YEARLY_PLAN,
    Field.INDICATOR_TABLE,
    Field.CO_CREATION,
}
YEAR_FIELDS = {
    Field.YEAR_GOAL,
    Field.PLANNED_STATUS,
    Field.PLAN_TEXT,
    Field.DO_TEXT,
    Field.CHECK_TEXT,
    Field.ACTION_TEXT,
    Field.GRADE,
    Field.STATUS,
    Field.INDICATOR_TARGET,
    Field.INDICATOR_ACTUAL,
    Field.EFFECT,
    Field.EFFECT_PLANNED,
    Field.STEP_PROGRESS,
}


# How much room a column takes on paper: narrow marks and grades, short values, names, and
# text columns sharing what is left (the longest texts get the room, as the documents do).
WIDTHS = {
    "mark": {Field.CODE, Field.MARK, Field.GRADE, Field.STATUS, Field.CITYWIDE},
    "value": {
        Field.BASELINE,
        Field.INDICATOR_TARGET,
        Field.INDICATOR_ACTUAL,
        Field.EFFECT,
        Field.EFFECT_PLANNED,
        Field.PLANNED_STATUS,
        Field.CONTINUITY,
        Field.SDGS,
    },
    # A level's name is printed once where it changes; most of its cells are empty.
    "level": {Field.LEVEL1, Field.LEVEL2, Field.LEVEL3},
    "name": {
        Field.TITLE,
        Field.CODE_TITLE,
        Field.MARK_TITLE,
        Field.MARKED_TITLE,
        Field.LEAD,
        Field.RELATED,
        Field.ALL_DEPARTMENTS,
        Field.DEPARTMENTS,
        Field.INDICATOR,
        Field.RELATED_PLANS,
        Field.COMPREHENSIVE_PLAN,
        Field.ENDING,
    },
}


def with_years(text: str, fiscal_year: int) -> str:
    """Headings name years as documents do: {年度} 令和2年度, {R} R2, {西暦} 2020."""
    return (
        text.replace("{年度}", fiscal_year_label(fiscal_year))
        .replace("{R}", fiscal_year_short_label(fiscal_year))
        .replace("{西暦}", str(fiscal_year))
    )


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    path: tuple[str, ...]  # the group headings above it, outermost first
    fiscal_year: int
    text: str
    default_heading: str  # the item's own name, for a column printed without a heading

    @property
    def width(self) -> str:
        """The column's room on paper (print.css): mark, value, level, name or text."""
        return next((name for name, fields in WIDTHS.items() if self.field in fields), "text")

    @property
    def label(self) -> str:
        """The heading with its groups, for a phone's card and a spreadsheet's header."""
        parts = [*self.path, self.heading or self.default_heading]
        return " ".join(part for part in parts if part)


def _years_of(spec: ColumnSpec, year: int, first: int, last: int) -> list[int]:
    return {
        Year.REPORT: [year],
        Year.PREVIOUS: [year - 1],
        Year.PLAN_FIRST: [first],
        Year.PLAN_LAST: [last],
        Year.UP_TO_REPORT: list(range(first, year + 1)),
        Year.PLAN_YEARS: list(range(first, last + 1)),
    }.get(spec.year, [year])


def resolve_columns(layout: LayoutSpec, plan: dict, year: int) -> list[Column]:
    """The layout's columns for a report of `year`, one per year where a column repeats."""
    first, last = plan["first_fiscal_year"], plan["last_fiscal_year"]
    columns = []
    for spec in layout.columns:
        default = str(Field(spec.field).label) if spec.field in Field.values else spec.field
        if spec.field == Field.TITLE:
            default = plan.get("measure_label") or default
        for fiscal_year in _years_of(spec, year, first, last):
            group = with_years(spec.group, fiscal_year)
            path = tuple(part.strip() for part in group.split(GROUP_SEPARATOR) if part.strip())
            heading = with_years(spec.heading, fiscal_year) if spec.heading else ""
            if not spec.heading and not path:
                heading = default
            columns.append(Column(spec.field, heading, path, fiscal_year, spec.text, default))
    return columns


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    leaf: bool = True
    hidden_text: str = ""  # a column printed without a heading still has one for readers


def header_rows(columns: list[Column]) -> list[list[HeaderCell]]:
    """Headings in rows: groups over the columns they span, each column's own heading at
    the bottom, spanning down where it has fewer groups above it than others."""
    paths = [(*c.path, c.heading) for c in columns]
    depth = max((len(p) for p in paths), default=1)
    rows: list[list[HeaderCell]] = []
    for level in range(depth):
        row: list[HeaderCell] = []
        index = 0
        while index < len(columns):
            path = paths[index]
            if len(path) <= level:
                index += 1
                continue
            if level < len(path) - 1:
                span = 1
                while (
                    index + span < len(columns)
                    and len(paths[index + span]) > level + 1
                    and paths[index + span][: level + 1] == path[: level + 1]
                ):
                    span += 1
                row.append(HeaderCell(path[level], colspan=span, leaf=False))
                index += span
                continue
            column = columns[index]
            hidden = "" if column.heading else column.default_heading
            row.append(HeaderCell(column.heading, rowspan=depth - level, hidden_text=hidden))
            index += 1
        rows.append(row)
    return rows


@dataclass
class GridCell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    scope: str = ""


@dataclass
class Grid:
    head: list[list[GridCell]]
    body: list[list[GridCell]]
    note: str = ""


@dataclass
class Cell:
    column: Column
    lines: list[str] = field(default_factory=list)
    grid: Grid | None = None
    row_header: bool = False
    struck: bool = False
    slashed: bool = False
    changed: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def html(self) -> str:
        """The cell's content as the report prints it. Written here rather than through a
        template include per cell: a 60-measure table has about 900 cells, and the includes
        were most of the report page's time."""
        if self.grid is not None:
            content = get_template("public/report/_grid.html").render({"grid": self.grid})
        elif self.struck:
            content = format_html("<s>{}</s>", self.text)
        else:
            content = mark_safe("<br>".join(conditional_escape(line) for line in self.lines))
        if self.changed:
            content += format_html(' <span class="change-mark">{}</span>', gettext("（訂正）"))
        return mark_safe(content)

    @property
    def css(self) -> str:
        classes = []
        if self.column.field in (Field.GRADE, Field.STATUS, Field.CITYWIDE, Field.CONTINUITY):
            classes.append("center")
        if self.column.field in VALUE_FIELDS - {Field.GRADE, Field.STATUS}:
            classes.append("value")
        if self.slashed:
            classes.append("slashed")
        if self.changed:
            classes.append("changed")
        return " ".join(classes)


@dataclass
class Row:
    measure: dict
    key: str
    cells: list[Cell]
    changed: bool = False
    new: bool = False


@dataclass
class Heading:
    level: int
    text: str
    aim: str = ""


@dataclass
class Group:
    """The rows under one top pillar, with the pillar headings printed before rows."""

    title: str
    items: list = field(default_factory=list)  # Heading | Row, in reading order

    @property
    def rows(self) -> list[Row]:
        return [item for item in self.items if isinstance(item, Row)]


@dataclass
class Table:
    columns: list[Column]
    header: list[list[HeaderCell]]
    groups: list[Group]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


def value_text(value: dict | None) -> str:
    """A value of the document as written, or its number with unit."""
    if not value:
        return ""
    if value.get("text"):
        return value["text"]
    if value.get("value") not in (None, ""):
        try:
            return format_number(Decimal(value["value"]), value.get("unit") or "")
        except InvalidOperation:
            return str(value["value"])
    return ""


def summary_of(text: str) -> str:
    """The first sentence of a text (or its first line), for a column of summaries."""
    text = text.strip()
    if not text:
        return ""
    first_line = text.splitlines()[0].strip()
    match = re.search(r"^.+?。", first_line)
    return match.group(0) if match else first_line


def pillar_label(node: dict) -> str:
    """Ⅰ 選択と集中…, (1) 市民に…, and ①歳出構造の見直し (circled numbers run on, as the
    documents print them)."""
    code, title = node.get("code", ""), node.get("title", "")
    if code and "\u2460" <= code[-1] <= "\u2473":
        return f"{code}{title}"
    return f"{code} {title}".strip()


def measure_key(measure: dict) -> str:
    return f"{measure.get('code')}-{measure.get('sub_number', 1)}"


def display_code(measure: dict) -> str:
    sub = measure.get("sub_number", 1)
    return measure["code"] if sub in (None, 1) else f"{measure['code']}-{sub}"


class Builder:
    """Cells of one measure from a report's content; `document` is already as of the
    report's year (public.reports.content.as_of)."""

    def __init__(self, document: dict, year: int):
        self.document = document
        self.plan = document["plan"]
        self.year = year
        self.nodes: dict[tuple[str, ...], dict] = {}

        def walk(nodes: list[dict], path: tuple[str, ...]) -> None:
            for node in nodes:
                key = (*path, node.get("code") or node.get("title"))
                self.nodes[key] = node
                walk(node.get("children", []), key)

        walk(document.get("pillars", []), ())

    def pillar_name(self, measure: dict, level: int) -> str:
        path = tuple(measure.get("pillar") or [])
        if len(path) <= level:
            return ""
        node = self.nodes.get(path[: level + 1])
        if not node:
            return path[level]
        return pillar_label(node)

    def pillar_aim(self, measure: dict, level: int) -> str:
        path = tuple(measure.get("pillar") or [])
        node = self.nodes.get(path[: level + 1]) if len(path) > level else None
        return (node or {}).get("aim", "")

    def cell(self, column: Column, measure: dict) -> Cell:
        cell = Cell(column)
        name = column.field
        if name in GRID_FIELDS:
            cell.grid = getattr(self, f"grid_{name}")(measure, column)
            return cell
        lines = getattr(self, f"field_{name}")(measure, column.fiscal_year)
        if column.text == ReportColumn.Text.SUMMARY:
            lines = [summary_of("\n".join(lines))] if any(lines) else []
        lines = [line for line in lines if line is not None]
        if name in VALUE_FIELDS:
            lines = [line or NONE for line in lines] or [NONE]
        indicators = measure.get("indicators", [])
        unsettable = bool(indicators) and all(i.get("not_settable") for i in indicators)
        if name == Field.INDICATOR:
            cell.struck = any(i.get("not_settable") for i in indicators)
        # Where no indicator can be set, 001 draws a diagonal line (斜線) through the value
        # and grade cells rather than leave them blank.
        cell.slashed = unsettable and name in SLASHED_FIELDS and all(x == NONE for x in lines)
        cell.lines = lines
        cell.row_header = name in (
            Field.TITLE,
            Field.CODE_TITLE,
            Field.MARK_TITLE,
            Field.MARKED_TITLE,
        )
        return cell

    # Attributes of the measure.

    def field_code(self, measure, year):
        return [display_code(measure)]

    def field_title(self, measure, year):
        return [measure.get("title", "")]

    def field_code_title(self, measure, year):
        return [f"{display_code(measure)} {measure.get('title', '')}".strip()]

    def field_mark(self, measure, year):
        return [measure.get("mark") or display_code(measure)]

    def field_mark_title(self, measure, year):
        mark = measure.get("mark") or display_code(measure)
        return [f"{mark} {measure.get('title', '')}".strip()]

    def field_marked_title(self, measure, year):
        mark = "◎" if measure.get("citywide") else ""
        return [f"{mark}{measure.get('title', '')}"]

    def field_citywide(self, measure, year):
        return ["◎" if measure.get("citywide") else ""]

    def field_level1(self, measure, year):
        return [self.pillar_name(measure, 0)]

    def field_level2(self, measure, year):
        return [self.pillar_name(measure, 1)]

    def field_level3(self, measure, year):
        return [self.pillar_name(measure, 2)]

    def _departments(self, measure, role):
        return [d["name"] for d in measure.get("departments", []) if d.get("role") == role]

    def field_lead(self, measure, year):
        return ["、".join(self._departments(measure, "lead"))]

    def field_related(self, measure, year):
        return ["、".join(self._departments(measure, "related"))]

    def field_all_departments(self, measure, year):
        return ["、".join(d["name"] for d in measure.get("departments", []))]

    def field_departments(self, measure, year):
        leads = [
            f"{'●' if d.get('primary') else '・'}{d['name']}"
            for d in measure.get("departments", [])
            if d.get("role") == "lead"
        ]
        related = [f"・{name}" for name in self._departments(measure, "related")]
        return ["【取組主管課】", *leads, "【関係課等】", *related]

    def field_continuity(self, measure, year):
        return [measure.get("status", "")]

    def field_comprehensive_plan(self, measure, year):
        return [measure.get("comprehensive_plan_position", "")]

    def field_sdgs(self, measure, year):
        return ["、".join(str(number) for number in measure.get("sdgs", []))]

    def _text(self, measure, key):
        return (measure.get(key) or "").splitlines()

    def field_current_situation(self, measure, year):
        return self._text(measure, "current_situation")

    def field_goal(self, measure, year):
        return self._text(measure, "goal")

    def field_content(self, measure, year):
        return self._text(measure, "content")

    def field_future_direction(self, measure, year):
        return self._text(measure, "future_direction")

    def field_related_plans(self, measure, year):
        return self._text(measure, "related_plans")

    def field_notes(self, measure, year):
        return self._text(measure, "notes")

    def field_ending(self, measure, year):
        ending = measure.get("ending") or ""
        last = measure.get("last_fiscal_year")
        if not ending or (last is not None and last >= self.year):
            return []
        return [ending, *(measure.get("ending_note") or "").splitlines()]

    def field_period_result(self, measure, year):
        result = measure.get("period_result") or {}
        head = " ".join(part for part in (result.get("grade"), result.get("status")) if part)
        return [line for line in [head, *(result.get("summary") or "").splitlines()] if line]

    # Of a year.

    def _target(self, measure, year) -> dict:
        return next((t for t in measure.get("targets", []) if t["fiscal_year"] == year), {})

    def _entry(self, measure, year) -> dict:
        return next((y for y in measure.get("years", []) if y["fiscal_year"] == year), {})

    def field_year_goal(self, measure, year):
        return (self._target(measure, year).get("goal") or "").splitlines()

    def field_planned_status(self, measure, year):
        return [self._target(measure, year).get("status", "")]

    def field_plan_text(self, measure, year):
        return (self._entry(measure, year).get("plan") or "").splitlines()

    def field_do_text(self, measure, year):
        return (self._entry(measure, year).get("do") or "").splitlines()

    def field_check_text(self, measure, year):
        return (self._entry(measure, year).get("check") or "").splitlines()

    def field_action_text(self, measure, year):
        return (self._entry(measure, year).get("action") or "").splitlines()

    def field_grade(self, measure, year):
        return [self._entry(measure, year).get("grade", "")]

    def field_status(self, measure, year):
        return [self._entry(measure, year).get("status", "")]

    def field_indicator(self, measure, year):
        indicators = measure.get("indicators", [])
        return [i.get("name") or "指標の設定困難" for i in indicators] or [NONE]

    def _indicator_values(self, measure, pick):
        indicators = measure.get("indicators", [])
        return [
            "" if indicator.get("not_settable") else pick(indicator) for indicator in indicators
        ]

    def field_baseline(self, measure, year):
        return self._indicator_values(measure, lambda i: value_text(i.get("baseline")))

    def _of_year(self, indicator, year, kind):
        row = next((y for y in indicator.get("years", []) if y["fiscal_year"] == year), {})
        return value_text(row.get(kind))

    def field_indicator_target(self, measure, year):
        return self._indicator_values(measure, lambda i: self._of_year(i, year, "target"))

    def field_indicator_actual(self, measure, year):
        return self._indicator_values(measure, lambda i: self._of_year(i, year, "actual"))

    def _effect(self, measure, year, kind):
        from public.templatetags.reform_format import money

        unit = self.plan.get("effect_unit") or "千円"
        mark = self.plan.get("saving_mark") or ""
        lines = []
        for effect in measure.get("effects", []):
            if effect["fiscal_year"] != year:
                continue
            revenue, saving = effect.get(f"{kind}_revenue"), effect.get(f"{kind}_saving")
            if revenue is not None:
                lines.append(f"歳入増 {money(revenue, unit)}{unit}")
            if saving is not None:
                lines.append(f"歳出削減 {mark if saving else ''}{money(saving, unit)}{unit}")
        return lines

    def field_effect(self, measure, year):
        return self._effect(measure, year, "actual")

    def field_effect_planned(self, measure, year):
        return self._effect(measure, year, "planned")

    # Grids (a sheet's schedule and tables).

    def _plan_years(self) -> list[int]:
        return list(range(self.plan["first_fiscal_year"], self.plan["last_fiscal_year"] + 1))

    def _year_headings(self, template: str = "{R}({西暦})") -> list[GridCell]:
        return [GridCell(with_years(template, y), True, scope="col") for y in self._plan_years()]

    def grid_steps(self, measure, column):
        head = [[GridCell("事業", True, colspan=2, scope="col"), *self._year_headings()]]
        body = []
        for step in measure.get("steps", []):
            by_year = {y["fiscal_year"]: y for y in step.get("years", [])}
            for index, (label, key) in enumerate((("計画", "planned"), ("実績", "actual"))):
                row = []
                if index == 0:
                    row.append(GridCell(step.get("title", ""), True, rowspan=2, scope="rowgroup"))
                row.append(GridCell(label, True, scope="row"))
                row += [GridCell(by_year.get(y, {}).get(key, "")) for y in self._plan_years()]
                body.append(row)
        return Grid(head, body)

    def grid_step_schedule(self, measure, column):
        head = [
            [
                GridCell("取組内容", True, scope="col"),
                GridCell("担当課", True, scope="col"),
                *self._year_headings("{年度}"),
            ]
        ]
        body = []
        for step in measure.get("steps", []):
            by_year = {y["fiscal_year"]: y for y in step.get("years", [])}
            body.append(
                [
                    GridCell(step.get("title", ""), True, scope="row"),
                    GridCell(step.get("department", "")),
                    *(GridCell(by_year.get(y, {}).get("planned", "")) for y in self._plan_years()),
                ]
            )
        return Grid(head, body)

    def grid_step_progress(self, measure, column):
        year = column.fiscal_year
        body = []
        for step in measure.get("steps", []):
            row = next((y for y in step.get("years", []) if y["fiscal_year"] == year), {})
            if not (row.get("progress") or row.get("next")):
                continue
            title = GridCell(step.get("title", ""), True, rowspan=2, scope="rowgroup")
            body.append(
                [
                    title,
                    GridCell(with_years("{年度}の取組状況", year), True, scope="row"),
                    GridCell(row.get("progress", "")),
                ]
            )
            body.append(
                [
                    GridCell("今後の取組・課題等", True, scope="row"),
                    GridCell(row.get("next", "")),
                ]
            )
        return Grid([], body)

    def grid_yearly_plan(self, measure, column):
        years = self._plan_years()
        head = [[GridCell("年度", True, scope="col"), *self._year_headings("{年度}")]]
        targets = {t["fiscal_year"]: t for t in measure.get("targets", [])}
        body = [
            [
                GridCell("進捗状況", True, scope="row"),
                *(GridCell(targets.get(y, {}).get("status", "")) for y in years),
            ],
            [
                GridCell("年度目標", True, scope="row"),
                *(GridCell(targets.get(y, {}).get("goal", "")) for y in years),
            ],
        ]
        for indicator in measure.get("indicators", []):
            if indicator.get("not_settable"):
                continue
            name = indicator.get("name", "")
            body.append(
                [
                    GridCell("数値", True, scope="row"),
                    *(
                        GridCell(f"{name} {value}" if value else "")
                        for value in (self._of_year(indicator, y, "target") for y in years)
                    ),
                ]
            )
        return Grid(head, body)

    def grid_indicator_table(self, measure, column):
        years = self._plan_years()
        head = [
            [
                GridCell("成果指標", True, rowspan=2, scope="col"),
                GridCell("現状値", True, rowspan=2, scope="col"),
                GridCell("目標値", True, colspan=len(years), scope="colgroup"),
            ],
            self._year_headings("{年度}"),
        ]
        body = []
        for indicator in measure.get("indicators", []):
            body.append(
                [
                    GridCell(indicator.get("name") or "指標の設定困難", True, scope="row"),
                    GridCell(value_text(indicator.get("baseline")) or NONE),
                    *(GridCell(self._of_year(indicator, y, "target") or NONE) for y in years),
                ]
            )
        return Grid(head, body)

    def grid_co_creation(self, measure, column):
        chosen = (measure.get("co_creation") or {}).get("actors", [])
        actors = CO_CREATION_ACTORS + [a for a in chosen if a not in CO_CREATION_ACTORS]
        head = [
            [
                GridCell("担い手", True, scope="row"),
                *(GridCell(a, True, scope="col") for a in actors),
            ]
        ]
        body = [
            [
                GridCell("該当", True, scope="row"),
                *(GridCell("○" if a in chosen else "") for a in actors),
            ]
        ]
        text = (measure.get("co_creation") or {}).get("text", "")
        return Grid(head, body, note=f"内容：{text}" if text else "")


def build_table(document: dict, layout: LayoutSpec, year: int) -> Table:
    """The layout's table of the report: its columns, headings and, per top pillar, the
    pillar headings and measure rows in the document's order."""
    builder = Builder(document, year)
    columns = resolve_columns(layout, document["plan"], year)
    groups: list[Group] = []
    last_path: tuple[str, ...] = ()
    previous_levels: dict[int, str] = {}
    for measure in document.get("measures", []):
        first, last = measure.get("first_fiscal_year"), measure.get("last_fiscal_year")
        if (first is not None and first > year) or (last is not None and last < year):
            continue  # added later, or ended (merged) before: not part of this year's report
        path = tuple(measure.get("pillar") or [])
        root = path[:1]
        if not groups or root != last_path[:1]:
            groups.append(Group(builder.pillar_name(measure, 0)))
            previous_levels = {}
        group = groups[-1]
        for level in range(min(layout.group_levels, len(path))):
            if path[: level + 1] != last_path[: level + 1] or not group.items:
                group.items.append(
                    Heading(
                        level + 1,
                        builder.pillar_name(measure, level),
                        builder.pillar_aim(measure, level),
                    )
                )
        last_path = path
        cells = [builder.cell(column, measure) for column in columns]
        for cell in cells:
            level = LEVEL_FIELDS.get(cell.column.field)
            if level is None or layout.is_sheets:
                continue
            # A level's name is printed once, where it changes, as a merged cell would.
            if previous_levels.get(level) == cell.text:
                cell.lines = []
            else:
                previous_levels[level] = cell.text
        group.items.append(Row(measure, measure_key(measure), cells))
    return Table(columns, header_rows(columns), groups)
