"""Grade counts and effect totals of a plan's published year, overall and per pillar."""

from dataclasses import dataclass, field
from decimal import Decimal

from measures.models import Grade, Pillar
from public.published import MeasureOutline


@dataclass
class GradeCount:
    grade: Grade
    count: int
    share: Decimal | None  # of rated measures; None for a grade that is not rated
    change: int | None  # against the previous published year


@dataclass
class GradeRow:
    label: str
    pillar: Pillar | None
    counts: list[GradeCount] = field(default_factory=list)
    ungraded: int = 0
    rated: int = 0


def grade_rows(
    measures: list[MeasureOutline],
    grades: list[Grade],
    roots: list[Pillar],
    root_of: dict[int, Pillar],
    year: int,
    previous: int | None,
) -> list[GradeRow]:
    """The overall row first, then one row per top pillar."""
    grade_of = {grade.pk: grade for grade in grades}
    groups: list[tuple[str, Pillar | None, list[MeasureOutline]]] = [("全体", None, measures)]
    for root in roots:
        members = [m for m in measures if m.pillar_id and root_of[m.pillar_id].pk == root.pk]
        groups.append((str(root), root, members))
    rows = []
    for label, pillar, members in groups:
        now = [grade_of.get(m.grades.get(year)) for m in members]
        before = [grade_of.get(m.grades.get(previous)) for m in members] if previous else None
        rated = sum(1 for g in now if g is not None and g.is_rated)
        row = GradeRow(label, pillar, rated=rated, ungraded=sum(1 for g in now if g is None))
        for grade in grades:
            count = sum(1 for g in now if g is not None and g.pk == grade.pk)
            share = (
                (Decimal(count) / rated * 100).quantize(Decimal("0.1"))
                if grade.is_rated and rated
                else None
            )
            change = None
            if before is not None:
                change = count - sum(1 for g in before if g is not None and g.pk == grade.pk)
            row.counts.append(GradeCount(grade, count, share, change))
        rows.append(row)
    return rows


@dataclass
class EffectRow:
    label: str
    by_year: dict[int, dict[str, int]]

    @property
    def total(self) -> dict[str, int]:
        return {
            key: sum(year[key] for year in self.by_year.values()) for key in ("planned", "actual")
        }


def effect_rows(
    measures: list[MeasureOutline],
    roots: list[Pillar],
    root_of: dict[int, Pillar],
    years: list[int],
    shown_years: set[int],
) -> list[EffectRow]:
    """効果額 (歳入増 + 歳出削減) per top pillar and year: planned for every year, actual only
    for published years. Rows without any amount are left out."""

    def amounts(members: list[MeasureOutline]) -> dict[int, dict[str, int]]:
        table = {year: {"planned": 0, "actual": 0} for year in years}
        for measure in members:
            for fiscal_year, planned, actual in measure.effects:
                if fiscal_year not in table:
                    continue
                table[fiscal_year]["planned"] += planned or 0
                if fiscal_year in shown_years:
                    table[fiscal_year]["actual"] += actual or 0
        return table

    rows = []
    for root in roots:
        members = [m for m in measures if m.pillar_id and root_of[m.pillar_id].pk == root.pk]
        rows.append(EffectRow(str(root), amounts(members)))
    rows.append(EffectRow("合計", amounts(measures)))
    if not any(v["planned"] or v["actual"] for row in rows for v in row.by_year.values()):
        return []
    return rows
