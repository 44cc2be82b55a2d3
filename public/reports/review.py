"""The external review in a published report: the 意見一覧表 (the year's opinions with the
office's responses, and the 反映状況 recorded that year of earlier years' opinions) and the
評価シート (per unit reviewed, the committee's grade per viewpoint beside the self-grade).

What a revision prints of the review is frozen into its content when it is published
(`review_content`), by the rule of reviews/publication.py: only concluded rounds of a year
that is published with this revision, and only 反映状況 recorded for that year. A review
concluded, or an opinion answered, after the publication appears in the next revision
(a correction), never in one already published. Members' own grades and comments and the
self-check answers are never public, so no report holds them.
"""

from collections.abc import Iterable

from measures.fiscal_years import fiscal_year_label
from measures.models import Plan, ReportLayout
from reviews.models import (
    Conclusion,
    Opinion,
    OpinionProgress,
    OpinionStatus,
    ReviewRound,
    SelfGrade,
)
from reviews.publication import published_plan_years

Section = ReportLayout.Section
REVIEW_SECTIONS = (Section.REVIEW_OPINIONS, Section.REVIEW_SHEETS)

_UNIT_RELATED = ("unit__measure", "unit__pillar", "unit__department")


def _grade(grade) -> dict | None:
    return {"code": grade.code, "label": grade.label} if grade is not None else None


def _opinion(opinion: Opinion) -> dict:
    return {
        "unit": str(opinion.unit.target),
        "viewpoint": opinion.viewpoint.label if opinion.viewpoint_id else "",
        "text": opinion.text,
        "response": opinion.response,
        "department": (
            opinion.responsible_department.name if opinion.responsible_department_id else ""
        ),
    }


def review_content(plan: Plan, fiscal_year: int, *, publishing: Iterable[int] = ()) -> dict:
    """What the year's report revision holds of the external review, as JSON values; empty
    when the year has nothing public of it. `publishing` are the years whose revisions the
    current transaction publishes (their reports are not saved yet)."""
    years = published_plan_years(plan, reporting=publishing)
    if fiscal_year not in years:
        return {}
    public_rounds = ReviewRound.objects.concluded().filter(
        body__plan=plan, fiscal_year__in=sorted(years)
    )
    rounds = list(
        public_rounds.filter(fiscal_year=fiscal_year)
        .select_related("body")
        .prefetch_related("body__viewpoints", "body__grades")
        .order_by("body__order", "body__pk")
    )
    conclusions: dict[tuple[int, int], Conclusion] = {}
    units: dict[int, list] = {r.pk: [] for r in rounds}
    for conclusion in (
        Conclusion.objects.filter(round__in=rounds)
        .select_related("grade", *_UNIT_RELATED)
        .order_by("unit__order", "unit_id")
    ):
        if conclusion.unit not in units[conclusion.round_id]:
            units[conclusion.round_id].append(conclusion.unit)
        conclusions[(conclusion.unit_id, conclusion.viewpoint_id)] = conclusion
    self_grades = {
        (g.evaluation.unit_id, g.viewpoint_id): g.grade
        for g in SelfGrade.objects.filter(evaluation__round__in=rounds).select_related(
            "evaluation", "grade"
        )
    }
    opinions: dict[int, list] = {r.pk: [] for r in rounds}
    for opinion in (
        Opinion.objects.filter(round__in=rounds)
        .select_related("viewpoint", "responsible_department", *_UNIT_RELATED)
        .order_by("unit__order", "unit_id", "order", "pk")
    ):
        opinions[opinion.round_id].append(_opinion(opinion))
    bodies = []
    for round_ in rounds:
        viewpoints = list(round_.body.viewpoints.all())
        sheets = []
        for unit in units[round_.pk]:
            rows = []
            for viewpoint in viewpoints:
                conclusion = conclusions.get((unit.pk, viewpoint.pk))
                rows.append(
                    {
                        "viewpoint": viewpoint.label,
                        "grade": _grade(conclusion.grade if conclusion else None),
                        "self_grade": _grade(self_grades.get((unit.pk, viewpoint.pk))),
                    }
                )
            sheets.append({"unit": str(unit.target), "rows": rows})
        bodies.append(
            {
                "name": round_.body.name,
                "unit_kind": round_.body.unit_kind,
                "grades": [_grade(g) for g in round_.body.grades.all()],
                "units": sheets,
                "opinions": opinions[round_.pk],
            }
        )
    earlier = [
        {
            **_opinion(progress.opinion),
            "fiscal_year": progress.opinion.round.fiscal_year,
            "body": progress.opinion.round.body.name,
            "status": progress.status,
            "status_text": progress.text,
        }
        for progress in OpinionProgress.objects.filter(
            fiscal_year=fiscal_year,
            opinion__round__in=public_rounds.filter(fiscal_year__lt=fiscal_year),
        )
        .select_related(
            "opinion__round__body",
            "opinion__viewpoint",
            "opinion__responsible_department",
            *(f"opinion__{related}" for related in _UNIT_RELATED),
        )
        .order_by(
            "opinion__round__fiscal_year",
            "opinion__round__body__order",
            "opinion__unit__order",
            "opinion__order",
            "opinion_id",
        )
    ]
    if not any(body["units"] or body["opinions"] for body in bodies) and not earlier:
        return {}
    return {"fiscal_year": fiscal_year, "bodies": bodies, "earlier": earlier}


def review_sections(document: dict, sections: list[str]) -> list[dict]:
    """The layout's review sections in its order, from the revision's frozen content; a
    section the content has nothing for (no review published with the year) is left out."""
    review = document.get("reviews") or {}
    bodies = review.get("bodies", [])
    found = []
    for section in sections:
        if section == Section.REVIEW_OPINIONS:
            with_opinions = [body for body in bodies if body["opinions"]]
            earlier = [
                {
                    **item,
                    "status_label": OpinionStatus(item["status"]).label,
                    "year_label": fiscal_year_label(item["fiscal_year"]),
                }
                for item in review.get("earlier", [])
            ]
            if with_opinions or earlier:
                found.append(
                    {
                        "kind": section,
                        "bodies": with_opinions,
                        "earlier": earlier,
                        "several": len(bodies) > 1,
                    }
                )
        elif section == Section.REVIEW_SHEETS:
            sheets = [body for body in bodies if body["units"]]
            if sheets:
                found.append({"kind": section, "bodies": sheets, "several": len(sheets) > 1})
    return found
