import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from measures.models import Evaluation, IndicatorValue, Measure, Pillar, Plan, Report
from measures.plan_files.exporting import plan_document, plan_queryset


class ScaleDataTests(TestCase):
    def test_the_generator_builds_public_plans_of_the_requested_size(self):
        call_command("generate_scale_data", municipalities=3, measures=6, stdout=io.StringIO())
        self.assertEqual(Plan.objects.filter(is_public=True).count(), 3)
        self.assertEqual(Measure.objects.count(), 18)
        self.assertEqual(Evaluation.objects.filter(review_status="published").count(), 90)
        self.assertEqual(IndicatorValue.objects.count(), 18 * 2 * 11)
        self.assertEqual(set(Pillar.objects.values_list("level", flat=True)), {1, 2, 3})
        self.assertEqual(Report.objects.count(), 3)
        plan = Plan.objects.first()
        page = reverse("public:plan", args=[plan.municipality.slug, plan.pk])
        self.assertEqual(self.client.get(page).status_code, 200)

    def test_each_report_is_the_published_document_of_its_own_plan(self):
        # Runs of ten plans share their drawn content, and the report is built once per run.
        call_command(
            "generate_scale_data", municipalities=13, measures=7, batch=12, stdout=io.StringIO()
        )
        reports = Report.objects.select_related("plan")
        self.assertEqual(len(reports), 13)
        for report in reports:
            plan = plan_queryset().get(pk=report.plan_id)
            expected = {**plan_document(plan, published_only=True), "fiscal_year": 2024}
            self.assertEqual(report.content, expected)
        # Each run draws its own: the eleventh plan's texts are not the first's.
        first, eleventh = (
            r.content["measures"][0]["years"] for r in reports.order_by("plan")[:11:10]
        )
        self.assertNotEqual(first, eleventh)
