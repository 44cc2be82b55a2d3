"""What of the external review citizens may see.

A round's conclusions, the self-evaluations beside them, its opinions and the office's
responses are public when the round is concluded and its fiscal year is published: the plan
has a published report of the year and the year is not reopened for correction: no round of
the year is open or closed again, and no entry of the year is other than published (reopening
a year returns its entries to approved; publishing it needs every entry approved). A 反映状況 recorded for a later year is public
with that year's publication. Nothing of a round in progress is ever public.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from measures.models import Evaluation, Plan, Report, Round
from reviews.models import ReviewRound


def published_plan_years(plan: Plan, *, reporting: Iterable[int] = ()) -> frozenset[int]:
    """The plan's fiscal years that are published now; `reporting` are years whose report
    is being published in the current transaction (the revision is not saved yet)."""
    reported = set(
        Report.objects.filter(plan=plan).order_by().values_list("fiscal_year", flat=True)
    ) | set(reporting)
    reopened = set(
        Round.objects.filter(plan=plan)
        .exclude(status=Round.Status.PUBLISHED)
        .values_list("fiscal_year", flat=True)
    ) | set(
        Evaluation.objects.filter(measure__plan=plan)
        .exclude(review_status=Evaluation.ReviewStatus.PUBLISHED)
        .values_list("fiscal_year", flat=True)
    )
    return frozenset(reported - reopened)


def published_year_q(plan_field: str = "plan", year_field: str = "fiscal_year") -> Q:
    """Rows whose plan (through `plan_field`) has published their year (`year_field`)."""
    reports = Report.objects.filter(
        plan_id=OuterRef(f"{plan_field}_id"), fiscal_year=OuterRef(year_field)
    )
    reopened = Round.objects.filter(
        plan_id=OuterRef(f"{plan_field}_id"), fiscal_year=OuterRef(year_field)
    ).exclude(status=Round.Status.PUBLISHED)
    unpublished = Evaluation.objects.filter(
        measure__plan_id=OuterRef(f"{plan_field}_id"), fiscal_year=OuterRef(year_field)
    ).exclude(review_status=Evaluation.ReviewStatus.PUBLISHED)
    return Q(Exists(reports)) & ~Q(Exists(reopened)) & ~Q(Exists(unpublished))


def public_rounds(plan: Plan):
    """The plan's review rounds citizens may see."""
    years = published_plan_years(plan)
    return ReviewRound.objects.concluded().filter(body__plan=plan, fiscal_year__in=sorted(years))


def round_is_public(round_: ReviewRound) -> bool:
    return (
        round_.status == ReviewRound.Status.CONCLUDED
        and round_.fiscal_year in published_plan_years(round_.body.plan)
    )
