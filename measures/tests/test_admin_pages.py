"""Every admin change list, add page and change page loads, for a superuser and a reform
officer, with a query count that does not grow with the number of rows it shows."""

import datetime

from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures.models import (
    EffectAmount,
    Evaluation,
    Grade,
    ImplementationStatus,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    PeriodResult,
    Pillar,
    PlanGoal,
    PlanGoalResult,
    PlanSection,
    Report,
    ReportColumn,
    ReportLayout,
    Round,
    Step,
    StepYear,
    SustainableDevelopmentGoal,
    YearlyTarget,
)
from measures.tests.factories import make_plan
from municipalities.codes import check_digit
from municipalities.models import PREFECTURES, Department, Municipality
from municipalities.tests.base import ActorsTestCase, make_staff

OUR_APPS = {"measures", "municipalities"}


class World:
    """A plan whose main objects gain rows on every grow() call."""

    def __init__(self, city):
        self.city = city
        self.prefix = city.slug
        self.plan = make_plan(city, first=2000, last=2099)
        self.size = 0
        self.measure = self.indicator = self.step = None

    def grow(self, count: int) -> None:
        start, self.size = self.size, self.size + count
        goals = list(SustainableDevelopmentGoal.objects.all()[:3])
        for i in range(start, self.size):
            department = Department.objects.create(municipality=self.city, name=f"課{i}")
            prefecture = (i % 47) + 1
            code = f"{prefecture:02d}{(900 if self.prefix == 'nishinomiya' else 600) + i:03d}"
            Municipality.objects.create(
                code=code + str(check_digit(code)),
                name=f"市{i}",
                prefecture=PREFECTURES[prefecture - 1],
                slug=f"{self.prefix}-city-{i}",
            )
            make_staff(f"{self.prefix}-staff-{i}", self.city, [department])
            PlanSection.objects.create(plan=self.plan, order=i, heading=f"見出し{i}")
            grade = Grade.objects.create(plan=self.plan, order=i, code=f"G{i}", label=f"区分{i}")
            status = ImplementationStatus.objects.create(plan=self.plan, order=i, label=f"状況{i}")
            pillar = Pillar.objects.create(plan=self.plan, code=f"P{i}", title=f"柱{i}", order=i)
            Pillar.objects.create(plan=self.plan, parent=pillar, code="(1)", title=f"子{i}")
            measure = Measure.objects.create(
                plan=self.plan, code=str(i + 1), title=f"取組{i}", pillar=pillar, order=i
            )
            measure.sdgs.set(goals)
            self.measure = self.measure or measure
            MeasureDepartment.objects.create(measure=self.measure, department=department)
            if measure != self.measure:
                MeasureDepartment.objects.create(measure=measure, department=department)
            indicator = Indicator.objects.create(measure=self.measure, name=f"指標{i}", order=i)
            self.indicator = self.indicator or indicator
            IndicatorValue.objects.create(
                indicator=self.indicator, kind="target", fiscal_year=2000 + i, value=i
            )
            step = Step.objects.create(measure=self.measure, title=f"事業{i}", order=i)
            step.departments.add(department)
            self.step = self.step or step
            StepYear.objects.create(step=self.step, fiscal_year=2000 + i, planned="実施")
            YearlyTarget.objects.create(measure=self.measure, fiscal_year=2000 + i, status=status)
            EffectAmount.objects.create(measure=self.measure, fiscal_year=2000 + i, actual_saving=i)
            PeriodResult.objects.create(measure=measure, status=status)
            goal = PlanGoal.objects.create(plan=self.plan, name=f"主要目標{i}", target_value=i)
            PlanGoalResult.objects.create(goal=goal, fiscal_year=2000 + i, value=i)
            Evaluation.objects.create(
                measure=measure, fiscal_year=2020, final_grade=grade, proposed_grade=grade
            )
            Round.objects.create(
                plan=self.plan, fiscal_year=2000 + i, deadline=datetime.date(2001 + i, 5, 31)
            )
            Report.objects.create(
                plan=self.plan,
                fiscal_year=2000 + i,
                published_at=timezone.now(),
                content={"measures": []},
            )
            layout = ReportLayout.objects.create(plan=self.plan, name=f"様式{i}", order=i)
            ReportColumn.objects.create(layout=layout, field="title", order=i)

    def change_object(self, model):
        chosen = {
            "plan": self.plan,
            "measure": self.measure,
            "indicator": self.indicator,
            "step": self.step,
            "municipality": self.city,
        }
        name = model._meta.model_name
        if name in chosen:
            return chosen[name]
        return model._default_manager.order_by("pk").filter(pk__isnull=False).first()


class AdminPagesTests(ActorsTestCase):
    def pages(self, world):
        for model, model_admin in admin.site._registry.items():
            meta = model._meta
            if meta.app_label not in OUR_APPS:
                continue
            base = f"admin:{meta.app_label}_{meta.model_name}"
            yield f"{meta.model_name} list", reverse(f"{base}_changelist")
            if model_admin.has_add_permission is not None:
                yield f"{meta.model_name} add", reverse(f"{base}_add")
            obj = world.change_object(model)
            yield f"{meta.model_name} change", reverse(f"{base}_change", args=[obj.pk])

    def query_counts(self, world, refused=frozenset()):
        counts = {}
        for name, url in self.pages(world):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            expected = 403 if name in refused else 200
            self.assertEqual(response.status_code, expected, f"{name}: {url}")
            counts[name] = len(queries)
        return counts

    def check_counts_do_not_grow(self, user, refused=frozenset()):
        world = World(self.city)
        world.grow(2)
        self.client.force_login(user)
        self.query_counts(world, refused)  # warm the caches (content types, permissions)
        small = self.query_counts(world, refused)
        world.grow(28)
        large = self.query_counts(world, refused)
        grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
        self.assertEqual(grown, {}, "pages whose query count grew with 2 → 30 rows")

    def test_every_page_loads_for_a_superuser_with_a_constant_query_count(self):
        self.check_counts_do_not_grow(self.superuser)

    def test_every_page_a_reform_officer_may_use_loads_with_a_constant_query_count(self):
        # Accounts, municipalities and the SDG list are the superuser's to change.
        refused = {
            "membership list",
            "membership add",
            "membership change",
            "municipality add",
            "sustainabledevelopmentgoal add",
        }
        self.check_counts_do_not_grow(self.officer, frozenset(refused))

    def test_an_officer_gets_404_for_another_municipalitys_plan(self):
        world = World(self.other_city)
        world.grow(1)
        self.client.force_login(self.officer)
        url = reverse("admin:measures_plan_change", args=[world.plan.pk])
        response = self.client.get(url)
        # The admin answers an object outside the queryset with a redirect to the index
        # and a message; the object's data never appears.
        self.assertNotEqual(response.status_code, 200)
        self.assertNotContains(response, world.plan.name, status_code=response.status_code)

    def test_an_officers_change_list_shows_only_their_municipality(self):
        World(self.city).grow(1)
        World(self.other_city).grow(1)
        self.client.force_login(self.officer)
        response = self.client.get(reverse("admin:measures_measure_changelist"))
        shown = {measure.plan.municipality_id for measure in response.context["cl"].result_list}
        self.assertEqual(shown, {self.city.pk})
