"""The tables of the open-data package and their fields.

Indicators and their years follow the shape of the IATI results model: an indicator has a
measure (ascending, descending or qualitative) and a baseline with its year and value; each
period (a fiscal year, April to March) has a target and an actual. Amounts are whole yen.
Missing values are an empty cell; the documents' "—" and "－" are read the same way.
The external review's tables (review_*) hold its published results only.
"""

from dataclasses import dataclass, field

from reviews.models import Aggregation, OpinionStatus, UnitKind

MISSING_VALUES = ["", "—", "－"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | integer | number | boolean | date | year
    title: str  # Japanese
    title_en: str
    description: str = ""  # Japanese
    description_en: str = ""
    required: bool = False
    constraints: dict = field(default_factory=dict)
    unit: str = ""
    format: str = ""

    def descriptor(self) -> dict:
        constraints = dict(self.constraints)
        if self.required:
            constraints["required"] = True
        descriptor = {"name": self.name, "type": self.type, "title": self.title}
        if self.format:
            descriptor["format"] = self.format
        if self.description:
            descriptor["description"] = self.description
        if constraints:
            descriptor["constraints"] = constraints
        if self.unit:
            # Not a Table Schema property: kept for people and tools that read units.
            descriptor["unit"] = self.unit
        descriptor["i18n"] = {"en": {"title": self.title_en, "description": self.description_en}}
        return descriptor


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    title_en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def references(self) -> list[tuple[str, str]]:
        """The foreign keys as the field reference shows them: ("a, b", "table (c, d)")."""
        return [
            (", ".join(fields), f"{resource} ({', '.join(ref)})")
            for fields, resource, ref in self.foreign_keys
        ]

    def schema(self) -> dict:
        return {
            "fields": [column.descriptor() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [
                {"fields": list(fields), "reference": {"resource": resource, "fields": list(ref)}}
                for fields, resource, ref in self.foreign_keys
            ],
            "missingValues": MISSING_VALUES,
        }


def _code(name: str = "municipality_code") -> Column:
    return Column(
        name,
        "string",
        "地方公共団体コード",
        "Local government code",
        "全国地方公共団体コード（検査数字を含む6桁）",
        "The 6-digit code of the municipality (JIS X 0402, with its check digit)",
        required=True,
        constraints={"pattern": "^[0-9]{6}$"},
    )


def _year(name: str, title: str, title_en: str, required: bool = False) -> Column:
    return Column(
        name,
        "integer",
        title,
        title_en,
        "4月に始まる年度の西暦（令和2年度は2020）",
        "The Western year in which the fiscal year (April to March) begins (令和2年度 is 2020)",
        required=required,
        constraints={"minimum": 1989, "maximum": 2100},
    )


def _id(name: str, title: str, title_en: str) -> Column:
    return Column(name, "integer", title, title_en, required=True, constraints={"minimum": 1})


def _text(name: str, title: str, title_en: str, *described: str, **kwargs) -> Column:
    """A text column; `described` are its description in Japanese and English."""
    return Column(name, "string", title, title_en, *described, **kwargs)


def _yen(name: str, title: str, title_en: str) -> Column:
    return Column(name, "integer", title, title_en, unit="円")


PLAN_KEY = ((("plan_id",), "plans", ("plan_id",)),)

TABLES: tuple[Table, ...] = (
    Table(
        "municipalities",
        "自治体",
        "Municipalities",
        (
            _code("code"),
            _text("name", "名称", "Name", required=True),
            _text("kana", "よみがな", "Reading"),
            _text("prefecture", "都道府県", "Prefecture", required=True),
        ),
        ("code",),
    ),
    Table(
        "plans",
        "計画",
        "Plans",
        (
            _id("plan_id", "計画ID", "Plan id"),
            _code(),
            _text("name", "計画名", "Name", required=True),
            _text("framework_name", "大綱・基本方針", "Framework (大綱)"),
            _year("first_fiscal_year", "計画の開始年度", "First fiscal year", required=True),
            _year("last_fiscal_year", "計画の終了年度", "Last fiscal year", required=True),
            _text("revision_label", "版", "Revision"),
            _text("reform_office", "所管部署", "Reform office"),
            _text("url", "公開ページ", "Public page", format="uri"),
        ),
        ("plan_id",),
        ((("municipality_code",), "municipalities", ("code",)),),
    ),
    Table(
        "departments",
        "部署",
        "Departments",
        (
            _code(),
            _text("name", "名称", "Name", required=True),
        ),
        ("municipality_code", "name"),
        ((("municipality_code",), "municipalities", ("code",)),),
    ),
    Table(
        "pillars",
        "体系（柱）",
        "Pillars",
        (
            _text(
                "pillar_key",
                "体系のキー",
                "Pillar key",
                "計画IDと上位からの番号を / でつないだもの",
                "The plan id and the codes from the top, joined by /",
                required=True,
            ),
            _id("plan_id", "計画ID", "Plan id"),
            _text("parent_key", "上位の体系のキー", "Parent pillar key"),
            Column(
                "level",
                "integer",
                "階層",
                "Level",
                required=True,
                constraints={"minimum": 1, "maximum": 3},
            ),
            _text("code", "番号", "Code"),
            _text("title", "名称", "Title", required=True),
        ),
        ("pillar_key",),
        (*PLAN_KEY, (("parent_key",), "pillars", ("pillar_key",))),
    ),
    Table(
        "measures",
        "取組",
        "Measures",
        (
            _id("measure_id", "取組ID", "Measure id"),
            _id("plan_id", "計画ID", "Plan id"),
            _text("pillar_key", "体系のキー", "Pillar key"),
            _text("code", "番号", "Number", required=True),
            Column(
                "sub_number",
                "integer",
                "枝番",
                "Sub-number",
                required=True,
                constraints={"minimum": 1},
            ),
            _text("title", "名称", "Title"),
            _text(
                "continuity",
                "新規・継続",
                "New or continuing",
                constraints={"enum": ["新規", "継続"]},
            ),
            Column("citywide", "boolean", "市全体での取組み（◎）", "City-wide (◎)", required=True),
            _text("goal", "目標", "Goal"),
            _text("content", "取組内容", "Content"),
            _year(
                "first_fiscal_year", "取組の開始年度", "First fiscal year (added during the plan)"
            ),
            _year("last_fiscal_year", "取組の終了年度", "Last fiscal year (merged or finished)"),
            _text(
                "ending",
                "終了の区分",
                "Ending",
                constraints={"enum": ["集約", "取組終了", "廃止・休止"]},
            ),
        ),
        ("measure_id",),
        (*PLAN_KEY, (("pillar_key",), "pillars", ("pillar_key",))),
    ),
    Table(
        "measure_departments",
        "担当課・関係課",
        "Departments of measures",
        (
            _id("measure_id", "取組ID", "Measure id"),
            _text("department", "部署", "Department", required=True),
            _text("role", "役割", "Role", required=True, constraints={"enum": ["lead", "related"]}),
            Column("primary", "boolean", "主たる担当（●）", "Primary lead (●)", required=True),
        ),
        ("measure_id", "department"),
        ((("measure_id",), "measures", ("measure_id",)),),
    ),
    Table(
        "indicators",
        "指標",
        "Indicators",
        (
            _text(
                "indicator_key",
                "指標のキー",
                "Indicator key",
                "取組IDと指標の順番（取組ID-1）",
                "Measure id and order (id-1)",
                required=True,
            ),
            _id("measure_id", "取組ID", "Measure id"),
            _text("title", "指標名", "Title"),
            _text("unit", "単位", "Unit"),
            _text(
                "measure",
                "向き",
                "Measure",
                "ascending（高いほど良い）、descending（低いほど良い）、qualitative（文章の目標）",
                "IATI indicator measure: ascending, descending or qualitative",
                required=True,
                constraints={"enum": ["ascending", "descending", "qualitative"]},
            ),
            Column(
                "not_settable",
                "boolean",
                "指標の設定困難",
                "No indicator can be set",
                required=True,
            ),
            _text(
                "basis", "値の基準", "Basis", constraints={"enum": ["single_year", "cumulative"]}
            ),
            _year("baseline_year", "現状値の年度", "Baseline year"),
            Column("baseline_value", "number", "現状値", "Baseline value"),
            _text("baseline_text", "現状値（記載どおり）", "Baseline as written"),
        ),
        ("indicator_key",),
        ((("measure_id",), "measures", ("measure_id",)),),
    ),
    Table(
        "indicator_periods",
        "指標の年度ごとの値",
        "Indicator periods",
        (
            _text("indicator_key", "指標のキー", "Indicator key", required=True),
            _year("fiscal_year", "年度", "Fiscal year", required=True),
            Column("period_start", "date", "期間の始まり", "Period start", required=True),
            Column("period_end", "date", "期間の終わり", "Period end", required=True),
            Column("target_value", "number", "目標値", "Target value"),
            _text("target_text", "目標値（記載どおり）", "Target as written"),
            Column("actual_value", "number", "実績値", "Actual value"),
            _text("actual_text", "実績値（記載どおり）", "Actual as written"),
        ),
        ("indicator_key", "fiscal_year"),
        ((("indicator_key",), "indicators", ("indicator_key",)),),
    ),
    Table(
        "evaluations",
        "年度評価",
        "Evaluations",
        (
            _id("measure_id", "取組ID", "Measure id"),
            _year("fiscal_year", "年度", "Fiscal year", required=True),
            _text("grade", "評価", "Grade"),
            _text("status", "実施状況", "Implementation status"),
            _text("plan", "計画内容（Plan）", "Plan"),
            _text("do", "取組状況（Do）", "Do"),
            _text("check", "評価（Check）", "Check"),
            _text("action", "見直し・改善（Action）", "Action"),
        ),
        ("measure_id", "fiscal_year"),
        ((("measure_id",), "measures", ("measure_id",)),),
    ),
    Table(
        "grades",
        "評価区分",
        "Grade schemes",
        (
            _id("plan_id", "計画ID", "Plan id"),
            _text("code", "記号", "Code", required=True),
            _text("label", "名称", "Label"),
            _text("definition", "基準", "Definition"),
            Column(
                "min_ratio",
                "number",
                "達成率の下限",
                "Lowest achievement ratio",
                constraints={"minimum": 0},
            ),
            Column("rated", "boolean", "評価済みとして数える", "Counted as rated", required=True),
        ),
        ("plan_id", "code"),
        PLAN_KEY,
    ),
    Table(
        "statuses",
        "実施状況の区分",
        "Implementation statuses",
        (
            _id("plan_id", "計画ID", "Plan id"),
            _text("label", "名称", "Label", required=True),
            Column("order", "integer", "順序", "Order", required=True, constraints={"minimum": 0}),
        ),
        ("plan_id", "label"),
        PLAN_KEY,
    ),
    Table(
        "effects",
        "効果額",
        "Effect amounts",
        (
            _id("measure_id", "取組ID", "Measure id"),
            _year("fiscal_year", "年度", "Fiscal year", required=True),
            _text(
                "basis",
                "基準",
                "Basis",
                required=True,
                constraints={"enum": ["single_year", "cumulative"]},
            ),
            _yen("planned_revenue", "計画 歳入増（円）", "Planned revenue increase (yen)"),
            _yen("planned_saving", "計画 歳出削減（円）", "Planned spending reduction (yen)"),
            _yen("actual_revenue", "実績 歳入増（円）", "Actual revenue increase (yen)"),
            _yen("actual_saving", "実績 歳出削減（円）", "Actual spending reduction (yen)"),
        ),
        ("measure_id", "fiscal_year", "basis"),
        ((("measure_id",), "measures", ("measure_id",)),),
    ),
    Table(
        "goals",
        "主要目標",
        "Plan-level goals",
        (
            _id("plan_id", "計画ID", "Plan id"),
            _text("name", "目標の項目", "Goal", required=True),
            Column("target_value", "number", "目標値", "Target value"),
            _text("target_unit", "単位", "Unit"),
            _text("target_text", "目標（記載どおり）", "Target as written"),
        ),
        ("plan_id", "name"),
        PLAN_KEY,
    ),
    Table(
        "goal_results",
        "主要目標の実績",
        "Results of plan-level goals",
        (
            _id("plan_id", "計画ID", "Plan id"),
            _text("goal", "目標の項目", "Goal", required=True),
            _year("fiscal_year", "年度", "Fiscal year", required=True),
            Column("value", "number", "実績", "Result"),
            _text("unit", "単位", "Unit"),
            _text("text", "実績（記載どおり）", "Result as written"),
            Column("cumulative", "number", "累計（記載どおり）", "Cumulative total as stated"),
        ),
        ("plan_id", "goal", "fiscal_year"),
        ((("plan_id", "goal"), "goals", ("plan_id", "name")),),
    ),
)

# The external review (外部評価): only what reviews/publication.py makes public.
BODY_KEY = (("review_body_id",), "review_bodies", ("review_body_id",))
UNIT_KEY = (("review_unit_id",), "review_units", ("review_unit_id",))
VIEWPOINT_KEY = (("viewpoint_id",), "review_viewpoints", ("viewpoint_id",))
UNIT_KINDS = list(UnitKind.values)
AGGREGATIONS = list(Aggregation.values)
OPINION_STATUSES = list(OpinionStatus.values)
# The Japanese labels of OpinionStatus, as the documents write them (a test holds them equal).
OPINION_STATUS_LABELS = ["反映済み", "一部反映", "検討中", "反映しない"]


def _department(name: str, title: str, title_en: str, **kwargs) -> Column:
    return _text(
        name,
        title,
        title_en,
        "部署の名称（departments の name。その自治体の部署として departments にもある）",
        "The department's name, as in departments (where the municipality lists it too)",
        **kwargs,
    )


REVIEW_TABLES: tuple[Table, ...] = (
    Table(
        "review_bodies",
        "評価委員会",
        "Review bodies",
        (
            _id("review_body_id", "委員会ID", "Review body id"),
            _id("plan_id", "計画ID", "Plan id"),
            _text("name", "名称", "Name", required=True),
            _text(
                "unit_kind",
                "評価の単位",
                "Unit of review",
                "measure（取組ごと）、pillar（体系（柱）ごと）、department（部署ごと）",
                "measure, pillar or department: what one unit under review is",
                required=True,
                constraints={"enum": UNIT_KINDS},
            ),
            _text(
                "aggregation",
                "委員会の評価の決め方",
                "How the body decides its grade",
                "mean（委員の評価の平均を最も近い評価に四捨五入）、median（中央値）、"
                "chair（審議を経て委員長が決定）",
                "mean (of the members' grades, rounded to the nearest grade), median, or chair "
                "(set by the chair after deliberation)",
                required=True,
                constraints={"enum": AGGREGATIONS},
            ),
        ),
        ("review_body_id",),
        PLAN_KEY,
    ),
    Table(
        "review_viewpoints",
        "評価の観点",
        "Viewpoints of review bodies",
        (
            _id("viewpoint_id", "観点ID", "Viewpoint id"),
            _id("review_body_id", "委員会ID", "Review body id"),
            Column("order", "integer", "順序", "Order", required=True, constraints={"minimum": 1}),
            _text(
                "label",
                "名称",
                "Label",
                "例: 計画の妥当性（Plan）",
                "For example 計画の妥当性（Plan）",
                required=True,
            ),
            _text("description", "説明", "Description"),
        ),
        ("viewpoint_id",),
        (BODY_KEY,),
    ),
    Table(
        "review_grades",
        "委員会の評価区分",
        "Grade schemes of review bodies",
        (
            _id("review_body_id", "委員会ID", "Review body id"),
            _text("code", "記号", "Code", required=True),
            _text("label", "名称", "Label"),
            _text("definition", "基準", "Definition"),
            Column(
                "rank",
                "integer",
                "順位",
                "Rank",
                "良い順に1, 2, 3 …",
                "1 for the best grade, then 2, 3 …",
                required=True,
                constraints={"minimum": 1},
            ),
        ),
        ("review_body_id", "code"),
        (BODY_KEY,),
    ),
    Table(
        "review_units",
        "評価の対象",
        "Units under review",
        (
            _id("review_unit_id", "評価の対象ID", "Unit id"),
            _id("review_body_id", "委員会ID", "Review body id"),
            _text(
                "kind",
                "対象の種類",
                "Kind",
                "measure（取組）、pillar（体系（柱））、department（部署）",
                "measure, pillar or department",
                required=True,
                constraints={"enum": UNIT_KINDS},
            ),
            _text("title", "対象の名称", "Title", required=True),
            Column(
                "measure_id",
                "integer",
                "取組ID",
                "Measure id",
                "対象が取組のとき",
                "When the unit is a measure",
                constraints={"minimum": 1},
            ),
            _text(
                "pillar_key",
                "体系のキー",
                "Pillar key",
                "対象が体系（柱）のとき",
                "When the unit is a pillar",
            ),
            _department("department", "部署", "Department"),
        ),
        ("review_unit_id",),
        (
            BODY_KEY,
            (("measure_id",), "measures", ("measure_id",)),
            (("pillar_key",), "pillars", ("pillar_key",)),
        ),
    ),
    Table(
        "review_conclusions",
        "委員会の評価",
        "Committee conclusions",
        (
            _id("review_unit_id", "評価の対象ID", "Unit id"),
            _year("fiscal_year", "年度", "Fiscal year", required=True),
            _id("viewpoint_id", "観点ID", "Viewpoint id"),
            _id("review_body_id", "委員会ID", "Review body id"),
            _text(
                "grade",
                "委員会の評価",
                "Committee grade",
                "委員会の評価区分（review_grades）の記号",
                "A code of the body's grade scheme (review_grades)",
                required=True,
            ),
            _text(
                "self_grade",
                "担当課の自己評価",
                "Self-grade of the department",
                "同じ観点の自己評価（委員会の評価区分の記号、入力どおり）。空欄は自己評価なし",
                "The department's own grade on the same viewpoint, as entered (a code of the "
                "body's scheme); empty when it did not grade itself",
            ),
        ),
        ("review_unit_id", "fiscal_year", "viewpoint_id"),
        (
            UNIT_KEY,
            VIEWPOINT_KEY,
            (("review_body_id", "grade"), "review_grades", ("review_body_id", "code")),
        ),
    ),
    Table(
        "review_opinions",
        "委員会の意見と対応方針",
        "Committee opinions and responses",
        (
            _id("opinion_id", "意見ID", "Opinion id"),
            _id("review_unit_id", "評価の対象ID", "Unit id"),
            _year("fiscal_year", "意見を受けた年度", "Fiscal year reviewed", required=True),
            Column(
                "viewpoint_id",
                "integer",
                "観点ID",
                "Viewpoint id",
                "観点を定めない意見は空欄",
                "Empty for an opinion on no particular viewpoint",
                constraints={"minimum": 1},
            ),
            Column("order", "integer", "順序", "Order", required=True, constraints={"minimum": 1}),
            _text("text", "意見", "Opinion", required=True),
            _text("response", "対応方針", "Response (対応方針)"),
            _department("responsible_department", "担当課", "Responsible department"),
        ),
        ("opinion_id",),
        (UNIT_KEY, VIEWPOINT_KEY),
    ),
    Table(
        "review_opinion_progress",
        "意見の反映状況",
        "Reflection of opinions (反映状況)",
        (
            _id("opinion_id", "意見ID", "Opinion id"),
            _year("fiscal_year", "記録した年度", "Fiscal year recorded", required=True),
            _text(
                "status",
                "反映状況",
                "Status",
                "reflected（反映済み）、partly（一部反映）、considering（検討中）、"
                "not_reflected（反映しない）",
                "reflected, partly, considering or not_reflected",
                required=True,
                constraints={"enum": OPINION_STATUSES},
            ),
            _text(
                "status_label",
                "反映状況（表示）",
                "Status as shown",
                required=True,
                constraints={"enum": OPINION_STATUS_LABELS},
            ),
            _text("text", "反映の内容", "What was done"),
        ),
        ("opinion_id", "fiscal_year"),
        ((("opinion_id",), "review_opinions", ("opinion_id",)),),
    ),
)
TABLES = (*TABLES, *REVIEW_TABLES)
TABLES_BY_NAME = {table.name: table for table in TABLES}
