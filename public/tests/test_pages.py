"""Every public page type, on the five cities' real data."""

import json
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from measures.models import Measure, Plan
from measures.plan_files.importing import import_plan_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class FiveCitiesPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for path in sorted(FIXTURES.glob("*.json")):
            import_plan_document(json.loads(path.read_text()), publish=True)
        cls.sanyo = Plan.objects.get(municipality__code="352161")

    def plan_url(self, plan, name="plan", *args):
        return reverse(f"public:{name}", args=[plan.municipality.slug, plan.pk, *args])

    def test_home_lists_every_municipality_with_a_public_plan(self):
        response = self.client.get(reverse("public:home"))
        for name in ["西宮市", "山陽小野田市", "安中市", "厚木市", "南アルプス市"]:
            self.assertContains(response, name)

    def test_home_groups_municipalities_by_prefecture_in_code_order_and_finds_by_name(self):
        page = self.client.get(reverse("public:home")).content.decode()
        headings = re.findall(r'<h2 id="pref-(\d\d)">([^<]+)</h2>', page)
        self.assertEqual(
            headings,
            [
                ("10", "群馬県"),
                ("14", "神奈川県"),
                ("19", "山梨県"),
                ("28", "兵庫県"),
                ("35", "山口県"),
            ],
        )
        self.assertIn('<a href="#pref-28">兵庫県</a>', page)
        found = self.client.get(reverse("public:home"), {"q": "厚木"})
        self.assertContains(found, "厚木市")
        self.assertNotContains(found, "西宮市")
        self.assertContains(
            self.client.get(reverse("public:home"), {"q": "存在しない町"}),
            "「存在しない町」に当てはまる自治体はありません。",
        )

    def test_every_plan_page_and_its_pillars_and_measures_load(self):
        for plan in Plan.objects.all():
            with self.subTest(plan=plan.name):
                self.assertContains(self.client.get(self.plan_url(plan)), plan.name)
                self.assertEqual(
                    self.client.get(
                        reverse("public:municipality", args=[plan.municipality.slug])
                    ).status_code,
                    200,
                )
                pillar = plan.pillars.first()
                self.assertEqual(
                    self.client.get(self.plan_url(plan, "pillar", pillar.pk)).status_code, 200
                )
                measure = plan.measures.first()
                self.assertContains(
                    self.client.get(self.plan_url(plan, "measure", measure.pk)), measure.title
                )
                self.assertEqual(self.client.get(self.plan_url(plan, "search")).status_code, 200)

    def test_the_plan_page_counts_grades_with_shares_over_rated_measures_and_the_change(self):
        response = self.client.get(self.plan_url(self.sanyo), {"year": 2020})
        overall = response.context["grade_rows"][0]
        counts = {
            cell.category.code: (cell.count, cell.share, cell.change) for cell in overall.counts
        }
        # R2: A 5, B 7, C 8, D 1 of 21 rated; R1 was A 4, B 3, C 9, D 5.
        self.assertEqual(counts["A"][:2], (5, Decimal("23.8")))
        self.assertEqual(
            {code: value[2] for code, value in counts.items()}, {"A": 1, "B": 4, "C": -1, "D": -4}
        )
        # 25 measures carried in R2: 21 graded (評価対象), 4 without a grade (対象外).
        self.assertEqual((overall.counted, overall.excluded, overall.total), (21, 4, 25))
        self.assertContains(response, "令和2年度（2020年度）")
        self.assertContains(response, "5件（23.8%）")

    def test_the_measure_page_shows_values_as_written_and_a_chart_with_a_text_alternative(self):
        measure = Measure.objects.get(plan=self.sanyo, code="1")
        response = self.client.get(self.plan_url(self.sanyo, "measure", measure.pk))
        self.assertContains(response, "982百万円")
        self.assertContains(response, "835百万円")
        self.assertContains(response, "700百万円")
        self.assertContains(response, 'role="img"')
        self.assertContains(response, "<desc")
        self.assertContains(response, "法令に基づき")  # the published R2 progress of a step

    def test_both_report_layouts_print_the_published_revision(self):
        url = self.plan_url(self.sanyo, "report", 2020)
        summary = self.client.get(url)
        self.assertContains(summary, "第1版")
        self.assertContains(summary, "未収債権額")
        self.assertContains(summary, 'media="print"')
        pdca = self.client.get(url, {"layout": "pdca"})
        self.assertContains(pdca, "取組状況（Do）")
        minami = Plan.objects.get(municipality__code="192082")
        response = self.client.get(self.plan_url(minami, "report", 2020), {"layout": "pdca"})
        self.assertContains(response, "健全化判断比率の推移に留意した財政運営を図る")

    def test_a_year_without_a_report_is_404(self):
        self.assertEqual(
            self.client.get(self.plan_url(self.sanyo, "report", 2022)).status_code, 404
        )

    def test_search_filters_by_text_grade_department_and_pillar_with_a_shareable_url(self):
        url = self.plan_url(self.sanyo, "search")
        response = self.client.get(url, {"q": "債権"})
        self.assertIn("1", {m.code for m in response.context["measures"]})
        response = self.client.get(url, {"year": 2020, "grade": "D"})
        self.assertEqual([m.code for m in response.context["measures"]], ["25"])
        self.assertContains(response, "1件が該当します")
        response = self.client.get(url, {"year": 2019, "grade": "A"})
        self.assertEqual(len(response.context["measures"]), 4)
        response = self.client.get(url, {"continuity": "new"})
        self.assertTrue(all(m.continuity == "new" for m in response.context["measures"]))

    def test_downloads_carry_the_licence(self):
        for file_format in ("xlsx", "csv", "json"):
            response = self.client.get(self.plan_url(self.sanyo, "download", file_format))
            self.assertEqual(response.status_code, 200, file_format)
            self.assertEqual(response["X-Licence"], "CC BY 4.0")
        document = json.loads(
            self.client.get(self.plan_url(self.sanyo, "download", "json")).content
        )
        self.assertEqual(document["licence"], "CC BY 4.0")
        self.assertNotIn("review_status", document["measures"][0]["years"][0])

    def test_the_api_lists_municipalities_and_serves_plans(self):
        data = self.client.get(reverse("api:municipalities")).json()
        self.assertEqual(len(data["municipalities"]), 5)
        city = next(m for m in data["municipalities"] if m["code"] == "352161")
        plan = self.client.get(city["plans"][0]["url"]).json()
        self.assertEqual(plan["municipality"]["code"], "352161")
        self.assertEqual(
            {"code", "title", "pillar", "departments", "indicators", "steps", "years"}
            - set(plan["measures"][0]),
            set(),
        )
        measures = self.client.get(reverse("api:measures", args=[self.sanyo.pk])).json()
        self.assertEqual(len(measures["measures"]), 25)
        self.assertEqual(
            self.client.get(reverse("api:municipality", args=["352161"])).json()["name"],
            "山陽小野田市",
        )
        self.assertContains(self.client.get(reverse("public:api_docs")), "/api/v1/plans/{id}/")
