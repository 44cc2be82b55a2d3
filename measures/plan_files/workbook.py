"""The import template: a plan document as tables, for Excel (xlsx) and CSV.

Each sheet is one flat table with Japanese headers; rows refer to each other by natural keys
(a measure by 番号 and 枝番, an indicator by its number within the measure). The layout is
documented in docs/import-template.md and generated from SHEETS below, so the template, the
export and the reader cannot drift apart.

Reading is defensive: the file size is capped, an xlsx (a zip archive) is refused when its
members would expand beyond a limit or compress suspiciously well, openpyxl parses the XML
through defusedxml, and cells that were escaped against formula injection on export are
unescaped on import. Rows and cells are counted across all sheets while they stream, and
reading stops at the limits (IMPORT_MAX_ROWS, IMPORT_MAX_CELLS); problems are listed up to
IMPORT_MAX_PROBLEMS and the rest counted.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from measures.fiscal_years import parse_fiscal_year
from measures.plan_files.limits import Deadline, ProblemList, ProblemReport, clipped

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A member this large that compresses this well is a zip bomb, whatever the total allows.
MAX_COMPRESSION_RATIO = 200
# Excel's own limit for one cell; longer text cannot have come from a spreadsheet.
MAX_CELL_CHARACTERS = 32_767
# Numbers are bounded before they are turned into integers: int(Decimal("1e999999999"))
# would compute a billion digits.
_MAX_EXPONENT = 18


class WorkbookError(ProblemReport):
    """The file cannot be read as an import template; the problems say why, in Japanese."""

    def __init__(self, problems: str | list[str], omitted: int = 0):
        super().__init__([problems] if isinstance(problems, str) else problems, omitted)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | int | year | bool | yen | ratio | list | value


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    description: str

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


MEASURE_KEY = (Column("取組番号", "measure", "text"), Column("枝番", "sub_number", "int"))
CHILD_SHEETS = {
    "担当課": "departments",
    "年次計画": "steps",
    "年度目標": "targets",
    "指標": "indicators",
    "効果額": "effects",
    "年度評価": "years",
}

PLAN_FIELDS = (
    Column("地方公共団体コード", "municipality.code"),
    Column("自治体名", "municipality.name"),
    Column("自治体名よみがな", "municipality.kana"),
    Column("都道府県", "municipality.prefecture"),
    Column("URL名", "municipality.slug"),
    Column("計画名", "plan.name"),
    Column("公表資料の表題", "plan.document_title"),
    Column("大綱・基本方針", "plan.framework_name"),
    Column("大綱の開始年度", "plan.framework_first_fiscal_year", "year"),
    Column("大綱の終了年度", "plan.framework_last_fiscal_year", "year"),
    Column("計画の開始年度", "plan.first_fiscal_year", "year"),
    Column("計画の終了年度", "plan.last_fiscal_year", "year"),
    Column("版", "plan.revision_label"),
    Column("改訂日", "plan.revision_date"),
    Column("公表日", "plan.published_on"),
    Column("目指す姿", "plan.vision"),
    Column("改革の視点", "plan.viewpoints"),
    Column("第1階層の名称", "plan.level_labels.0"),
    Column("第2階層の名称", "plan.level_labels.1"),
    Column("第3階層の名称", "plan.level_labels.2"),
    Column("取組の名称", "plan.measure_label"),
    Column("目標の名称", "plan.goal_label"),
    Column("所管部署", "plan.reform_office"),
    Column("評価区分の注記", "plan.grade_note"),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "計画",
        (Column("項目", "field"), Column("値", "value")),
        "計画と自治体の情報。1行に1項目（項目名は変えないでください）。",
    ),
    Sheet(
        "部署",
        (Column("名称", "name"),),
        "計画で使う部署（担当課・関係課）。ここにない部署名は取り込めません（登録済みの部署は省略可）。",
    ),
    Sheet(
        "前文",
        (Column("見出し", "heading"), Column("本文", "body")),
        "計画の趣旨・期間・推進体制など、冒頭の文章。記載順に1行ずつ。",
    ),
    Sheet(
        "評価区分",
        (
            Column("記号", "code"),
            Column("名称", "label"),
            Column("基準", "definition"),
            Column("達成率の下限", "min_ratio", "ratio"),
            Column("評価済みとして数える", "rated", "bool"),
        ),
        "良い順に1行ずつ。達成率の下限は100%なら1または100%。定性的な区分は空欄。",
    ),
    Sheet(
        "実施状況",
        (Column("名称", "label"),),
        "年度目標・年度評価で使う実施状況の区分（実施、検討など）。",
    ),
    Sheet(
        "体系",
        (
            Column("第1階層の番号", "path.0"),
            Column("第2階層の番号", "path.1"),
            Column("第3階層の番号", "path.2"),
            Column("名称", "title"),
            Column("目指す方向", "aim"),
        ),
        "柱・項目を上から順に。下位の項目は上位の番号を左の列に書きます。番号がない項目は名称を番号の代わりに使います。",
    ),
    Sheet(
        "取組",
        (
            Column("番号", "code"),
            Column("枝番", "sub_number", "int"),
            Column("項目記号", "mark"),
            Column("第1階層の番号", "pillar.0"),
            Column("第2階層の番号", "pillar.1"),
            Column("第3階層の番号", "pillar.2"),
            Column("名称", "title"),
            Column("新規・継続", "status"),
            Column("市全体での取組み（◎）", "citywide", "bool"),
            Column("SDGs", "sdgs", "list"),
            Column("現状と課題", "current_situation"),
            Column("目標", "goal"),
            Column("取組内容", "content"),
            Column("今後の取組方向", "future_direction"),
            Column("関連計画", "related_plans"),
            Column("総合計画での位置付け", "comprehensive_plan_position"),
            Column("協創の担い手", "co_creation.actors", "list"),
            Column("協創の内容", "co_creation.text"),
            Column("注記", "notes"),
        ),
        "取組1件に1行。番号は計画内で一意（同じ番号の行が複数あるときは枝番 1, 2, …）。",
    ),
    Sheet(
        "担当課",
        (
            *MEASURE_KEY,
            Column("部署", "name"),
            Column("役割", "role"),
            Column("主たる担当（●）", "primary", "bool"),
        ),
        "取組の担当課・関係課。役割は「担当課」か「関係課」。",
    ),
    Sheet(
        "年次計画",
        (
            *MEASURE_KEY,
            Column("項目番号", "step", "int"),
            Column("内容", "title"),
            Column("担当課", "department"),
            Column("年度", "fiscal_year", "year"),
            Column("計画", "planned"),
            Column("実績", "actual"),
            Column("取組状況", "progress"),
            Column("今後の取組・課題", "next"),
        ),
        "年次計画の項目ごと・年度ごとに1行。項目番号は取組の中で1, 2, …。「→」は前年度から継続。",
    ),
    Sheet(
        "年度目標",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("実施状況", "status"),
            Column("年度目標", "goal"),
        ),
        "取組ごと・年度ごとの目標。",
    ),
    Sheet(
        "指標",
        (
            *MEASURE_KEY,
            Column("指標番号", "indicator", "int"),
            Column("指標名", "name"),
            Column("単位", "unit"),
            Column("方向", "direction"),
            Column("指標の設定困難", "not_settable", "bool"),
            Column("説明", "description"),
            Column("現状値", "baseline", "value"),
            Column("現状値の年度", "baseline_fiscal_year", "year"),
            Column("現状値の時点", "baseline_label"),
        ),
        "方向は「増やす」「減らす」「文章」。値は資料の記載どおり（982百万円、見直し・反映）。",
    ),
    Sheet(
        "指標の値",
        (
            *MEASURE_KEY,
            Column("指標番号", "indicator", "int"),
            Column("年度", "fiscal_year", "year"),
            Column("目標値", "target", "value"),
            Column("実績値", "actual", "value"),
        ),
        "指標ごと・年度ごとの目標値と実績値。",
    ),
    Sheet(
        "効果額",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("計画 歳入増（円）", "planned_revenue", "yen"),
            Column("計画 歳出削減（円）", "planned_saving", "yen"),
            Column("実績 歳入増（円）", "actual_revenue", "yen"),
            Column("実績 歳出削減（円）", "actual_saving", "yen"),
            Column("備考", "note"),
        ),
        "効果額は円単位の整数（「164,687千円」のように単位付きでも可）。",
    ),
    Sheet(
        "年度評価",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("計画内容（Plan）", "plan"),
            Column("取組状況（Do）", "do"),
            Column("評価（Check）", "check"),
            Column("見直し・改善（Action）", "action"),
            Column("実施状況", "status"),
            Column("担当課の評価案", "proposed_grade"),
            Column("評価", "grade"),
            Column("算出値と異なる理由", "override_reason"),
            Column("審査状況", "review_status"),
        ),
        "取組ごと・年度ごとの実績と評価。評価は評価区分の記号。",
    ),
)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}

ROLE_WORDS = {"lead": "担当課", "related": "関係課"}
DIRECTION_WORDS = {"increase": "増やす", "decrease": "減らす", "milestone": "文章"}
REVIEW_WORDS = {
    "not_started": "未着手",
    "draft": "入力中",
    "submitted": "提出済み",
    "returned": "差戻し",
    "approved": "承認済み",
    "published": "公表済み",
}


# -- cells -------------------------------------------------------------------------------------


def escape_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"
    return unescape_formula(str(value)).strip()


# -- document → tables ------------------------------------------------------------------------


def _get(data: dict, dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if isinstance(value, list):
            index = int(part)
            value = value[index] if index < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _value_cell(value: Any) -> Any:
    """An indicator value as a cell: its original text, or the bare number when it has none."""
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("text"):
            return value["text"]
        raw = value.get("value")
        if raw is None:
            return None
        try:
            number = Decimal(str(raw))
        except ArithmeticError:
            return str(raw)  # a value still as the document wrote it
        unit = value.get("unit") or ""
        return f"{number:f}{unit}" if unit else number
    return value


def document_to_tables(document: dict) -> dict[str, list[list[Any]]]:
    tables: dict[str, list[list[Any]]] = {sheet.name: [] for sheet in SHEETS}
    for column in PLAN_FIELDS:
        value = _get(document, column.key)
        tables["計画"].append([column.header, "" if value is None else value])
    for department in document.get("departments") or []:
        name = department if isinstance(department, str) else department.get("name", "")
        tables["部署"].append([name])
    plan = document["plan"]
    for section in plan.get("sections") or []:
        tables["前文"].append([section.get("heading", ""), section.get("body", "")])
    for grade in plan.get("grade_scheme") or []:
        ratio = grade.get("min_ratio")
        tables["評価区分"].append(
            [
                grade.get("code", ""),
                grade.get("label", ""),
                grade.get("definition", ""),
                None if ratio in (None, "") else Decimal(str(ratio)),
                "○" if grade.get("rated", True) else "×",
            ]
        )
    for label in plan.get("status_scheme") or []:
        tables["実施状況"].append([label])

    def walk(nodes: list, path: list[str]) -> None:
        for node in nodes:
            key = [*path, node.get("code") or node.get("title", "")]
            tables["体系"].append(
                [*[*key, "", "", ""][:3], node.get("title", ""), node.get("aim", "")]
            )
            walk(node.get("children") or [], key)

    walk(document.get("pillars") or [], [])
    for measure in document.get("measures") or []:
        _measure_rows(tables, measure)
    return tables


def _measure_rows(tables: dict, measure: dict) -> None:
    key = [measure["code"], measure.get("sub_number") or 1]
    pillar = [*(measure.get("pillar") or []), "", "", ""][:3]
    co_creation = measure.get("co_creation") or {}
    tables["取組"].append(
        [
            measure["code"],
            measure.get("sub_number") or 1,
            measure.get("mark", ""),
            *pillar,
            measure.get("title", ""),
            measure.get("status", ""),
            "○" if measure.get("citywide") else "",
            ",".join(str(goal) for goal in measure.get("sdgs") or []),
            measure.get("current_situation", ""),
            measure.get("goal", ""),
            measure.get("content", ""),
            measure.get("future_direction", ""),
            measure.get("related_plans", ""),
            measure.get("comprehensive_plan_position", ""),
            ",".join(co_creation.get("actors") or []),
            co_creation.get("text", ""),
            measure.get("notes", ""),
        ]
    )
    for link in measure.get("departments") or []:
        tables["担当課"].append(
            [
                *key,
                link["name"],
                ROLE_WORDS.get(link.get("role", "lead")),
                "○" if link.get("primary") else "",
            ]
        )
    for number, step in enumerate(measure.get("steps") or [], start=1):
        years = step.get("years") or []
        base = [*key, number, step.get("title", ""), step.get("department", "")]
        if not years:
            tables["年次計画"].append([*base, None, "", "", "", ""])
        for year in years:
            tables["年次計画"].append(
                [
                    *base,
                    year["fiscal_year"],
                    year.get("planned", ""),
                    year.get("actual", ""),
                    year.get("progress", ""),
                    year.get("next", ""),
                ]
            )
    for target in measure.get("targets") or []:
        tables["年度目標"].append(
            [*key, target["fiscal_year"], target.get("status", ""), target.get("goal", "")]
        )
    for number, indicator in enumerate(measure.get("indicators") or [], start=1):
        baseline = indicator.get("baseline")
        baseline_value = baseline
        baseline_year = baseline_label = None
        if isinstance(baseline, dict) and ("fiscal_year" in baseline or "label" in baseline):
            baseline_year = baseline.get("fiscal_year")
            baseline_label = baseline.get("label")
            baseline_value = {k: baseline.get(k) for k in ("value", "unit", "text")}
        tables["指標"].append(
            [
                *key,
                number,
                indicator.get("name", ""),
                indicator.get("unit", ""),
                DIRECTION_WORDS.get(indicator.get("direction") or "increase"),
                "○" if indicator.get("not_settable") else "",
                indicator.get("description", ""),
                _value_cell(baseline_value),
                baseline_year,
                baseline_label or "",
            ]
        )
        for year in indicator.get("years") or []:
            tables["指標の値"].append(
                [
                    *key,
                    number,
                    year["fiscal_year"],
                    _value_cell(year.get("target")),
                    _value_cell(year.get("actual")),
                ]
            )
    for effect in measure.get("effects") or []:
        tables["効果額"].append(
            [
                *key,
                effect["fiscal_year"],
                effect.get("planned_revenue"),
                effect.get("planned_saving"),
                effect.get("actual_revenue"),
                effect.get("actual_saving"),
                effect.get("note", ""),
            ]
        )
    for year in measure.get("years") or []:
        tables["年度評価"].append(
            [
                *key,
                year["fiscal_year"],
                year.get("plan", ""),
                year.get("do", ""),
                year.get("check", ""),
                year.get("action", ""),
                year.get("status", ""),
                year.get("proposed_grade", ""),
                year.get("grade", ""),
                year.get("override_reason", ""),
                REVIEW_WORDS.get(year.get("review_status") or "", ""),
            ]
        )


# -- tables → document ------------------------------------------------------------------------


class _RowReader:
    """Turns one table row into typed values, collecting problems with sheet, row and column."""

    def __init__(self, sheet: Sheet, number: int, cells: dict[str, str], problems: list):
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.problems = problems

    @property
    def source(self) -> dict:
        return {"sheet": self.sheet.name, "row": self.number}

    def problem(self, header: str, message: str) -> None:
        self.problems.append((self.sheet.name, self.number, header, clipped(message)))

    def text(self, header: str) -> str:
        return self.cells.get(header, "")

    def integer(self, header: str, default: int | None = None) -> int | None:
        raw = self.text(header)
        if raw == "":
            return default
        number = _decimal(raw.replace(",", ""))
        if number is None:
            self.problem(header, f"「{_shown(raw)}」を整数として読めません。")
            return None
        return int(number)

    def year(self, header: str) -> int | None:
        raw = self.text(header)
        if raw == "":
            return None
        try:
            return parse_fiscal_year(raw)
        except ValueError:
            self.problem(header, f"「{raw}」を年度として読めません（例: 2020、R2、令和2年度）。")
            return None

    def flag(self, header: str) -> bool:
        raw = self.text(header)
        if raw in ("", "×", "x", "X", "いいえ", "0", "FALSE", "False", "false"):
            return False
        if raw in ("○", "〇", "◎", "●", "はい", "1", "TRUE", "True", "true", "✓"):
            return True
        self.problem(header, f"「{raw}」は ○ か空欄にしてください。")
        return False

    def word(self, header: str, words: dict[str, str], default: str = "") -> str | None:
        raw = self.text(header)
        if raw == "":
            return default
        reverse = {label: key for key, label in words.items()}
        if raw in reverse:
            return reverse[raw]
        if raw in words:
            return raw
        choices = "・".join(words.values())
        self.problem(header, f"「{raw}」は {choices} のいずれかにしてください。")
        return None

    def ratio(self, header: str) -> str | None:
        raw = self.text(header)
        if raw == "":
            return None
        percent = raw.endswith(("%", "％"))
        number = _decimal(raw.rstrip("%％").strip())
        if number is None:
            self.problem(
                header, f"「{_shown(raw)}」を割合として読めません（100%なら 1 または 100%）。"
            )
            return None
        if percent:
            number = number / 100
        return f"{number.normalize():f}"

    def items(self, header: str) -> list[str]:
        raw = self.text(header)
        return [
            part.strip()
            for part in raw.replace("、", ",").replace("，", ",").split(",")
            if part.strip()
        ]


def _decimal(text: str) -> Decimal | None:
    """A finite number of at most _MAX_EXPONENT digits either side of the point, or None."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    if not number.is_finite() or not -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT:
        return None
    return number


def _shown(text: str) -> str:
    """Cell text as a message quotes it: short enough to read whatever the cell held."""
    return text if len(text) <= 40 else text[:39] + "…"


def _measure_key(row: _RowReader, measures: dict):
    code = row.text("取組番号")
    sub_number = row.integer("枝番", 1)
    if not code:
        row.problem("取組番号", "取組番号がありません。")
        return None
    measure = measures.get((code, sub_number))
    if measure is None:
        row.problem("取組番号", f"取組 {code}（枝番 {sub_number}）は「取組」シートにありません。")
    return measure


def tables_to_document(tables: dict[str, list[dict[str, str]]]) -> dict:
    """Build a plan document from tables of {header: cell text} rows (row numbers as in the
    file). Raises WorkbookError listing every cell it could not read."""
    problems: ProblemList[tuple[str, int, str, str]] = ProblemList()
    rows = {name: [] for name in SHEETS_BY_NAME}
    for name, table in tables.items():
        sheet = SHEETS_BY_NAME[name]
        rows[name] = [_RowReader(sheet, number, cells, problems) for number, cells in table]

    fields = {row.text("項目"): row for row in rows["計画"]}
    known = {column.header for column in PLAN_FIELDS}
    for header, row in fields.items():
        if header and header not in known:
            row.problem("項目", f"「{header}」という項目はありません。")
    plan_values: dict[str, Any] = {}
    for column in PLAN_FIELDS:
        row = fields.get(column.header)
        raw = row.text("値") if row else ""
        if column.kind == "year" and raw:
            try:
                plan_values[column.key] = parse_fiscal_year(raw)
            except ValueError:
                row.problem("値", f"{column.header}「{raw}」を年度として読めません。")
        else:
            plan_values[column.key] = raw
    labels = [plan_values[f"plan.level_labels.{i}"] for i in range(3)]
    document: dict[str, Any] = {
        "format": "reform-plan/1",
        "municipality": {
            key.split(".")[1]: value
            for key, value in plan_values.items()
            if key.startswith("municipality.")
        },
        "plan": {
            key.split(".", 1)[1]: value
            for key, value in plan_values.items()
            if key.startswith("plan.") and not key.startswith("plan.level_labels")
        },
    }
    document["plan"]["level_labels"] = [label for label in labels if label]
    document["departments"] = [
        {"name": row.text("名称"), "_source": row.source}
        for row in rows["部署"]
        if row.text("名称")
    ]
    document["plan"]["sections"] = [
        {"heading": row.text("見出し"), "body": row.text("本文"), "_source": row.source}
        for row in rows["前文"]
    ]
    document["plan"]["grade_scheme"] = [
        {
            "code": row.text("記号"),
            "label": row.text("名称"),
            "definition": row.text("基準"),
            "min_ratio": row.ratio("達成率の下限"),
            "rated": row.text("評価済みとして数える") == "" or row.flag("評価済みとして数える"),
            "_source": row.source,
        }
        for row in rows["評価区分"]
    ]
    document["plan"]["status_scheme"] = [
        row.text("名称") for row in rows["実施状況"] if row.text("名称")
    ]
    document["pillars"] = _pillars_from_rows(rows["体系"])
    # Plan-level lists only from the sheets the file has (a missing sheet changes nothing).
    for sheet_name, (owner, key) in {
        "前文": ("plan", "sections"),
        "評価区分": ("plan", "grade_scheme"),
        "実施状況": ("plan", "status_scheme"),
        "体系": (None, "pillars"),
    }.items():
        if sheet_name not in tables:
            (document[owner] if owner else document).pop(key)

    measures: dict[tuple[str, int], dict] = {}
    document["measures"] = []
    for row in rows["取組"]:
        measure = {
            "code": row.text("番号"),
            "sub_number": row.integer("枝番", 1),
            "mark": row.text("項目記号"),
            "pillar": [
                part
                for part in (
                    row.text("第1階層の番号"),
                    row.text("第2階層の番号"),
                    row.text("第3階層の番号"),
                )
                if part
            ],
            "title": row.text("名称"),
            "status": row.text("新規・継続"),
            "citywide": row.flag("市全体での取組み（◎）"),
            "sdgs": [],
            "current_situation": row.text("現状と課題"),
            "goal": row.text("目標"),
            "content": row.text("取組内容"),
            "future_direction": row.text("今後の取組方向"),
            "related_plans": row.text("関連計画"),
            "comprehensive_plan_position": row.text("総合計画での位置付け"),
            "co_creation": {"actors": row.items("協創の担い手"), "text": row.text("協創の内容")},
            "notes": row.text("注記"),
            "_source": row.source,
        }
        # Only the sheets the file has: a sheet left out leaves those rows as they are.
        for sheet_name, key in CHILD_SHEETS.items():
            if sheet_name in tables:
                measure[key] = []
        if "SDGs" not in row.cells:
            del measure["sdgs"]
        if "協創の担い手" not in row.cells:
            del measure["co_creation"]["actors"]
        for item in row.items("SDGs"):
            try:
                measure["sdgs"].append(int(item))
            except ValueError:
                row.problem("SDGs", f"「{item}」はSDGsの目標番号（1～17）ではありません。")
        document["measures"].append(measure)
        measures.setdefault((measure["code"], measure["sub_number"]), measure)

    for row in rows["担当課"]:
        measure = _measure_key(row, measures)
        role = row.word("役割", ROLE_WORDS, "lead")
        if measure is not None and role is not None:
            measure["departments"].append(
                {
                    "name": row.text("部署"),
                    "role": role,
                    "primary": row.flag("主たる担当（●）"),
                    "_source": row.source,
                }
            )
    for row in rows["年次計画"]:
        measure = _measure_key(row, measures)
        number = row.integer("項目番号")
        if measure is None or number is None:
            if number is None and measure is not None:
                row.problem("項目番号", "項目番号がありません。")
            continue
        steps = measure["steps"]
        while len(steps) < number:
            steps.append({"title": "", "department": "", "years": [], "_source": row.source})
        step = steps[number - 1]
        step["title"] = step["title"] or row.text("内容")
        step["department"] = step["department"] or row.text("担当課")
        year = row.year("年度")
        if year is not None:
            step["years"].append(
                {
                    "fiscal_year": year,
                    "planned": row.text("計画"),
                    "actual": row.text("実績"),
                    "progress": row.text("取組状況"),
                    "next": row.text("今後の取組・課題"),
                    "_source": row.source,
                }
            )
    for row in rows["年度目標"]:
        measure = _measure_key(row, measures)
        if measure is not None:
            measure["targets"].append(
                {
                    "fiscal_year": row.year("年度"),
                    "status": row.text("実施状況"),
                    "goal": row.text("年度目標"),
                    "_source": row.source,
                }
            )
    indicators: dict[tuple[str, int, int], dict] = {}
    for row in rows["指標"]:
        measure = _measure_key(row, measures)
        number = row.integer("指標番号", len(measure["indicators"]) + 1 if measure else 1)
        direction = row.word("方向", DIRECTION_WORDS, "increase")
        if measure is None or number is None or direction is None:
            continue
        baseline = row.text("現状値")
        indicator = {
            "name": row.text("指標名"),
            "unit": row.text("単位"),
            "direction": direction,
            "not_settable": row.flag("指標の設定困難"),
            "description": row.text("説明"),
            "baseline": {
                "value": baseline or None,
                "fiscal_year": row.year("現状値の年度"),
                "label": row.text("現状値の時点"),
            }
            if baseline
            else None,
            "years": [],
            "_source": row.source,
        }
        measure["indicators"].append(indicator)
        indicators[(measure["code"], measure["sub_number"], number)] = indicator
    for row in rows["指標の値"]:
        measure = _measure_key(row, measures)
        number = row.integer("指標番号")
        if measure is None or number is None:
            continue
        indicator = indicators.get((measure["code"], measure["sub_number"], number))
        if indicator is None:
            row.problem("指標番号", f"指標番号 {number} は「指標」シートにありません。")
            continue
        year = {"fiscal_year": row.year("年度"), "_source": row.source}
        if row.text("目標値"):
            year["target"] = row.text("目標値")
        if row.text("実績値"):
            year["actual"] = row.text("実績値")
        indicator["years"].append(year)
    for row in rows["効果額"]:
        measure = _measure_key(row, measures)
        if measure is not None:
            measure["effects"].append(
                {
                    "fiscal_year": row.year("年度"),
                    "planned_revenue": row.text("計画 歳入増（円）") or None,
                    "planned_saving": row.text("計画 歳出削減（円）") or None,
                    "actual_revenue": row.text("実績 歳入増（円）") or None,
                    "actual_saving": row.text("実績 歳出削減（円）") or None,
                    "note": row.text("備考"),
                    "_source": row.source,
                }
            )
    for row in rows["年度評価"]:
        measure = _measure_key(row, measures)
        review = row.word("審査状況", REVIEW_WORDS, "")
        if measure is None or review is None:
            continue
        year = {
            "fiscal_year": row.year("年度"),
            "plan": row.text("計画内容（Plan）"),
            "do": row.text("取組状況（Do）"),
            "check": row.text("評価（Check）"),
            "action": row.text("見直し・改善（Action）"),
            "status": row.text("実施状況"),
            "proposed_grade": row.text("担当課の評価案"),
            "grade": row.text("評価"),
            "override_reason": row.text("算出値と異なる理由"),
            "_source": row.source,
        }
        if review:
            year["review_status"] = review
        measure["years"].append(year)

    _raise_problems(problems)
    return document


def _pillars_from_rows(rows: list[_RowReader]) -> list[dict]:
    roots: list[dict] = []
    nodes: dict[tuple[str, ...], dict] = {}
    for row in rows:
        path = tuple(
            part
            for part in (
                row.text("第1階層の番号"),
                row.text("第2階層の番号"),
                row.text("第3階層の番号"),
            )
            if part
        )
        if not path:
            row.problem("第1階層の番号", "番号（または名称）がありません。")
            continue
        code = path[-1] if path[-1] != row.text("名称") else ""
        node = {
            "code": code,
            "title": row.text("名称"),
            "aim": row.text("目指す方向"),
            "children": [],
            "_source": row.source,
        }
        parent = nodes.get(path[:-1]) if len(path) > 1 else None
        if len(path) > 1 and parent is None:
            row.problem(
                "第1階層の番号", f"上位の項目 {' > '.join(path[:-1])} が先の行にありません。"
            )
            continue
        (parent["children"] if parent else roots).append(node)
        nodes[path] = node
    return roots


# -- files ------------------------------------------------------------------------------------


def _check_size(data: bytes) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise WorkbookError(
            f"ファイルが大きすぎます（{len(data):,} バイト、上限 {limit:,} バイト）。"
        )


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the directory alone, before anything is decompressed. The sizes
    it declares bind: zipfile stops a member at its declared size (a CRC error if it lied)."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
            and member.file_size > 10 * 1024 * 1024
        ):
            raise WorkbookError(
                f"圧縮率が異常なファイルです（{member.filename}）。取り込みを中止しました。"
            )
        if total > limit:
            raise WorkbookError(
                f"展開後のサイズが上限（{limit:,} バイト）を超えるファイルです。取り込みを中止しました。"
            )


class _Reading:
    """What reading one file has taken so far, all its sheets together: rows (empty ones
    too, as they cost as much to stream) and cells, against the limits, and the cells that
    could not be taken."""

    def __init__(self, deadline: Deadline | None = None):
        self.rows = 0
        self.cells = 0
        self.max_rows = settings.IMPORT_MAX_ROWS
        self.max_cells = settings.IMPORT_MAX_CELLS
        self.deadline = deadline
        self.problems: ProblemList[tuple[str, int, str, str]] = ProblemList()

    def count(self, sheet: Sheet, number: int, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.max_rows:
            raise WorkbookError(
                f"ファイル全体の行数が上限（{self.max_rows:,}行）を超えたため、"
                f"シート「{sheet.name}」{number}行目で読むのをやめました（空の行も数えます）。"
            )
        if self.cells > self.max_cells:
            raise WorkbookError(
                f"ファイル全体のセルの数が上限（{self.max_cells:,}）を超えたため、"
                f"シート「{sheet.name}」{number}行目で読むのをやめました。"
            )
        if self.deadline is not None:
            self.deadline.check()

    def raise_problems(self) -> None:
        _raise_problems(self.problems)


def _raise_problems(problems: ProblemList[tuple[str, int, str, str]]) -> None:
    if problems:
        raise WorkbookError(
            [
                f"シート「{sheet}」{number}行目「{header}」: {message}"
                for sheet, number, header, message in problems
            ],
            problems.omitted,
        )


def _numbered(sheet: Sheet, rows: Iterable, reading: _Reading) -> Iterator[tuple[int, Any]]:
    """The rows with their numbers, counted against the file's limits; a failure to read
    one is named by its sheet and row."""
    iterator = iter(rows)
    number = 0
    while True:
        number += 1
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except csv.Error:
            raise WorkbookError(
                f"シート「{sheet.name}」{number}行目: CSVとして読めません"
                f"（1つのセルが長すぎるか、引用符が閉じていません）。"
            ) from None
        except UnicodeDecodeError:
            raise WorkbookError(
                f"シート「{sheet.name}」{number}行目: UTF-8ではありません。UTF-8で保存してください。"
            ) from None
        except Exception as error:  # openpyxl's XML parser and cell conversions raise many kinds
            raise WorkbookError(
                f"シート「{sheet.name}」を読めませんでした（{number}行目、{type(error).__name__}）。"
            ) from None
        reading.count(sheet, number, len(cells))
        yield number, cells


_ROW_TAGS = (b"<row ", b"<row>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/")


def _count_sheet_rows(archive: zipfile.ZipFile) -> None:
    """Count the row and cell elements of every worksheet before openpyxl opens the file,
    and refuse it at the limits.

    openpyxl parses a whole sheet when it opens a workbook if the sheet does not declare its
    size (<dimension>, which some tools leave out): a hostile file would cost that parse
    before the first row reaches the streaming count. This scan reads the decompressed XML
    as bytes, at the speed of zlib. Tags it does not recognise (a namespace prefix) are
    simply not counted here; the streaming count still holds.
    """
    rows = cells = 0
    for member in archive.infolist():
        if not member.filename.startswith("xl/worksheets/"):
            continue
        with archive.open(member) as stream:
            previous = b""
            while chunk := stream.read(1024 * 1024):
                # A tag cut by the chunk boundary is counted once, in the longer window.
                rows += sum((previous[-4:] + chunk).count(tag) for tag in _ROW_TAGS)
                cells += sum((previous[-2:] + chunk).count(tag) for tag in _CELL_TAGS)
                previous = chunk
                if rows > settings.IMPORT_MAX_ROWS:
                    raise WorkbookError(
                        f"ファイル全体の行数が上限（{settings.IMPORT_MAX_ROWS:,}行）を超えています"
                        f"（シートを開く前に数えて、{rows:,}行まで数えたところで止めました）。"
                    )
                if cells > settings.IMPORT_MAX_CELLS:
                    raise WorkbookError(
                        f"ファイル全体のセルの数が上限（{settings.IMPORT_MAX_CELLS:,}）を超えています"
                        f"（シートを開く前に数えて、{cells:,}まで数えたところで止めました）。"
                    )


def _rows_to_table(
    sheet: Sheet, rows: Iterable, reading: _Reading
) -> list[tuple[int, dict[str, str]]]:
    """The sheet's data rows as {header: cell text}, after its header row. Cells that cannot
    be stored (a NUL character, text beyond Excel's limit) are kept as problems."""
    numbered = _numbered(sheet, rows, reading)
    header_row, header_number = None, 0
    for number, cells in numbered:
        values = [_cell_text(cell) for cell in cells]
        if any(values):
            header_row, header_number = values, number
            break
    if header_row is None:
        return []
    unknown = [_shown(h) for h in header_row if h and h not in sheet.headers]
    if unknown:
        raise WorkbookError(
            f"シート「{sheet.name}」{header_number}行目: 見出し「{'」「'.join(unknown)}」はテンプレートにありません。"
        )
    missing = [h for h in sheet.headers if h not in header_row and h not in ("枝番",)]
    if missing and sheet.name != "計画":
        raise WorkbookError(
            f"シート「{sheet.name}」: 見出し「{'」「'.join(missing)}」がありません。"
        )
    table = []
    for row_number, cells in numbered:
        values = [_cell_text(cell) for cell in cells]
        if not any(values):
            continue
        padded = values + [""] * (len(header_row) - len(values))
        row = {}
        for header, value in zip(header_row, padded, strict=False):
            if header:
                row[header] = _storable_cell(sheet, row_number, header, value, reading.problems)
        table.append((row_number, row))
    return table


def _storable_cell(
    sheet: Sheet, number: int, header: str, value: str, problems: ProblemList
) -> str:
    if "\x00" in value:
        problems.append(
            (sheet.name, number, header, "NUL文字（\\x00）を含むセルは取り込めません。")
        )
        return ""
    if len(value) > MAX_CELL_CHARACTERS:
        problems.append(
            (
                sheet.name,
                number,
                header,
                f"{len(value):,}字あります。1つのセルは{MAX_CELL_CHARACTERS:,}字までです。",
            )
        )
        return ""
    return value


def read_xlsx(
    data: bytes, *, deadline: Deadline | None = None
) -> dict[str, list[tuple[int, dict[str, str]]]]:
    _check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("Excelファイル（xlsx）として読めません。") from None
    with archive:
        _check_archive(archive)
        _count_sheet_rows(archive)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds, including defusedxml's refusals
        raise WorkbookError(
            f"Excelファイルを読めませんでした（{type(error).__name__}）。"
        ) from None
    try:
        unknown = [name for name in workbook.sheetnames if name not in SHEETS_BY_NAME]
        if unknown:
            raise WorkbookError(f"シート「{'」「'.join(unknown)}」はテンプレートにありません。")
        if "計画" not in workbook.sheetnames:
            raise WorkbookError("シート「計画」がありません。")
        reading = _Reading(deadline)
        tables = {}
        for name in workbook.sheetnames:
            worksheet = workbook[name]
            # The size a sheet declares (<dimension ref="A1:XFD1048576">) would pad every
            # row to it; each row is read as wide as its own cells instead.
            worksheet.reset_dimensions()
            tables[name] = _rows_to_table(
                SHEETS_BY_NAME[name], worksheet.iter_rows(values_only=True), reading
            )
    finally:
        workbook.close()
    reading.raise_problems()
    return tables


def read_csv_zip(
    data: bytes, *, deadline: Deadline | None = None
) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """A zip of CSV files named after the sheets (計画.csv, 取組.csv …), UTF-8 (BOM allowed)."""
    _check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("CSVをまとめたzipファイルとして読めません。") from None
    tables = {}
    reading = _Reading(deadline)
    with archive:
        _check_archive(archive)
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = member.filename.rsplit("/", 1)[-1].removesuffix(".csv")
            if name not in SHEETS_BY_NAME:
                raise WorkbookError(
                    f"「{_shown(member.filename)}」はテンプレートの表ではありません。"
                )
            # Read as a stream: a member is decoded and split a row at a time.
            with archive.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                tables[name] = _rows_to_table(SHEETS_BY_NAME[name], csv.reader(text), reading)
    if "計画" not in tables:
        raise WorkbookError("「計画.csv」がありません。")
    reading.raise_problems()
    return tables


def _typed(value: Any) -> Any:
    if isinstance(value, str):
        return escape_formula(value)
    return value


def write_xlsx(tables: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = bold
        for row_number, row in enumerate(tables.get(sheet.name, []), start=2):
            worksheet.append([_typed(value) for value in row])
            # Cell by cell: worksheet.max_row and worksheet[n] scan every cell of the sheet,
            # which made writing a 50,000-row plan take minutes.
            cells = (worksheet.cell(row_number, column) for column in range(1, len(row) + 1))
            for cell in cells:
                if isinstance(cell.value, str):
                    # Never let a cell be taken for a formula, whatever it starts with.
                    cell.data_type = "s"
                    if "\n" in cell.value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            letter = worksheet.cell(row=1, column=index).column_letter
            wide = column.kind == "text" and column.header not in (
                "番号",
                "取組番号",
                "項目記号",
                "記号",
            )
            worksheet.column_dimensions[letter].width = 30 if wide else 12
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_csv_zip(tables: dict[str, list[list[Any]]]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(sheet.headers)
            for row in tables.get(sheet.name, []):
                writer.writerow(["" if value is None else _typed(value) for value in row])
            # Excel reads UTF-8 CSV correctly only with a byte-order mark.
            archive.writestr(f"{sheet.name}.csv", "\ufeff" + text.getvalue())
    return output.getvalue()


def empty_template() -> bytes:
    """The blank template offered for download: headers only, plus the 計画 sheet's items."""
    tables = {sheet.name: [] for sheet in SHEETS}
    tables["計画"] = [[column.header, ""] for column in PLAN_FIELDS]
    return write_xlsx(tables)


_KIND_NOTES = {
    "int": "整数",
    "year": "年度（2020、R2、令和2年度）",
    "bool": "○ または空欄",
    "yen": "円（整数。千円などの単位付きも可）",
    "ratio": "割合（1.00 または 100%）",
    "list": "カンマ区切り",
    "value": "値（資料の記載どおり）",
    "text": "文字",
}


def template_markdown() -> str:
    """docs/import-template.md, generated from SHEETS so that it cannot drift."""
    lines = [
        "# 取り込み用テンプレート（xlsx / CSV）",
        "",
        "<!-- Generated by measures.plan_files.workbook.template_markdown(); a test keeps it in step. -->",
        "",
        "計画の構成と各年度の実績を、下のシート（CSVの場合はシート名.csv をまとめたzip）で表します。"
        "1行目が見出し、2行目からがデータです。シートの順番は自由で、使わないシートは省略できます（「計画」は必須）。"
        "取組は「番号」と「枝番」で、指標は取組の中の「指標番号」で、年次計画の項目は「項目番号」で他のシートから参照します。"
        "同じファイルをもう一度取り込んでも何も変わらず、直したファイルを取り込むと該当する行だけが更新されます。",
        "",
        "`=` `+` `-` `@` で始まる文字は、書き出し時に先頭へ `'` を付けて数式として扱われないようにしています（取り込み時に外します）。",
        "",
        f"1つのセルは{MAX_CELL_CHARACTERS:,}字まで（Excelの上限）で、NUL文字は使えません。"
        "整数と割合の列（枝番・項目番号・指標番号・達成率の下限）は18桁までです。読めないセルはシート・行・列の名前とともに示され、そのファイルからは何も取り込みません。",
        "",
    ]
    for sheet in SHEETS:
        lines += [f"## {sheet.name}", "", sheet.description, ""]
        if sheet.name == "計画":
            lines += ["| 項目 | 種類 |", "|---|---|"]
            lines += [f"| {c.header} | {_KIND_NOTES[c.kind]} |" for c in PLAN_FIELDS]
        else:
            lines += ["| 列 | 種類 |", "|---|---|"]
            lines += [f"| {c.header} | {_KIND_NOTES[c.kind]} |" for c in sheet.columns]
        lines.append("")
    return "\n".join(lines)
