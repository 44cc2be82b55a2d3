"""What the reform office grades when it reviews an entry: the measure's indicators with
their baseline, targets and actuals, each step's plan and actual for the year, the year's
效果額, last year's grade, and the computed grade with the ratio each indicator gave.

Everything is read in a fixed number of queries, whatever the size of the plan or the
number of entries in the round.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from measures.fiscal_years import fiscal_year_display
from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Step,
    StepYear,
)
from measures.round.grading import (
    GradeSuggestion,
    IndicatorAchievement,
    indicator_achievement,
    suggest_grade,
)
from measures.values import format_number

Kind = IndicatorValue.Kind


@dataclass
class IndicatorRow:
    indicator: Indicator
    baseline: IndicatorValue | None
    targets: list[IndicatorValue]
    actuals: list[IndicatorValue]
    target: IndicatorValue | None  # the year's own target, or the final one
    actual: IndicatorValue | None  # the year's actual
    achievement: IndicatorAchievement

    @property
    def baseline_when(self) -> str:
        if self.baseline is None:
            return ""
        if self.baseline.label:
            return self.baseline.label
        return fiscal_year_display(self.baseline.fiscal_year) if self.baseline.fiscal_year else ""


@dataclass
class StepRow:
    step: Step
    year: StepYear | None


@dataclass
class EffectRow:
    effect: EffectAmount

    @staticmethod
    def _yen(amount: int | None) -> str:
        return "—" if amount is None else format_number(amount, "円")

    @property
    def planned_revenue(self) -> str:
        return self._yen(self.effect.planned_revenue)

    @property
    def planned_saving(self) -> str:
        return self._yen(self.effect.planned_saving)

    @property
    def actual_revenue(self) -> str:
        return self._yen(self.effect.actual_revenue)

    @property
    def actual_saving(self) -> str:
        return self._yen(self.effect.actual_saving)


@dataclass
class ReviewSummary:
    evaluation: Evaluation
    measure: Measure
    year_display: str
    lead_departments: list[str]
    indicators: list[IndicatorRow]
    steps: list[StepRow]
    effects: list[EffectRow]
    last_year: Evaluation | None
    last_year_display: str
    suggestion: GradeSuggestion
    grades: list[Grade] = field(default_factory=list)

    @property
    def mean_percent(self) -> str:
        ratio = self.suggestion.ratio
        return "" if ratio is None else f"{(ratio * 100).quantize(Decimal(1))}%"

    @property
    def stored_grade_is_stale(self) -> bool:
        """The grade computed when the entry was saved is not what its figures give now
        (a target or baseline changed since)."""
        return self.evaluation.computed_grade_id != (
            self.suggestion.grade.pk if self.suggestion.grade else None
        )


def _measure_for_review(measure_id: int) -> Measure:
    return (
        Measure.objects.select_related("plan")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
            Prefetch("steps", queryset=Step.objects.prefetch_related("years")),
            "effects",
            Prefetch(
                "department_links",
                queryset=MeasureDepartment.objects.select_related("department"),
            ),
        )
        .get(pk=measure_id)
    )


def _indicator_row(indicator: Indicator, fiscal_year: int, achievement) -> IndicatorRow:
    values = list(indicator.values.all())
    targets = sorted((v for v in values if v.kind == Kind.TARGET), key=lambda v: v.fiscal_year)
    actuals = sorted((v for v in values if v.kind == Kind.ACTUAL), key=lambda v: v.fiscal_year)
    return IndicatorRow(
        indicator=indicator,
        baseline=next((v for v in values if v.kind == Kind.BASELINE), None),
        targets=targets,
        actuals=actuals,
        target=next((v for v in targets if v.fiscal_year == fiscal_year), None)
        or (targets[-1] if targets else None),
        actual=next((v for v in actuals if v.fiscal_year == fiscal_year), None),
        achievement=achievement,
    )


def review_summary(evaluation: Evaluation) -> ReviewSummary:
    """What is being graded in an entry, for the review form."""
    measure = _measure_for_review(evaluation.measure_id)
    year = evaluation.fiscal_year
    grades = list(measure.plan.grades.all())
    # Graded on the measure read here, whose indicators and values are prefetched.
    suggestion = suggest_grade(Evaluation(measure=measure, fiscal_year=year), grades)
    achievements = {a.indicator.pk: a for a in suggestion.indicators}
    indicators = [
        _indicator_row(
            indicator,
            year,
            achievements.get(indicator.pk) or indicator_achievement(indicator, year),
        )
        for indicator in measure.indicators.all()
    ]
    steps = [
        StepRow(step, next((y for y in step.years.all() if y.fiscal_year == year), None))
        for step in measure.steps.all()
    ]
    effects = [EffectRow(e) for e in measure.effects.all() if e.fiscal_year == year]
    last_year = (
        Evaluation.objects.select_related("proposed_grade", "computed_grade", "final_grade")
        .filter(measure_id=measure.pk, fiscal_year=year - 1)
        .first()
    )
    return ReviewSummary(
        evaluation=evaluation,
        measure=measure,
        year_display=fiscal_year_display(year),
        lead_departments=[
            link.department.name
            for link in measure.department_links.all()
            if link.role == MeasureDepartment.Role.LEAD
        ],
        indicators=indicators,
        steps=steps,
        effects=effects,
        last_year=last_year,
        last_year_display=fiscal_year_display(year - 1),
        suggestion=suggestion,
        grades=grades,
    )
