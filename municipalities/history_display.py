"""Recorded changes in plain Japanese: each field by its label (取組状況（Do）, not do_text),
a choice by its label (下書き, not draft), a related row by its name, yes/no, dates as the
city hall writes them, and nothing written where there was no value."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def plain_value(field: models.Field, value) -> str:
    """A recorded value of a field as a reader of the history page would write it."""
    if isinstance(value, DeletedObject):
        return (
            EMPTY
            if value.pk is None
            else _("（削除された%(model)s）") % {"model": value.model._meta.verbose_name}
        )
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y年n月j日 H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "Y年n月j日")
    if isinstance(value, list):
        return "、".join(str(item) for item in value) or EMPTY
    return str(value)


class PlainHistoryHelper(HistoricalRecordContextHelper):
    """django-simple-history's change list of a record, in plain Japanese."""

    def prepare_delta_change_value(self, change, value):
        prepared = super().prepare_delta_change_value(change, value)
        return plain_value(self.model._meta.get_field(change.field), prepared)


HISTORY_TYPES = {"+": gettext_lazy("追加"), "~": gettext_lazy("変更"), "-": gettext_lazy("削除")}


def history_type_label(history_type: str) -> str:
    """追加 / 変更 / 削除 for django-simple-history's + / ~ / -."""
    return str(HISTORY_TYPES.get(history_type, history_type))
