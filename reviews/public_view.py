"""What the citizens' pages show of the external review, read by the rule in
reviews/publication.py: the body's grades beside the department's own, and the opinions
with the office's responses and their 反映状況."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from measures.models import Measure, Pillar, Plan
from reviews.models import (
    Conclusion,
    Opinion,
    OpinionProgress,
    ReviewRound,
    SelfGrade,
    UnitKind,
)
from reviews.publication import published_plan_years, published_year_q


@dataclass
class UnitView:
    round: ReviewRound
    unit: object
    rows: list = field(default_factory=list)  # (viewpoint, committee grade, self grade)
    opinions: list = field(default_factory=list)


def public_round_years(plan: Plan) -> list[int]:
    """The fiscal years of which the plan's review results are public, oldest first (one
    query)."""
    return sorted(
        set(
            ReviewRound.objects.concluded()
            .filter(published_year_q("body__plan"), body__plan=plan)
            .values_list("fiscal_year", flat=True)
        )
    )


def _public_progress(years: frozenset[int]) -> Prefetch:
    return Prefetch(
        "progress",
        queryset=OpinionProgress.objects.filter(fiscal_year__in=sorted(years)).order_by(
            "fiscal_year"
        ),
        to_attr="public_progress",
    )


def _has_concluded_rounds(plan: Plan) -> bool:
    return ReviewRound.objects.concluded().filter(body__plan=plan).exists()


def unit_views(plan: Plan, about: Q, *, fiscal_year: int | None = None) -> list[UnitView]:
    """The public review results of the units matching `about` (a filter on conclusions'
    and opinions' `unit`), per round and unit, latest year first."""
    if not _has_concluded_rounds(plan):
        # Most plans have no external review: one small query instead of five.
        return []
    years = published_plan_years(plan)
    rounds = ReviewRound.objects.concluded().filter(body__plan=plan, fiscal_year__in=sorted(years))
    if fiscal_year is not None:
        rounds = rounds.filter(fiscal_year=fiscal_year)
    conclusions = list(
        Conclusion.objects.filter(about, round__in=rounds)
        .select_related(
            "round__body",
            "unit__measure",
            "unit__pillar",
            "unit__department",
            "viewpoint",
            "grade",
        )
        .order_by("-round__fiscal_year", "round__body__order", "unit__order", "viewpoint__order")
    )
    self_grades = {
        (g.evaluation.round_id, g.evaluation.unit_id, g.viewpoint_id): g.grade
        for g in SelfGrade.objects.filter(
            evaluation__round__in=rounds,
            evaluation__unit__in={c.unit_id for c in conclusions},
        ).select_related("evaluation", "grade")
    }
    views: dict[tuple[int, int], UnitView] = {}
    for conclusion in conclusions:
        key = (conclusion.round_id, conclusion.unit_id)
        view = views.setdefault(key, UnitView(round=conclusion.round, unit=conclusion.unit))
        view.rows.append(
            (
                conclusion.viewpoint,
                conclusion.grade,
                self_grades.get((*key, conclusion.viewpoint_id)),
            )
        )
    opinions = (
        Opinion.objects.filter(about, round__in=rounds)
        .select_related(
            "viewpoint",
            "responsible_department",
            "unit__measure",
            "unit__pillar",
            "unit__department",
        )
        .order_by("unit__order", "order", "pk")
        .prefetch_related(_public_progress(years))
    )
    for opinion in opinions:
        view = views.get((opinion.round_id, opinion.unit_id))
        if view is not None:
            view.opinions.append(opinion)
    return list(views.values())


def measure_about(measure: Measure) -> Q:
    """The measure's own reviews and those of its lead departments as a whole."""
    departments = [
        link.department_id for link in measure.department_links.all() if link.role == "lead"
    ]
    return Q(unit__kind=UnitKind.MEASURE, unit__measure_id=measure.pk) | Q(
        unit__kind=UnitKind.DEPARTMENT, unit__department_id__in=departments
    )


def pillar_about(pillar: Pillar) -> Q:
    return Q(unit__kind=UnitKind.PILLAR, unit__pillar_id=pillar.pk)


def opinion_table(plan: Plan, fiscal_year: int) -> dict:
    """The year's 意見一覧表: the opinions of the year's public rounds with responses,
    responsible departments and 反映状況; and the 反映状況 recorded this year of earlier
    years' opinions."""
    years = published_plan_years(plan)
    rounds = ReviewRound.objects.concluded().filter(body__plan=plan, fiscal_year__in=sorted(years))
    related = [
        "round__body",
        "unit__measure",
        "unit__pillar",
        "unit__department",
        "viewpoint",
        "responsible_department",
    ]
    opinions = list(
        Opinion.objects.filter(round__in=rounds.filter(fiscal_year=fiscal_year))
        .select_related(*related)
        .prefetch_related(_public_progress(years))
        .order_by("round__body__order", "unit__order", "order", "pk")
    )
    earlier = list(
        OpinionProgress.objects.filter(
            fiscal_year=fiscal_year,
            opinion__round__in=rounds.filter(fiscal_year__lt=fiscal_year),
        )
        .select_related(*(f"opinion__{r}" for r in related))
        .order_by("opinion__round__fiscal_year", "opinion__order", "opinion_id")
    )
    return {"opinions": opinions, "earlier": earlier}
