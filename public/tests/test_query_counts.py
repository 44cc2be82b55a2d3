"""Every public page and API endpoint makes the same number of queries with 10 measures and
with 1,000, when it is rendered and when it comes from the page cache."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures.models import (
    EffectAmount,
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    PlanGoal,
    PlanGoalResult,
    Step,
    StepYear,
)
from measures.round.services import record_publication
from measures.tests.factories import make_grades, make_plan, make_status
from municipalities.tests.base import make_department, make_municipality
from public.models import StoredPage
from public.page_cache import page_cache


def build_plan(size: int, code: str, name: str, prefecture: str, slug: str):
    city = make_municipality(code, name, prefecture, slug)
    plan = make_plan(city, first=2019, last=2022, is_public=True)
    grades = list(make_grades(plan).values())
    statuses = [make_status(plan, label, order) for order, label in enumerate(["達成", "検討"])]
    for order, name in enumerate(["職員数の削減", "延床面積の縮減", "効果額"]):
        goal = PlanGoal.objects.create(
            plan=plan, order=order, name=name, target_value=100, target_text="100人削減"
        )
        PlanGoalResult.objects.bulk_create(
            PlanGoalResult(goal=goal, fiscal_year=year, value=60) for year in (2019, 2020)
        )
    departments = [make_department(city, f"課{i}") for i in range(5)]
    roots = [
        Pillar.objects.create(plan=plan, code=f"{i + 1}", title=f"柱{i + 1}", order=i)
        for i in range(3)
    ]
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, code=str(i + 1), title=f"取組{i + 1}", pillar=roots[i % 3], order=i)
        for i in range(size)
    )
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(measure=m, department=departments[i % 5]) for i, m in enumerate(measures)
    )
    now = timezone.now()
    Evaluation.objects.bulk_create(
        Evaluation(
            measure=m,
            fiscal_year=2020,
            do_text=f"実施{i}",
            final_grade=grades[i % 4],
            status=statuses[i % 2],
            review_status=Evaluation.ReviewStatus.PUBLISHED,
            published_at=now,
        )
        for i, m in enumerate(measures)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(measure=m, name="件数", unit="件") for m in measures
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=ind, kind=kind, fiscal_year=year, value=value, unit="件")
        for ind in indicators
        for kind, year, value in (
            ("baseline", 2018, 10),
            ("target", 2022, 20),
            ("actual", 2020, 15),
        )
    )
    steps = Step.objects.bulk_create(Step(measure=m, title="事業") for m in measures)
    StepYear.objects.bulk_create(
        StepYear(step=s, fiscal_year=2020, planned="実施", actual="実施") for s in steps
    )
    EffectAmount.objects.bulk_create(
        EffectAmount(
            measure=m, fiscal_year=2020, basis=basis, planned_saving=1000, actual_saving=900
        )
        for m in measures
        for basis in ("single_year", "cumulative")
    )
    record_publication(plan=plan)
    return plan, roots[0], measures[0]


class PublicQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.small = build_plan(10, "282049", "西宮市", "兵庫県", "small")
        cls.large = build_plan(1000, "352161", "山陽小野田市", "山口県", "large")

    def urls(self, plan, pillar, measure):
        slug = plan.municipality.slug
        return {
            "home": reverse("public:home"),
            "municipality": reverse("public:municipality", args=[slug]),
            "plan": reverse("public:plan", args=[slug, plan.pk]),
            "pillar": reverse("public:pillar", args=[slug, plan.pk, pillar.pk]),
            "measure": reverse("public:measure", args=[slug, plan.pk, measure.pk]),
            "search": reverse("public:search", args=[slug, plan.pk])
            + "?q=取組&grade=B&department=",
            "report": reverse("public:report", args=[slug, plan.pk, 2020]),
            "report pdca": reverse("public:report", args=[slug, plan.pk, 2020]) + "?layout=pdca",
            "api municipalities": reverse("api:municipalities"),
            "api municipality": reverse("api:municipality", args=[plan.municipality.code]),
            "api plan": reverse("api:plan", args=[plan.pk]),
            "api measures": reverse("api:measures", args=[plan.pk]),
            "download json": reverse("public:download", args=[slug, plan.pk, "json"]),
        }

    def counts(self, built) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Queries of each page rendered, then from the stored pages with the page cache
        cold, then from the page cache."""
        rendered, stored, cached = {}, {}, {}
        for name, url in self.urls(*built).items():
            StoredPage.objects.all().delete()
            for result in (rendered, stored, cached):
                if result is stored:
                    page_cache().clear()
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                result[name] = len(queries)
        return rendered, stored, cached

    def test_query_counts_are_the_same_for_10_and_1000_measures(self):
        with override_settings(STORED_PAGES=False):
            small, large = self.counts(self.small)[0], self.counts(self.large)[0]
        self.assertEqual(small, large)
        (_, small_stored, small_cached), (_, large_stored, large_cached) = (
            self.counts(self.small),
            self.counts(self.large),
        )
        self.assertEqual(small_stored, large_stored)
        self.assertEqual(small_cached, large_cached)
        # With the page cache cold, a page at its canonical address, or with only known
        # choices in its query (a report's layout), is its municipality's content version
        # and the stored page. A search is rendered from the plan's search index, gathered
        # by the first search (the plan, its published years, pillars, published entries,
        # measures and their departments, the departments, grades and statuses) and then
        # kept: after that it asks only for the content version.
        with_query = {"search"}
        self.assertEqual(
            {large_stored[name] for name in large_stored if name not in with_query}, {2}
        )
        self.assertEqual(large["search"], 10)
        self.assertEqual(large_stored["search"], 1)
        # plan page: content version, plan, published years, measures, evaluations, effects
        # (those three as plain values), pillars, grades, statuses, goals with their results,
        # sections, the published reports, their files and the plan's layouts, the years of
        # public external reviews
        self.assertEqual(large["plan"], 16)
        # From the cache, every page asks only for its municipality's content version
        # (every municipality's, for the lists of them all).
        self.assertEqual(set(large_cached.values()), {1})
