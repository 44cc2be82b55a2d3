"""Files that imported yesterday import tomorrow: clerks keep last year's workbook.

`earlier_files/2026-12/` holds the five cities' plans as the template of December 2026 wrote
them (xlsx, and the zip of CSV tables), exported from the fixtures by the code that had
landed then, before the template gained anything. Each must still import, mean the same as
the fixture it came from, and give the same public pages.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.test import TestCase
from django.urls import reverse

from measures.models import Plan, Report
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.formats import read_plan_file
from measures.plan_files.importing import import_plan_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
EARLIER = Path(__file__).parent / "earlier_files" / "2026-12"
# Keys and tokens differ between two imports of the same plan; the pages must not otherwise.
_VARYING = re.compile(r'(?<=plans/|sures/|llars/)\d+|name="csrfmiddlewaretoken" value="[^"]*"')


class EarlierFileTests(TestCase):
    def import_and_read(self, document: dict) -> tuple[dict, dict[str, str]]:
        plan = import_plan_document(document, publish=True).plan
        caches["default"].clear()
        slug = plan.municipality.slug
        urls = [reverse("public:plan", args=[slug, plan.pk])]
        # A sample of measure pages: the documents are compared whole below.
        urls += [
            reverse("public:measure", args=[slug, plan.pk, measure.pk])
            for measure in plan.measures.order_by("order", "pk")[:8]
        ]
        pages = {}
        for index, url in enumerate(urls):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            pages[f"page {index}"] = _VARYING.sub("", response.content.decode())
        exported = plan_document(plan_queryset().get(pk=plan.pk))
        Report.objects.filter(plan=plan).delete()
        Plan.objects.filter(pk=plan.pk).delete()
        return exported, pages

    def test_the_earlier_files_of_every_city_import_with_the_same_meaning_and_pages(self):
        fixtures = sorted(FIXTURES.glob("*.json"))
        self.assertEqual(len(fixtures), 5)
        for fixture in fixtures:
            expected, expected_pages = self.import_and_read(json.loads(fixture.read_text()))
            for earlier in (EARLIER / f"{fixture.stem}.xlsx", EARLIER / f"{fixture.stem}.zip"):
                with self.subTest(file=earlier.name):
                    document = read_plan_file(earlier.name, earlier.read_bytes())
                    imported, pages = self.import_and_read(document)
                    self.assertEqual(imported, expected)
                    self.assertEqual(pages.keys(), expected_pages.keys())
                    for name, page in pages.items():
                        self.assertEqual(page, expected_pages[name], name)
