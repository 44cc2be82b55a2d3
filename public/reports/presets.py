"""Layouts that reproduce the five cities' own published tables, column for column and in
their order, with headings that name years as each document does. The reform office
starts from one (admin: 進捗報告の様式 → 様式を追加) and changes what it needs."""

from django.db import transaction

from measures.models import Plan, ReportColumn, ReportLayout
from public.reports.layouts import ColumnSpec, LayoutSpec

F = ReportColumn.Field
Y = ReportColumn.Year
S = ReportLayout.Section
# The external review (意見一覧表, 評価シート) prints after the table of each city's main
# document, where its plan has a review published with the year; 山陽小野田市's sheets are
# the 別紙 of its list, which carries it.
REVIEW = [S.REVIEW_OPINIONS, S.REVIEW_SHEETS]
L = ReportLayout.Legend
SUMMARY = ReportColumn.Text.SUMMARY

# 山陽小野田市 資料1: one line per 行動計画, indicator columns headed by their years.
SANYO_ONODA_LIST = LayoutSpec(
    key="sanyo-onoda-list",
    name="資料1 行動計画一覧",
    title="◆第一次行政改革プランに基づく行動計画一覧",
    sections=[S.GRADE_COUNTS, *REVIEW],
    legend=L.AFTER,
    legend_title="≪指標に対する目標達成度欄の目安について≫",
    group_levels=0,
    columns=[
        ColumnSpec(F.CODE_TITLE, "行動計画"),
        ColumnSpec(F.ALL_DEPARTMENTS, "担当部署"),
        ColumnSpec(F.INDICATOR, "指標"),
        ColumnSpec(F.BASELINE, "H29(当初)"),
        ColumnSpec(F.INDICATOR_ACTUAL, "{R}(現状)"),
        ColumnSpec(F.INDICATOR_TARGET, "{R}(目標)", year=Y.PLAN_LAST),
        ColumnSpec(F.DO_TEXT, "昨年度取組内容の概要 (詳細は別紙行動計画を参照)"),
        ColumnSpec(F.GRADE, "{R}", "指標に対する目標達成度", Y.UP_TO_REPORT),
    ],
)

# 山陽小野田市 行動計画シート: one page per 行動計画.
SANYO_ONODA_SHEETS = LayoutSpec(
    key="sanyo-onoda-sheets",
    name="行動計画シート",
    style=ReportLayout.Style.SHEETS,
    orientation=ReportLayout.Orientation.PORTRAIT,
    legend=L.NONE,
    group_levels=0,
    columns=[
        ColumnSpec(F.CODE_TITLE, "行動計画"),
        ColumnSpec(F.LEVEL1, "基本項目"),
        ColumnSpec(F.LEVEL2, "個別項目"),
        ColumnSpec(F.ALL_DEPARTMENTS, "担当部署"),
        ColumnSpec(F.CONTINUITY, "新規・継続"),
        ColumnSpec(F.COMPREHENSIVE_PLAN, "総合計画での位置付け"),
        ColumnSpec(F.CURRENT_SITUATION, "現状と課題"),
        ColumnSpec(F.GOAL, "目標"),
        ColumnSpec(F.CO_CREATION, "協創"),
        ColumnSpec(F.INDICATOR, "", "指標"),
        ColumnSpec(F.BASELINE, "現状 H29(2017)", "指標"),
        ColumnSpec(F.INDICATOR_TARGET, "目標 {R}({西暦})", "指標", Y.PLAN_LAST),
        ColumnSpec(F.STEPS, "年次計画"),
        ColumnSpec(F.STEP_PROGRESS, "{年度}の取組状況・今後の取組・課題等"),
        ColumnSpec(F.GRADE, "{R}({西暦})", "指標に対する各年度の目標達成度", Y.PLAN_YEARS),
    ],
)

# 南アルプス市 取組み結果: every level of the hierarchy, PDCA of the year, the legend
# on every page.
MINAMI_ALPS_PDCA = LayoutSpec(
    key="minami-alps-pdca",
    name="取組み結果（PDCA）",
    title="第3次南アルプス市行政改革実施計画取組み結果（{年度}）",
    sections=[S.GRADE_COUNTS, *REVIEW],
    legend=L.EVERY_PAGE,
    legend_title="【取組達成度】",
    group_levels=1,
    columns=[
        ColumnSpec(F.LEVEL1, "基本方針"),
        ColumnSpec(F.LEVEL2, "取組みの方針"),
        ColumnSpec(F.LEVEL3, "取組みの項目"),
        ColumnSpec(F.MARK, "No."),
        ColumnSpec(F.TITLE, "具体的な取組み項目"),
        ColumnSpec(F.DEPARTMENTS, "取組主管課 関係課等"),
        ColumnSpec(F.FUTURE_DIRECTION, "今後の取組方向"),
        ColumnSpec(F.RELATED_PLANS, "関係する計画等"),
        ColumnSpec(F.YEAR_GOAL, "{年度}の達成目標"),
        ColumnSpec(F.PLAN_TEXT, "{年度}計画", "計画内容 (Plan)"),
        ColumnSpec(F.DO_TEXT, "{年度}の取組内容", "取組状況 (Do)"),
        ColumnSpec(F.CHECK_TEXT, "", "取組工程に対する評価 (Check)"),
        ColumnSpec(F.GRADE, "取組達成度", "取組工程に対する評価 (Check)"),
        ColumnSpec(F.ACTION_TEXT, "見直し、改善事項 (Action)"),
    ],
)

# 西宮市 進捗状況: 通番, ◎, the year's plan and result, the indicator's planned and actual
# value, under the pillars' two levels of headings.
NISHINOMIYA_PROGRESS = LayoutSpec(
    key="nishinomiya-progress",
    name="進捗状況",
    title="西宮市行政経営改革前期実行計画の進捗状況（{年度}）",
    sections=[S.STATUS_COUNTS, S.EFFECTS, S.GOALS, *REVIEW],
    legend=L.NONE,
    group_levels=2,
    footnote="※◎の項目は市全体での取組み",
    columns=[
        ColumnSpec(F.CODE, "通番"),
        ColumnSpec(F.MARKED_TITLE, "取組項目"),
        ColumnSpec(F.LEAD, "担当課"),
        ColumnSpec(F.PLAN_TEXT, "{R}年度の取組内容 (計画・スケジュール)"),
        ColumnSpec(F.DO_TEXT, "", "{R}年度の取組結果・成果 (定量・定性的評価)"),
        ColumnSpec(F.INDICATOR, "説明", "{R}年度の取組結果・成果 (定量・定性的評価)›指標"),
        ColumnSpec(F.INDICATOR_TARGET, "計画値", "{R}年度の取組結果・成果 (定量・定性的評価)›指標"),
        ColumnSpec(F.INDICATOR_ACTUAL, "実績値", "{R}年度の取組結果・成果 (定量・定性的評価)›指標"),
    ],
)

# 安中市 実施計画: one page per item with its yearly plan (進捗状況, 年度目標, 数値).
ANNAKA_SHEETS = LayoutSpec(
    key="annaka-sheets",
    name="実施計画シート",
    style=ReportLayout.Style.SHEETS,
    orientation=ReportLayout.Orientation.PORTRAIT,
    sections=[S.STATUS_COUNTS, *REVIEW],
    legend=L.NONE,
    group_levels=0,
    columns=[
        ColumnSpec(F.LEVEL1, "大項目"),
        ColumnSpec(F.LEVEL2, "中項目"),
        ColumnSpec(F.MARK_TITLE, "項目"),
        ColumnSpec(F.LEAD, "担当課"),
        ColumnSpec(F.RELATED, "関係課"),
        ColumnSpec(F.CURRENT_SITUATION, "現状と課題"),
        ColumnSpec(F.CONTENT, "取組内容"),
        ColumnSpec(F.GOAL, "目標の状態"),
        ColumnSpec(F.BASELINE, "現状の数値"),
        ColumnSpec(F.INDICATOR_TARGET, "目標の数値", year=Y.PLAN_LAST),
        ColumnSpec(F.YEARLY_PLAN, "年次計画"),
    ],
)

# 厚木市 第2期実施計画: one page per 取組項目 with its schedule and 成果指標.
ATSUGI_SHEETS = LayoutSpec(
    key="atsugi-sheets",
    name="実施計画シート",
    style=ReportLayout.Style.SHEETS,
    orientation=ReportLayout.Orientation.PORTRAIT,
    sections=[*REVIEW],
    legend=L.NONE,
    group_levels=0,
    columns=[
        ColumnSpec(F.LEVEL1, "重点目標"),
        ColumnSpec(F.LEVEL2, "取組の柱"),
        ColumnSpec(F.SDGS, "SDGs"),
        ColumnSpec(F.MARK_TITLE, "取組項目"),
        ColumnSpec(F.GOAL, "目指す姿"),
        ColumnSpec(F.CURRENT_SITUATION, "課題"),
        ColumnSpec(F.STEP_SCHEDULE, "年次計画"),
        ColumnSpec(F.INDICATOR_TABLE, "成果指標"),
        ColumnSpec(F.RELATED_PLANS, "関連計画"),
    ],
)

PRESETS = {
    preset.key: preset
    for preset in (
        SANYO_ONODA_LIST,
        SANYO_ONODA_SHEETS,
        MINAMI_ALPS_PDCA,
        NISHINOMIYA_PROGRESS,
        ANNAKA_SHEETS,
        ATSUGI_SHEETS,
    )
}

# The presets of each city's own document, by 全国地方公共団体コード.
BY_MUNICIPALITY = {
    "352161": ["sanyo-onoda-list", "sanyo-onoda-sheets"],
    "192082": ["minami-alps-pdca"],
    "282049": ["nishinomiya-progress"],
    "102113": ["annaka-sheets"],
    "142123": ["atsugi-sheets"],
}


# Named by what the table holds rather than by the city it comes from: an officer's admin
# names no other municipality.
PRESET_CHOICES = [
    ("sanyo-onoda-list", "一覧表：指標の当初・現状・目標と年度ごとの達成度"),
    ("sanyo-onoda-sheets", "取組ごとのシート：協創、年次計画の計画・実績、年度ごとの達成度"),
    (
        "minami-alps-pdca",
        "PDCA表：体系の全階層、達成目標、計画・取組・評価・見直し、各ページの凡例",
    ),
    ("nishinomiya-progress", "進捗状況表：年度の取組内容と結果、指標の計画値・実績値"),
    ("annaka-sheets", "取組ごとのシート：年次計画の進捗状況・年度目標・数値"),
    ("atsugi-sheets", "取組ごとのシート：取組内容と担当課の年次計画、成果指標"),
]


@transaction.atomic
def apply_preset(*, plan: Plan, key: str, order: int | None = None) -> ReportLayout:
    """Add (or reset) the plan's layout made from preset `key`: the same name is replaced,
    other layouts of the plan stay as they are."""
    preset = PRESETS[key]
    if order is None:
        order = plan.report_layouts.count()
    plan.report_layouts.filter(name=preset.name).delete()
    layout = ReportLayout(plan=plan, order=order, name=preset.name)
    return copy_preset(layout=layout, key=key)


@transaction.atomic
def copy_preset(*, layout: ReportLayout, key: str) -> ReportLayout:
    """Give `layout` the settings and columns of preset `key` (its plan, name and order
    stay), and save it."""
    preset = PRESETS[key]
    layout.title = preset.title
    layout.style = preset.style
    layout.orientation = preset.orientation
    layout.sections = [str(section) for section in preset.sections]
    layout.legend = preset.legend
    layout.legend_title = preset.legend_title
    layout.group_levels = preset.group_levels
    layout.break_per_pillar = preset.break_per_pillar
    layout.footnote = preset.footnote
    layout.preset = key
    layout.full_clean()
    layout.save()
    layout.columns.all().delete()
    ReportColumn.objects.bulk_create(
        ReportColumn(
            layout=layout,
            order=index,
            field=column.field,
            heading=column.heading,
            group=column.group,
            year=column.year,
            text=column.text,
        )
        for index, column in enumerate(preset.columns)
    )
    return layout


def apply_own_presets(plan: Plan) -> list[ReportLayout]:
    """The presets of the plan's own city's document, in their order (the demo's plans)."""
    return [
        apply_preset(plan=plan, key=key, order=index)
        for index, key in enumerate(BY_MUNICIPALITY.get(plan.municipality.code, []))
    ]
