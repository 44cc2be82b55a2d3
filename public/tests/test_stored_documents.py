"""A public plan's JSON document is built once per content version and then served from
the stored bytes (public/documents.py): by every worker, also with the page cache off."""

from django.test import TestCase, override_settings
from django.urls import reverse

from measures.models import Measure
from measures.plan_files.importing import import_plan_document
from measures.round.services import publish_year
from measures.tests.documents import small_document
from public.models import StoredDocument


# The document on its own: without the page cache and the stored pages above it.
@override_settings(PAGE_CACHE_SECONDS=0, STORED_PAGES=False)
class StoredDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(small_document(), publish=True).plan
        cls.url = reverse("api:plan", args=[cls.plan.pk])

    def test_the_first_request_stores_the_document_and_the_next_reads_it_in_two_queries(self):
        first = self.client.get(self.url)
        self.assertEqual(first.status_code, 200)
        stored = StoredDocument.objects.get(plan=self.plan)
        self.assertEqual(bytes(stored.body), first.content)
        # The plan's content version (page cache), the same for the document, the document.
        with self.assertNumQueries(3):
            second = self.client.get(self.url)
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Content-Type"], "application/json")

    def test_a_change_to_the_plan_is_served_at_once(self):
        self.client.get(self.url)
        measure = Measure.objects.filter(plan=self.plan).first()
        measure.title = "窓口業務の見直し（改題）"
        measure.save()
        document = self.client.get(self.url).json()
        self.assertIn("窓口業務の見直し（改題）", [m["title"] for m in document["measures"]])
        measures = self.client.get(reverse("api:measures", args=[self.plan.pk])).json()
        self.assertIn("窓口業務の見直し（改題）", [m["title"] for m in measures["measures"]])
        self.assertEqual(StoredDocument.objects.filter(plan=self.plan).count(), 1)

    def test_a_stored_document_of_a_plan_no_longer_public_is_not_served(self):
        self.client.get(self.url)
        type(self.plan).objects.filter(pk=self.plan.pk).update(is_public=False)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"measures", response.content)

    def test_publishing_a_year_stores_the_document_when_the_publication_commits(self):
        StoredDocument.objects.all().delete()
        evaluation = self.plan.measures.first().evaluations.order_by("fiscal_year").last()
        with self.captureOnCommitCallbacks(execute=True):
            publish_year(
                plan=self.plan, fiscal_year=evaluation.fiscal_year, by=None, note="誤字の訂正"
            )
        stored = StoredDocument.objects.get(plan=self.plan)
        self.plan.municipality.refresh_from_db()
        self.assertEqual(stored.content_version, self.plan.municipality.content_version)
        with self.assertNumQueries(3):
            self.client.get(self.url)
