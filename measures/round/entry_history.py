"""An entry's history as the staff history page tells it: in plain Japanese, with the
fields' labels, statuses and grades by their names, and who entered for whom."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    ImplementationStatus,
    Indicator,
    IndicatorValue,
    Step,
    StepYear,
)
from municipalities.models import Department

ACTIONS = {"+": _("追加"), "~": _("変更"), "-": _("削除")}
# A change to the year's actuals this close before a save of the entry by the same person
# was part of that save (the entry form writes them in one transaction).
_SAME_SAVE = datetime.timedelta(seconds=10)
# Bookkeeping a person did not change.
_LEFT_OUT = ["version", "updated_at"]


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    status: str
    entered_for: str = ""
    changes: list[Change] = field(default_factory=list)


def user_name(user) -> str:
    """The name staff know a colleague by: the display name, else the login name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _related_names(records) -> dict[str, dict]:
    """Names of the users, departments, grades and statuses the records point to, in one
    query per model, keyed by field name and id."""
    fields = {
        f.name: f.related_model
        for f in Evaluation._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.name != "measure"
    }
    wanted: dict[type, set] = {}
    for record in records:
        for name, model in fields.items():
            value = getattr(record, f"{name}_id")
            if value is not None:
                wanted.setdefault(model, set()).add(value)
    names: dict[type, dict] = {}
    for model, ids in wanted.items():
        if model is get_user_model():
            names[model] = {u.pk: user_name(u) for u in model.objects.filter(pk__in=ids)}
        elif model is Grade:
            names[model] = {g.pk: f"{g.code} {g.label}" for g in Grade.objects.filter(pk__in=ids)}
        elif model in (Department, ImplementationStatus):
            names[model] = {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}
    return {name: names.get(model, {}) for name, model in fields.items()}


def _shown(value, name: str, related: dict[str, dict]) -> str:
    if value in (None, ""):
        return ""
    if name in related:
        return related[name].get(value, str(value))
    if name == "review_status":
        return str(Evaluation.ReviewStatus(value).label)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y年%-m月%-d日 %H:%M")
    return str(value)


def _row_changes(records, labels_of) -> list[tuple]:
    """(date, user, action, changes) for each historical record of the year's rows, each
    compared with the same row's record before it; `labels_of(record)` gives
    (label, value) pairs."""
    found = []
    previous: dict = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.pk)):
        old = dict(previous.get(record.id, []))
        deleted = record.history_type == "-"
        new = [(label, "") for label in old] if deleted else labels_of(record)
        changes = [
            Change(label, old.get(label, ""), value)
            for label, value in new
            if old.get(label, "") != value
        ]
        previous[record.id] = new
        if changes:
            found.append(
                (record.history_date, record.history_user_id, record.history_type, changes)
            )
    return found


def _actuals_changes(evaluation: Evaluation) -> list[tuple]:
    """The year's indicator actuals, step rows and effect amounts as they changed."""
    year = evaluation.fiscal_year
    indicators = {i.pk: i.name for i in Indicator.objects.filter(measure_id=evaluation.measure_id)}
    steps = {s.pk: s.title for s in Step.objects.filter(measure_id=evaluation.measure_id)}
    values = IndicatorValue.history.filter(
        indicator_id__in=indicators, kind=IndicatorValue.Kind.ACTUAL, fiscal_year=year
    )
    step_years = StepYear.history.filter(step_id__in=steps, fiscal_year=year)
    effects = EffectAmount.history.filter(measure_id=evaluation.measure_id, fiscal_year=year)

    def value_labels(record):
        return [(f"{indicators.get(record.indicator_id, '')} の実績値", record.instance.display)]

    def step_labels(record):
        title = steps.get(record.step_id, "")
        return [
            (f"{title} の実績", record.actual),
            (f"{title} の取組状況", record.progress),
            (f"{title} の今後の取組・課題", record.next_steps),
        ]

    def effect_labels(record):
        return [
            (str(_("効果額 実績 歳入増")), _yen(record.actual_revenue)),
            (str(_("効果額 実績 歳出削減")), _yen(record.actual_saving)),
        ]

    return [
        *_row_changes(values, value_labels),
        *_row_changes(step_years, step_labels),
        *_row_changes(effects, effect_labels),
    ]


def _yen(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}円"


def history_entries(evaluation: Evaluation) -> list[HistoryEntry]:
    """The entry's changes, newest first, each with what changed from the one before; a
    change to the year's actuals joins the save of the entry it was part of."""
    records = list(
        evaluation.history.select_related("history_user").order_by("-history_date", "-pk")
    )
    related = _related_names(records)
    labels = {f.name: str(f.verbose_name) for f in Evaluation._meta.get_fields() if f.concrete}
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=_LEFT_OUT)
            changes = [
                Change(
                    labels.get(change.field, change.field),
                    _shown(change.old, change.field, related),
                    _shown(change.new, change.field, related),
                )
                for change in delta.changes
            ]
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=user_name(newer.history_user),
                action=str(ACTIONS.get(newer.history_type, newer.history_type)),
                status=str(Evaluation.ReviewStatus(newer.review_status).label),
                entered_for=related["entered_for"].get(newer.entered_for_id, "")
                if newer.entered_for_id
                else "",
                changes=changes,
            )
        )
    users = {}
    rows = _actuals_changes(evaluation)
    if rows:
        ids = {user_id for _when, user_id, _type, _changes in rows if user_id}
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    for when, user_id, history_type, changes in rows:
        save = next(
            (
                entry
                for record, entry in zip(reversed(records), reversed(entries), strict=True)
                if record.history_user_id == user_id
                and datetime.timedelta(0) <= record.history_date - when <= _SAME_SAVE
            ),
            None,
        )
        if save is not None:
            save.changes.extend(changes)
        else:
            entries.append(
                HistoryEntry(
                    when=when,
                    who=user_name(users.get(user_id)),
                    action=str(ACTIONS.get(history_type, history_type)),
                    status="",
                    changes=changes,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
