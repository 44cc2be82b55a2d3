"""An entry's history as the staff history page tells it: in plain Japanese, with the
fields' labels, statuses and grades by their names, and who entered for whom."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import Evaluation, Grade, ImplementationStatus
from municipalities.models import Department

ACTIONS = {"+": _("追加"), "~": _("変更"), "-": _("削除")}
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


def history_entries(evaluation: Evaluation) -> list[HistoryEntry]:
    """The entry's changes, newest first, each with what changed from the one before."""
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
    return entries
