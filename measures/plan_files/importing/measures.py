"""Measures, their SDGs, co-creation and departments (sheets 取組 and 担当課), and the
order in which every row under a measure is read."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from measures.models import (
    CoCreationActor,
    Indicator,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
    Step,
    SustainableDevelopmentGoal,
)
from measures.plan_files.importing.base import ExistingRows, read_sub_number, shown
from measures.text_cleaning import clean_text


class MeasurePart:
    """Reads the measures, then every row under them in passes that write new rows in bulk."""

    def read_measures(
        self, plan: Plan, pillars: dict[tuple[str, ...], Pillar], measures: list
    ) -> None:
        actors = {actor.name: actor for actor in CoCreationActor.objects.all()}
        goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
        self.existing = ExistingRows(plan)
        # Three passes, so that each kind of new row is written in one bulk statement once
        # the rows it refers to have their keys: measures; then their steps, indicators and
        # department links; then everything per year.
        entries = []
        for order, data in enumerate(measures):
            location = f"取組 {order + 1}件目"
            if not isinstance(data, dict):
                self.problem(location, "", "取組の情報がありません。")
                continue
            code = self.text(data, "code")
            if code:
                sub = data.get("sub_number") or 1
                location = f"取組 {code}" + (f"-{sub}" if sub != 1 else "")
            location = self.where(data, location)
            measure = self.read_measure(plan, pillars, data, order, location)
            if measure is not None:
                entries.append((measure, data, location))
        self.flush(Measure)
        if not self.issues:
            self.read_merges(plan, entries)
        children = []
        for measure, data, location in entries:
            self.read_measure_sets(measure, data, location, actors, goals)
            # A list left out of the document leaves those rows as they are.
            if "departments" in data:
                self.read_departments(measure, data["departments"] or [], location)
            steps = (
                self.read_steps(measure, data["steps"] or [], location) if "steps" in data else []
            )
            indicators = (
                self.read_indicators(measure, data["indicators"] or [], location)
                if "indicators" in data
                else []
            )
            children.append((steps, indicators))
        self.flush(Step, Indicator)
        for (measure, data, location), (steps, indicators) in zip(entries, children, strict=True):
            for step, step_data, step_location in steps:
                self.read_step_years(step, step_data, step_location)
            for indicator, indicator_data, indicator_location in indicators:
                self.read_indicator_values(indicator, indicator_data, indicator_location)
            if "targets" in data:
                self.read_targets(measure, data["targets"] or [], location)
            if "effects" in data:
                self.read_effects(measure, data["effects"] or [], location)
            self.read_years(measure, data.get("years") or [], location)
            if "period_result" in data:
                self.read_period_result(measure, data["period_result"], location)
        self.flush()
        # Rows of the plan the document no longer has: pillars without measures, grades and
        # statuses nothing refers to. Measures missing from a file are left alone.
        for name in ("pillars_to_delete", "grades_to_delete", "statuses_to_delete"):
            for obj in sorted(
                getattr(self, name, {}).values(), key=lambda o: -getattr(o, "level", 0)
            ):
                if isinstance(obj, Pillar) and _reviewed(obj):
                    # A committee reviews it (or a pillar below it): deleting it would take
                    # the committee's results along.
                    self.summary.count("unchanged", type(obj))
                    continue
                try:
                    with transaction.atomic():
                        obj.delete()
                    self.summary.count("deleted", type(obj))
                except (models.ProtectedError, models.RestrictedError):
                    self.summary.count("unchanged", type(obj))

    def check_duplicates(self, document: dict) -> None:
        seen: dict[tuple[str, int], int] = {}
        for index, measure in enumerate(document.get("measures") or []):
            if not isinstance(measure, dict):
                continue
            sub_number = read_sub_number(measure.get("sub_number"))
            if sub_number is None:
                continue  # read_measure names it
            key = (str(measure.get("code", "")), sub_number)
            if key in seen:
                self.problem(
                    f"取組 {index + 1}件目",
                    "番号",
                    f"番号 {key[0]}（枝番 {key[1]}）が {seen[key] + 1}件目と重複しています。",
                )
            else:
                seen[key] = index

    def read_measure(self, plan, pillars, data, order, location) -> Measure | None:
        code = self.text(data, "code")
        if not code:
            self.problem(location, "番号", "取組の番号がありません。")
            return None
        sub_number = read_sub_number(data.get("sub_number"))
        if sub_number is None:
            raw = data.get("sub_number")
            self.problem(location, "枝番", f"枝番 {shown(raw)} は1以上の整数にしてください。")
            return None
        pillar = None
        path = data.get("pillar") or []
        if path:
            pillar = pillars.get(tuple(clean_text(str(part)) for part in path))
            if pillar is None:
                self.problem(
                    location,
                    "体系",
                    f"体系 {' > '.join(map(str, path))} が計画の体系にありません。",
                )
                return None
        status = self.text(data, "status")
        continuity = {
            "新規": Measure.Continuity.NEW,
            "継続": Measure.Continuity.CONTINUING,
            "": "",
        }.get(status)
        if continuity is None:
            self.problem(
                location, "新規・継続", f"「{status}」は「新規」か「継続」にしてください。"
            )
            return None
        co_creation = data.get("co_creation") or {}
        values = {
            "pillar": pillar,
            "mark": self.text(data, "mark"),
            "order": order,
            "title": self.text(data, "title"),
            "continuity": continuity,
            "is_citywide": bool(data.get("citywide", False)),
            "current_situation": self.text(data, "current_situation"),
            "goal": self.text(data, "goal"),
            "content": self.text(data, "content"),
            "future_direction": self.text(data, "future_direction"),
            "related_plans": self.text(data, "related_plans"),
            "comprehensive_plan_position": self.text(data, "comprehensive_plan_position"),
            "co_creation_text": self.text(co_creation, "text"),
            "notes": self.text(data, "notes"),
        }
        if not self.read_active_years(data, location, values):
            return None
        existing = self.existing.measures.get((code, sub_number))
        measure = self.sync(
            Measure,
            location,
            {"plan": plan, "code": code, "sub_number": sub_number},
            values,
            existing,
        )
        return measure

    def read_active_years(self, data: dict, location: str, values: dict) -> bool:
        """The measure's first and last years and how it ended, where the document gives
        them (a document without these keys leaves them as they are)."""
        for key in ("first_fiscal_year", "last_fiscal_year"):
            if key in data:
                values[key] = self.fiscal_year(data, location, key, required=False)
        if "ending_note" in data:
            values["ending_note"] = self.text(data, "ending_note")
        if "ending" in data:
            ending = self.text(data, "ending")
            words = {label: value for value, label in Measure.Ending.choices}
            ending = words.get(ending, ending)
            if ending and ending not in Measure.Ending.values:
                self.problem(
                    location,
                    "終了の区分",
                    f"「{ending}」は {'・'.join(words)} のいずれかにしてください。",
                )
                return False
            values["ending"] = ending
            if ending != Measure.Ending.MERGED:
                values["merged_into"] = None
        return True

    def read_merges(self, plan: Plan, entries: list) -> None:
        """Which measure each merged measure went into, once every measure has its key: the
        one it went into may come later in the document."""
        by_key = {key: measure for key, measure in self.existing.measures.items()}
        by_key.update({(m.code, m.sub_number): m for m, _data, _location in entries})
        for measure, data, location in entries:
            if "merged_into" not in data:
                continue
            target = data["merged_into"] or None
            into = None
            if target is not None:
                code = self.text(target, "code")
                sub_number = read_sub_number(target.get("sub_number") or 1)
                into = by_key.get((code, sub_number))
                if into is None:
                    self.problem(
                        location,
                        "集約先の番号",
                        f"集約先の取組 {code}（枝番 {sub_number}）が計画にありません。",
                    )
                    continue
            if measure.merged_into_id == (into.pk if into else None):
                continue
            measure.merged_into = into
            try:
                measure.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                self._report_validation(location, error, Measure)
                continue
            measure.save(update_fields=["merged_into"])
            if (Measure, measure.pk) not in self.created:
                self.summary.count("updated", Measure)

    def read_measure_sets(self, measure, data, location, actors, goals) -> None:
        co_creation = data.get("co_creation") or {}
        wanted_goals = []
        for number in data.get("sdgs") or []:
            if number not in goals:
                self.problem(location, "SDGs", f"SDGsの目標番号 {number!r} は1～17にしてください。")
            else:
                wanted_goals.append(goals[number])
        rows = self.existing
        if "sdgs" in data:
            self.set_many(measure, "sdgs", wanted_goals, rows.sdgs.get(measure.pk, set()))
        if "actors" not in co_creation:
            return
        wanted_actors = []
        for raw in co_creation.get("actors") or []:
            name = clean_text(str(raw if raw is not None else ""))
            actor = actors.get(name) or self.new_actor(name, len(actors), location)
            if actor is None:
                continue
            actors[name] = actor
            wanted_actors.append(actor)
        self.set_many(
            measure, "co_creation_actors", wanted_actors, rows.actors.get(measure.pk, set())
        )

    def new_actor(self, name: str, order: int, location: str) -> CoCreationActor | None:
        """A co-creation actor the list does not have yet, checked like any imported row."""
        actor = CoCreationActor(name=name, order=order)
        if not self.storable(CoCreationActor, location, {"name": name}):
            return None
        try:
            actor.full_clean()
        except ValidationError as error:
            self._report_validation(location, error, CoCreationActor)
            return None
        actor.save()
        return actor

    def read_departments(self, measure, links: list, location: str) -> None:
        existing = self.existing.children("links", measure)
        kept = set()
        for order, data in enumerate(links):
            if isinstance(data, str):
                data = {"name": data}
            name = self.text(data, "name")
            if not name:
                self.problem(location, "担当課", f"{order + 1}番目の部署名がありません。")
                continue
            role = data.get("role") or MeasureDepartment.Role.LEAD
            if role not in MeasureDepartment.Role.values:
                self.problem(
                    location,
                    "担当課",
                    f"部署「{name}」の役割 {role!r} は lead か related にしてください。",
                )
                continue
            department = self.department(name, self.where(data, location), "担当課")
            if department is None or department.pk in kept:
                continue
            kept.add(department.pk)
            self.sync(
                MeasureDepartment,
                self.where(data, f"{location} の部署「{name}」"),
                {"measure": measure, "department": department},
                {"role": role, "is_primary": bool(data.get("primary")), "order": order},
                existing.get(department.pk),
            )
        self.delete_stale(existing, kept)


def _reviewed(pillar: Pillar) -> bool:
    from reviews.models import ReviewUnit

    return ReviewUnit.objects.filter(
        models.Q(pillar=pillar)
        | models.Q(pillar__parent=pillar)
        | models.Q(pillar__parent__parent=pillar)
    ).exists()
