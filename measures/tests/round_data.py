"""A round of many entries built in bulk, for tests that compare 10 entries with 1,000."""

import datetime
from decimal import Decimal

from measures.models import (
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Round,
    Step,
    StepYear,
)
from measures.tests.factories import make_grades, make_plan

Status = Evaluation.ReviewStatus
STATUS_CYCLE = [Status.NOT_STARTED, Status.DRAFT, Status.SUBMITTED, Status.RETURNED]


def make_round_with_entries(city, departments, count: int, *, fiscal_year: int = 2021):
    """A plan of `count` measures, each led by one of `departments` (the first measure by
    two), with an indicator, a step and an entry of the year in one of the open statuses."""
    plan = make_plan(city, name=f"{count}件の計画", first=2020, last=2024)
    grades = make_grades(plan)
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, code=str(n + 1), title=f"取組{n + 1}", order=n) for n in range(count)
    )
    links = [
        MeasureDepartment(measure=m, department=departments[n % len(departments)])
        for n, m in enumerate(measures)
    ]
    if len(departments) > 1:
        links.append(MeasureDepartment(measure=measures[0], department=departments[1], order=1))
    MeasureDepartment.objects.bulk_create(links)
    indicators = Indicator.objects.bulk_create(
        Indicator(measure=m, name="件数", unit="件", direction=Indicator.Direction.INCREASE)
        for m in measures
    )
    IndicatorValue.objects.bulk_create(
        value
        for i in indicators
        for value in (
            IndicatorValue(indicator=i, kind=IndicatorValue.Kind.BASELINE, value=Decimal(0)),
            IndicatorValue(
                indicator=i, kind=IndicatorValue.Kind.TARGET, fiscal_year=fiscal_year, value=100
            ),
            IndicatorValue(
                indicator=i, kind=IndicatorValue.Kind.ACTUAL, fiscal_year=fiscal_year, value=60
            ),
        )
    )
    steps = Step.objects.bulk_create(Step(measure=m, title="実施") for m in measures)
    StepYear.objects.bulk_create(
        StepYear(step=s, fiscal_year=fiscal_year, planned="実施", actual="実施") for s in steps
    )
    round_ = Round.objects.create(
        plan=plan, fiscal_year=fiscal_year, deadline=datetime.date(fiscal_year + 1, 5, 31)
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            measure=m,
            fiscal_year=fiscal_year,
            review_status=STATUS_CYCLE[n % len(STATUS_CYCLE)],
            proposed_grade=grades["A"],
            computed_grade=grades["C"],
        )
        for n, m in enumerate(measures)
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            measure=m,
            fiscal_year=fiscal_year - 1,
            review_status=Status.APPROVED,
            final_grade=grades["B"],
        )
        for m in measures
    )
    return plan, round_
