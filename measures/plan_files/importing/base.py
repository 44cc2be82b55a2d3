"""The reader's common ground: problems with their places, writing a row only when it
differs, and the values of a document (text, fiscal years, quantities, amounts, dates)."""

import datetime
import operator
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from measures.models import (
    FISCAL_YEAR_VALIDATORS,
    EffectAmount,
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    PeriodResult,
    Pillar,
    Plan,
    PlanSection,
    Step,
    StepYear,
    YearlyTarget,
)
from measures.plan_files.importing.outcome import ImportIssue, ImportSummary, column_of, key_label
from measures.plan_files.limits import Deadline, ProblemList, clipped
from measures.text_cleaning import clean_text
from measures.values import YEN_MULTIPLIERS, Quantity, parse_value
from municipalities.models import Department
from reform import bulk_rows

LOOK_UP = object()


FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = (v.limit_value for v in FISCAL_YEAR_VALIDATORS)


MAX_YEN_DIGITS = 18


def shown(value: Any) -> str:
    """A value as a message quotes it: short enough to read whatever the file held."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def shown_value(value: Any) -> str:
    """A field's value as the preview shows it (old → new)."""
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, bool):
        return "○" if value else "×"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def read_sub_number(value: Any) -> int | None:
    """A measure's sub-number: 1 when left out, else a whole number from 1 (None if not)."""
    if value is None or value == "":
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a name that is not a field: say it as it is
        return name


def column_range(model: type[models.Model], name: str) -> tuple[float, float]:
    """The whole numbers an integer column holds on PostgreSQL (no bounds for others)."""
    try:
        internal_type = model._meta.get_field(name).get_internal_type()
    except Exception:
        internal_type = ""
    return BaseDatabaseOperations.integer_field_ranges.get(
        internal_type, (float("-inf"), float("inf"))
    )


COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


@cache
def check_constraints_of(model: type[models.Model]) -> list[tuple[models.CheckConstraint, set]]:
    """The model's check constraints, each with the fields its condition reads."""
    return [
        (constraint, condition_fields(constraint.condition))
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]


def condition_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= condition_fields(child)
        else:
            lookup, expected = child
            names.add(lookup.split("__")[0])
            if isinstance(expected, F):
                names.add(expected.name)
    return names


def holds(condition: Q, obj: models.Model) -> bool | None:
    """A check constraint's condition for one row in SQL's three-valued logic: None (unknown)
    where a compared value is NULL, which a CHECK lets pass, and for lookups beyond these
    few, which are left to the database."""

    def value_of(name: str) -> Any:
        return getattr(obj, obj._meta.get_field(name).attname)

    results: list[bool | None] = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(holds(child, obj))
            continue
        lookup, expected = child
        name, _, operation = lookup.partition("__")
        value = value_of(name)
        if isinstance(expected, F):
            expected = value_of(expected.name)
        if operation == "isnull":
            results.append((value is None) == expected)
        elif (operation or "exact") in COMPARISONS and value is not None and expected is not None:
            try:
                results.append(bool(COMPARISONS[operation or "exact"](value, expected)))
            except TypeError:  # values full_clean() has not made comparable
                results.append(None)
        else:
            results.append(None)
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    return (not result) if condition.negated and result is not None else result


class ExistingRows:
    """The rows a plan already has, loaded in a fixed number of queries and grouped by their
    parent, so that comparing a document with the database costs no query per row."""

    def __init__(self, plan: Plan):
        self.measures = {(m.code, m.sub_number): m for m in plan.measures.all()}
        for measure in self.measures.values():
            measure.plan = plan
        by_measure = {"measure__plan": plan}
        self.rows = {
            "links": grouped_rows(
                MeasureDepartment.objects.filter(**by_measure), "measure_id", "department_id"
            ),
            "steps": grouped_rows(Step.objects.filter(**by_measure), "measure_id", "order"),
            "step_years": grouped_rows(
                StepYear.objects.filter(step__measure__plan=plan), "step_id", "fiscal_year"
            ),
            "targets": grouped_rows(
                YearlyTarget.objects.filter(**by_measure), "measure_id", "fiscal_year"
            ),
            "indicators": grouped_rows(
                Indicator.objects.filter(**by_measure), "measure_id", "order"
            ),
            "values": grouped_rows(
                IndicatorValue.objects.filter(indicator__measure__plan=plan),
                "indicator_id",
                lambda v: (
                    v.kind,
                    None if v.kind == IndicatorValue.Kind.BASELINE else v.fiscal_year,
                ),
            ),
            "effects": grouped_rows(
                EffectAmount.objects.filter(**by_measure),
                "measure_id",
                lambda e: (e.fiscal_year, e.basis),
            ),
            "evaluations": grouped_rows(
                Evaluation.objects.filter(**by_measure), "measure_id", "fiscal_year"
            ),
            "period_results": grouped_rows(
                PeriodResult.objects.filter(**by_measure), "measure_id", lambda r: None
            ),
        }
        self.sdgs = related_sets(
            Measure.sdgs.through.objects.filter(measure__plan=plan),
            "measure_id",
            "sustainabledevelopmentgoal_id",
        )
        self.actors = related_sets(
            Measure.co_creation_actors.through.objects.filter(measure__plan=plan),
            "measure_id",
            "cocreationactor_id",
        )
        self.step_departments = related_sets(
            Step.departments.through.objects.filter(step__measure__plan=plan),
            "step_id",
            "department_id",
        )

    def children(self, kind: str, parent: models.Model) -> dict:
        return self.rows[kind].get(parent.pk, {}) if parent.pk else {}


def grouped_rows(queryset, parent_field: str, key) -> dict[int, dict]:
    groups: dict[int, dict] = {}
    for row in queryset:
        row_key = key(row) if callable(key) else getattr(row, key)
        groups.setdefault(getattr(row, parent_field), {})[row_key] = row
    return groups


def related_sets(queryset, owner: str, target: str) -> dict[int, set[int]]:
    sets: dict[int, set[int]] = {}
    for owner_id, target_id in queryset.values_list(owner, target):
        sets.setdefault(owner_id, set()).add(target_id)
    return sets


def paths_of(pillars) -> dict[tuple[str, ...], Pillar]:
    by_id = {pillar.pk: pillar for pillar in pillars}

    def path(pillar: Pillar) -> tuple[str, ...]:
        key = (pillar.code or pillar.title,)
        return path(by_id[pillar.parent_id]) + key if pillar.parent_id else key

    return {path(pillar): pillar for pillar in by_id.values()}


def text_or_blank(value: Any) -> str:
    """A value as cleaned text; null is no text (never the word "None")."""
    return "" if value is None else clean_text(str(value))


def key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        # A row not yet written (its measure waits for the bulk insert) is told apart by
        # identity; only ever the case when problems were found and nothing will be kept.
        return value.pk if value.pk is not None else ("new", id(value))
    return value


def same_value(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation and name != field.attname:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


@cache
def relation_names(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def request_user():
    """The signed-in user of the request being served, for the history of bulk writes."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# New rows written in bulk: measures, steps and indicators between the reading passes that
# need their keys, the rest at the end.
BULK_CREATED = (
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


def value_part(baseline: dict) -> Any:
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


class ReaderBase:
    """What every part of the reader shares: the problems found, writing rows (only
    when a value differs), and reading values of the document."""

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
        self.problem_places: set[tuple[str, str]] = set()
        # The city's own publication date of each year (the document's publications).
        self.publication_dates: dict[int, datetime.date] = {}
        self.plan_last_year: int | None = None

    def published_at_of(self, fiscal_year: int | None) -> datetime.datetime:
        """When a year was published: the city's date where the document gives one."""
        date = self.publication_dates.get(fiscal_year)
        if date is None:
            return self.now
        return datetime.datetime.combine(
            date, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    @staticmethod
    def where(data: Any, fallback: str) -> str:
        """The place of a row: its sheet and row when it came from a spreadsheet."""
        source = data.get("_source") if isinstance(data, dict) else None
        if source:
            return f"シート「{source['sheet']}」{source['row']}行目"
        return fallback

    def coded_grade(self, grades: dict, code: str, location: str, label: str, scheme: str):
        """The class of `grades` (code → class) that `code` names: exactly, or the same code in
        full-width letters (Ａ for A) when it can mean only one class, with a warning; False,
        with a problem naming the scheme's owner `scheme`, when it names none."""
        grade = grades.get(code)
        if grade is not None:
            return grade
        plain = unicodedata.normalize("NFKC", code).strip()
        matches = [g for c, g in grades.items() if unicodedata.normalize("NFKC", c) == plain]
        if len(matches) == 1:
            self.summary.warnings.append(
                ImportIssue(
                    location, label, f"「{code}」を評価「{matches[0].code}」として読みました。"
                )
            )
            return matches[0]
        known = "、".join(grades) or "（区分なし）"
        self.problem(
            location, label, f"評価「{code}」は{scheme}の評価区分（{known}）にありません。"
        )
        return False

    def problem(self, location: str, field_name: str, message: str) -> None:
        field_name = column_of(location, field_name)
        place = (location, field_name)
        if field_name and place in self.problem_places:
            return  # the cell already has its problem (as the sheet reader saw it)
        self.problem_places.add(place)
        self.issues.append(ImportIssue(clipped(location), clipped(field_name), clipped(message)))

    def _report_validation(self, location: str, error: ValidationError, model) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                label = "" if name == "__all__" else field_label(model, name)
                for message in messages:
                    self.problem(location, label, message)
        else:
            for message in error.messages:
                self.problem(location, "", message)

    def sync(
        self,
        model: type[models.Model],
        location: str,
        lookup: dict[str, Any],
        values: dict[str, Any],
        existing: models.Model | object | None = LOOK_UP,
    ) -> models.Model | None:
        """Create or update one row; save only when something differs.

        `existing` is the row as preloaded by the caller (None when there is none); without
        it the row is looked up. New leaf rows are collected and written in bulk at the end.
        """
        if self.deadline is not None:
            self.deadline.check()
        if not self.storable(model, location, {**lookup, **values}):
            return None
        key = (model, *(key_part(value) for value in lookup.values()))
        if key in self.seen:
            self.problem(
                location, "", "同じ行が重複しています（同じ取組・年度などの行が2つあります）。"
            )
            return None
        self.seen.add(key)
        obj = model.objects.filter(**lookup).first() if existing is LOOK_UP else existing
        if obj is None:
            obj = model(**lookup, **values)
            outcome = "created"
        else:
            for name, value in lookup.items():
                if isinstance(value, models.Model):
                    setattr(obj, name, value)  # the parent object we hold, for clean()
            changed = [name for name, value in values.items() if not same_value(obj, name, value)]
            if not changed:
                self.summary.count("unchanged", model)
                return obj
            before = {name: shown_value(getattr(obj, name)) for name in changed}
            for name in changed:
                setattr(obj, name, values[name])
            outcome = "updated"
        try:
            # Foreign keys are objects we just loaded or saved: checking that they exist
            # would cost a query per field.
            obj.full_clean(
                exclude=relation_names(model), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._report_validation(location, error, model)
            return None
        if not self.meets_check_constraints(obj, location, {*lookup, *values}):
            return None
        self.summary.count(outcome, model)
        self.summary.note(
            location,
            model,
            outcome,
            [
                (field_label(model, name), before[name], shown_value(getattr(obj, name)))
                for name in changed
            ]
            if outcome == "updated"
            else [],
        )
        if outcome == "created" and model in BULK_CREATED:
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
                low, high = column_range(model, name)
                if low <= value <= high:
                    continue
                message = f"{low:,}～{high:,} の整数にしてください。"
            else:
                continue
            self.problem(location, field_label(model, name), message)
            storable = False
        return storable

    def meets_check_constraints(self, obj: models.Model, location: str, names: set[str]) -> bool:
        """The model's check constraints over the fields this import sets, judged here so that
        a row breaking one is reported with its place instead of failing the bulk insert.
        (Fields the model derives itself, such as a pillar's level, are its own business.)"""
        meets = True
        for constraint, fields in check_constraints_of(type(obj)):
            if not fields <= names or holds(constraint.condition, obj) is not False:
                continue
            labels = "・".join(field_label(type(obj), name) for name in sorted(fields))
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
        user = request_user()
        for model in models_to_write or BULK_CREATED:
            objs = self.pending.pop(model, [])
            if not objs or self.issues:
                continue  # with any problem nothing will be kept: skip the writing
            bulk_rows.insert(objs, model)
            if hasattr(model, "history"):
                bulk_rows.insert_history(objs, model, user=user, date=timezone.now())
            self.created.update((model, obj.pk) for obj in objs)

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
                self.problem(location, key_label(key), "年度がありません。")
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problem(
                location, key_label(key), f"年度は西暦の整数で書いてください（{value!r}）。"
            )
            return None
        try:
            year = int(value)
        except ValueError:
            self.problem(
                location, key, f"年度 {shown(value)} を読めません。西暦の整数で書いてください。"
            )
            return None
        # Checked here, not only by the fields' validators: models compute with the year
        # (its era, its place in the plan) before those report it.
        if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
            self.problem(
                location,
                key_label(key),
                f"年度 {shown(value)} は{FIRST_FISCAL_YEAR}～{LAST_FISCAL_YEAR}の西暦にしてください。",
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
                self.problem(location, key_label(key), f"数値 {shown(number)} を読めません。")
                return None
            return Quantity(value, unit, text)
        if isinstance(raw, bool):
            self.problem(location, key_label(key), f"値 {raw!r} を読めません。")
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
            self.problem(location, key_label(key), "金額は円単位の整数で書いてください。")
            return None
        if isinstance(raw, int):
            return raw
        quantity = parse_value(str(raw))
        if quantity.value is None:
            self.problem(location, key_label(key), f"金額 {shown(raw)} を数値として読めません。")
            return None
        if quantity.value.adjusted() > MAX_YEN_DIGITS:
            # Turning a number of thousands of digits into an integer takes seconds; no
            # amount in yen has more than 19.
            self.problem(location, key_label(key), f"金額 {shown(raw)} が大きすぎます。")
            return None
        multiplier = YEN_MULTIPLIERS.get(quantity.unit or "円")
        if multiplier is None:
            self.problem(
                location,
                key_label(key),
                f"金額の単位「{quantity.unit}」は円・千円・百万円などにしてください。",
            )
            return None
        yen = quantity.value * multiplier
        if yen != yen.to_integral_value():
            self.problem(
                location,
                key_label(key),
                f"金額 {shown(raw)} には1円未満の端数があります。円単位で書いてください。",
            )
            return None
        return int(yen)

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
