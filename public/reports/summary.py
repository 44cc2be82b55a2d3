"""The summary sections a report leads with, counted from its frozen content by the same
rules as the plan page (public.statistics, measures.goals): grade and status counts per top
pillar with 評価対象 / 対象外 / 合計 and half-up shares, 効果額 per pillar and year with 小計 /
合計 and the 歳入増 / 歳出削減 split, and plan-level goals with their progress rates."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from measures.goals import GoalProgress, goal_progress
from measures.models import PlanGoal, PlanGoalResult, ReportLayout
from public import statistics
from public.published import EffectOutline, MeasureOutline

Section = ReportLayout.Section


@dataclass(frozen=True)
class PillarNode:
    """A top pillar of the content, standing in for a Pillar row in the counting helpers."""

    pk: int
    label: str

    def __str__(self) -> str:
        return self.label


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _outlines(document: dict, grade_pk: dict, status_pk: dict) -> tuple[list, list, dict]:
    roots: dict[str, PillarNode] = {}
    for index, node in enumerate(document.get("pillars", []), start=1):
        key = node.get("code") or node.get("title")
        roots[key] = PillarNode(index, f"{node.get('code', '')} {node.get('title', '')}".strip())
    outlines = []
    for measure in document.get("measures", []):
        path = measure.get("pillar") or []
        root = roots.get(path[0]) if path else None
        outline = MeasureOutline(
            root.pk if root else None,
            measure.get("first_fiscal_year"),
            measure.get("last_fiscal_year"),
        )
        for entry in measure.get("years", []):
            outline.entries.add(entry["fiscal_year"])
            outline.grades[entry["fiscal_year"]] = grade_pk.get(entry.get("grade") or "")
            outline.statuses[entry["fiscal_year"]] = status_pk.get(entry.get("status") or "")
        for effect in measure.get("effects", []):
            outline.effects.append(
                EffectOutline(
                    effect["fiscal_year"],
                    effect.get("basis") or "single_year",
                    effect.get("planned_revenue"),
                    effect.get("planned_saving"),
                    effect.get("actual_revenue"),
                    effect.get("actual_saving"),
                )
            )
        outlines.append(outline)
    nodes = list(roots.values())
    return outlines, nodes, {node.pk: node for node in nodes}


def _goals(plan: dict, places: int) -> list[GoalProgress]:
    goals = []
    for goal in plan.get("goals") or []:
        target = goal.get("target") or {}
        row = PlanGoal(
            name=goal.get("name", ""),
            target_value=_decimal(target.get("value")),
            target_unit=target.get("unit") or "",
            target_text=target.get("text") or "",
            note=goal.get("note") or "",
        )
        results = []
        for year in goal.get("years", []):
            result = year.get("result") or {}
            results.append(
                PlanGoalResult(
                    fiscal_year=year["fiscal_year"],
                    value=_decimal(result.get("value")),
                    unit=result.get("unit") or "",
                    text=result.get("text") or "",
                    cumulative=_decimal(year.get("cumulative")),
                )
            )
        goals.append(goal_progress(row, results, places))
    return goals


def summary_sections(document: dict, year: int, sections: list[str]) -> list[dict]:
    """The chosen sections in the layout's order, each with what its table prints; a section
    the content has nothing for (no grades in the plan, no effect amounts) is left out."""
    plan = document["plan"]
    places = plan.get("share_decimal_places", 1)
    grades = [
        statistics.Category(index, g["code"], g.get("label", g["code"]), g.get("rated", True))
        for index, g in enumerate(plan.get("grade_scheme", []), start=1)
    ]
    statuses = [
        statistics.Category(index, label, label)
        for index, label in enumerate(plan.get("status_scheme", []) or [], start=1)
    ]
    outlines, roots, root_of = _outlines(
        document, {c.code: c.pk for c in grades}, {c.code: c.pk for c in statuses}
    )
    earlier = sorted({y for o in outlines for y in o.entries if y < year})
    previous = earlier[-1] if earlier else None
    years = list(range(plan["first_fiscal_year"], year + 1))
    found = []
    for section in sections:
        if section in (Section.GRADE_COUNTS, Section.STATUS_COUNTS):
            is_grade = section == Section.GRADE_COUNTS
            categories = grades if is_grade else statuses
            if not categories:
                continue
            rows = statistics.tally_rows(
                outlines,
                categories,
                roots,
                root_of,
                (lambda m, y: m.grades.get(y)) if is_grade else (lambda m, y: m.statuses.get(y)),
                year,
                previous,
                places,
            )
            if not any(row.counted for row in rows):
                continue
            found.append(
                {"kind": section, "rows": rows, "categories": categories, "previous": previous}
            )
        elif section == Section.EFFECTS:
            tables = statistics.effect_tables(outlines, roots, root_of, years)
            if tables:
                found.append(
                    {"kind": section, "tables": tables, "years": years, "parts": statistics.PARTS}
                )
        elif section == Section.GOALS:
            goals = _goals(plan, places)
            if goals:
                found.append({"kind": section, "goals": goals})
    return found
