"""Published plans as stored, pre-serialised JSON documents.

Building a plan's open-data document walks thousands of model objects (about 2,600 for a
60-measure plan); what it says changes only when its municipality's content does. So the
document is serialised once per content version and kept in the database, where every
worker and every app server finds it, also after a release or with the page cache off: the
API and the JSON download answer from the stored bytes, and only the first request after a
change (or the publication itself, which writes it as soon as it commits) builds it.

A stored document is used only while its version is the municipality's current one, so it
is never stale; nothing has to be deleted when data changes. That holds for the published
external review it carries too (`external_reviews`): the reviews models belong to their
municipality's content version like the plan's own.
"""

import contextlib

import orjson
from django.db import IntegrityError, transaction
from django.http import Http404

from measures.models import Plan
from measures.plan_files.exporting import plan_document, plan_queryset
from public import stored_pages
from public.models import StoredDocument
from public.open_data.reviews import review_document


def dumps(data) -> bytes:
    """JSON as the API writes it: UTF-8, non-ASCII characters as they are."""
    return orjson.dumps(data)


def public_plan_document(plan: Plan) -> dict:
    """What citizens may read of a public plan: its published plan document and the
    published results of its external review."""
    return {**plan_document(plan, published_only=True), "external_reviews": review_document(plan)}


def public_plan_json(pk: int) -> bytes:
    """The published document of public plan `pk`, serialised; Http404 for any other."""
    version = (
        Plan.objects.filter(pk=pk, is_public=True)
        .values_list("municipality__content_version", flat=True)
        .first()
    )
    if version is None:
        raise Http404
    body = (
        StoredDocument.objects.filter(
            plan_id=pk, kind=StoredDocument.Kind.PLAN, content_version=version
        )
        .values_list("body", flat=True)
        .first()
    )
    if body is not None:
        return bytes(body)
    return store_plan_json(pk, version)


def store_plan_json(pk: int, version: str | None = None) -> bytes:
    """Build the plan's published document and keep it under `version` (read now unless
    given: the content it is built from is at least that new)."""
    if version is None:
        version = (
            Plan.objects.filter(pk=pk)
            .values_list("municipality__content_version", flat=True)
            .first()
        )
    plan = plan_queryset().filter(pk=pk, is_public=True).first()
    if plan is None or version is None:
        raise Http404
    body = dumps(public_plan_document(plan))
    try:
        with transaction.atomic():
            StoredDocument.objects.update_or_create(
                plan_id=pk,
                kind=StoredDocument.Kind.PLAN,
                defaults={"content_version": version, "body": body},
            )
    except IntegrityError:
        pass  # another worker stored it at the same moment; either copy is as good
    return body


def store_on_commit(plan_id: int) -> None:
    """Write the plan's document once the transaction that published its year commits, so
    that the first citizen after a publication is served as fast as the next."""

    def store():
        # A plan that is not public (yet) has nothing citizens can ask for.
        with contextlib.suppress(Http404):
            store_plan_json(plan_id)

    transaction.on_commit(store)


def report_published(sender, instance, created, raw=False, **kwargs) -> None:
    """A new report revision (signal receiver): its plan's document and pages change with
    it, and are stored ahead for its first visitors."""
    if created and not raw:
        store_on_commit(instance.plan_id)
        stored_pages.render_on_commit(instance.plan_id)
