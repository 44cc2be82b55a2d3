"""A test case with the small plan imported and published, and an empty page cache for
each test (pages cached by an earlier test carry the same content version, rolled back)."""

from django.test import TestCase

from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from public import search_index
from public.page_cache import page_cache


class PublishedPlanTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(small_document(), publish=True).plan
        cls.slug = cls.plan.municipality.slug

    def setUp(self):
        page_cache().clear()
        search_index.forget()
