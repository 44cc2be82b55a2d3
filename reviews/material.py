"""The published material a committee member reads for a unit: its measures with their
published results, by the citizens' rule (public/published.py), nothing else."""

from measures.models import Measure, Pillar
from public import published
from reviews.models import ReviewUnit, UnitKind


def measures_of_unit(unit: ReviewUnit):
    """The plan's measures the unit stands for."""
    plan = unit.body.plan
    measures = Measure.objects.filter(plan=plan)
    if unit.kind == UnitKind.MEASURE:
        return measures.filter(pk=unit.measure_id)
    if unit.kind == UnitKind.PILLAR:
        below = [
            unit.pillar_id,
            *Pillar.objects.filter(parent_id=unit.pillar_id).values_list("pk", flat=True),
            *Pillar.objects.filter(parent__parent_id=unit.pillar_id).values_list("pk", flat=True),
        ]
        return measures.filter(pillar_id__in=below)
    return measures.filter(
        department_links__department_id=unit.department_id, department_links__role="lead"
    ).distinct()


def published_material(unit: ReviewUnit) -> list[Measure]:
    """The unit's measures, each with its published evaluations as `published`; none
    while the plan itself is not public."""
    plan = unit.body.plan
    if not plan.is_public:
        return []
    ids = measures_of_unit(unit).values("pk")
    measures = published.with_published(published.measures_for_list(plan), plan)
    return list(measures.filter(pk__in=ids))
