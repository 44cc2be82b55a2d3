"""An import never renames a municipality or moves its address: the municipality block of a
plan file must match the registered municipality, and only an unrestricted import (a
superuser's or the command line's) may create a new one.

The attack this guards against: a reform officer, who may only view the municipality record,
imported a plan file whose municipality block said name "乗っ取り市", slug "hijack"; the
municipality was renamed and its public address /m/<old slug>/ answered 404.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Plan
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document
from municipalities.models import Municipality
from municipalities.tests.base import ActorsTestCase


def hijacking_document() -> dict:
    document = small_document()
    document["municipality"] = {**document["municipality"], "name": "乗っ取り市", "slug": "hijack"}
    return document


class ImportMunicipalityTests(ActorsTestCase):
    def assert_city_unchanged(self):
        city = Municipality.objects.get(code="282049")
        self.assertEqual((city.name, city.slug), ("西宮市", "nishinomiya"))

    def test_an_officers_import_cannot_rename_the_municipality_or_change_its_address(self):
        self.client.force_login(self.officer)
        upload = SimpleUploadedFile(
            "plan.xlsx", write_xlsx(document_to_tables(hijacking_document()))
        )
        response = self.client.post(reverse("admin:measures_plan_import"), {"file": upload})
        self.assertContains(
            response, "自治体 の「名称」: 「乗っ取り市」は登録されている名称「西宮市」と異なります"
        )
        self.assertContains(
            response,
            "自治体 の「URL名」: 「hijack」は登録されているURL名「nishinomiya」と異なります",
        )
        self.assertNotIn("confirm_form", response.context)
        self.assert_city_unchanged()
        self.assertFalse(Plan.objects.exists())

    def test_no_import_changes_a_registered_municipality(self):
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(hijacking_document())
        self.assertEqual({issue.field for issue in raised.exception.issues}, {"名称", "URL名"})
        self.assert_city_unchanged()

    def test_a_file_that_matches_the_municipality_or_leaves_it_blank_imports(self):
        document = small_document()
        document["municipality"] = {"code": "282049"}
        plan = import_plan_document(document, municipality=self.city).plan
        self.assertEqual(plan.municipality, self.city)
        self.assertTrue(import_plan_document(small_document(), municipality=self.city).plan)
        self.assert_city_unchanged()

    def test_an_unrestricted_import_may_create_a_new_municipality(self):
        document = small_document()
        document["municipality"] = {
            "code": "102113",
            "name": "安中市",
            "prefecture": "群馬県",
            "slug": "annaka",
        }
        plan = import_plan_document(document).plan
        self.assertEqual(plan.municipality.name, "安中市")

    def test_an_officer_cannot_create_a_municipality_through_an_import(self):
        document = small_document()
        document["municipality"] = {
            "code": "102113",
            "name": "安中市",
            "prefecture": "群馬県",
            "slug": "annaka",
        }
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(document, municipality=self.city)
        self.assertIn("西宮市の計画しか取り込めません", str(raised.exception))
        self.assertFalse(Municipality.objects.filter(code="102113").exists())
