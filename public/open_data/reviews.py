"""The external review's published results as open data: the part of a plan's API document
under `external_reviews`, from which the package's committee tables are also written.

What is in it follows reviews/publication.py, as the citizens' year page does: only
concluded rounds of published years, their conclusions with the department's self-grade
beside each, the opinions with the office's 対応方針 and responsible department, and the
反映状況 recorded for published years. A body, its viewpoints and its grade scheme appear
only with a public round. The members' own grades and comments, the aggregate of their
grades and the self-check answers are never in it.
"""

from django.db.models import Prefetch
from django.utils import translation

from measures.models import Plan
from reviews.models import (
    Conclusion,
    Opinion,
    OpinionProgress,
    OpinionStatus,
    ReviewBody,
    ReviewRound,
    ReviewUnit,
    SelfGrade,
    UnitKind,
)
from reviews.publication import published_year_q

UNIT_RELATED = ("unit__measure", "unit__pillar", "unit__department")


def _pillar_paths(plan: Plan) -> dict[int, list[str]]:
    """Each pillar's path from the top (codes, or titles where a level has no code), as
    measures name their pillar in the plan document."""
    pillars = {pillar.pk: pillar for pillar in plan.pillars.all()}

    def path(pk: int) -> list[str]:
        pillar = pillars[pk]
        own = pillar.code or pillar.title
        return [*path(pillar.parent_id), own] if pillar.parent_id else [own]

    return {pk: path(pk) for pk in pillars}


def _unit(unit: ReviewUnit, paths: dict[int, list[str]]) -> dict:
    measure = unit.measure
    return {
        "id": unit.pk,
        "kind": unit.kind,
        "title": str(unit.target),
        "measure": ({"code": measure.code, "sub_number": measure.sub_number} if measure else None),
        "pillar": paths[unit.pillar_id] if unit.kind == UnitKind.PILLAR else None,
        "department": unit.department.name if unit.department_id else None,
        "grades": [],
        "opinions": [],
    }


def _body(body: ReviewBody) -> dict:
    return {
        "id": body.pk,
        "name": body.name,
        "unit_kind": body.unit_kind,
        "aggregation": body.aggregation,
        "viewpoints": [
            {"id": v.pk, "label": v.label, "description": v.description}
            for v in body.viewpoints.all()
        ],
        "grade_scheme": [
            {"code": g.code, "label": g.label, "definition": g.definition}
            for g in body.grades.all()
        ],
        "years": [],
    }


def review_document(plan: Plan) -> list[dict]:
    """The plan's published committee results, per body and fiscal year (oldest first),
    in a fixed number of queries (one for a plan without any)."""
    rounds = list(
        ReviewRound.objects.concluded()
        .filter(published_year_q("body__plan"), body__plan=plan)
        .select_related("body")
        .prefetch_related("body__viewpoints", "body__grades")
        .order_by("body__order", "body_id", "fiscal_year")
    )
    if not rounds:
        return []
    paths = _pillar_paths(plan)
    round_ids = [round_.pk for round_ in rounds]
    self_grades = {
        (round_id, unit_id, viewpoint_id): code
        for round_id, unit_id, viewpoint_id, code in SelfGrade.objects.filter(
            evaluation__round_id__in=round_ids
        ).values_list("evaluation__round_id", "evaluation__unit_id", "viewpoint_id", "grade__code")
    }
    # One document serves every visitor: its labels are the Japanese ones, whatever the
    # language of the request that happens to build it.
    with translation.override("ja"):
        status_labels = {status.value: str(status.label) for status in OpinionStatus}
    units: dict[int, dict[int, dict]] = {round_id: {} for round_id in round_ids}
    unit_order: dict[int, tuple[int, int]] = {}

    def unit_entry(row) -> dict:
        of_round = units[row.round_id]
        if row.unit_id not in of_round:
            of_round[row.unit_id] = _unit(row.unit, paths)
            unit_order[row.unit_id] = (row.unit.order, row.unit_id)
        return of_round[row.unit_id]

    for conclusion in (
        Conclusion.objects.filter(round_id__in=round_ids)
        .select_related(*UNIT_RELATED, "viewpoint", "grade")
        .order_by("viewpoint__order", "viewpoint_id")
    ):
        unit_entry(conclusion)["grades"].append(
            {
                "viewpoint": conclusion.viewpoint.label,
                "grade": conclusion.grade.code,
                "self_grade": self_grades.get(
                    (conclusion.round_id, conclusion.unit_id, conclusion.viewpoint_id)
                ),
            }
        )
    # A 反映状況 is public with the publication of the year it was recorded for.
    progress = OpinionProgress.objects.filter(
        published_year_q("opinion__round__body__plan")
    ).order_by("fiscal_year")
    for opinion in (
        Opinion.objects.filter(round_id__in=round_ids)
        .select_related(*UNIT_RELATED, "viewpoint", "responsible_department")
        .prefetch_related(Prefetch("progress", queryset=progress, to_attr="public_progress"))
        .order_by("order", "pk")
    ):
        unit_entry(opinion)["opinions"].append(
            {
                "id": opinion.pk,
                "viewpoint": opinion.viewpoint.label if opinion.viewpoint_id else None,
                "text": opinion.text,
                "response": opinion.response,
                "responsible_department": (
                    opinion.responsible_department.name
                    if opinion.responsible_department_id
                    else None
                ),
                "progress": [
                    {
                        "fiscal_year": p.fiscal_year,
                        "status": p.status,
                        "status_label": status_labels[p.status],
                        "text": p.text,
                    }
                    for p in opinion.public_progress
                ],
            }
        )
    bodies: dict[int, dict] = {}
    for round_ in rounds:
        if round_.body_id not in bodies:
            bodies[round_.body_id] = _body(round_.body)
        reviewed = units[round_.pk]
        bodies[round_.body_id]["years"].append(
            {
                "fiscal_year": round_.fiscal_year,
                "units": [reviewed[pk] for pk in sorted(reviewed, key=unit_order.__getitem__)],
            }
        )
    return list(bodies.values())
