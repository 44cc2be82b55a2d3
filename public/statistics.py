"""Counts and totals of a plan's published years, overall and per pillar, as cities print
them: grades or implementation statuses with their shares (評価対象 / 対象外 / 合計), and
effect amounts per year with 小計 per pillar, 合計, and the split into 歳入増 and 歳出削減.

Only measures active in a year are counted in it; shares are rounded half up (四捨五入) to
the plan's number of decimal places.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from measures.models import EffectAmount, Grade, Pillar, Plan
from public.published import MeasureOutline
from public.templatetags.reform_format import money


def rounded_share(count: int, total: int, places: int) -> Decimal | None:
    """count ÷ total as a percentage, rounded half up (12.25 → 12.3 with one place)."""
    if not total:
        return None
    return (Decimal(count) * 100 / total).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@dataclass(frozen=True)
class Category:
    """A class that is counted: a grade or an implementation status."""

    pk: int
    code: str
    label: str
    counted: bool = True  # shares are of counted (評価対象) items; 対象外 classes are not


@dataclass
class Count:
    category: Category
    count: int
    share: Decimal | None
    change: int | None  # against the previous published year


@dataclass
class TallyRow:
    label: str
    pillar: Pillar | None
    counts: list[Count] = field(default_factory=list)
    counted: int = 0  # 評価対象
    excluded: int = 0  # 対象外: active but without a counted class
    total: int = 0  # 合計: active in the year


def tally_rows(
    measures: Sequence[MeasureOutline],
    categories: Sequence[Category],
    roots: Sequence[Pillar],
    root_of: dict[int, Pillar],
    of_year: Callable[[MeasureOutline, int], int | None],
    year: int,
    previous: int | None,
    places: int,
) -> list[TallyRow]:
    """The overall row first, then one row per top pillar; `of_year(measure, year)` gives
    the measure's category id in a year (None when it has none)."""
    by_pk = {category.pk: category for category in categories}
    groups: list[tuple[str, Pillar | None, Sequence[MeasureOutline]]] = [("全体", None, measures)]
    for root in roots:
        members = [m for m in measures if m.pillar_id and root_of[m.pillar_id].pk == root.pk]
        groups.append((str(root), root, members))
    rows = []
    for label, pillar, members in groups:
        now = [by_pk.get(of_year(m, year)) for m in members if m.is_active(year)]
        before = (
            [by_pk.get(of_year(m, previous)) for m in members if m.is_active(previous)]
            if previous
            else None
        )
        counted = sum(1 for c in now if c is not None and c.counted)
        row = TallyRow(label, pillar, counted=counted, excluded=len(now) - counted, total=len(now))
        for category in categories:
            count = sum(1 for c in now if c is category)
            share = rounded_share(count, counted, places) if category.counted else None
            change = None
            if before is not None:
                change = count - sum(1 for c in before if c is category)
            row.counts.append(Count(category, count, share, change))
        rows.append(row)
    return rows


def grade_categories(grades: Sequence[Grade]) -> list[Category]:
    return [Category(grade.pk, grade.code, grade.label, grade.is_rated) for grade in grades]


def status_categories(plan: Plan) -> list[Category]:
    return [Category(status.pk, status.label, status.label) for status in plan.statuses.all()]


@dataclass
class EffectRow:
    """One line of the effect table: a pillar's (or the plan's) 歳入増, 歳出削減 or their sum,
    planned and actual per year."""

    label: str
    part: str  # "revenue" | "saving" | "total"
    by_year: dict[int, dict[str, int | None]]
    cumulative: bool

    def cells(self, years: Sequence[int], unit: str, saving_mark: str) -> list[str]:
        """Each year's cell, then the period's, as "planned／actual" in the plan's unit,
        savings marked as the plan marks them and "—" where there is no value."""

        def amount(value: int | None) -> str:
            if value is None:
                return "—"
            mark = saving_mark if self.part == "saving" and value else ""
            return f"{mark}{money(value, unit)}"

        cells = [self.by_year.get(year) or {} for year in years] + [self.period]
        return [f"{amount(c.get('planned'))}／{amount(c.get('actual'))}" for c in cells]

    @property
    def period(self) -> dict[str, int | None]:
        """The whole period: the sum of single-year figures; for cumulative figures, the
        latest year's (a running total already)."""
        result: dict[str, int | None] = {}
        for key in ("planned", "actual"):
            values = [cell[key] for _year, cell in sorted(self.by_year.items())]
            present = [value for value in values if value is not None]
            if not present:
                result[key] = None
            else:
                result[key] = present[-1] if self.cumulative else sum(present)
        return result


@dataclass
class EffectTable:
    basis: str
    rows: list[EffectRow]


PARTS = (("revenue", "歳入増"), ("saving", "歳出削減"), ("total", "計"))


def effect_tables(
    measures: Sequence[MeasureOutline],
    roots: Sequence[Pillar],
    root_of: dict[int, Pillar],
    years: Sequence[int],
) -> list[EffectTable]:
    """効果額 per basis (単年度 / 累計): for each top pillar (小計) and the plan (合計), the
    歳入増, 歳出削減 and their sum per year, planned and actual. Actuals are the outlines'
    (already only where public). Bases and lines without any amount are left out."""
    # One pass over the effects: each adds to its top pillar's lines and to the plan's.
    groups = [str(root) for root in roots] + ["合計"]
    index_of_root = {root.pk: index for index, root in enumerate(roots)}
    total = len(groups) - 1
    wanted = set(years)
    tables = []
    for basis in sorted({effect.basis for m in measures for effect in m.effects}):
        sums = {
            (group, part): {year: {"planned": None, "actual": None} for year in years}
            for group in range(len(groups))
            for part, _word in PARTS
        }
        for measure in measures:
            root = index_of_root.get(root_of[measure.pillar_id].pk) if measure.pillar_id else None
            targets = (total,) if root is None else (root, total)
            for effect in measure.effects:
                if effect.basis != basis or effect.fiscal_year not in wanted:
                    continue
                for key in ("planned", "actual"):
                    revenue = getattr(effect, f"{key}_revenue")
                    saving = getattr(effect, f"{key}_saving")
                    amounts = (
                        ("revenue", revenue),
                        ("saving", saving),
                        ("total", EffectAmount.total_of(revenue, saving)),
                    )
                    for part, amount in amounts:
                        if amount is None:
                            continue
                        for group in targets:
                            cell = sums[group, part][effect.fiscal_year]
                            cell[key] = (cell[key] or 0) + amount
        rows = [
            EffectRow(label, part, sums[group, part], basis == "cumulative")
            for group, label in enumerate(groups)
            for part, _word in PARTS
            if any(
                value is not None for cell in sums[group, part].values() for value in cell.values()
            )
        ]
        if rows:
            tables.append(EffectTable(basis, rows))
    return tables
