"""A plan with one row of every kind the admin shows, its names marked with whose it is.

Admin tests walk the registered admins over it: every change list, filter, form and history
page has a row to show, and a name of another municipality's plan is easy to spot.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from measures.models import (
    CoCreationActor,
    EffectAmount,
    Evaluation,
    Indicator,
    Measure,
    PeriodResult,
    Pillar,
    Plan,
    PlanGoal,
    PlanGoalResult,
    PlanSection,
    Report,
    ReportColumn,
    ReportLayout,
    Round,
    Step,
    StepYear,
    YearlyTarget,
)
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_indicator,
    make_measure,
    make_pillar,
    make_plan,
    make_status,
    make_value,
)
from municipalities.models import Department, Municipality
from municipalities.tests.base import make_department, make_staff
from reviews.models import Opinion, SelfEvaluation
from reviews.tests.factories import make_body, make_question, make_round, make_unit


@dataclass
class FullPlan:
    city: Municipality
    department: Department
    staff: object
    plan: Plan
    pillar: Pillar
    measure: Measure
    indicator: Indicator
    step: Step
    evaluation: Evaluation
    round: Round
    report: Report


def make_full_plan(city: Municipality, marker: str, username: str) -> FullPlan:
    """A private plan of `city` whose every name starts with `marker`, with a submitted
    entry for 2021 waiting for review; `username` is its department staff member's."""
    department = make_department(city, f"{marker}総務課")
    staff = make_staff(username, city, [department])
    plan = make_plan(city, name=f"{marker}行政改革計画", first=2020, last=2024, is_public=False)
    PlanSection.objects.create(plan=plan, heading=f"{marker}の見出し")
    grades = make_grades(plan)
    status = make_status(plan, label=f"{marker}の実施状況")
    pillar = make_pillar(plan, title=f"{marker}の柱")
    child = make_pillar(plan, code="(1)", title=f"{marker}の小柱", parent=pillar)
    measure = make_measure(plan, title=f"{marker}の取組", pillar=child, lead=department)
    measure.co_creation_actors.add(CoCreationActor.objects.get_or_create(name="市民")[0])
    indicator = make_indicator(measure, name=f"{marker}の指標")
    make_value(indicator, "target", 2021, 10)
    step = Step.objects.create(measure=measure, title=f"{marker}の事業")
    step.departments.add(department)
    StepYear.objects.create(step=step, fiscal_year=2021, planned="実施")
    YearlyTarget.objects.create(measure=measure, fiscal_year=2021, status=status, goal="実施")
    EffectAmount.objects.create(measure=measure, fiscal_year=2021, actual_saving=1000)
    PeriodResult.objects.create(measure=measure, status=status, summary=f"{marker}の期間の実績")
    goal = PlanGoal.objects.create(plan=plan, name=f"{marker}の主要目標", target_text="10人削減")
    PlanGoalResult.objects.create(goal=goal, fiscal_year=2021, value=3, unit="人")
    evaluation = make_evaluation(
        measure,
        2021,
        do_text=f"{marker}の取組状況",
        proposed_grade=grades["B"],
        review_status=Evaluation.ReviewStatus.SUBMITTED,
        submitted_by=staff,
        submitted_at=timezone.now(),
    )
    round_ = Round.objects.create(
        plan=plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), opened_by=staff
    )
    report = Report.objects.create(
        plan=plan, fiscal_year=2020, published_at=timezone.now(), content={"measures": []}
    )
    layout = ReportLayout.objects.create(plan=plan, name=f"{marker}進捗報告の様式")
    ReportColumn.objects.create(layout=layout, field="title", heading=f"{marker}取組")
    # The external review: a committee grading departments, its round, the department's
    # self-evaluation and an opinion.
    body = make_body(plan, name=f"{marker}行政改革推進委員会", members=1, prefix=f"{username}-委員")
    unit = make_unit(body, department)
    review_round = make_round(body, 2020)
    make_question(plan, f"{marker}の自己点検の設問")
    SelfEvaluation.objects.create(round=review_round, unit=unit)
    Opinion.objects.create(round=review_round, unit=unit, text=f"{marker}の委員会の意見")
    return FullPlan(
        city=city,
        department=department,
        staff=staff,
        plan=plan,
        pillar=pillar,
        measure=measure,
        indicator=indicator,
        step=step,
        evaluation=evaluation,
        round=round_,
        report=report,
    )
