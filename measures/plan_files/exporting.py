"""A whole plan as a plan document (docs/data-format.md): the open-data JSON, and the source
of the xlsx and CSV exports. Importing what this writes changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from measures.models import (
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
    PlanGoal,
    PlanGoalResult,
    Report,
    Step,
)
from measures.publication import report_years, result_shown

FORMAT = "reform-plan/1"
LICENCE = "CC BY 4.0"


def _number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    normalized = value.normalize()
    # normalize() writes 100 as 1E+2; a plain positional string reads better and parses back.
    return f"{normalized:f}"


def _value(row: IndicatorValue | None) -> dict | None:
    if row is None:
        return None
    return {"value": _number(row.value), "unit": row.unit, "text": row.text}


def _pillar_tree(pillars: list[Pillar]) -> tuple[list[dict], dict[int, list[str]]]:
    children: dict[int | None, list[Pillar]] = {}
    for pillar in pillars:
        children.setdefault(pillar.parent_id, []).append(pillar)
    paths: dict[int, list[str]] = {}

    def build(parent_id: int | None, path: list[str]) -> list[dict]:
        nodes = []
        for pillar in children.get(parent_id, []):
            key = [*path, pillar.code or pillar.title]
            paths[pillar.pk] = key
            node = {"code": pillar.code, "title": pillar.title, "aim": pillar.aim}
            node["children"] = build(pillar.pk, key)
            nodes.append(node)
        return nodes

    return build(None, []), paths


def plan_queryset():
    """Everything export needs, in a fixed number of queries whatever the plan's size."""
    return Plan.objects.select_related("municipality", "reform_office").prefetch_related(
        "sections",
        "grades",
        "statuses",
        "pillars",
        Prefetch(
            "goals",
            queryset=PlanGoal.objects.order_by("order", "pk").prefetch_related(
                Prefetch("results", queryset=PlanGoalResult.objects.order_by("fiscal_year"))
            ),
        ),
        Prefetch(
            "reports",
            queryset=Report.objects.filter(revision=1)
            .order_by("fiscal_year")
            .only("plan_id", "fiscal_year", "revision", "published_at"),
            to_attr="first_revisions",
        ),
        Prefetch(
            "measures",
            queryset=Measure.objects.order_by("order", "pk")
            .select_related("merged_into", "period_result")
            .prefetch_related(
                Prefetch(
                    "department_links",
                    queryset=MeasureDepartment.objects.select_related("department"),
                ),
                "sdgs",
                "co_creation_actors",
                Prefetch(
                    "steps",
                    queryset=Step.objects.prefetch_related("years", "departments"),
                ),
                Prefetch("targets"),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.prefetch_related("values"),
                ),
                "effects",
                Prefetch("evaluations", queryset=Evaluation.objects.order_by("fiscal_year")),
            ),
        ),
    )


def plan_document(
    plan: Plan, *, published_only: bool = False, reported: frozenset[int] | None = None
) -> dict:
    """The plan as a document.

    With published_only (open data, published reports) it holds only what has been
    published: each measure's published evaluations, and the measure's actuals, progress
    and effect results of exactly those years (or from before the plan began, which came
    with the published plan); plans, targets and the structure are the published plan's
    own. Internal review fields (the department's proposal, the review status, the reason
    for an override) are left out. `reported` are the years with a published report (read
    from the database unless given, as when a year is being published).
    """
    grades = {grade.pk: grade.code for grade in plan.grades.all()}
    statuses = {status.pk: status.label for status in plan.statuses.all()}
    tree, paths = _pillar_tree(sorted(plan.pillars.all(), key=lambda p: (p.order, p.pk)))
    municipality = plan.municipality
    visible = None
    if published_only:
        visible = _Visible(
            plan.first_fiscal_year, report_years(plan) if reported is None else reported
        )
    measures = [
        _measure(measure, paths, grades, statuses, visible) for measure in plan.measures.all()
    ]
    document = {
        "format": FORMAT,
        "licence": LICENCE,
        "municipality": {
            "code": municipality.code,
            "name": municipality.name,
            "kana": municipality.kana,
            "prefecture": municipality.prefecture,
            "slug": municipality.slug,
        },
        "plan": {
            "name": plan.name,
            "document_title": plan.document_title,
            "framework_name": plan.framework_name,
            "framework_first_fiscal_year": plan.framework_first_fiscal_year,
            "framework_last_fiscal_year": plan.framework_last_fiscal_year,
            "first_fiscal_year": plan.first_fiscal_year,
            "last_fiscal_year": plan.last_fiscal_year,
            "revision_label": plan.revision_label,
            "revision_date": plan.revision_date.isoformat() if plan.revision_date else None,
            "published_on": plan.published_on.isoformat() if plan.published_on else None,
            "vision": plan.vision,
            "viewpoints": plan.viewpoints,
            "sections": [
                {"heading": section.heading, "body": section.body}
                for section in plan.sections.all()
            ],
            "level_labels": plan.level_labels,
            "measure_label": plan.measure_label,
            "goal_label": plan.goal_label,
            "reform_office": plan.reform_office.name if plan.reform_office else "",
            "grade_scheme": [
                {
                    "code": grade.code,
                    "label": grade.label,
                    "definition": grade.definition,
                    "min_ratio": _number(grade.min_ratio),
                    "rated": grade.is_rated,
                }
                for grade in plan.grades.all()
            ],
            "grade_note": plan.grade_note,
            "status_scheme": [status.label for status in plan.statuses.all()],
            "share_decimal_places": plan.share_decimal_places,
            "count_note": plan.count_note,
            "saving_mark": plan.saving_mark,
            "effect_unit": plan.effect_unit,
            "goals": [_goal(goal, visible) for goal in plan.goals.all()],
        },
        "departments": [{"name": name} for name in _department_names(plan, measures)],
        "pillars": tree,
        "measures": measures,
    }
    if not published_only:
        # The committees' records, members' grades among them: the office's own files only.
        review_bodies = _review_bodies(plan, paths)
        if review_bodies:
            document["review_bodies"] = review_bodies
            # The departments it names, so that the file imports where they are not yet known.
            named = {department["name"] for department in document["departments"]}
            for name in _review_department_names(review_bodies):
                if name not in named:
                    named.add(name)
                    document["departments"].append({"name": name})
        # When each year was first published: for the office's own files, which bring the
        # dates back on import. A published revision's content leaves it out, as it would
        # otherwise change with every later year's publication.
        document["plan"]["publications"] = [
            {
                "fiscal_year": report.fiscal_year,
                "published_on": timezone.localdate(report.published_at).isoformat(),
            }
            for report in plan.first_revisions
        ]
    return document


def _department_names(plan: Plan, measures: list[dict]) -> list[str]:
    """The departments the plan names, in order of first mention."""
    names: dict[str, None] = {}
    if plan.reform_office:
        names[plan.reform_office.name] = None
    for measure in measures:
        for link in measure["departments"]:
            names[link["name"]] = None
        for step in measure["steps"]:
            for name in filter(None, step["department"].split("、")):
                names[name] = None
    return list(names)


@dataclass(frozen=True)
class _Visible:
    first_year: int
    reported: frozenset[int]


def _measure(measure: Measure, paths, grades, statuses, visible: _Visible | None) -> dict:
    """One measure as a document part. With `visible` only what is published: the
    published evaluations, and results of the years measures.publication allows."""
    continuity = {
        Measure.Continuity.NEW: "新規",
        Measure.Continuity.CONTINUING: "継続",
    }.get(measure.continuity, "")
    everything = visible is None
    evaluations = [
        evaluation
        for evaluation in measure.evaluations.all()
        if everything or evaluation.review_status == Evaluation.ReviewStatus.PUBLISHED
    ]
    entry_years = {evaluation.fiscal_year for evaluation in measure.evaluations.all()}
    published_years = {evaluation.fiscal_year for evaluation in evaluations}

    def shown(year: int | None) -> bool:
        return (
            everything
            or year is None
            or result_shown(
                year,
                first_year=visible.first_year,
                reported=visible.reported,
                entries=entry_years,
                published_entries=published_years,
            )
        )

    return {
        "code": measure.code,
        "sub_number": measure.sub_number,
        "mark": measure.mark,
        "title": measure.title,
        "pillar": paths.get(measure.pillar_id, []),
        "departments": [
            {"name": link.department.name, "role": link.role, "primary": link.is_primary}
            for link in measure.department_links.all()
        ],
        "status": continuity,
        "citywide": measure.is_citywide,
        "sdgs": sorted(goal.number for goal in measure.sdgs.all()),
        "current_situation": measure.current_situation,
        "goal": measure.goal,
        "content": measure.content,
        "future_direction": measure.future_direction,
        "related_plans": measure.related_plans,
        "comprehensive_plan_position": measure.comprehensive_plan_position,
        "co_creation": {
            "actors": [actor.name for actor in measure.co_creation_actors.all()],
            "text": measure.co_creation_text,
        },
        "notes": measure.notes,
        "first_fiscal_year": measure.first_fiscal_year,
        "last_fiscal_year": measure.last_fiscal_year,
        "ending": measure.get_ending_display() if measure.ending else "",
        "merged_into": {
            "code": measure.merged_into.code,
            "sub_number": measure.merged_into.sub_number,
        }
        if measure.merged_into
        else None,
        "ending_note": measure.ending_note,
        "period_result": _period_result(measure, grades, statuses, visible),
        "indicators": [_indicator(indicator, shown) for indicator in measure.indicators.all()],
        "steps": [
            {
                "title": step.title,
                "department": "、".join(d.name for d in step.departments.all()),
                "years": [
                    {
                        "fiscal_year": year.fiscal_year,
                        "planned": year.planned,
                        "actual": year.actual if shown(year.fiscal_year) else "",
                        "progress": year.progress if shown(year.fiscal_year) else "",
                        "next": year.next_steps if shown(year.fiscal_year) else "",
                    }
                    for year in step.years.all()
                ],
            }
            for step in measure.steps.all()
        ],
        "targets": [
            {
                "fiscal_year": target.fiscal_year,
                "status": statuses.get(target.status_id, ""),
                "goal": target.goal,
            }
            for target in measure.targets.all()
        ],
        "effects": [
            {
                "fiscal_year": effect.fiscal_year,
                "planned_revenue": effect.planned_revenue,
                "planned_saving": effect.planned_saving,
                "actual_revenue": effect.actual_revenue if shown(effect.fiscal_year) else None,
                "actual_saving": effect.actual_saving if shown(effect.fiscal_year) else None,
                "note": effect.note,
                "basis": effect.basis,
            }
            for effect in measure.effects.all()
        ],
        "years": [
            {
                "fiscal_year": evaluation.fiscal_year,
                "plan": evaluation.plan_text,
                "do": evaluation.do_text,
                "check": evaluation.check_text,
                "action": evaluation.action_text,
                "status": statuses.get(evaluation.status_id, ""),
                "grade": grades.get(evaluation.final_grade_id, ""),
                **(
                    {
                        "proposed_grade": grades.get(evaluation.proposed_grade_id, ""),
                        "override_reason": evaluation.override_reason,
                        "review_status": evaluation.review_status,
                    }
                    if everything
                    else {}
                ),
            }
            for evaluation in evaluations
        ],
    }


def _goal(goal: PlanGoal, visible: _Visible | None) -> dict:
    """A plan-level goal; with `visible`, the results of years with a published report."""
    years = [
        result
        for result in goal.results.all()
        if visible is None
        or result.fiscal_year < visible.first_year
        or result.fiscal_year in visible.reported
    ]
    return {
        "name": goal.name,
        "target": _quantity(goal.target_value, goal.target_unit, goal.target_text),
        "note": goal.note,
        "years": [
            {
                "fiscal_year": result.fiscal_year,
                "result": _quantity(result.value, result.unit, result.text),
                "cumulative": _number(result.cumulative),
            }
            for result in years
        ],
    }


def _quantity(value: Decimal | None, unit: str, text: str) -> dict | None:
    if value is None and not text:
        return None
    return {"value": _number(value), "unit": unit, "text": text}


def _period_result(measure: Measure, grades, statuses, visible: _Visible | None) -> dict | None:
    result = getattr(measure, "period_result", None)
    if result is None or (visible is not None and result.published_at is None):
        return None
    return {
        "grade": grades.get(result.grade_id, ""),
        "status": statuses.get(result.status_id, ""),
        "summary": result.summary,
    }


def _indicator(indicator: Indicator, shown=lambda year: True) -> dict:
    baseline = None
    by_year: dict[int, dict] = {}
    for row in indicator.values.all():
        if row.kind == IndicatorValue.Kind.BASELINE:
            baseline = {**_value(row), "fiscal_year": row.fiscal_year, "label": row.label}
            continue
        if row.kind == IndicatorValue.Kind.ACTUAL and not shown(row.fiscal_year):
            continue
        year = by_year.setdefault(row.fiscal_year, {"fiscal_year": row.fiscal_year})
        year[row.kind] = _value(row)
    for year in by_year.values():
        year.setdefault("target", None)
        year.setdefault("actual", None)
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "not_settable": indicator.not_settable,
        "description": indicator.description,
        "basis": indicator.basis,
        "baseline": baseline,
        "years": [by_year[year] for year in sorted(by_year)],
    }


def _review_bodies(plan: Plan, pillar_paths: dict[int, list[str]]) -> list[dict]:
    """The plan's committees and their rounds as the document's `review_bodies`, in a fixed
    number of queries."""
    from reviews.models import (
        MemberSheet,
        Opinion,
        ReviewBody,
        ReviewMember,
        ReviewRound,
        ReviewUnit,
        SelfEvaluation,
    )

    bodies = ReviewBody.objects.filter(plan=plan).prefetch_related(
        "viewpoints",
        "grades",
        Prefetch("members", queryset=ReviewMember.objects.order_by("order", "pk")),
        Prefetch(
            "units",
            queryset=ReviewUnit.objects.select_related("measure", "department"),
        ),
        Prefetch(
            "rounds",
            queryset=ReviewRound.objects.order_by("fiscal_year").prefetch_related(
                Prefetch(
                    "self_evaluations", queryset=SelfEvaluation.objects.prefetch_related("grades")
                ),
                Prefetch(
                    "sheets",
                    queryset=MemberSheet.objects.order_by(
                        "member__order", "member_id"
                    ).prefetch_related("grades"),
                ),
                "conclusions",
                Prefetch(
                    "opinions",
                    queryset=Opinion.objects.select_related(
                        "responsible_department"
                    ).prefetch_related("progress"),
                ),
            ),
        ),
    )
    return [_review_body(body, pillar_paths) for body in bodies]


def _review_body(body, pillar_paths: dict[int, list[str]]) -> dict:
    viewpoints = {v.pk: v.label for v in body.viewpoints.all()}
    order = {v.pk: v.order for v in body.viewpoints.all()}
    grades = {g.pk: g.code for g in body.grades.all()}
    members = {m.pk: m.display_name for m in body.members.all()}
    units = {unit.pk: unit for unit in body.units.all()}

    def unit_key(unit) -> dict:
        if unit.measure_id:
            return {"unit": unit.measure.code, "sub_number": unit.measure.sub_number}
        if unit.pillar_id:
            return {"unit": pillar_paths.get(unit.pillar_id, [])}
        return {"unit": unit.department.name}

    rounds = []
    for round_ in body.rounds.all():
        by_unit: dict[int, dict] = {}

        def review(unit_id: int, by_unit: dict = by_unit) -> dict:
            if unit_id not in by_unit:
                by_unit[unit_id] = {
                    **unit_key(units[unit_id]),
                    "grades": {},
                    "member_grades": [],
                    "opinions": [],
                }
            return by_unit[unit_id]

        for evaluation in round_.self_evaluations.all():
            for grade in evaluation.grades.all():
                row = review(evaluation.unit_id)["grades"].setdefault(
                    grade.viewpoint_id, {"viewpoint": viewpoints[grade.viewpoint_id]}
                )
                row["self_grade"] = grades[grade.grade_id]
        for conclusion in round_.conclusions.all():
            row = review(conclusion.unit_id)["grades"].setdefault(
                conclusion.viewpoint_id, {"viewpoint": viewpoints[conclusion.viewpoint_id]}
            )
            row.update(
                grade=grades[conclusion.grade_id],
                aggregated_grade=grades.get(conclusion.aggregated_grade_id, ""),
                member_count=conclusion.member_count,
                set_by_chair=conclusion.set_by_chair,
            )
        for sheet in round_.sheets.all():
            for grade in sorted(sheet.grades.all(), key=lambda g: order[g.viewpoint_id]):
                review(sheet.unit_id)["member_grades"].append(
                    {
                        "member": members[sheet.member_id],
                        "viewpoint": viewpoints[grade.viewpoint_id],
                        "grade": grades.get(grade.grade_id, ""),
                        "comment": grade.comment,
                    }
                )
        for opinion in sorted(round_.opinions.all(), key=lambda o: (o.order, o.pk)):
            review(opinion.unit_id)["opinions"].append(
                {
                    "viewpoint": viewpoints.get(opinion.viewpoint_id, ""),
                    "text": opinion.text,
                    "response": opinion.response,
                    "department": opinion.responsible_department.name
                    if opinion.responsible_department
                    else "",
                    "progress": [
                        {"fiscal_year": p.fiscal_year, "status": p.status, "text": p.text}
                        for p in opinion.progress.all()
                    ],
                }
            )
        reviews = []
        for unit_id in sorted(by_unit, key=lambda pk: (units[pk].order, pk)):
            found = by_unit[unit_id]
            found["grades"] = [
                found["grades"][pk] for pk in sorted(found["grades"], key=lambda pk: order[pk])
            ]
            for row in found["grades"]:
                for key, empty in (
                    ("self_grade", ""),
                    ("grade", ""),
                    ("aggregated_grade", ""),
                    ("member_count", None),
                    ("set_by_chair", False),
                ):
                    row.setdefault(key, empty)
            reviews.append(found)
        rounds.append(
            {"fiscal_year": round_.fiscal_year, "status": round_.status, "reviews": reviews}
        )
    return {
        "name": body.name,
        "unit_kind": body.unit_kind,
        "aggregation": body.aggregation,
        "members": [{"name": m.display_name, "chair": m.is_chair} for m in body.members.all()],
        "viewpoints": [
            {"label": v.label, "description": v.description} for v in body.viewpoints.all()
        ],
        "grade_scheme": [
            {"code": g.code, "label": g.label, "definition": g.definition}
            for g in body.grades.all()
        ],
        "units": [unit_key(unit) for unit in body.units.all()],
        "rounds": rounds,
    }


def _review_department_names(bodies: list[dict]) -> list[str]:
    """Departments the committees review or make responsible for an opinion, in order."""
    names: dict[str, None] = {}
    for body in bodies:
        if body["unit_kind"] == "department":
            names.update(dict.fromkeys(unit["unit"] for unit in body["units"]))
        for found in body["rounds"]:
            for review in found["reviews"]:
                names.update(
                    dict.fromkeys(o["department"] for o in review["opinions"] if o["department"])
                )
    return list(names)
