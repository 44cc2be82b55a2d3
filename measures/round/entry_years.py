"""One year's entry of a measure as the staff pages show it: the evaluation with the year's
indicator actuals, step rows and effect amount, read from a measure whose indicators (with
values), steps (with years) and effects are prefetched, so that showing it costs no query."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_display
from measures.models import EffectAmount, Evaluation, Grade, IndicatorValue, Measure, StepYear


@dataclass
class YearEntry:
    evaluation: Evaluation
    actual_by_indicator: dict[int, IndicatorValue] = field(default_factory=dict)
    step_by_id: dict[int, StepYear] = field(default_factory=dict)
    effect: EffectAmount | None = None

    @property
    def fiscal_year(self) -> int:
        return self.evaluation.fiscal_year

    @property
    def year_display(self) -> str:
        return fiscal_year_display(self.evaluation.fiscal_year)

    @property
    def grade(self) -> Grade | None:
        """The grade that counted: the office's final grade, else the department's proposal."""
        return self.evaluation.final_grade or self.evaluation.proposed_grade

    @property
    def grade_kind(self) -> str:
        if self.evaluation.final_grade_id:
            return _("確定した評価")
        return _("担当課の評価案")


def year_entry(evaluation: Evaluation, measure: Measure) -> YearEntry:
    """The entry's year as shown to staff, from the prefetched `measure`."""
    year = evaluation.fiscal_year
    actuals = {}
    for indicator in measure.indicators.all():
        for value in indicator.values.all():
            if value.kind == IndicatorValue.Kind.ACTUAL and value.fiscal_year == year:
                actuals[indicator.pk] = value
    steps = {}
    for step in measure.steps.all():
        for row in step.years.all():
            if row.fiscal_year == year:
                steps[step.pk] = row
    effect = next((e for e in measure.effects.all() if e.fiscal_year == year), None)
    return YearEntry(evaluation, actuals, steps, effect)


def last_year_entry(evaluation: Evaluation, measure: Measure) -> YearEntry | None:
    """The measure's latest entry of an earlier year (one query), or None in its first year."""
    previous = (
        Evaluation.objects.filter(
            measure_id=evaluation.measure_id, fiscal_year__lt=evaluation.fiscal_year
        )
        .select_related("proposed_grade", "final_grade")
        .order_by("-fiscal_year")
        .first()
    )
    return year_entry(previous, measure) if previous else None
