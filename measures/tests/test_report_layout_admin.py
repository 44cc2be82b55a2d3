"""The reform office arranges its plan's report in the admin, without code: it starts a
layout from a city's preset, then changes columns, headings, order and sections, and the
report page follows."""

from django.urls import reverse

from measures.models import ReportColumn, ReportLayout
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from municipalities.tests.base import ActorsTestCase
from public.tests.report_tables import read_table


class ReportLayoutAdminTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan

    def add_layout(self, **fields):
        data = {
            "plan": self.plan.pk,
            "order": 0,
            "name": "資料1",
            "title": "",
            "start_from": "sanyo-onoda-list",
            "style": "table",
            "orientation": "landscape",
            "legend": "after",
            "group_levels": 0,
            "footnote": "",
            "sections": ["grade_counts"],
            "columns-TOTAL_FORMS": 0,
            "columns-INITIAL_FORMS": 0,
            "columns-MIN_NUM_FORMS": 0,
            "columns-MAX_NUM_FORMS": 1000,
            **fields,
        }
        return self.client.post(reverse("admin:measures_reportlayout_add"), data)

    def report_headings(self) -> list[str]:
        url = reverse("public:report", args=[self.plan.municipality.slug, self.plan.pk, 2020])
        headings, _rows = read_table(self.client.get(url).content.decode())
        return headings

    def test_an_officer_starts_a_layout_from_a_preset_and_the_report_uses_it(self):
        self.client.force_login(self.officer)
        response = self.add_layout()
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        layout = ReportLayout.objects.get(plan=self.plan)
        self.assertEqual(layout.preset, "sanyo-onoda-list")
        self.assertEqual(layout.columns.count(), 8)
        self.assertEqual(self.report_headings()[:4], ["行動計画", "担当部署", "指標", "H29(当初)"])

    def test_an_officer_changes_a_heading_and_the_order_of_columns(self):
        self.client.force_login(self.officer)
        self.add_layout()
        layout = ReportLayout.objects.get(plan=self.plan)
        columns = list(layout.columns.all())
        data = {
            "plan": self.plan.pk,
            "order": 0,
            "name": layout.name,
            "title": "",
            "style": "table",
            "orientation": "portrait",
            "legend": "before",
            "group_levels": 1,
            "footnote": "※注記",
            "sections": ["status_counts", "grade_counts"],
            "columns-TOTAL_FORMS": len(columns),
            "columns-INITIAL_FORMS": len(columns),
            "columns-MIN_NUM_FORMS": 0,
            "columns-MAX_NUM_FORMS": 1000,
        }
        for index, column in enumerate(columns):
            data |= {
                f"columns-{index}-id": column.pk,
                f"columns-{index}-layout": layout.pk,
                f"columns-{index}-order": index,
                f"columns-{index}-field": column.field,
                f"columns-{index}-heading": column.heading,
                f"columns-{index}-group": column.group,
                f"columns-{index}-year": column.year,
                f"columns-{index}-text": column.text,
            }
        # The department column first, under a heading of the office's own words.
        data["columns-0-order"], data["columns-1-order"] = 1, 0
        data["columns-1-heading"] = "所管課"
        response = self.client.post(
            reverse("admin:measures_reportlayout_change", args=[layout.pk]), data
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        layout.refresh_from_db()
        # Sections are kept in the order the report prints them.
        self.assertEqual(layout.sections, ["grade_counts", "status_counts"])
        self.assertEqual(self.report_headings()[:2], ["所管課", "行動計画"])
        self.assertEqual(ReportColumn.objects.get(layout=layout, order=0).heading, "所管課")
        self.assertEqual(layout.orientation, "portrait")

    def test_an_officer_of_another_municipality_cannot_see_the_layout(self):
        self.client.force_login(self.officer)
        self.add_layout()
        layout = ReportLayout.objects.get(plan=self.plan)
        self.client.force_login(self.other_officer)
        response = self.client.get(reverse("admin:measures_reportlayout_change", args=[layout.pk]))
        self.assertNotEqual(response.status_code, 200)
        listing = self.client.get(reverse("admin:measures_reportlayout_changelist"))
        self.assertEqual(list(listing.context["cl"].result_list), [])
