"""Computed grade suggestions from a measure's indicators and its plan's grade scheme.

For each indicator with a number for the baseline, the target and the year's actual:

    achievement = (actual − baseline) / (target − baseline)

measured from the baseline towards the target, so it reads the same whether lower is better
(未収債権額 982 → 835 against 700 is 52 %) or higher is better (寄附額 31,133 → 164,687
against 150,000 is 112 %). The target is the year's own target when the plan sets one, and
the final target (that of the latest year) otherwise. Money in different units (百万円, 千円)
is compared in yen; other differing units leave the indicator out.

A measure's achievement is the mean of its indicators' achievements, each held between 0 %
and 100 % first, so that one indicator far beyond its target cannot hide another that falls
short. The grade is the best one of the plan's scheme whose minimum ratio it reaches; below
every minimum it is the rated grade without a minimum (001's D). There is no suggestion when
the plan's grades have no ratios (004's qualitative A–D), when an indicator cannot be set,
or when no indicator has the numbers needed (text milestones such as 見直し・反映).

A computed grade is a suggestion: the reform office sets the final grade and records why
when it differs (001 published 正規職員数 as B although it computes to D).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from measures.models import Evaluation, Grade, Indicator, IndicatorValue
from measures.values import YEN_MULTIPLIERS

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class IndicatorAchievement:
    indicator: Indicator
    ratio: Decimal | None
    reason: str = ""

    @property
    def percent(self) -> str:
        return "" if self.ratio is None else f"{(self.ratio * 100).quantize(ONE)}%"


@dataclass
class GradeSuggestion:
    grade: Grade | None
    ratio: Decimal | None
    indicators: list[IndicatorAchievement] = field(default_factory=list)
    reason: str = ""

    @property
    def percent(self) -> str:
        """The measure's mean achievement, as the form shows it: 68%."""
        return "" if self.ratio is None else f"{(self.ratio * 100).quantize(ONE)}%"


def _comparable(value: IndicatorValue, unit: str) -> Decimal | None:
    """The value in the given unit, converting between money units; None if impossible."""
    if value.value is None:
        return None
    if value.unit == unit or not value.unit or not unit:
        return value.value
    if value.unit in YEN_MULTIPLIERS and unit in YEN_MULTIPLIERS:
        return value.value * YEN_MULTIPLIERS[value.unit] / YEN_MULTIPLIERS[unit]
    return None


def indicator_achievement(indicator: Indicator, fiscal_year: int) -> IndicatorAchievement:
    """Achievement of one indicator in a fiscal year; works on prefetched `values`."""
    if indicator.not_settable:
        return IndicatorAchievement(indicator, None, "指標の設定困難")
    if indicator.direction == Indicator.Direction.MILESTONE:
        return IndicatorAchievement(indicator, None, "文章で示す目標")
    values = list(indicator.values.all())
    baseline = next((v for v in values if v.kind == IndicatorValue.Kind.BASELINE), None)
    actual = next(
        (
            v
            for v in values
            if v.kind == IndicatorValue.Kind.ACTUAL and v.fiscal_year == fiscal_year
        ),
        None,
    )
    targets = sorted(
        (v for v in values if v.kind == IndicatorValue.Kind.TARGET), key=lambda v: v.fiscal_year
    )
    target = next((v for v in targets if v.fiscal_year == fiscal_year), None) or (
        targets[-1] if targets else None
    )
    missing = [
        name
        for name, value in (("現状値", baseline), ("目標値", target), ("実績値", actual))
        if value is None or value.value is None
    ]
    if missing:
        return IndicatorAchievement(indicator, None, "数値がありません: " + "・".join(missing))
    unit = target.unit
    numbers = [_comparable(v, unit) for v in (baseline, target, actual)]
    if any(number is None for number in numbers):
        return IndicatorAchievement(indicator, None, "単位が異なります")
    start, goal, reached = numbers
    if goal == start:
        lower_is_better = indicator.direction == Indicator.Direction.DECREASE
        met = reached <= goal if lower_is_better else reached >= goal
        return IndicatorAchievement(indicator, ONE if met else ZERO)
    return IndicatorAchievement(indicator, (reached - start) / (goal - start))


def grade_for_ratio(grades: list[Grade], ratio: Decimal) -> Grade | None:
    rated = [grade for grade in grades if grade.is_rated]
    thresholds = sorted(
        (grade for grade in rated if grade.min_ratio is not None),
        key=lambda grade: grade.min_ratio,
        reverse=True,
    )
    if not thresholds:
        return None
    for grade in thresholds:
        if ratio >= grade.min_ratio:
            return grade
    floor = [grade for grade in rated if grade.min_ratio is None]
    return max(floor, key=lambda grade: grade.order) if floor else thresholds[-1]


def suggest_grade(evaluation: Evaluation, grades: list[Grade] | None = None) -> GradeSuggestion:
    """The computed grade for an evaluation. `grades` (the plan's, ordered) and the measure's
    indicators with their values may be prefetched to keep this free of queries."""
    measure = evaluation.measure
    if grades is None:
        grades = list(measure.plan.grades.all())
    if not any(grade.min_ratio is not None for grade in grades):
        return GradeSuggestion(None, None, reason="評価区分に達成率の基準がありません")
    indicators = list(measure.indicators.all())
    if not indicators:
        return GradeSuggestion(None, None, reason="指標がありません")
    achievements = [indicator_achievement(i, evaluation.fiscal_year) for i in indicators]
    if any(a.indicator.not_settable for a in achievements):
        return GradeSuggestion(None, None, achievements, "指標の設定困難")
    ratios = [a.ratio for a in achievements if a.ratio is not None]
    if not ratios:
        return GradeSuggestion(None, None, achievements, "達成率を計算できる指標がありません")
    mean = sum(min(max(r, ZERO), ONE) for r in ratios) / len(ratios)
    return GradeSuggestion(grade_for_ratio(grades, mean), mean, achievements)
