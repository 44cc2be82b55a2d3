"""The plan itself, its introduction, and its grade and status schemes (sheets 計画,
前文, 評価区分 and 実施状況)."""

from decimal import Decimal, InvalidOperation

from measures.models import (
    Grade,
    ImplementationStatus,
    Plan,
    PlanGoal,
    PlanGoalResult,
    PlanSection,
)
from measures.plan_files.importing.base import shown, text_or_blank
from measures.plan_files.importing.outcome import ImportIssue
from measures.text_cleaning import clean_text
from measures.values import Quantity, format_number, parse_goal_value
from municipalities.models import Municipality


class PlanPart:
    """Reads the plan, its introduction, its schemes and its plan-level goals."""

    def read_plan(self, municipality: Municipality, data: dict) -> Plan | None:
        location = "計画"
        name = self.text(data, "name")
        if not name:
            self.problem(location, "計画名", "計画名がありません。")
            return None
        labels = data.get("level_labels") or []
        if not isinstance(labels, list) or not 1 <= len(labels) <= 3:
            self.problem(location, "階層の名称", "体系の階層名は1～3個のリストで書いてください。")
            return None
        labels = [text_or_blank(label) for label in labels] + ["", "", ""]
        values = {
            "document_title": self.text(data, "document_title"),
            "framework_name": self.text(data, "framework_name"),
            "framework_first_fiscal_year": self.fiscal_year(
                data, location, "framework_first_fiscal_year", required=False
            ),
            "framework_last_fiscal_year": self.fiscal_year(
                data, location, "framework_last_fiscal_year", required=False
            ),
            "first_fiscal_year": self.fiscal_year(data, location, "first_fiscal_year"),
            "last_fiscal_year": self.fiscal_year(data, location, "last_fiscal_year"),
            "revision_label": self.text(data, "revision_label"),
            "revision_date": self.date(data, location, "revision_date"),
            "published_on": self.date(data, location, "published_on"),
            "vision": self.text(data, "vision"),
            "viewpoints": self.text(data, "viewpoints"),
            "level1_label": labels[0],
            "level2_label": labels[1],
            "level3_label": labels[2],
            "measure_label": self.text(data, "measure_label") or "取組項目",
            "goal_label": self.text(data, "goal_label") or "目標",
            "grade_note": self.text(data, "grade_note"),
            "reform_office_id": None,
        }
        if values["first_fiscal_year"] is None or values["last_fiscal_year"] is None:
            return None
        if not self.read_plan_settings(data, location, values):
            return None
        office = self.text(data, "reform_office")
        if office:
            department = self.department(office, location, "所管部署")
            if department is None:
                return None
            if not department.is_reform_office:
                department.is_reform_office = True
                department.save(update_fields=["is_reform_office"])
            values["reform_office_id"] = department.pk
        plan = self.sync(Plan, location, {"municipality": municipality, "name": name}, values)
        if plan is None:
            return None
        self.summary.plan = plan
        self.read_sections(plan, data.get("sections"))
        self.grades = self.read_grades(plan, data.get("grade_scheme"))
        self.statuses = self.read_statuses(plan, data.get("status_scheme"))
        self.plan_last_year = plan.last_fiscal_year
        self.read_publications(plan, data.get("publications") or [])
        if "goals" in data:
            self.read_goals(plan, data["goals"] or [])
        return plan

    def read_plan_settings(self, data: dict, location: str, values: dict) -> bool:
        """How the plan counts and shows figures, where the document says (a document
        without these keys leaves them as they are)."""
        for key in ("count_note", "saving_mark"):
            if key in data:
                values[key] = self.text(data, key)
        if "effect_unit" in data:
            values["effect_unit"] = self.text(data, "effect_unit") or "千円"
        if data.get("share_decimal_places") not in (None, ""):
            raw = data["share_decimal_places"]
            try:
                places = int(str(raw).strip())
            except ValueError:
                places = -1
            if not 0 <= places <= 3:
                self.problem(
                    location,
                    "割合の小数点以下の桁数",
                    f"{shown(raw)} は 0～3 の整数にしてください。",
                )
                return False
            values["share_decimal_places"] = places
        return True

    def read_publications(self, plan: Plan, publications: list) -> None:
        """The city's own publication date of each published year."""
        for data in publications:
            location = self.where(data, "公表")
            fiscal_year = self.fiscal_year(data, location)
            date = self.date(data, location, "published_on")
            if fiscal_year is None:
                continue
            if not plan.contains_fiscal_year(fiscal_year):
                self.problem(location, "年度", f"{fiscal_year}年度は計画期間の外です。")
                continue
            if date is not None:
                self.publication_dates[fiscal_year] = date

    def read_goals(self, plan: Plan, goals: list) -> None:
        """Plan-level goals (主要目標) and their results per year."""
        existing = {goal.name: goal for goal in plan.goals.prefetch_related("results")}
        kept = set()
        for order, data in enumerate(goals):
            name = self.text(data, "name")
            location = self.where(data, f"主要目標 {order + 1}件目")
            if not name:
                self.problem(location, "目標の項目", "目標の項目がありません。")
                continue
            if name in kept:
                self.problem(location, "目標の項目", f"「{name}」が重複しています。")
                continue
            kept.add(name)
            target = self.goal_value(data.get("target"), location, "目標")
            goal = self.sync(
                PlanGoal,
                location,
                {"plan": plan, "name": name},
                {
                    "order": order,
                    "target_value": target.value if target else None,
                    "target_unit": target.unit if target else "",
                    "target_text": target.text if target else "",
                    "note": self.text(data, "note"),
                },
                existing.get(name),
            )
            if goal is None:
                continue
            old = {r.fiscal_year: r for r in goal.results.all()} if name in existing else {}
            years = set()
            for year in data.get("years") or []:
                where = self.where(year, f"主要目標「{name}」の実績")
                fiscal_year = self.fiscal_year(year, where)
                if fiscal_year is None:
                    continue
                years.add(fiscal_year)
                result = self.goal_value(year.get("result"), where, "実績")
                cumulative = self.goal_value(year.get("cumulative"), where, "累計")
                self.sync(
                    PlanGoalResult,
                    where,
                    {"goal": goal, "fiscal_year": fiscal_year},
                    {
                        "value": result.value if result else None,
                        "unit": result.unit if result else "",
                        "text": result.text if result else "",
                        "cumulative": cumulative.value if cumulative else None,
                    },
                    old.get(fiscal_year),
                )
            self.delete_stale(old, years)
        self.delete_stale(existing, kept)

    def goal_value(self, raw, location: str, field_name: str) -> Quantity | None:
        """A goal's value as written, with its number; a unit not known to the reader is a
        warning, never a value silently kept as text alone."""
        if raw is None or raw == "":
            return None
        if isinstance(raw, dict):
            quantity = self.quantity(raw, location, field_name)
            return None if quantity is None or quantity.is_empty else quantity
        if isinstance(raw, int | float):
            return Quantity(Decimal(str(raw)), "", "")
        text = clean_text(str(raw))
        quantity, known = parse_goal_value(text)
        quoted = text if len(text) <= 40 else text[:39] + "…"
        if quantity.value is None:
            self.summary.warnings.append(
                ImportIssue(
                    location,
                    field_name,
                    f"「{quoted}」から数値を読み取れません。文字として取り込み、"
                    "進捗率は計算しません。",
                )
            )
        elif not known:
            self.summary.warnings.append(
                ImportIssue(
                    location,
                    field_name,
                    f"「{quoted}」の単位「{quantity.unit}」は知られていない単位です。"
                    f"数値 {format_number(quantity.value)}、単位「{quantity.unit}」として"
                    "取り込みました。",
                )
            )
        return quantity

    def read_sections(self, plan: Plan, sections: list | None) -> None:
        if sections is None:
            return
        existing = {section.order: section for section in plan.sections.all()}
        for order, data in enumerate(sections):
            location = self.where(data, f"計画の前文 {order + 1}件目")
            if not isinstance(data, dict):
                self.problem(location, "", "見出しと本文の組で書いてください。")
                continue
            self.sync(
                PlanSection,
                location,
                {"plan": plan, "order": order},
                {"heading": self.text(data, "heading"), "body": self.text(data, "body")},
                existing.get(order),
            )
        self.delete_stale(existing, range(len(sections)))

    def read_grades(self, plan: Plan, scheme: list | None) -> dict[str, Grade]:
        existing = {grade.code: grade for grade in plan.grades.all()}
        if scheme is None:
            return existing
        grades: dict[str, Grade] = {}
        for order, data in enumerate(scheme):
            location = self.where(data, f"評価区分 {order + 1}件目")
            if not isinstance(data, dict) or not self.text(data, "code"):
                self.problem(location, "記号", "評価区分の記号がありません。")
                continue
            ratio = data.get("min_ratio")
            try:
                min_ratio = None if ratio in (None, "") else Decimal(str(ratio))
            except InvalidOperation:
                min_ratio = Decimal("NaN")
            if min_ratio is not None and not min_ratio.is_finite():
                self.problem(
                    location,
                    "達成率の下限",
                    f"{shown(ratio)} を数値として読めません（100%なら 1.00）。",
                )
                continue
            code = self.text(data, "code")
            grade = self.sync(
                Grade,
                location,
                {"plan": plan, "code": code},
                {
                    "order": order,
                    "label": self.text(data, "label") or code,
                    "definition": self.text(data, "definition"),
                    "min_ratio": min_ratio,
                    "is_rated": bool(data.get("rated", True)),
                },
                existing.get(code),
            )
            if grade:
                grades[code] = grade
        self.grades_to_delete = {k: v for k, v in existing.items() if k not in grades}
        return grades

    def read_statuses(self, plan: Plan, scheme: list | None) -> dict[str, ImplementationStatus]:
        existing = {status.label: status for status in plan.statuses.all()}
        if scheme is None:
            return existing
        statuses: dict[str, ImplementationStatus] = {}
        for order, raw in enumerate(scheme):
            label = text_or_blank(raw.get("label") if isinstance(raw, dict) else raw)
            if not label:
                continue
            status = self.sync(
                ImplementationStatus,
                f"実施状況の区分 {order + 1}件目",
                {"plan": plan, "label": label},
                {"order": order},
                existing.get(label),
            )
            if status:
                statuses[label] = status
        self.statuses_to_delete = {k: v for k, v in existing.items() if k not in statuses}
        return statuses

    def status(self, data: dict, location: str):
        label = self.text(data, "status")
        if not label:
            return None
        status = self.statuses.get(label)
        if status is None:
            known = "、".join(self.statuses) or "（区分なし）"
            self.problem(
                location, "実施状況", f"「{label}」は計画の実施状況の区分（{known}）にありません。"
            )
            return False
        return status

    def grade(self, data: dict, key: str, location: str, label: str):
        code = self.text(data, key)
        if not code:
            return None
        return self.coded_grade(self.grades, code, location, label, "計画")
