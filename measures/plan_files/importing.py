"""Import a plan document (docs/data-format.md) into the database.

`import_plan_document` is the one entry point: the management command, the admin upload and
the demo loader all call it. It checks the whole document first, then writes inside one
transaction; any problem, found early or while saving, rolls everything back and is reported
with the place in the document, the field and the reason, in Japanese. Rows are matched by
natural keys (municipality code, plan name, measure code and sub-number, fiscal year), so
importing the same file twice changes nothing and a corrected file updates rows in place.
Rows are only saved when a value differs, which keeps the history free of empty changes.
"""

import datetime
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from measures.models import (
    FISCAL_YEAR_VALIDATORS,
    CoCreationActor,
    EffectAmount,
    Evaluation,
    Grade,
    ImplementationStatus,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
    PlanSection,
    Report,
    Step,
    StepYear,
    SustainableDevelopmentGoal,
    YearlyTarget,
)
from measures.plan_files.exporting import FORMAT
from measures.plan_files.limits import Deadline, OutOfTime, ProblemList, ProblemReport, clipped
from measures.plan_files.shape import shape_problems
from measures.text_cleaning import clean_text
from measures.values import YEN_MULTIPLIERS, Quantity, parse_value
from municipalities import content_version
from municipalities.codes import is_valid_code
from municipalities.models import Department, Municipality

_LOOK_UP = object()

# Japanese names of document keys, as the spreadsheet template's column headers use them.
_LABELS = {
    "fiscal_year": "年度",
    "framework_first_fiscal_year": "大綱の開始年度",
    "framework_last_fiscal_year": "大綱の終了年度",
    "first_fiscal_year": "計画の開始年度",
    "last_fiscal_year": "計画の終了年度",
    "revision_date": "改訂日",
    "published_on": "公表日",
    "baseline": "現状値",
    "target": "目標値",
    "actual": "実績値",
    "planned_revenue": "計画 歳入増（円）",
    "planned_saving": "計画 歳出削減（円）",
    "actual_revenue": "実績 歳入増（円）",
    "actual_saving": "実績 歳出削減（円）",
    "level_labels": "階層の名称",
    "plan": "計画",
    "municipality": "自治体",
    "format": "形式",
}


def _label(key: str) -> str:
    return _LABELS.get(key, key)


@dataclass(frozen=True)
class ImportIssue:
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.location} の「{self.field}」" if self.field else self.location
        return f"{place}: {self.message}"


class PlanImportError(ProblemReport):
    """Problems of a plan document: the first IMPORT_MAX_PROBLEMS, and how many more."""

    def __init__(self, issues: Iterable[ImportIssue], omitted: int = 0):
        if isinstance(issues, ProblemList):
            issues, omitted = list(issues), issues.omitted
        super().__init__(list(issues), omitted)

    @property
    def issues(self) -> list[ImportIssue]:
        return self.problems


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    plan: Plan | None = None
    dry_run: bool = False

    def count(self, outcome: str, model: type[models.Model]) -> None:
        getattr(self, outcome)[str(model._meta.verbose_name)] += 1

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())
        )

    def rows(self) -> list[dict]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            {
                "name": name,
                "created": self.created[name],
                "updated": self.updated[name],
                "unchanged": self.unchanged[name],
                "deleted": self.deleted[name],
            }
            for name in names
        ]

    def lines(self) -> list[str]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            f"{name}: 新規 {self.created[name]}・更新 {self.updated[name]}"
            f"・変更なし {self.unchanged[name]}・削除 {self.deleted[name]}"
            for name in names
        ]


class _Reader:
    """Walks the document, writing rows and collecting issues with their locations."""

    def __init__(
        self,
        document: dict,
        *,
        publish: bool,
        summary: ImportSummary,
        municipality=None,
        deadline: Deadline | None = None,
    ):
        self.document = document
        self.municipality = municipality
        self.publish = publish
        self.summary = summary
        self.deadline = deadline
        self.issues: ProblemList[ImportIssue] = ProblemList()
        self.departments: dict[str, Department] = {}
        self.created: set[tuple[type[models.Model], int]] = set()
        self.seen: set[tuple] = set()
        self.pending: dict[type[models.Model], list[models.Model]] = {}
        self.now = timezone.now()

    # -- reporting -------------------------------------------------------------------------

    @staticmethod
    def where(data: Any, fallback: str) -> str:
        """The place of a row: its sheet and row when it came from a spreadsheet."""
        source = data.get("_source") if isinstance(data, dict) else None
        if source:
            return f"シート「{source['sheet']}」{source['row']}行目"
        return fallback

    def problem(self, location: str, field_name: str, message: str) -> None:
        self.issues.append(ImportIssue(clipped(location), clipped(field_name), clipped(message)))

    def _report_validation(self, location: str, error: ValidationError, model) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                label = "" if name == "__all__" else _field_label(model, name)
                for message in messages:
                    self.problem(location, label, message)
        else:
            for message in error.messages:
                self.problem(location, "", message)

    # -- writing ---------------------------------------------------------------------------

    def sync(
        self,
        model: type[models.Model],
        location: str,
        lookup: dict[str, Any],
        values: dict[str, Any],
        existing: models.Model | object | None = _LOOK_UP,
    ) -> models.Model | None:
        """Create or update one row; save only when something differs.

        `existing` is the row as preloaded by the caller (None when there is none); without
        it the row is looked up. New leaf rows are collected and written in bulk at the end.
        """
        if self.deadline is not None:
            self.deadline.check()
        if not self.storable(model, location, {**lookup, **values}):
            return None
        key = (model, *(_key_part(value) for value in lookup.values()))
        if key in self.seen:
            self.problem(
                location, "", "同じ行が重複しています（同じ取組・年度などの行が2つあります）。"
            )
            return None
        self.seen.add(key)
        obj = model.objects.filter(**lookup).first() if existing is _LOOK_UP else existing
        if obj is None:
            obj = model(**lookup, **values)
            outcome = "created"
        else:
            for name, value in lookup.items():
                if isinstance(value, models.Model):
                    setattr(obj, name, value)  # the parent object we hold, for clean()
            changed = [name for name, value in values.items() if not _same(obj, name, value)]
            if not changed:
                self.summary.count("unchanged", model)
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            outcome = "updated"
        try:
            # Foreign keys are objects we just loaded or saved: checking that they exist
            # would cost a query per field.
            obj.full_clean(
                exclude=_relation_names(model), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._report_validation(location, error, model)
            return None
        if not self.meets_check_constraints(obj, location, {*lookup, *values}):
            return None
        self.summary.count(outcome, model)
        if outcome == "created" and model in _BULK_CREATED:
            self.pending.setdefault(model, []).append(obj)
            return obj
        obj.save()
        if outcome == "created":
            self.created.add((model, obj.pk))
        return obj

    def storable(self, model: type[models.Model], location: str, fields: dict[str, Any]) -> bool:
        """Whether the database can hold these values as PostgreSQL judges them (SQLite takes
        more): text without NUL characters, whole numbers within their column's range.

        Checked before the row is even looked up, since a query with such a value fails as
        surely as a write; full_clean() checks lengths and digits afterwards.
        """
        storable = True
        for name, value in fields.items():
            if isinstance(value, str) and "\x00" in value:
                message = "NUL文字（\\x00）を含む文字は保存できません。"
            elif isinstance(value, int) and not isinstance(value, bool):
                low, high = _column_range(model, name)
                if low <= value <= high:
                    continue
                message = f"{low:,}～{high:,} の整数にしてください。"
            else:
                continue
            self.problem(location, _field_label(model, name), message)
            storable = False
        return storable

    def meets_check_constraints(self, obj: models.Model, location: str, names: set[str]) -> bool:
        """The model's check constraints over the fields this import sets, judged here so that
        a row breaking one is reported with its place instead of failing the bulk insert.
        (Fields the model derives itself, such as a pillar's level, are its own business.)"""
        meets = True
        for constraint, fields in _check_constraints(type(obj)):
            if not fields <= names or _holds(constraint.condition, obj) is not False:
                continue
            labels = "・".join(_field_label(type(obj), name) for name in sorted(fields))
            self.problem(location, labels, constraint.get_violation_error_message())
            meets = False
        return meets

    def set_many(
        self, obj: models.Model, name: str, wanted: Iterable[models.Model], current: set[int]
    ) -> None:
        if obj.pk is None:
            return  # not written because problems were found: nothing will be kept
        wanted_ids = {item.pk for item in wanted}
        if current != wanted_ids:
            getattr(obj, name).set(wanted_ids)
            if (type(obj), obj.pk) not in self.created:
                self.summary.count("updated", type(obj))

    def delete_stale(self, rows: dict, kept: Iterable) -> None:
        """Delete the preloaded rows whose keys the document no longer has."""
        kept = set(kept)
        for key, obj in rows.items():
            if key not in kept:
                obj.delete()
                self.summary.count("deleted", type(obj))

    def flush(self, *models_to_write: type[models.Model]) -> None:
        """Write the collected new rows (of the given models, or all), with their history,
        a few statements per table."""
        user = _request_user()
        for model in models_to_write or _BULK_CREATED:
            objs = self.pending.pop(model, [])
            if not objs or self.issues:
                continue  # with any problem nothing will be kept: skip the writing
            if hasattr(model, "history"):
                bulk_create_with_history(objs, model, batch_size=500, default_user=user)
            else:
                model.objects.bulk_create(objs, batch_size=500)
            self.created.update((model, obj.pk) for obj in objs)

    # -- values ----------------------------------------------------------------------------

    def text(self, data: dict, key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            value = str(value)
        return clean_text(value)

    def fiscal_year(self, data: dict, location: str, key: str = "fiscal_year", required=True):
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(location, _label(key), "年度がありません。")
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problem(location, _label(key), f"年度は西暦の整数で書いてください（{value!r}）。")
            return None
        try:
            year = int(value)
        except ValueError:
            self.problem(
                location, key, f"年度 {_shown(value)} を読めません。西暦の整数で書いてください。"
            )
            return None
        # Checked here, not only by the fields' validators: models compute with the year
        # (its era, its place in the plan) before those report it.
        if not _FIRST_FISCAL_YEAR <= year <= _LAST_FISCAL_YEAR:
            self.problem(
                location,
                _label(key),
                f"年度 {_shown(value)} は{_FIRST_FISCAL_YEAR}～{_LAST_FISCAL_YEAR}の西暦にしてください。",
            )
            return None
        return year

    def quantity(self, raw: Any, location: str, key: str) -> Quantity | None:
        if raw is None:
            return None
        if isinstance(raw, dict):
            text = clean_text(str(raw.get("text") or ""))
            unit = str(raw.get("unit") or "")
            number = raw.get("value")
            if number in (None, ""):
                parsed = parse_value(text) if text else None
                if parsed is not None and parsed.value is not None and not unit:
                    return parsed
                return Quantity(None, unit, text) if text else None
            try:
                value = Decimal(str(number))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                self.problem(location, _label(key), f"数値 {_shown(number)} を読めません。")
                return None
            return Quantity(value, unit, text)
        if isinstance(raw, bool):
            self.problem(location, _label(key), f"値 {raw!r} を読めません。")
            return None
        if isinstance(raw, int | float | Decimal):
            return Quantity(Decimal(str(raw)), "", "")  # finite: the document's shape says so
        quantity = parse_value(clean_text(str(raw)))
        return None if quantity.is_empty else quantity

    def yen(self, data: dict, key: str, location: str) -> int | None:
        raw = data.get(key)
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            self.problem(location, _label(key), "金額は円単位の整数で書いてください。")
            return None
        if isinstance(raw, int):
            return raw
        quantity = parse_value(str(raw))
        if quantity.value is None:
            self.problem(location, _label(key), f"金額 {_shown(raw)} を数値として読めません。")
            return None
        if quantity.value.adjusted() > _MAX_YEN_DIGITS:
            # Turning a number of thousands of digits into an integer takes seconds; no
            # amount in yen has more than 19.
            self.problem(location, _label(key), f"金額 {_shown(raw)} が大きすぎます。")
            return None
        multiplier = YEN_MULTIPLIERS.get(quantity.unit or "円")
        if multiplier is None:
            self.problem(
                location,
                _label(key),
                f"金額の単位「{quantity.unit}」は円・千円・百万円などにしてください。",
            )
            return None
        yen = quantity.value * multiplier
        if yen != yen.to_integral_value():
            self.problem(
                location,
                _label(key),
                f"金額 {_shown(raw)} には1円未満の端数があります。円単位で書いてください。",
            )
            return None
        return int(yen)

    # -- the document ----------------------------------------------------------------------

    def read(self) -> Plan | None:
        document = self.document
        if not isinstance(document, dict):
            self.problem("ファイル", "", "計画データ（JSONのオブジェクト）ではありません。")
            return None
        for place, key, message in shape_problems(document, max_rows=settings.IMPORT_MAX_ROWS):
            self.problem(place, key, message)
        if self.issues:
            return None  # the reading below relies on every value being of its kind
        if document.get("format") not in (None, FORMAT):
            self.problem(
                "ファイル",
                "format",
                f"形式 {document.get('format')!r} には対応していません（{FORMAT}）。",
            )
        municipality = self.read_municipality(document.get("municipality"))
        plan_data = document.get("plan")
        if not isinstance(plan_data, dict):
            self.problem("計画", "", "計画の情報がありません。")
            return None
        self.check_duplicates(document)
        if municipality is None or self.issues:
            return None
        self.read_departments_list(municipality, document.get("departments") or [])
        plan = self.read_plan(municipality, plan_data)
        if plan is None:
            return None
        pillars = self.read_pillars(plan, document.get("pillars"))
        self.read_measures(plan, pillars, document.get("measures") or [])
        return plan

    def check_duplicates(self, document: dict) -> None:
        seen: dict[tuple[str, int], int] = {}
        for index, measure in enumerate(document.get("measures") or []):
            if not isinstance(measure, dict):
                continue
            sub_number = _sub_number(measure.get("sub_number"))
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

    def read_municipality(self, data: Any) -> Municipality | None:
        """The municipality the file belongs to, matched by its code.

        An import never changes a municipality: its name, prefecture and address (slug) are
        managed by the system administrator, and a file that says otherwise is refused with
        the differing fields named; the registered reading (kana) is kept whatever the file
        says. Only an import without a municipality restriction (a superuser's, or the
        command line's) may create a new one."""
        location = "自治体"
        if not isinstance(data, dict):
            self.problem(location, "", "自治体の情報がありません。")
            return None
        code = str(data.get("code") or "").strip()
        if not is_valid_code(code):
            self.problem(
                location,
                "地方公共団体コード",
                f"{code!r} は正しい6桁のコードではありません（検査数字を含めて確認してください）。",
            )
            return None
        if self.municipality is not None and code != self.municipality.code:
            self.problem(
                location,
                "地方公共団体コード",
                f"このファイルは地方公共団体コード {code} の計画です。"
                f"{self.municipality.name}の計画しか取り込めません。",
            )
            return None
        existing = Municipality.objects.filter(code=code).first()
        if existing is None:
            values = {
                "name": self.text(data, "name"),
                "kana": self.text(data, "kana"),
                "prefecture": self.text(data, "prefecture"),
                "slug": self.text(data, "slug") or code,
            }
            return self.sync(Municipality, location, {"code": code}, values, None)
        differing = False
        for key in ("name", "prefecture", "slug"):
            given, registered = self.text(data, key), getattr(existing, key)
            if given and given != registered:
                label = str(Municipality._meta.get_field(key).verbose_name)
                self.problem(
                    location,
                    label,
                    f"「{given}」は登録されている{label}「{registered}」と異なります。"
                    "自治体の情報は取り込みでは変えられません（変更はシステム管理者が行います）。",
                )
                differing = True
        return None if differing else existing

    def read_departments_list(self, municipality: Municipality, listed: list) -> None:
        """Departments the file lists are created if new; others must already exist."""
        self.departments = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        for order, data in enumerate(listed):
            if isinstance(data, str):
                data = {"name": data}
            name = self.text(data, "name")
            location = self.where(data, f"部署 {order + 1}件目")
            if not name:
                self.problem(location, "部署", "部署名がありません。")
                continue
            department = self.sync(
                Department,
                location,
                {"municipality": municipality, "name": name},
                {},
                self.departments.get(name),
            )
            if department is not None:
                self.departments[name] = department

    def department(self, name: str, location: str, field_name: str = "部署") -> Department | None:
        department = self.departments.get(name.strip())
        if department is None:
            self.problem(
                location,
                field_name,
                f"部署「{name}」は登録されていません（部署の一覧に加えるか、名称を確認してください）。",
            )
        return department

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
        labels = [_text_or_blank(label) for label in labels] + ["", "", ""]
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
        return plan

    def date(self, data: dict, location: str, key: str) -> datetime.date | None:
        raw = data.get(key)
        if not raw:
            return None
        text = str(raw).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
        if match:
            try:
                return datetime.date(int(match[1]), int(match[2]), int(match[3] or 1))
            except ValueError:
                pass
        self.problem(
            location, key, f"日付 {text!r} を読めません（例: 2021-04-01 または 2021-04）。"
        )
        return None

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
                    f"{_shown(ratio)} を数値として読めません（100%なら 1.00）。",
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
            label = _text_or_blank(raw.get("label") if isinstance(raw, dict) else raw)
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

    def read_pillars(self, plan: Plan, tree: list | None) -> dict[tuple[str, ...], Pillar]:
        existing = {
            (pillar.parent_id, pillar.code or pillar.title): pillar for pillar in plan.pillars.all()
        }
        if tree is None:
            return _paths_of(existing.values())
        pillars: dict[tuple[str, ...], Pillar] = {}
        kept = set()
        counter = iter(range(1_000_000))

        def walk(nodes: list, parent: Pillar | None, path: tuple[str, ...]) -> None:
            if len(path) >= 3 and nodes:
                self.problem("体系 " + " > ".join(path), "", "体系は3階層までです。")
                return
            for data in nodes:
                if not isinstance(data, dict):
                    continue
                code = self.text(data, "code")
                title = self.text(data, "title")
                key = (*path, code or title)
                location = self.where(data, "体系 " + " > ".join(key))
                lookup = {"plan": plan, "parent": parent, "code": code}
                values = {"order": next(counter), "title": title, "aim": self.text(data, "aim")}
                if not code:
                    lookup["title"] = values.pop("title")
                existing_key = (parent.pk if parent else None, code or title)
                pillar = self.sync(Pillar, location, lookup, values, existing.get(existing_key))
                if pillar is None:
                    continue
                kept.add(existing_key)
                pillars[key] = pillar
                walk(data.get("children") or [], pillar, key)

        walk(tree, None, ())
        self.pillars_to_delete = {k: v for k, v in existing.items() if k not in kept}
        return pillars

    def read_measures(
        self, plan: Plan, pillars: dict[tuple[str, ...], Pillar], measures: list
    ) -> None:
        actors = {actor.name: actor for actor in CoCreationActor.objects.all()}
        goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
        self.existing = _ExistingRows(plan)
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
        self.flush()
        # Rows of the plan the document no longer has: pillars without measures, grades and
        # statuses nothing refers to. Measures missing from a file are left alone.
        for name in ("pillars_to_delete", "grades_to_delete", "statuses_to_delete"):
            for obj in sorted(
                getattr(self, name, {}).values(), key=lambda o: -getattr(o, "level", 0)
            ):
                try:
                    with transaction.atomic():
                        obj.delete()
                    self.summary.count("deleted", type(obj))
                except (models.ProtectedError, models.RestrictedError):
                    self.summary.count("unchanged", type(obj))

    def read_measure(self, plan, pillars, data, order, location) -> Measure | None:
        code = self.text(data, "code")
        if not code:
            self.problem(location, "番号", "取組の番号がありません。")
            return None
        sub_number = _sub_number(data.get("sub_number"))
        if sub_number is None:
            raw = data.get("sub_number")
            self.problem(location, "枝番", f"枝番 {_shown(raw)} は1以上の整数にしてください。")
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
        existing = self.existing.measures.get((code, sub_number))
        measure = self.sync(
            Measure,
            location,
            {"plan": plan, "code": code, "sub_number": sub_number},
            values,
            existing,
        )
        return measure

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

    def read_steps(self, measure, steps: list, location: str) -> list[tuple]:
        existing = self.existing.children("steps", measure)
        read = []
        for order, data in enumerate(steps):
            step_location = self.where(data, f"{location} の年次計画 {order + 1}行目")
            step = self.sync(
                Step,
                step_location,
                {"measure": measure, "order": order},
                {"title": self.text(data, "title")},
                existing.get(order),
            )
            if step is not None:
                read.append((step, data, step_location))
        self.delete_stale(existing, range(len(steps)))
        return read

    def read_step_years(self, step: Step, data: dict, step_location: str) -> None:
        names = data.get("department") or data.get("departments") or []
        if isinstance(names, str):
            names = [name for name in re.split(r"[、,]", names) if name.strip()]
        departments = [self.department(name, step_location, "担当課") for name in names]
        self.set_many(
            step,
            "departments",
            [d for d in departments if d is not None],
            self.existing.step_departments.get(step.pk, set()),
        )
        years = self.existing.children("step_years", step)
        kept = set()
        for year in data.get("years") or []:
            fiscal_year = self.fiscal_year(year, step_location)
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            self.sync(
                StepYear,
                self.where(year, f"{step_location} {fiscal_year}年度"),
                {"step": step, "fiscal_year": fiscal_year},
                {
                    "planned": self.text(year, "planned"),
                    "actual": self.text(year, "actual"),
                    "progress": self.text(year, "progress"),
                    "next_steps": self.text(year, "next"),
                },
                years.get(fiscal_year),
            )
        self.delete_stale(years, kept)

    def read_targets(self, measure, targets: list, location: str) -> None:
        existing = self.existing.children("targets", measure)
        kept = set()
        for data in targets:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の年度目標"))
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            target_location = self.where(data, f"{location} の{fiscal_year}年度目標")
            status = self.status(data, target_location)
            if status is False:
                continue
            self.sync(
                YearlyTarget,
                target_location,
                {"measure": measure, "fiscal_year": fiscal_year},
                {"status": status, "goal": self.text(data, "goal")},
                existing.get(fiscal_year),
            )
        self.delete_stale(existing, kept)

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

    def read_indicators(self, measure, indicators: list, location: str) -> list[tuple]:
        existing = self.existing.children("indicators", measure)
        read = []
        for order, data in enumerate(indicators):
            name = self.text(data, "name")
            indicator_location = self.where(
                data, f"{location} の指標「{name or '指標の設定困難'}」"
            )
            direction = data.get("direction") or Indicator.Direction.INCREASE
            if direction not in Indicator.Direction.values:
                self.problem(
                    indicator_location,
                    "方向",
                    f"{direction!r} は increase・decrease・milestone のいずれかにしてください。",
                )
                continue
            indicator = self.sync(
                Indicator,
                indicator_location,
                {"measure": measure, "order": order},
                {
                    "name": name,
                    "unit": self.text(data, "unit"),
                    "direction": direction,
                    "not_settable": bool(data.get("not_settable")),
                    "description": self.text(data, "description"),
                },
                existing.get(order),
            )
            if indicator is not None:
                read.append((indicator, data, indicator_location))
        self.delete_stale(existing, range(len(indicators)))
        return read

    def read_indicator_values(self, indicator: Indicator, data: dict, location: str) -> None:
        existing = self.existing.children("values", indicator)
        kept = set()

        def put(kind: str, fiscal_year: int | None, raw: Any, label: str, where: str) -> None:
            quantity = self.quantity(raw, where, kind)
            if quantity is None:
                return
            # An indicator has one baseline whatever its year; other values one per year.
            key = (kind, None if kind == IndicatorValue.Kind.BASELINE else fiscal_year)
            kept.add(key)
            lookup = {"indicator": indicator, "kind": kind}
            values = {
                "value": quantity.value,
                "unit": quantity.unit,
                "text": quantity.text,
                "label": label,
                "fiscal_year": fiscal_year,
            }
            if kind != IndicatorValue.Kind.BASELINE:
                lookup["fiscal_year"] = values.pop("fiscal_year")
            self.sync(IndicatorValue, where, lookup, values, existing.get(key))

        baseline = data.get("baseline")
        if isinstance(baseline, dict):
            put(
                IndicatorValue.Kind.BASELINE,
                self.fiscal_year(baseline, location, required=False),
                _value_part(baseline),
                clean_text(str(baseline.get("label") or "")),
                location + " の現状値",
            )
        elif baseline is not None:
            put(IndicatorValue.Kind.BASELINE, None, baseline, "", location + " の現状値")
        for year in data.get("years") or []:
            fiscal_year = self.fiscal_year(year, location)
            if fiscal_year is None:
                continue
            for kind, key, word in (
                (IndicatorValue.Kind.TARGET, "target", "目標値"),
                (IndicatorValue.Kind.ACTUAL, "actual", "実績値"),
            ):
                if key in year:
                    put(
                        kind,
                        fiscal_year,
                        year[key],
                        "",
                        self.where(year, f"{location} の{fiscal_year}年度{word}"),
                    )
        self.delete_stale(existing, kept)

    def read_effects(self, measure, effects: list, location: str) -> None:
        existing = self.existing.children("effects", measure)
        kept = set()
        for data in effects:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の効果額"))
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            where = self.where(data, f"{location} の{fiscal_year}年度の効果額")
            self.sync(
                EffectAmount,
                where,
                {"measure": measure, "fiscal_year": fiscal_year},
                {
                    "planned_revenue": self.yen(data, "planned_revenue", where),
                    "planned_saving": self.yen(data, "planned_saving", where),
                    "actual_revenue": self.yen(data, "actual_revenue", where),
                    "actual_saving": self.yen(data, "actual_saving", where),
                    "note": self.text(data, "note"),
                },
                existing.get(fiscal_year),
            )
        self.delete_stale(existing, kept)

    def grade(self, data: dict, key: str, location: str, label: str):
        code = self.text(data, key)
        if not code:
            return None
        grade = self.grades.get(code)
        if grade is None:
            known = "、".join(self.grades) or "（区分なし）"
            self.problem(
                location, label, f"評価「{code}」は計画の評価区分（{known}）にありません。"
            )
            return False
        return grade

    def publication_kept(self, existing: Evaluation | None, values: dict, where: str) -> bool:
        """Without the publish option a file neither publishes an entry nor changes a
        published one: publishing belongs to the publish service, which freezes a report
        revision, and a published entry changes only after its year is reopened."""
        published = Evaluation.ReviewStatus.PUBLISHED
        was_published = existing is not None and existing.review_status == published
        if values.get("review_status") == published and not was_published:
            self.problem(
                where,
                "審査状況",
                "「公表済み」にできるのは年度の公表の操作だけです。すでに公表した資料を取り込む"
                "ときは「公表済みとして取り込む」（import_plan --publish）を選んでください。",
            )
            return False
        if not was_published:
            return True
        changed = [
            str(Evaluation._meta.get_field(name).verbose_name)
            for name, value in values.items()
            if not _same(existing, name, value)
        ]
        if changed:
            self.problem(
                where,
                "、".join(changed),
                "公表済みの年度評価は取り込みでは変えられません。年度を再開して直すか、"
                "公表済みの資料なら「公表済みとして取り込む」を選んでください。",
            )
            return False
        return True

    def read_years(self, measure, years: list, location: str) -> None:
        # Evaluations are never deleted by an import: a year missing from a file may be one
        # a department is working on.
        existing_rows = self.existing.children("evaluations", measure)
        for data in years:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の年度評価"))
            if fiscal_year is None:
                continue
            where = self.where(data, f"{location} の{fiscal_year}年度評価")
            final = self.grade(data, "grade", where, "評価")
            proposed = self.grade(data, "proposed_grade", where, "担当課の評価案")
            status = self.status(data, where)
            if final is False or proposed is False or status is False:
                continue
            values = {
                "plan_text": self.text(data, "plan"),
                "do_text": self.text(data, "do"),
                "check_text": self.text(data, "check"),
                "action_text": self.text(data, "action"),
                "final_grade": final,
                "proposed_grade": proposed,
                "status": status,
                "override_reason": self.text(data, "override_reason"),
            }
            existing = existing_rows.get(fiscal_year)
            review_status = data.get("review_status")
            if review_status:
                if review_status not in Evaluation.ReviewStatus.values:
                    self.problem(
                        where, "審査状況", f"{review_status!r} は審査状況の区分にありません。"
                    )
                    continue
                values["review_status"] = review_status
            if self.publish:
                values["review_status"] = Evaluation.ReviewStatus.PUBLISHED
            elif not self.publication_kept(existing, values, where):
                continue
            if values.get("review_status") == Evaluation.ReviewStatus.PUBLISHED:
                values["published_at"] = (existing and existing.published_at) or self.now
            elif existing is None and "review_status" not in values:
                values["review_status"] = Evaluation.ReviewStatus.APPROVED
            self.sync(
                Evaluation,
                where,
                {"measure": measure, "fiscal_year": fiscal_year},
                values,
                existing,
            )


_FIRST_FISCAL_YEAR, _LAST_FISCAL_YEAR = (v.limit_value for v in FISCAL_YEAR_VALIDATORS)
_MAX_YEN_DIGITS = 18


def _shown(value: Any) -> str:
    """A value as a message quotes it: short enough to read whatever the file held."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _sub_number(value: Any) -> int | None:
    """A measure's sub-number: 1 when left out, else a whole number from 1 (None if not)."""
    if value is None or value == "":
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a name that is not a field: say it as it is
        return name


def _column_range(model: type[models.Model], name: str) -> tuple[float, float]:
    """The whole numbers an integer column holds on PostgreSQL (no bounds for others)."""
    try:
        internal_type = model._meta.get_field(name).get_internal_type()
    except Exception:
        internal_type = ""
    return BaseDatabaseOperations.integer_field_ranges.get(
        internal_type, (float("-inf"), float("inf"))
    )


_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


@cache
def _check_constraints(model: type[models.Model]) -> list[tuple[models.CheckConstraint, set]]:
    """The model's check constraints, each with the fields its condition reads."""
    return [
        (constraint, _condition_fields(constraint.condition))
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]


def _condition_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _condition_fields(child)
        else:
            lookup, expected = child
            names.add(lookup.split("__")[0])
            if isinstance(expected, F):
                names.add(expected.name)
    return names


def _holds(condition: Q, obj: models.Model) -> bool | None:
    """A check constraint's condition for one row in SQL's three-valued logic: None (unknown)
    where a compared value is NULL, which a CHECK lets pass, and for lookups beyond these
    few, which are left to the database."""

    def value_of(name: str) -> Any:
        return getattr(obj, obj._meta.get_field(name).attname)

    results: list[bool | None] = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, obj))
            continue
        lookup, expected = child
        name, _, operation = lookup.partition("__")
        value = value_of(name)
        if isinstance(expected, F):
            expected = value_of(expected.name)
        if operation == "isnull":
            results.append((value is None) == expected)
        elif (operation or "exact") in _COMPARISONS and value is not None and expected is not None:
            try:
                results.append(bool(_COMPARISONS[operation or "exact"](value, expected)))
            except TypeError:  # values full_clean() has not made comparable
                results.append(None)
        else:
            results.append(None)
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    return (not result) if condition.negated and result is not None else result


class _ExistingRows:
    """The rows a plan already has, loaded in a fixed number of queries and grouped by their
    parent, so that comparing a document with the database costs no query per row."""

    def __init__(self, plan: Plan):
        self.measures = {(m.code, m.sub_number): m for m in plan.measures.all()}
        for measure in self.measures.values():
            measure.plan = plan
        by_measure = {"measure__plan": plan}
        self.rows = {
            "links": _grouped(
                MeasureDepartment.objects.filter(**by_measure), "measure_id", "department_id"
            ),
            "steps": _grouped(Step.objects.filter(**by_measure), "measure_id", "order"),
            "step_years": _grouped(
                StepYear.objects.filter(step__measure__plan=plan), "step_id", "fiscal_year"
            ),
            "targets": _grouped(
                YearlyTarget.objects.filter(**by_measure), "measure_id", "fiscal_year"
            ),
            "indicators": _grouped(Indicator.objects.filter(**by_measure), "measure_id", "order"),
            "values": _grouped(
                IndicatorValue.objects.filter(indicator__measure__plan=plan),
                "indicator_id",
                lambda v: (
                    v.kind,
                    None if v.kind == IndicatorValue.Kind.BASELINE else v.fiscal_year,
                ),
            ),
            "effects": _grouped(
                EffectAmount.objects.filter(**by_measure), "measure_id", "fiscal_year"
            ),
            "evaluations": _grouped(
                Evaluation.objects.filter(**by_measure), "measure_id", "fiscal_year"
            ),
        }
        self.sdgs = _related_sets(
            Measure.sdgs.through.objects.filter(measure__plan=plan),
            "measure_id",
            "sustainabledevelopmentgoal_id",
        )
        self.actors = _related_sets(
            Measure.co_creation_actors.through.objects.filter(measure__plan=plan),
            "measure_id",
            "cocreationactor_id",
        )
        self.step_departments = _related_sets(
            Step.departments.through.objects.filter(step__measure__plan=plan),
            "step_id",
            "department_id",
        )

    def children(self, kind: str, parent: models.Model) -> dict:
        return self.rows[kind].get(parent.pk, {}) if parent.pk else {}


def _grouped(queryset, parent_field: str, key) -> dict[int, dict]:
    groups: dict[int, dict] = {}
    for row in queryset:
        row_key = key(row) if callable(key) else getattr(row, key)
        groups.setdefault(getattr(row, parent_field), {})[row_key] = row
    return groups


def _related_sets(queryset, owner: str, target: str) -> dict[int, set[int]]:
    sets: dict[int, set[int]] = {}
    for owner_id, target_id in queryset.values_list(owner, target):
        sets.setdefault(owner_id, set()).add(target_id)
    return sets


def _paths_of(pillars) -> dict[tuple[str, ...], Pillar]:
    by_id = {pillar.pk: pillar for pillar in pillars}

    def path(pillar: Pillar) -> tuple[str, ...]:
        key = (pillar.code or pillar.title,)
        return path(by_id[pillar.parent_id]) + key if pillar.parent_id else key

    return {path(pillar): pillar for pillar in by_id.values()}


def _text_or_blank(value: Any) -> str:
    """A value as cleaned text; null is no text (never the word "None")."""
    return "" if value is None else clean_text(str(value))


def _key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        # A row not yet written (its measure waits for the bulk insert) is told apart by
        # identity; only ever the case when problems were found and nothing will be kept.
        return value.pk if value.pk is not None else ("new", id(value))
    return value


def _same(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation and name != field.attname:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


@cache
def _relation_names(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def _request_user():
    """The signed-in user of the request being served, for the history of bulk writes."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# New rows written in bulk: measures, steps and indicators between the reading passes that
# need their keys, the rest at the end.
_BULK_CREATED = (
    Measure,
    Step,
    Indicator,
    PlanSection,
    MeasureDepartment,
    StepYear,
    YearlyTarget,
    IndicatorValue,
    EffectAmount,
    Evaluation,
)


def _value_part(baseline: dict) -> Any:
    if "value" in baseline:
        value = baseline["value"]
        if isinstance(value, dict):
            return value
        if "unit" in baseline or "text" in baseline:
            return {
                "value": value,
                "unit": baseline.get("unit", ""),
                "text": baseline.get("text", ""),
            }
        return value
    return baseline.get("text")


@contextmanager
def _stopped_when_out_of_time() -> Iterator[None]:
    """A deadline passed: the transaction inside has rolled back; report it as a problem."""
    try:
        yield
    except OutOfTime as error:
        raise PlanImportError([ImportIssue("ファイル", "", str(error))]) from None


def import_plan_document(
    document: dict,
    *,
    publish: bool = False,
    dry_run: bool = False,
    municipality: Municipality | None = None,
    deadline: Deadline | None = None,
) -> ImportSummary:
    """Import one plan document; all of it or, on any problem, none of it.

    Raises PlanImportError with the problems found. With dry_run the summary tells what
    would be created, changed and left alone, and nothing is written. With municipality,
    a file of any other municipality is refused (a reform officer imports only their own).
    History rows record the user of the current request, if any (simple-history's
    middleware), as for any other change. With a deadline (the admin's), the import gives
    up once it passes, writing nothing. The error lists at most IMPORT_MAX_PROBLEMS
    problems and counts the rest.
    """
    summary = ImportSummary(dry_run=dry_run)
    with _stopped_when_out_of_time(), transaction.atomic(), content_version.batch():
        reader = _Reader(
            document,
            publish=publish,
            summary=summary,
            municipality=municipality,
            deadline=deadline,
        )
        plan = reader.read()
        if reader.issues:
            raise PlanImportError(reader.issues)
        if plan is not None:
            content_version.changed([plan.municipality_id])  # bulk writes send no signals
        if publish and plan is not None and not plan.is_public:
            plan.is_public = True
            plan.save(update_fields=["is_public"])
            summary.count("updated", Plan)
        if publish and plan is not None:
            # Results a city has already published get their published report revision,
            # as if published here; importing the same file again adds none.
            from measures.round.services import record_publication

            for _report in record_publication(plan=plan, by=_request_user()):
                summary.count("created", Report)
        if dry_run:
            transaction.set_rollback(True)
    return summary
