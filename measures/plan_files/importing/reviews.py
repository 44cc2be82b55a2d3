"""The external review (sheets 委員会 … 反映状況; the document's `review_bodies`): the plan's
committees with their members, viewpoints, grade schemes and units, and per fiscal year the
self-grades, members' grades, the committee's conclusions, its opinions with the office's
responses and their 反映状況.

Rows are matched by natural keys: a committee by its name, a member by name, a viewpoint by
its label, a grade class by its code, a unit by what it reviews, a round by its year, an
opinion by its place among the unit's opinions of the round. A row a file leaves out is left
as it is (committee data are removed in the admin). Members read from a file are names alone:
they have no account and never sign in.
"""

import unicodedata
from typing import Any

from django.db import models
from django.db.models import F

from measures.models import Measure, Pillar, Plan
from measures.plan_files.importing.base import LOOK_UP, read_sub_number, request_user, shown
from municipalities.models import Department
from reviews.models import (
    Aggregation,
    Conclusion,
    MemberGrade,
    MemberSheet,
    Opinion,
    OpinionProgress,
    OpinionStatus,
    ReviewBody,
    ReviewGrade,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfEvaluation,
    SelfGrade,
    UnitKind,
    Viewpoint,
)
from reviews.publication import published_plan_years

UNIT_KIND_WORDS = {
    **{label: value for value, label in UnitKind.choices},
    "取組": UnitKind.MEASURE,
    "体系": UnitKind.PILLAR,
    "柱": UnitKind.PILLAR,
    "部署": UnitKind.DEPARTMENT,
}
AGGREGATION_WORDS = {
    **{label: value for value, label in Aggregation.choices},
    "平均": Aggregation.MEAN,
    "中央値": Aggregation.MEDIAN,
    "委員長が決定": Aggregation.CHAIR,
}
ROUND_WORDS = {label: value for value, label in ReviewRound.Status.choices}
OPINION_STATUS_WORDS = {label: value for value, label in OpinionStatus.choices}


def _choice(raw: str, values: list[str], words: dict[str, str]) -> str | None:
    """A choice written as its value (department) or its word (部署ごと), or None."""
    if raw in values:
        return raw
    return words.get(raw) or words.get(unicodedata.normalize("NFKC", raw))


class _Body:
    """A committee as the import knows it: the row (unsaved when it could not be written)
    and its viewpoints, grades, members and units by their natural keys."""

    def __init__(self, obj: ReviewBody, name: str):
        self.obj = obj
        self.name = name
        self.viewpoints: dict[str, Viewpoint] = {}
        self.grades: dict[str, ReviewGrade] = {}
        self.members: dict[str, ReviewMember] = {}
        self.units: dict[Any, ReviewUnit] = {}
        if obj.pk is not None:
            self.viewpoints = {v.label: v for v in obj.viewpoints.all()}
            self.grades = {g.code: g for g in obj.grades.all()}
            for member in obj.members.all():
                self.members.setdefault(member.display_name, member)
            for unit in obj.units.all():
                self.units[unit.measure_id or unit.pillar_id or unit.department_id] = unit


class ReviewPart:
    """Reads the plan's committees and their results."""

    def read_review_bodies(
        self, plan: Plan, pillars: dict[tuple[str, ...], Pillar], bodies: list, measures: list
    ) -> None:
        self.review_measures: dict[tuple[str, int], Measure] = {
            (m.code, m.sub_number): m for m in Measure.objects.filter(plan=plan)
        }
        # Measures of the file not written because of problems found already: known, so
        # that the review rows naming them are checked all the same.
        for data in measures:
            if isinstance(data, dict):
                key = (self.text(data, "code"), read_sub_number(data.get("sub_number")) or 1)
                self.review_measures.setdefault(key, Measure(plan=plan, code=key[0]))
        self.review_pillars = pillars
        self.review_published_years = published_plan_years(plan)
        existing = {body.name: body for body in plan.review_bodies.all()}
        names = set()
        for order, data in enumerate(bodies):
            location = self.where(data, f"委員会 {order + 1}件目")
            name = self.text(data, "name")
            if not name:
                self.problem(location, "委員会", "委員会の名称がありません。")
                continue
            if name in names:
                self.problem(location, "委員会", f"委員会「{name}」が重複しています。")
                continue
            names.add(name)
            self.read_review_body(plan, data, name, order, existing.get(name))

    def _write(self, model, location: str, lookup: dict, values: dict, existing=LOOK_UP):
        """sync() a row whose parents are written; with a parent not written (problems were
        found, nothing will be kept) the row as an unsaved object, for the checks below."""
        if any(isinstance(v, models.Model) and v.pk is None for v in lookup.values()) or any(
            isinstance(v, models.Model) and v.pk is None for v in values.values()
        ):
            return model(**lookup, **values)
        return self.sync(model, location, lookup, values, existing) or model(**lookup, **values)

    def _changes(self) -> int:
        return sum(self.summary.created.values()) + sum(self.summary.updated.values())

    def read_review_body(
        self, plan: Plan, data: dict, name: str, order: int, existing: ReviewBody | None
    ) -> None:
        location = self.where(data, f"委員会「{name}」")
        values: dict[str, Any] = {"order": order}
        raw_kind = self.text(data, "unit_kind")
        if raw_kind:
            kind = _choice(raw_kind, UnitKind.values, UNIT_KIND_WORDS)
            if kind is None:
                self.problem(
                    location,
                    "評価の単位",
                    f"「{raw_kind}」は 取組ごと・体系（柱）ごと・部署ごと のいずれかにしてください。",
                )
            values["unit_kind"] = kind or UnitKind.MEASURE
        elif existing is None:
            self.problem(
                location,
                "評価の単位",
                "評価の単位（取組ごと・体系（柱）ごと・部署ごと）がありません。",
            )
        raw_aggregation = self.text(data, "aggregation")
        if raw_aggregation:
            aggregation = _choice(raw_aggregation, Aggregation.values, AGGREGATION_WORDS)
            if aggregation is None:
                self.problem(
                    location,
                    "評価の決め方",
                    f"「{raw_aggregation}」は 平均・中央値・委員長が決定 のいずれかにしてください。",
                )
            values["aggregation"] = aggregation or Aggregation.MEAN
        elif existing is None:
            values["aggregation"] = Aggregation.MEAN
        lookup = {"plan": plan, "name": name}
        body = _Body(self._write(ReviewBody, location, lookup, values, existing), name)
        if "viewpoints" in data:
            self.read_viewpoints(body, data["viewpoints"] or [], location)
        if "grade_scheme" in data:
            self.read_review_grades(body, data["grade_scheme"] or [], location)
        if "members" in data:
            self.read_members(body, data["members"] or [], location)
        for index, unit_data in enumerate(data.get("units") or []):
            where = self.where(unit_data, f"{location} の評価の対象 {index + 1}件目")
            target = self.review_target(body, unit_data, where)
            if target is not None:
                self.review_unit(body, target, where, order=index)
        existing_rounds = {r.fiscal_year: r for r in body.obj.rounds.all()} if body.obj.pk else {}
        for round_data in data.get("rounds") or []:
            self.read_round(body, round_data, location, existing_rounds)

    def read_viewpoints(self, body: _Body, rows: list, location: str) -> None:
        for order, data in enumerate(rows):
            where = self.where(data, f"{location} の評価の観点 {order + 1}件目")
            label = self.text(data, "label")
            if not label:
                self.problem(where, "観点", "観点の名称がありません。")
                continue
            body.viewpoints[label] = self._write(
                Viewpoint,
                where,
                {"body": body.obj, "label": label},
                {"order": order, "description": self.text(data, "description")},
                body.viewpoints.get(label),
            )

    def read_review_grades(self, body: _Body, rows: list, location: str) -> None:
        """The body's scheme, best first. No two classes share a rank: when the ranks change,
        the classes are first moved out of the way; classes the file leaves out follow."""
        wanted: list[tuple[str, dict, str]] = []
        codes = set()
        for order, data in enumerate(rows):
            where = self.where(data, f"{location} の評価区分 {order + 1}件目")
            code = self.text(data, "code")
            if not code:
                self.problem(where, "記号", "評価区分の記号がありません。")
                continue
            if code in codes:
                self.problem(where, "記号", f"記号「{code}」が重複しています。")
                continue
            codes.add(code)
            wanted.append((code, data, where))
        ranks = {code: rank for rank, (code, _data, _where) in enumerate(wanted)}
        left = sorted((g for c, g in body.grades.items() if c not in ranks), key=lambda g: g.order)
        ranks.update({grade.code: len(wanted) + i for i, grade in enumerate(left)})
        if body.obj.pk and any(g.order != ranks[c] for c, g in body.grades.items()):
            offset = max([g.order for g in body.grades.values()] + list(ranks.values())) + 1
            ReviewGrade.objects.filter(body=body.obj).update(order=F("order") + offset)
            for grade in body.grades.values():
                grade.order += offset
            for grade in left:
                grade.order = ranks[grade.code]
                grade.save(update_fields=["order"])
        for code, data, where in wanted:
            body.grades[code] = self._write(
                ReviewGrade,
                where,
                {"body": body.obj, "code": code},
                {
                    "order": ranks[code],
                    "label": self.text(data, "label") or code,
                    "definition": self.text(data, "definition"),
                },
                body.grades.get(code),
            )

    def read_members(self, body: _Body, rows: list, location: str) -> None:
        chairs = [data for data in rows if data.get("chair")]
        for extra in chairs[1:]:
            self.problem(
                self.where(extra, location), "委員長", "委員長は1つの委員会に1人までです。"
            )
        chair = self.text(chairs[0], "name") if chairs else None
        if chair and body.obj.pk:
            # The file says who chairs: the one chair a body may have steps down first.
            for member in body.members.values():
                if member.is_chair and member.display_name != chair:
                    member.is_chair = False
                    member.save(update_fields=["is_chair"])
                    self.summary.count("updated", ReviewMember)
        for order, data in enumerate(rows):
            where = self.where(data, f"{location} の委員 {order + 1}件目")
            name = self.text(data, "name")
            if not name:
                self.problem(where, "氏名", "委員の氏名がありません。")
                continue
            body.members[name] = self._write(
                ReviewMember,
                where,
                {"body": body.obj, "display_name": name},
                {"order": order, "is_chair": bool(data.get("chair")) and name == chair},
                body.members.get(name),
            )

    def review_target(self, body: _Body, data: dict, location: str):
        """The measure, pillar or department a row names (of the body's kind), or None."""
        raw = data.get("unit")
        kind = body.obj.unit_kind
        if raw in (None, "", []):
            self.problem(location, "評価の対象", "評価の対象がありません。")
            return None
        if kind == UnitKind.PILLAR:
            parts = raw if isinstance(raw, list) else str(raw).split(">")
            path = tuple(self.text({"part": part}, "part").strip() for part in parts)
            pillar = self.review_pillars.get(path)
            if pillar is None:
                self.problem(
                    location,
                    "評価の対象",
                    f"体系「{' > '.join(path)}」は計画の体系にありません"
                    "（番号を上の階層から「 > 」でつないでください）。",
                )
            return pillar
        if isinstance(raw, list):
            self.problem(location, "評価の対象", "評価の対象は1つの名称か番号で書いてください。")
            return None
        name = self.text(data, "unit")
        if kind == UnitKind.DEPARTMENT:
            department = self.departments.get(name)
            if department is None:
                self.problem(
                    location,
                    "評価の対象",
                    f"部署「{name}」は登録されていません（部署の一覧に加えるか、名称を確認してください）。",
                )
            return department
        sub_number = read_sub_number(data.get("sub_number"))
        if sub_number is None:
            self.problem(
                location,
                "枝番",
                f"枝番 {shown(data.get('sub_number'))} は1以上の整数にしてください。",
            )
            return None
        measure = self.review_measures.get((name, sub_number))
        if measure is None:
            self.problem(
                location, "評価の対象", f"取組 {name}（枝番 {sub_number}）は計画にありません。"
            )
        return measure

    def review_unit(self, body: _Body, target, location: str, order: int | None = None):
        key = target.pk if target.pk is not None else ("new", id(target))
        unit = body.units.get(key)
        if unit is not None and order is None:
            return unit
        values = {} if order is None else {"order": order}
        if unit is None and order is None:
            values["order"] = len(body.units)
        unit = self._write(
            ReviewUnit,
            location,
            {"body": body.obj, body.obj.unit_kind: target},
            values,
            unit,
        )
        body.units[key] = unit
        return unit

    def read_round(self, body: _Body, data: dict, location: str, existing: dict) -> None:
        fiscal_year = self.fiscal_year(data, self.where(data, location + " の外部評価"))
        if fiscal_year is None:
            return
        location = self.where(data, f"{location} の{fiscal_year}年度")
        raw = self.text(data, "status") or ReviewRound.Status.CONCLUDED
        status = _choice(raw, ReviewRound.Status.values, ROUND_WORDS)
        if status is None:
            self.problem(
                location, "状況", f"「{raw}」は 評価確定・評価中 のいずれかにしてください。"
            )
            status = ReviewRound.Status.CONCLUDED
        old = existing.get(fiscal_year)
        was_public = (
            old is not None
            and old.status == ReviewRound.Status.CONCLUDED
            and fiscal_year in self.review_published_years
        )
        values: dict[str, Any] = {"status": status}
        if status == ReviewRound.Status.CONCLUDED and (old is None or not old.concluded_at):
            values["concluded_at"] = self.published_at_of(fiscal_year)
            values["concluded_by"] = request_user()
        elif status == ReviewRound.Status.OPEN and old is not None and not old.is_open:
            if was_public:
                self.problem(
                    location,
                    "状況",
                    "公表した年度の外部評価は評価中に戻せません（年度の公表を取り消してから取り込んでください）。",
                )
                return
            values.update(concluded_at=None, concluded_by=None)
        before = self._changes()
        round_ = self._write(
            ReviewRound, location, {"body": body.obj, "fiscal_year": fiscal_year}, values, old
        )
        # What a committee concluded is loaded as it was recorded: the rule that nothing is
        # added to a concluded round guards the entry forms, not this record.
        concluded_status, round_.status = round_.status, ReviewRound.Status.OPEN
        evaluations: dict = {}
        sheets: dict = {}
        opinions: dict[int, list[Opinion]] = {}
        if round_.pk is not None:
            for opinion in round_.opinions.order_by("order", "pk"):
                opinions.setdefault(opinion.unit_id, []).append(opinion)
        try:
            for index, review in enumerate(data.get("reviews") or []):
                where = self.where(review, f"{location} の評価の対象 {index + 1}件目")
                target = self.review_target(body, review, where)
                unit = self.review_unit(body, target, where) if target is not None else None
                self.read_conclusions(body, round_, unit, review, where, evaluations)
                self.read_member_grades(body, round_, unit, review, where, sheets)
                existing_opinions = opinions.get(unit.pk, []) if unit is not None else []
                self.read_opinions(body, round_, unit, review, where, existing_opinions)
        finally:
            round_.status = concluded_status
        if was_public and self._changes() > before:
            self.problem(
                location,
                "",
                "公表した年度の外部評価は変更できません（年度の公表を取り消してから取り込んでください）。",
            )

    def review_viewpoint(self, body: _Body, data: dict, location: str, required: bool = True):
        label = self.text(data, "viewpoint")
        if not label:
            if required:
                self.problem(location, "観点", "観点がありません。")
                return False
            return None
        viewpoint = body.viewpoints.get(label)
        if viewpoint is None:
            known = "、".join(body.viewpoints) or "（観点なし）"
            self.problem(
                location,
                "観点",
                f"観点「{label}」は委員会「{body.name}」の評価の観点（{known}）にありません。",
            )
            return False
        return viewpoint

    def review_grade(self, body: _Body, data: dict, key: str, location: str, label: str):
        """A class of the body's scheme by its code; None when blank, False when the scheme
        has no such class."""
        code = self.text(data, key)
        if not code:
            return None
        return self.coded_grade(body.grades, code, location, label, f"委員会「{body.name}」")

    def read_conclusions(self, body, round_, unit, review: dict, location: str, evaluations):
        """委員会の評価: the department's own grade and the committee's, per viewpoint."""
        counts: dict[str, int] = {}
        for data in review.get("member_grades") or []:
            if isinstance(data, dict) and self.text(data, "grade"):
                label = self.text(data, "viewpoint")
                counts[label] = counts.get(label, 0) + 1
        for index, data in enumerate(review.get("grades") or []):
            where = self.where(data, f"{location} の評価 {index + 1}件目")
            viewpoint = self.review_viewpoint(body, data, where)
            self_grade = self.review_grade(body, data, "self_grade", where, "自己評価")
            grade = self.review_grade(body, data, "grade", where, "委員会の評価")
            aggregated = self.review_grade(
                body, data, "aggregated_grade", where, "委員の評価の集計"
            )
            if self_grade is None and grade is None:
                self.problem(where, "委員会の評価", "自己評価か委員会の評価を書いてください。")
                continue
            if aggregated and grade is None:
                self.problem(
                    where, "委員会の評価", "委員の評価の集計には委員会の評価も書いてください。"
                )
                continue
            member_count = data.get("member_count")
            if member_count in (None, ""):
                member_count = counts.get(self.text(data, "viewpoint"), 0)
            elif isinstance(member_count, bool) or not isinstance(member_count, int):
                self.problem(
                    where,
                    "評価した委員の数",
                    f"{shown(member_count)} は0以上の整数にしてください。",
                )
                continue
            elif not 0 <= member_count <= 1000:
                self.problem(
                    where, "評価した委員の数", f"{member_count} は0～1000の整数にしてください。"
                )
                continue
            chair_decides = body.obj.aggregation == Aggregation.CHAIR
            set_by_chair = data.get("set_by_chair")
            set_by_chair = chair_decides if set_by_chair in (None, "") else bool(set_by_chair)
            if False in (viewpoint, self_grade, grade, aggregated) or unit is None:
                continue
            if self_grade is not None:
                key = id(unit) if unit.pk is None else unit.pk
                if key not in evaluations:
                    evaluations[key] = self._write(
                        SelfEvaluation, where, {"round": round_, "unit": unit}, {}
                    )
                self._write(
                    SelfGrade,
                    where,
                    {"evaluation": evaluations[key], "viewpoint": viewpoint},
                    {"grade": self_grade},
                )
            if grade is not None:
                self._write(
                    Conclusion,
                    where,
                    {"round": round_, "unit": unit, "viewpoint": viewpoint},
                    {
                        "grade": grade,
                        "aggregated_grade": aggregated,
                        "set_by_chair": set_by_chair,
                        "member_count": member_count,
                    },
                )

    def read_member_grades(self, body, round_, unit, review: dict, location: str, sheets):
        """委員の評価: each member's grade and comment per viewpoint (never public)."""
        for index, data in enumerate(review.get("member_grades") or []):
            where = self.where(data, f"{location} の委員の評価 {index + 1}件目")
            name = self.text(data, "member")
            member = body.members.get(name)
            if member is None:
                self.problem(
                    where,
                    "委員",
                    f"委員「{name}」は委員会「{body.name}」の委員にありません。"
                    if name
                    else "委員の氏名がありません。",
                )
            viewpoint = self.review_viewpoint(body, data, where)
            grade = self.review_grade(body, data, "grade", where, "評価")
            comment = self.text(data, "comment")
            if grade is None and not comment:
                self.problem(where, "評価", "評価かコメントを書いてください。")
                continue
            if member is None or False in (viewpoint, grade) or unit is None:
                continue
            key = (id(unit) if unit.pk is None else unit.pk, name)
            if key not in sheets:
                sheets[key] = self._write(
                    MemberSheet, where, {"round": round_, "unit": unit, "member": member}, {}
                )
            self._write(
                MemberGrade,
                where,
                {"sheet": sheets[key], "viewpoint": viewpoint},
                {"grade": grade, "comment": comment},
            )

    def read_opinions(self, body, round_, unit, review: dict, location: str, existing) -> None:
        """意見と対応方針, and each opinion's 反映状況 of later years. Opinions are matched by
        their place among the unit's opinions of the round (`existing`, in order)."""
        for order, data in enumerate(review.get("opinions") or []):
            where = self.where(data, f"{location} の意見 {order + 1}件目")
            viewpoint = self.review_viewpoint(body, data, where, required=False)
            text = self.text(data, "text")
            if not text:
                self.problem(where, "意見", "意見がありません。")
            department_name = self.text(data, "department")
            department: Department | bool | None = None
            if department_name:
                department = self.department(department_name, where, "担当課") or False
            progress = self.opinion_progress(round_, data.get("progress") or [], where)
            if not text or viewpoint is False or department is False or unit is None:
                continue
            old = existing[order] if order < len(existing) else None
            if old is not None and old.order != order:
                old.order = order  # opinions entered in the admin may share a number
                old.save(update_fields=["order"])
            opinion = self._write(
                Opinion,
                where,
                {"round": round_, "unit": unit, "order": order},
                {
                    "viewpoint": viewpoint,
                    "text": text,
                    "response": self.text(data, "response"),
                    "responsible_department": department,
                },
                old,
            )
            existing_progress = (
                {p.fiscal_year: p for p in opinion.progress.all()} if opinion.pk else {}
            )
            for fiscal_year, values, progress_where in progress:
                self._write(
                    OpinionProgress,
                    progress_where,
                    {"opinion": opinion, "fiscal_year": fiscal_year},
                    values,
                    existing_progress.get(fiscal_year),
                )

    def opinion_progress(self, round_, rows: list, location: str) -> list:
        """The 反映状況 rows, checked: a later year than the opinion's, a known status."""
        read = []
        for index, data in enumerate(rows):
            where = self.where(data, f"{location} の反映状況 {index + 1}件目")
            fiscal_year = self.fiscal_year(
                {"recorded_fiscal_year": data.get("fiscal_year")}, where, "recorded_fiscal_year"
            )
            raw = self.text(data, "status")
            status = _choice(raw, OpinionStatus.values, OPINION_STATUS_WORDS) if raw else None
            if status is None:
                self.problem(
                    where,
                    "反映状況",
                    f"「{raw}」は 反映済み・一部反映・検討中・反映しない のいずれかにしてください。"
                    if raw
                    else "反映状況がありません。",
                )
            if fiscal_year is not None and fiscal_year <= round_.fiscal_year:
                self.problem(
                    where,
                    "記録した年度",
                    f"{fiscal_year}年度は意見を受けた{round_.fiscal_year}年度より後の年度にしてください。",
                )
                continue
            if fiscal_year is not None and status is not None:
                read.append(
                    (fiscal_year, {"status": status, "text": self.text(data, "text")}, where)
                )
        return read
