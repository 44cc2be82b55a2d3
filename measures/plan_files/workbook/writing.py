"""A plan document as the template's tables, one writer per sheet."""

from decimal import Decimal
from typing import Any

from measures.plan_files.workbook.reviews import review_tables
from measures.plan_files.workbook.template import (
    BASIS_WORDS,
    DIRECTION_WORDS,
    ENDING_WORDS,
    PLAN_FIELDS,
    REVIEW_WORDS,
    ROLE_WORDS,
    SHEETS,
)

Tables = dict[str, list[list[Any]]]


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
    """A value as a cell: its original text, or the bare number when it has none."""
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


def _word(words: dict[str, str], value: str | None) -> str:
    """A choice as the template writes it; a value already in words passes as it is."""
    return words.get(value or "", value or "")


def _mark(flag: Any) -> str:
    return "○" if flag else ""


def document_to_tables(document: dict) -> Tables:
    tables: Tables = {sheet.name: [] for sheet in SHEETS}
    plan = document["plan"]
    _plan_sheet(tables["計画"], document)
    for department in document.get("departments") or []:
        name = department if isinstance(department, str) else department.get("name", "")
        tables["部署"].append([name])
    for section in plan.get("sections") or []:
        tables["前文"].append([section.get("heading", ""), section.get("body", "")])
    _grade_sheet(tables["評価区分"], plan.get("grade_scheme") or [])
    for label in plan.get("status_scheme") or []:
        tables["実施状況"].append([label])
    _pillar_sheet(tables["体系"], document.get("pillars") or [], [])
    for measure in document.get("measures") or []:
        key = [measure["code"], measure.get("sub_number") or 1]
        _measure_sheet(tables["取組"], measure)
        _department_sheet(tables["担当課"], key, measure)
        _step_sheet(tables["年次計画"], key, measure)
        for target in measure.get("targets") or []:
            tables["年度目標"].append(
                [*key, target["fiscal_year"], target.get("status", ""), target.get("goal", "")]
            )
        _indicator_sheets(tables["指標"], tables["指標の値"], key, measure)
        _effect_sheet(tables["効果額"], key, measure)
        _year_sheet(tables["年度評価"], key, measure)
        result = measure.get("period_result")
        if result:
            tables["計画期間の実績"].append(
                [*key, result.get("grade", ""), result.get("status", ""), result.get("summary", "")]
            )
    _goal_sheets(tables["主要目標"], tables["主要目標の実績"], plan.get("goals") or [])
    for publication in plan.get("publications") or []:
        tables["公表"].append([publication["fiscal_year"], publication.get("published_on") or ""])
    review_tables(document.get("review_bodies") or [], tables)
    return tables


def _plan_sheet(rows: list, document: dict) -> None:
    """計画: one row per item."""
    for column in PLAN_FIELDS:
        value = _get(document, column.key)
        rows.append([column.header, "" if value is None else value])


def _grade_sheet(rows: list, scheme: list) -> None:
    """評価区分: best first; 評価済みとして数える is ○ or × (never blank on export)."""
    for grade in scheme:
        ratio = grade.get("min_ratio")
        rows.append(
            [
                grade.get("code", ""),
                grade.get("label", ""),
                grade.get("definition", ""),
                None if ratio in (None, "") else Decimal(str(ratio)),
                "○" if grade.get("rated", True) else "×",
            ]
        )


def _pillar_sheet(rows: list, nodes: list, path: list[str]) -> None:
    """体系: each node below the numbers of the nodes above it."""
    for node in nodes:
        key = [*path, node.get("code") or node.get("title", "")]
        rows.append([*[*key, "", "", ""][:3], node.get("title", ""), node.get("aim", "")])
        _pillar_sheet(rows, node.get("children") or [], key)


def _measure_sheet(rows: list, measure: dict) -> None:
    """取組: one row per measure."""
    pillar = [*(measure.get("pillar") or []), "", "", ""][:3]
    co_creation = measure.get("co_creation") or {}
    merged_into = measure.get("merged_into") or {}
    rows.append(
        [
            measure["code"],
            measure.get("sub_number") or 1,
            measure.get("mark", ""),
            *pillar,
            measure.get("title", ""),
            measure.get("status", ""),
            _mark(measure.get("citywide")),
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
            measure.get("first_fiscal_year"),
            measure.get("last_fiscal_year"),
            _word(ENDING_WORDS, measure.get("ending")),
            merged_into.get("code", ""),
            merged_into.get("sub_number") if merged_into else None,
            measure.get("ending_note", ""),
        ]
    )


def _department_sheet(rows: list, key: list, measure: dict) -> None:
    """担当課: a measure's lead and related departments."""
    for link in measure.get("departments") or []:
        rows.append(
            [
                *key,
                link["name"],
                ROLE_WORDS.get(link.get("role", "lead")),
                _mark(link.get("primary")),
            ]
        )


def _step_sheet(rows: list, key: list, measure: dict) -> None:
    """年次計画: one row per step and year (a step without years gets one row)."""
    for number, step in enumerate(measure.get("steps") or [], start=1):
        years = step.get("years") or []
        base = [*key, number, step.get("title", ""), step.get("department", "")]
        if not years:
            rows.append([*base, None, "", "", "", ""])
        for year in years:
            rows.append(
                [
                    *base,
                    year["fiscal_year"],
                    year.get("planned", ""),
                    year.get("actual", ""),
                    year.get("progress", ""),
                    year.get("next", ""),
                ]
            )


def _indicator_sheets(indicator_rows: list, value_rows: list, key: list, measure: dict) -> None:
    """指標 and 指標の値: each indicator, then its targets and actuals per year."""
    for number, indicator in enumerate(measure.get("indicators") or [], start=1):
        baseline = indicator.get("baseline")
        baseline_value = baseline
        baseline_year = baseline_label = None
        if isinstance(baseline, dict) and ("fiscal_year" in baseline or "label" in baseline):
            baseline_year = baseline.get("fiscal_year")
            baseline_label = baseline.get("label")
            baseline_value = {k: baseline.get(k) for k in ("value", "unit", "text")}
        indicator_rows.append(
            [
                *key,
                number,
                indicator.get("name", ""),
                indicator.get("unit", ""),
                DIRECTION_WORDS.get(indicator.get("direction") or "increase"),
                _mark(indicator.get("not_settable")),
                indicator.get("description", ""),
                _value_cell(baseline_value),
                baseline_year,
                baseline_label or "",
                _word(BASIS_WORDS, indicator.get("basis") or "single_year"),
            ]
        )
        for year in indicator.get("years") or []:
            value_rows.append(
                [
                    *key,
                    number,
                    year["fiscal_year"],
                    _value_cell(year.get("target")),
                    _value_cell(year.get("actual")),
                ]
            )


def _effect_sheet(rows: list, key: list, measure: dict) -> None:
    """効果額: one row per year and basis."""
    for effect in measure.get("effects") or []:
        rows.append(
            [
                *key,
                effect["fiscal_year"],
                effect.get("planned_revenue"),
                effect.get("planned_saving"),
                effect.get("actual_revenue"),
                effect.get("actual_saving"),
                effect.get("note", ""),
                _word(BASIS_WORDS, effect.get("basis") or "single_year"),
            ]
        )


def _year_sheet(rows: list, key: list, measure: dict) -> None:
    """年度評価: one row per year."""
    for year in measure.get("years") or []:
        rows.append(
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


def _goal_sheets(goal_rows: list, result_rows: list, goals: list) -> None:
    """主要目標 and 主要目標の実績."""
    for goal in goals:
        goal_rows.append([goal["name"], _value_cell(goal.get("target")), goal.get("note", "")])
        for year in goal.get("years") or []:
            result_rows.append(
                [
                    goal["name"],
                    year["fiscal_year"],
                    _value_cell(year.get("result")),
                    _value_cell(year.get("cumulative")),
                ]
            )
