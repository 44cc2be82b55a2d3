"""Progress of plan-level goals (主要目標): the cumulative result over the target.

The cumulative total runs over the years' results; where the city states a cumulative
figure for a year it is taken as it is and the running total continues from it. The
progress rate is 累計 ÷ 目標 as a percentage, rounded half up to the plan's decimal places,
and is never capped: a goal can be exceeded (e.g. 112.5 %).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from measures.models import PlanGoal, PlanGoalResult


@dataclass
class GoalYear:
    result: PlanGoalResult
    cumulative: Decimal | None


@dataclass
class GoalProgress:
    goal: PlanGoal
    years: list[GoalYear] = field(default_factory=list)
    cumulative: Decimal | None = None
    rate: Decimal | None = None


def progress_rate(
    cumulative: Decimal | None, target: Decimal | None, places: int
) -> Decimal | None:
    if cumulative is None or not target:
        return None
    rate = cumulative * 100 / target
    return rate.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def goal_progress(goal: PlanGoal, results: Iterable[PlanGoalResult], places: int) -> GoalProgress:
    """The goal's years in order with their running totals, from `results` (the years that
    may be shown)."""
    progress = GoalProgress(goal)
    running: Decimal | None = None
    for result in sorted(results, key=lambda r: r.fiscal_year):
        if result.cumulative is not None:
            running = result.cumulative
        elif result.value is not None:
            running = (running or Decimal(0)) + result.value
        progress.years.append(GoalYear(result, running))
    progress.cumulative = running
    progress.rate = progress_rate(running, goal.target_value, places)
    return progress
