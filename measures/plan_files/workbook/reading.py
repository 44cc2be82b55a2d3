"""The template's tables back into a plan document, one reader per sheet, every cell it
cannot read named by sheet, row and column.
"""

import unicodedata
from decimal import Decimal
from typing import Any

from measures.fiscal_years import parse_fiscal_year
from measures.plan_files.limits import ProblemList, clipped
from measures.plan_files.workbook.files import raise_problems, shown
from measures.plan_files.workbook.reviews import review_bodies_from_rows
from measures.plan_files.workbook.template import (
    BASIS_WORDS,
    CHILD_SHEETS,
    DIRECTION_WORDS,
    ENDING_WORDS,
    PLAN_FIELDS,
    REVIEW_WORDS,
    ROLE_WORDS,
    SHEETS_BY_NAME,
    Sheet,
)

# Numbers are bounded before they are turned into integers: int(Decimal("1e999999999"))
# would compute a billion digits.
_MAX_EXPONENT = 18


class _RowReader:
    """Turns one table row into typed values, collecting problems with sheet, row and column."""

    def __init__(
        self, sheet: Sheet, number: int, cells: dict[str, str], problems: list, notes: list
    ):
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.problems = problems
        self.notes = notes

    @property
    def source(self) -> dict:
        return {"sheet": self.sheet.name, "row": self.number}

    def problem(self, header: str, message: str) -> None:
        self.problems.append((self.sheet.name, self.number, header, clipped(message)))

    def text(self, header: str) -> str:
        return self.cells.get(header, "")

    def plain(self, header: str) -> str:
        """A cell of numbers or choices with full-width letters and digits made plain
        (２０２０ → 2020, Ａ → A); the change is noted, so the clerk sees what was read."""
        raw = self.text(header)
        normalized = unicodedata.normalize("NFKC", raw).strip()
        if normalized != raw:
            self.notes.append(
                (
                    self.sheet.name,
                    self.number,
                    header,
                    f"「{shown(raw)}」を「{shown(normalized)}」として読みました。",
                )
            )
        return normalized

    def integer(self, header: str, default: int | None = None) -> int | None:
        raw = self.plain(header)
        if raw == "":
            return default
        number = bounded_decimal(raw.replace(",", ""))
        if number is None:
            self.problem(header, f"「{shown(raw)}」を整数として読めません。")
            return None
        return int(number)

    def year(self, header: str) -> int | None:
        raw = self.plain(header)
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
        raw = self.text(header).strip()
        if raw == "":
            return default
        reverse = {label: key for key, label in words.items()}
        if raw in reverse:
            return reverse[raw]
        if unicodedata.normalize("NFKC", raw) in reverse:
            return reverse[self.plain(header)]
        if raw in words:
            return raw
        choices = "・".join(words.values())
        self.problem(header, f"「{raw}」は {choices} のいずれかにしてください。")
        return None

    def ratio(self, header: str) -> str | None:
        raw = self.plain(header)
        if raw == "":
            return None
        percent = raw.endswith(("%", "％"))
        number = bounded_decimal(raw.rstrip("%％").strip())
        if number is None:
            self.problem(
                header, f"「{shown(raw)}」を割合として読めません（100%なら 1 または 100%）。"
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


def bounded_decimal(text: str) -> Decimal | None:
    """A finite number of at most _MAX_EXPONENT digits either side of the point, or None."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    if not number.is_finite() or not -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT:
        return None
    return number


def _measure_key(row: _RowReader, measures: dict):
    code = row.text("取組番号")
    sub_number = row.integer("枝番", 1)
    if not code:
        row.problem("取組番号", "取組番号がありません。")
        return None
    measure = measures.get((code, sub_number))
    if measure is None:
        # １２ for 12: the same number written in full-width digits refers to it.
        plain = unicodedata.normalize("NFKC", code).strip()
        matches = [
            m
            for (other, sub), m in measures.items()
            if sub == sub_number and unicodedata.normalize("NFKC", other).strip() == plain
        ]
        if len(matches) == 1:
            measure = matches[0]
            row.notes.append(
                (
                    row.sheet.name,
                    row.number,
                    "取組番号",
                    f"「{code}」を取組 {measure['code']} として読みました。",
                )
            )
    if measure is None:
        row.problem("取組番号", f"取組 {code}（枝番 {sub_number}）は「取組」シートにありません。")
    return measure


def tables_to_document(tables: dict[str, list[dict[str, str]]], *, lenient: bool = False) -> dict:
    """Build a plan document from tables of {header: cell text} rows (row numbers as in the
    file). Raises WorkbookError listing every cell it could not read.

    A sheet left out of the file leaves its rows as they are, and so does a column left out
    of a sheet for the columns added to the template later (a workbook kept from an earlier
    year still means what it meant).

    With `lenient`, the cells it could not read do not stop it: they travel with the
    document (CELL_PROBLEMS) so that the import reports them together with its own, and a
    clerk sees every problem of the file at once."""
    problems: ProblemList[tuple[str, int, str, str]] = ProblemList()
    notes: ProblemList[tuple[str, int, str, str]] = ProblemList()
    rows = {name: [] for name in SHEETS_BY_NAME}
    for name, table in tables.items():
        sheet = SHEETS_BY_NAME[name]
        rows[name] = [_RowReader(sheet, number, cells, problems, notes) for number, cells in table]

    document = _plan_sheet(rows["計画"])
    plan = document["plan"]
    document["departments"] = [
        {"name": row.text("名称"), "_source": row.source}
        for row in rows["部署"]
        if row.text("名称")
    ]
    plan["sections"] = [
        {"heading": row.text("見出し"), "body": row.text("本文"), "_source": row.source}
        for row in rows["前文"]
    ]
    plan["grade_scheme"] = [_grade_row(row) for row in rows["評価区分"]]
    plan["status_scheme"] = [row.text("名称") for row in rows["実施状況"] if row.text("名称")]
    document["pillars"] = _pillars_from_rows(rows["体系"])
    plan["goals"] = _goal_sheets(rows["主要目標"], rows["主要目標の実績"])
    plan["publications"] = [_publication_row(row) for row in rows["公表"]]
    # Plan-level lists only from the sheets the file has (a missing sheet changes nothing).
    for sheet_name, (owner, key) in {
        "前文": ("plan", "sections"),
        "評価区分": ("plan", "grade_scheme"),
        "実施状況": ("plan", "status_scheme"),
        "体系": (None, "pillars"),
        "主要目標": ("plan", "goals"),
        "公表": ("plan", "publications"),
    }.items():
        if sheet_name not in tables:
            (document[owner] if owner else document).pop(key)

    measures: dict[tuple[str, int], dict] = {}
    document["measures"] = []
    for row in rows["取組"]:
        measure = _measure_row(row, tables)
        document["measures"].append(measure)
        measures.setdefault((measure["code"], measure["sub_number"]), measure)
    for sheet_name, read_rows in MEASURE_SHEET_READERS.items():
        read_rows(rows[sheet_name], measures)
    review_bodies = review_bodies_from_rows(rows)
    if review_bodies is not None:
        document["review_bodies"] = review_bodies

    if lenient:
        document[CELL_PROBLEMS] = list(problems)
        document[CELL_PROBLEMS_OMITTED] = problems.omitted
    else:
        raise_problems(problems)
    document[CELL_NOTES] = list(notes)
    return document


# Keys of a leniently read document that hold the cells it could not read.
CELL_PROBLEMS = "_cell_problems"
CELL_PROBLEMS_OMITTED = "_cell_problems_omitted"
# And the cells it read after making full-width letters and digits plain.
CELL_NOTES = "_cell_notes"


def _plan_sheet(rows: list[_RowReader]) -> dict[str, Any]:
    """計画: one row per item, its name in 項目 and its value in 値."""
    fields = {row.text("項目"): row for row in rows}
    known = {column.header for column in PLAN_FIELDS}
    for header, row in fields.items():
        if header and header not in known:
            row.problem("項目", f"「{header}」という項目はありません。")
    plan_values: dict[str, Any] = {}
    for column in PLAN_FIELDS:
        row = fields.get(column.header)
        if row is None and column.key in _LATER_PLAN_FIELDS:
            continue  # an item the file's template did not have yet: left as it is
        raw = row.text("値") if row else ""
        if column.kind == "year" and raw:
            try:
                plan_values[column.key] = parse_fiscal_year(raw)
            except ValueError:
                row.problem("値", f"{column.header}「{raw}」を年度として読めません。")
        elif column.kind == "int" and row is not None:
            plan_values[column.key] = row.integer("値", None)
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
    return document


# Items of the 計画 sheet added after December 2026: a workbook without them keeps the values.
_LATER_PLAN_FIELDS = {
    "plan.share_decimal_places",
    "plan.count_note",
    "plan.saving_mark",
    "plan.effect_unit",
}


def _grade_row(row: _RowReader) -> dict:
    """評価区分: 評価済みとして数える is ○ or blank (counted) or × (not counted)."""
    return {
        "code": row.text("記号"),
        "label": row.text("名称"),
        "definition": row.text("基準"),
        "min_ratio": row.ratio("達成率の下限"),
        "rated": _counted(row),
        "_source": row.source,
    }


def _counted(row: _RowReader) -> bool:
    """評価済みとして数える: ○ or blank counts (as files have always meant), × does not."""
    header = "評価済みとして数える"
    raw = row.plain(header)
    if raw in ("", "○", "〇", "はい"):
        return True
    if raw in ("×", "x", "X", "いいえ"):
        return False
    row.problem(
        header,
        f"「{shown(raw)}」は ○（数える）、×（数えない）、空欄（数える）のいずれかにしてください。",
    )
    return True


def _publication_row(row: _RowReader) -> dict:
    """公表: a year already published and its date."""
    return {
        "fiscal_year": row.year("年度"),
        "published_on": row.text("公表日"),
        "_source": row.source,
    }


def _goal_sheets(goal_rows: list[_RowReader], result_rows: list[_RowReader]) -> list[dict]:
    """主要目標, and 主要目標の実績 naming each goal by its 目標の項目."""
    goals: dict[str, dict] = {}
    for row in goal_rows:
        name = row.text("目標の項目")
        if not name:
            row.problem("目標の項目", "目標の項目がありません。")
            continue
        goals[name] = {
            "name": name,
            "target": row.text("目標") or None,
            "note": row.text("説明"),
            "years": [],
            "_source": row.source,
        }
    for row in result_rows:
        goal = goals.get(row.text("目標の項目"))
        if goal is None:
            row.problem(
                "目標の項目", f"「{row.text('目標の項目')}」は「主要目標」シートにありません。"
            )
            continue
        goal["years"].append(
            {
                "fiscal_year": row.year("年度"),
                "result": row.text("実績") or None,
                "cumulative": row.text("累計") or None,
                "_source": row.source,
            }
        )
    return list(goals.values())


def _measure_row(row: _RowReader, tables: dict) -> dict:
    """取組: one row per measure; the lists of the measure sheets the file has."""
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
    if "計画期間の実績" in tables:
        measure["period_result"] = None
    if "SDGs" not in row.cells:
        del measure["sdgs"]
    if "協創の担い手" not in row.cells:
        del measure["co_creation"]["actors"]
    for item in row.items("SDGs"):
        try:
            measure["sdgs"].append(int(item))
        except ValueError:
            row.problem("SDGs", f"「{item}」はSDGsの目標番号（1～17）ではありません。")
    # The columns of a measure's years and ending came later: read only where the sheet has them.
    if "取組の開始年度" in row.cells:
        measure["first_fiscal_year"] = row.year("取組の開始年度")
    if "取組の終了年度" in row.cells:
        measure["last_fiscal_year"] = row.year("取組の終了年度")
    if "終了の区分" in row.cells:
        measure["ending"] = row.word("終了の区分", ENDING_WORDS, "") or ""
    if "終了の説明" in row.cells:
        measure["ending_note"] = row.text("終了の説明")
    if "集約先の番号" in row.cells:
        code = row.text("集約先の番号")
        measure["merged_into"] = (
            {"code": code, "sub_number": row.integer("集約先の枝番", 1)} if code else None
        )
    return measure


def _department_rows(rows: list[_RowReader], measures: dict) -> None:
    """担当課."""
    for row in rows:
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


def _step_rows(rows: list[_RowReader], measures: dict) -> None:
    """年次計画: steps by 項目番号, and their years."""
    for row in rows:
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


def _target_rows(rows: list[_RowReader], measures: dict) -> None:
    """年度目標."""
    for row in rows:
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


def _indicator_rows(rows: list[_RowReader], measures: dict) -> None:
    """指標: each indicator of a measure by its 指標番号."""
    for row in rows:
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
            "_number": number,
            "_source": row.source,
        }
        if "値の基準" in row.cells:
            indicator["basis"] = row.word("値の基準", BASIS_WORDS, "single_year")
        measure["indicators"].append(indicator)


def _indicator_value_rows(rows: list[_RowReader], measures: dict) -> None:
    """指標の値: targets and actuals per indicator and year."""
    for row in rows:
        measure = _measure_key(row, measures)
        number = row.integer("指標番号")
        if measure is None or number is None:
            continue
        indicator = next((i for i in measure["indicators"] if i["_number"] == number), None)
        if indicator is None:
            row.problem("指標番号", f"指標番号 {number} は「指標」シートにありません。")
            continue
        year = {"fiscal_year": row.year("年度"), "_source": row.source}
        if row.text("目標値"):
            year["target"] = row.text("目標値")
        if row.text("実績値"):
            year["actual"] = row.text("実績値")
        indicator["years"].append(year)


def _effect_rows(rows: list[_RowReader], measures: dict) -> None:
    """効果額: per year and basis."""
    for row in rows:
        measure = _measure_key(row, measures)
        if measure is None:
            continue
        effect = {
            "fiscal_year": row.year("年度"),
            "planned_revenue": row.text("計画 歳入増（円）") or None,
            "planned_saving": row.text("計画 歳出削減（円）") or None,
            "actual_revenue": row.text("実績 歳入増（円）") or None,
            "actual_saving": row.text("実績 歳出削減（円）") or None,
            "note": row.text("備考"),
            "_source": row.source,
        }
        if "効果額の基準" in row.cells:
            effect["basis"] = row.word("効果額の基準", BASIS_WORDS, "single_year")
        measure["effects"].append(effect)


def _year_rows(rows: list[_RowReader], measures: dict) -> None:
    """年度評価."""
    for row in rows:
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


def _period_result_rows(rows: list[_RowReader], measures: dict) -> None:
    """計画期間の実績: at most one row per measure."""
    for row in rows:
        measure = _measure_key(row, measures)
        if measure is None:
            continue
        if measure.get("period_result"):
            row.problem("取組番号", "この取組の計画期間の実績は、先の行にもあります。")
            continue
        measure["period_result"] = {
            "grade": row.text("評価"),
            "status": row.text("実施状況"),
            "summary": row.text("計画期間の取組結果"),
            "_source": row.source,
        }


# Where each sheet of a measure's rows is read, in the order they are read.
MEASURE_SHEET_READERS = {
    "担当課": _department_rows,
    "年次計画": _step_rows,
    "年度目標": _target_rows,
    "指標": _indicator_rows,
    "指標の値": _indicator_value_rows,
    "効果額": _effect_rows,
    "年度評価": _year_rows,
    "計画期間の実績": _period_result_rows,
}


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
