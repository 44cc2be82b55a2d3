"""A plan document as the template's tables, one row list per sheet."""

from decimal import Decimal
from typing import Any

from measures.plan_files.workbook.template import (
    DIRECTION_WORDS,
    PLAN_FIELDS,
    REVIEW_WORDS,
    ROLE_WORDS,
    SHEETS,
)


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
