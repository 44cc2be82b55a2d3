"""Each municipality's content version: a token that changes with every change to anything
of the municipality, so that pages built from its data can be cached under it and are never
served stale.

Every save and delete of a model that belongs to a municipality (it names its
`municipality_path`) gives that municipality a new token in the same transaction, so the
new token becomes visible exactly when the change does. Writes that bypass model signals
(bulk_create, queryset.update) call `changed()` themselves. Inside `batch()` the per-row
changes are collected and applied once at its end, for imports and other many-row writes.
A deletion counts once for each row it was asked for, not for the rows deleted with it.

Tokens are random rather than counters: after a database restore, a counter would count up
through numbers that already named other content in a shared cache; a random token never
names two states.
"""

import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

_local = threading.local()


def new_token() -> str:
    return uuid.uuid4().hex


def changed(municipality_ids: Iterable[int]) -> None:
    """The municipalities' content changed (for writes that send no model signals)."""
    from municipalities.models import Municipality

    _note(Municipality, municipality_ids)


def changed_everywhere() -> None:
    """Content every municipality shows changed (shared reference lists such as SDGs)."""
    from municipalities.models import Municipality

    Municipality.objects.update(content_version=new_token(), content_changed_at=timezone.now())


@contextmanager
def batch() -> Iterator[None]:
    """Collect the changes made inside and give each changed municipality one new token at
    the end. A batch inside a batch joins the outer one. Nothing is applied when the block
    raises or its transaction is marked for rollback."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = {}
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    if connection.in_atomic_block and connection.needs_rollback:
        return  # a dry run, or a caught error: the transaction will be rolled back
    for model, pks in pending.items():
        _apply(model, pks)


def _note(model: type[Model], pks: Iterable[int]) -> None:
    """Rows of model whose municipalities changed: now, or at the end of the batch."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending = getattr(_local, "pending", None)
    if pending is None:
        _apply(model, pks)
    else:
        pending.setdefault(model, set()).update(pks)


def _apply(model: type[Model], pks: set[int]) -> None:
    from municipalities.models import Municipality

    # For the Municipality model itself the path is "pk": the subquery names the rows.
    municipality_ids = model._base_manager.filter(pk__in=pks).values(model.municipality_path)
    Municipality.objects.filter(pk__in=Subquery(municipality_ids)).update(
        content_version=new_token(), content_changed_at=timezone.now()
    )


def _note_owner(instance: Model) -> None:
    """Note the row that still exists (also after instance is deleted) and leads to
    instance's municipality: the municipality itself, or the row its path starts with."""
    path = instance.municipality_path
    if path == "pk":
        _note(type(instance), [instance.pk])
        return
    field = instance._meta.get_field(path.split("__", 1)[0])
    _note(field.related_model, [getattr(instance, field.attname)])


def _row_changed(sender, instance, raw=False, **kwargs) -> None:
    # A fixture load (restore) brings rows back with the tokens they were saved with.
    if not raw:
        _note_owner(instance)


def _row_deleted(sender, instance, origin=None, **kwargs) -> None:
    # A row deleted because the row it belongs to was (a plan's measures, their entries and
    # values) is of that row's municipality, which the deleted row's own signal notes: one
    # change for the plan rather than one for each of its thousands of rows.
    if _cascaded_from_owned(instance, origin):
        return
    _note_owner(instance)


def _cascaded_from_owned(instance: Model, origin) -> bool:
    if origin is None or origin is instance:
        return False
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin_model is type(instance):
        return False  # one of the rows the deletion was asked for
    return hasattr(origin_model, "municipality_path")


def _relation_changed(sender, instance, action, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if hasattr(instance, "municipality_path"):
        _note_owner(instance)
    else:
        changed_everywhere()  # changed from a shared row's side


def _everywhere(sender, raw=False, **kwargs) -> None:
    if not raw:
        changed_everywhere()


def connect(*, owned: Iterable[type[Model]], shared: Iterable[type[Model]]) -> None:
    """Watch the models whose rows belong to a municipality, and the shared reference models
    that every municipality's pages show."""
    for model in owned:
        uid = f"content_version:{model._meta.label}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_row_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _relation_changed, sender=field.remote_field.through, dispatch_uid=uid
            )
    for model in shared:
        uid = f"content_version:{model._meta.label}"
        post_save.connect(_everywhere, sender=model, dispatch_uid=uid)
        post_delete.connect(_everywhere, sender=model, dispatch_uid=uid)
