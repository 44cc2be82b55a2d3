"""Report layouts as plain values: read from a plan's ReportLayout rows, or the two
built-in layouts a plan without its own gets (一覧表 and PDCA表)."""

from dataclasses import dataclass, field, replace

from measures.models import Plan, ReportColumn, ReportLayout

Field = ReportColumn.Field
Year = ReportColumn.Year


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    heading: str = ""
    group: str = ""
    year: str = Year.REPORT
    text: str = ReportColumn.Text.FULL


@dataclass(frozen=True)
class LayoutSpec:
    key: str  # what ?layout= names: a saved layout's id, or a built-in layout's name
    name: str
    columns: list[ColumnSpec]
    title: str = ""
    style: str = ReportLayout.Style.TABLE
    orientation: str = ReportLayout.Orientation.LANDSCAPE
    sections: list[str] = field(default_factory=list)
    legend: str = ReportLayout.Legend.AFTER
    legend_title: str = ""
    group_levels: int = 1
    break_per_pillar: bool = False
    footnote: str = ""

    @property
    def is_sheets(self) -> bool:
        return self.style == ReportLayout.Style.SHEETS


def from_model(layout: ReportLayout) -> LayoutSpec:
    return LayoutSpec(
        key=str(layout.pk),
        name=layout.name,
        title=layout.title,
        style=layout.style,
        orientation=layout.orientation,
        sections=list(layout.sections or []),
        legend=layout.legend,
        legend_title=layout.legend_title,
        group_levels=layout.group_levels,
        break_per_pillar=layout.break_per_pillar,
        footnote=layout.footnote,
        columns=[
            ColumnSpec(c.field, c.heading, c.group, c.year, c.text) for c in layout.columns.all()
        ],
    )


# Without a layout of its own, a plan's report offers the two general tables it always had:
# indicators and grades of every year so far, and Plan / Do / Check / Action of the year.
SUMMARY = LayoutSpec(
    key="summary",
    name="一覧表",
    sections=[ReportLayout.Section.GRADE_COUNTS, ReportLayout.Section.STATUS_COUNTS],
    columns=[
        ColumnSpec(Field.CODE),
        ColumnSpec(Field.TITLE),
        ColumnSpec(Field.LEAD),
        ColumnSpec(Field.INDICATOR),
        ColumnSpec(Field.BASELINE, "現状値"),
        ColumnSpec(Field.INDICATOR_TARGET, "{R}目標"),
        ColumnSpec(Field.INDICATOR_ACTUAL, "{R}実績"),
        ColumnSpec(Field.INDICATOR_TARGET, "{R}目標", year=Year.PLAN_LAST),
        ColumnSpec(Field.GRADE, "{R}", "評価", year=Year.UP_TO_REPORT),
    ],
)
PDCA = LayoutSpec(
    key="pdca",
    name="PDCA表",
    columns=[
        ColumnSpec(Field.CODE),
        ColumnSpec(Field.TITLE),
        ColumnSpec(Field.LEAD),
        ColumnSpec(Field.YEAR_GOAL, "年度の目標"),
        ColumnSpec(Field.PLAN_TEXT),
        ColumnSpec(Field.DO_TEXT),
        ColumnSpec(Field.CHECK_TEXT),
        ColumnSpec(Field.GRADE, "評価"),
        ColumnSpec(Field.ACTION_TEXT),
    ],
)
BUILT_IN = [SUMMARY, PDCA]


def fitted(layout: LayoutSpec, document: dict) -> LayoutSpec:
    """A built-in layout fitted to what the plan uses (read from the revision's content):
    grades, statuses, effect amounts and plan-level goals each appear only where the plan
    has them, so a plan reported in statuses prints no empty 評価 column. A plan's own
    layouts are printed as the office arranged them."""
    if layout.key not in {spec.key for spec in BUILT_IN}:
        return layout
    plan = document.get("plan", {})
    measures = document.get("measures", [])
    uses = {
        "grades": bool(plan.get("grade_scheme")),
        # A status scheme may serve only the yearly targets: statuses count where results
        # carry them.
        "statuses": any(
            year.get("status") for measure in measures for year in measure.get("years", [])
        ),
        "effects": any(measure.get("effects") for measure in measures),
        "goals": bool(plan.get("goals")),
    }
    columns = []
    for column in layout.columns:
        if column.field != Field.GRADE:
            columns.append(column)
            continue
        if uses["effects"] and layout.key == SUMMARY.key and column.group:
            columns.append(ColumnSpec(Field.EFFECT, "{R}効果額"))
        if uses["statuses"]:
            group = "実施状況" if column.group else ""
            columns.append(ColumnSpec(Field.STATUS, column.heading, group, column.year))
        if uses["grades"] or not uses["statuses"]:
            columns.append(column)
    wanted = {
        ReportLayout.Section.GRADE_COUNTS: uses["grades"],
        ReportLayout.Section.STATUS_COUNTS: uses["statuses"],
        ReportLayout.Section.EFFECTS: uses["effects"],
        ReportLayout.Section.GOALS: uses["goals"],
    }
    sections = [section for section in wanted if wanted[section]] if layout.sections else []
    return replace(layout, columns=columns, sections=sections)


def layouts_of(plan: Plan) -> list[LayoutSpec]:
    """The plan's own layouts in order, or the built-in ones."""
    saved = list(plan.report_layouts.prefetch_related("columns"))
    return [from_model(layout) for layout in saved] or list(BUILT_IN)


def chosen(layouts: list[LayoutSpec], key: str | None) -> LayoutSpec:
    return next((layout for layout in layouts if layout.key == key), layouts[0])
