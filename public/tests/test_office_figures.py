"""Figures the reform office enters without department entries (a plan measured only in
効果額, plan-level goals, results over the whole period) are published with the plan's
report of their year, and not before."""

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse

from measures.models import EffectAmount, PeriodResult, PlanGoal, PlanGoalResult
from measures.round.services import publish_year, reopen_year
from measures.tests.factories import make_measure, make_pillar, make_plan, make_status
from municipalities.tests.base import ActorsTestCase


class OfficeFiguresTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, first=2019, last=2020, is_public=True, effect_unit="千円")
        pillar = make_pillar(cls.plan)
        cls.measure = make_measure(cls.plan, pillar=pillar, lead=cls.finance)
        EffectAmount.objects.create(
            measure=cls.measure, fiscal_year=2019, planned_saving=5_000_000, actual_saving=4_321_000
        )
        goal = PlanGoal.objects.create(
            plan=cls.plan, name="一般職員数の削減", target_value=10, target_text="10人削減"
        )
        PlanGoalResult.objects.create(goal=goal, fiscal_year=2019, value=7, unit="人")
        PeriodResult.objects.create(
            measure=cls.measure, status=make_status(cls.plan, "達成"), summary="期間を通じて達成"
        )

    def setUp(self):
        caches["default"].clear()

    def pages(self) -> str:
        slug = self.city.slug
        urls = [
            reverse("public:plan", args=[slug, self.plan.pk]),
            reverse("public:measure", args=[slug, self.plan.pk, self.measure.pk]),
            reverse("api:plan", args=[self.plan.pk]),
        ]
        return "".join(self.client.get(url).content.decode() for url in urls)

    def test_nothing_is_public_before_the_year_is_published(self):
        text = self.pages()
        self.assertNotIn("4,321", text)
        self.assertNotIn("4321000", text)
        self.assertNotIn("70.0%", text)
        self.assertNotIn("期間を通じて達成", text)

    def test_a_year_without_entries_is_published_with_the_offices_figures(self):
        report = publish_year(plan=self.plan, fiscal_year=2019, by=self.officer)
        self.assertEqual(report.revision, 1)
        text = self.pages()
        self.assertIn("4,321", text)  # 千円 on the pages
        self.assertIn("70.0%", text)  # 7 of 10, the goal's progress
        self.assertNotIn("期間を通じて達成", text)  # only with the plan's last year

    def test_the_result_over_the_period_is_published_with_the_last_year(self):
        publish_year(plan=self.plan, fiscal_year=2019, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertIn("期間を通じて達成", self.pages())
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertNotIn("期間を通じて達成", self.pages())

    def test_a_year_with_nothing_to_publish_is_refused(self):
        PeriodResult.objects.all().delete()
        with self.assertRaises(ValidationError):
            publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
