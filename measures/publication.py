"""The one rule for which of a plan's yearly results citizens may see.

A measure's results of a fiscal year (indicator actuals, step results, effect results) are
public when:

- the year is before the plan began (history that came with the published plan); or
- the measure has an entry (evaluation) for the year, and that entry is published; or
- the measure has no entry for the year (the reform office entered or imported its figures,
  as for a plan measured only in 効果額), and the plan's report of the year is published.

Drafts live in entries, so no department's unfinished figures are ever public; and one
published entry never exposes the other measures of its year. Plan-level results (主要目標)
are public with the plan's published report of their year.
"""

from collections.abc import Container

from django.db.models import Exists, OuterRef, Q

from measures.models import Evaluation, Plan, Report

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def report_years(plan: Plan) -> frozenset[int]:
    """The fiscal years of which the plan has a published report."""
    return frozenset(
        Report.objects.filter(plan=plan).order_by().values_list("fiscal_year", flat=True)
    )


def result_shown(
    fiscal_year: int,
    *,
    first_year: int,
    reported: Container[int],
    entries: Container[int],
    published_entries: Container[int],
) -> bool:
    """Whether a measure's results of `fiscal_year` are public: `entries` are the years of
    the measure's evaluations, `published_entries` those of its published evaluations,
    `reported` the years of the plan's published reports."""
    if fiscal_year < first_year:
        return True
    if fiscal_year in entries:
        return fiscal_year in published_entries
    return fiscal_year in reported


def result_shown_q(plan: Plan, measure_field: str, reported: frozenset[int]) -> Q:
    """The same rule as a filter for rows with a `fiscal_year`; `measure_field` is the lookup
    from the row to its measure's id."""
    entries = Evaluation.objects.filter(
        measure_id=OuterRef(measure_field), fiscal_year=OuterRef("fiscal_year")
    )
    return (
        Q(fiscal_year__lt=plan.first_fiscal_year)
        | Q(Exists(entries.filter(review_status=PUBLISHED)))
        | (~Q(Exists(entries)) & Q(fiscal_year__in=sorted(reported)))
    )
