"""Every database constraint refuses what it guards against, and clean() explains it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
    Pillar,
    Plan,
    Step,
    StepYear,
    SustainableDevelopmentGoal,
    YearlyTarget,
)
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_indicator,
    make_measure,
    make_pillar,
    make_plan,
    make_status,
    make_value,
)
from municipalities.models import Department
from municipalities.tests.base import ActorsTestCase

Kind = IndicatorValue.Kind


class ConstraintTestCase(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        cls.grades = make_grades(cls.plan)
        cls.pillar = make_pillar(cls.plan)
        cls.measure = make_measure(cls.plan, pillar=cls.pillar, lead=cls.finance)
        cls.indicator = make_indicator(cls.measure)
        cls.step = Step.objects.create(measure=cls.measure, title="滞納債権の整理・回収")

    def assertRefused(self, create, **kwargs):
        with self.assertRaises(IntegrityError), transaction.atomic():
            create(**kwargs)


class MunicipalityConstraintTests(ConstraintTestCase):
    def test_a_department_name_is_unique_within_its_municipality(self):
        self.assertRefused(Department.objects.create, municipality=self.city, name="財政課")
        Department.objects.create(municipality=self.other_city, name="財政課")


class PlanConstraintTests(ConstraintTestCase):
    def test_plan_names_are_unique_per_municipality(self):
        self.assertRefused(make_plan, municipality=self.city)
        make_plan(self.other_city)

    def test_first_year_may_not_be_after_last(self):
        self.assertRefused(make_plan, municipality=self.city, name="x", first=2025, last=2024)
        make_plan(self.city, name="one year", first=2024, last=2024)

    def test_framework_period_is_ordered_too(self):
        self.assertRefused(
            make_plan,
            municipality=self.city,
            name="x",
            framework_first_fiscal_year=2028,
            framework_last_fiscal_year=2019,
        )

    def test_years_stay_in_a_sensible_range(self):
        self.assertRefused(make_plan, municipality=self.city, name="x", first=1900, last=2020)

    def test_clean_explains_a_reversed_period_in_japanese(self):
        plan = Plan(municipality=self.city, name="x", first_fiscal_year=2025, last_fiscal_year=2024)
        with self.assertRaises(ValidationError) as caught:
            plan.full_clean()
        self.assertIn("開始年度以降", caught.exception.message_dict["last_fiscal_year"][0])

    def test_clean_refuses_another_municipalitys_reform_office(self):
        self.plan.reform_office = self.other_department
        with self.assertRaises(ValidationError) as caught:
            self.plan.full_clean()
        self.assertIn("reform_office", caught.exception.message_dict)


class GradeConstraintTests(ConstraintTestCase):
    def test_grade_codes_are_unique_in_a_plan(self):
        self.assertRefused(Grade.objects.create, plan=self.plan, code="A", label="again")

    def test_a_minimum_ratio_cannot_be_negative(self):
        self.assertRefused(
            Grade.objects.create, plan=self.plan, code="E", label="x", min_ratio=Decimal("-0.1")
        )

    def test_status_labels_are_unique_in_a_plan(self):
        make_status(self.plan, "実施")
        self.assertRefused(ImplementationStatus.objects.create, plan=self.plan, label="実施")


class PillarConstraintTests(ConstraintTestCase):
    def test_root_codes_are_unique_in_a_plan(self):
        self.assertRefused(make_pillar, plan=self.plan, code="Ⅰ", title="again")

    def test_child_codes_are_unique_under_one_parent_but_may_repeat_elsewhere(self):
        second_root = make_pillar(self.plan, "Ⅱ", "財政基盤")
        make_pillar(self.plan, "(1)", "a", parent=self.pillar)
        make_pillar(self.plan, "(1)", "b", parent=second_root)
        self.assertRefused(make_pillar, plan=self.plan, code="(1)", title="c", parent=self.pillar)

    def test_levels_are_derived_and_limited_to_three(self):
        second = make_pillar(self.plan, "1)", "x", parent=self.pillar)
        third = make_pillar(self.plan, "①", "y", parent=second)
        self.assertEqual((self.pillar.level, second.level, third.level), (1, 2, 3))
        fourth = Pillar(plan=self.plan, code="ア", title="z", parent=third)
        with self.assertRaises(ValidationError):
            fourth.full_clean()
        self.assertRefused(
            Pillar.objects.bulk_create,
            objs=[Pillar(plan=self.plan, title="z", level=4, parent=third)],
        )

    def test_a_root_must_be_level_one(self):
        self.assertRefused(
            Pillar.objects.bulk_create, objs=[Pillar(plan=self.plan, code="X", title="x", level=2)]
        )

    def test_a_parent_from_another_plan_is_refused(self):
        other_plan = make_plan(self.city, name="other")
        pillar = Pillar(plan=other_plan, code="1", title="x", parent=self.pillar)
        with self.assertRaises(ValidationError) as caught:
            pillar.full_clean()
        self.assertIn("parent", caught.exception.message_dict)


class MeasureConstraintTests(ConstraintTestCase):
    def test_code_and_sub_number_are_unique_in_a_plan(self):
        self.assertRefused(make_measure, plan=self.plan, code="1")
        make_measure(self.plan, code="1", sub_number=2, title="sub-measure sharing the number")

    def test_sub_numbers_start_at_one_and_codes_are_not_empty(self):
        self.assertRefused(make_measure, plan=self.plan, code="2", sub_number=0)
        self.assertRefused(make_measure, plan=self.plan, code="")

    def test_a_department_is_linked_once(self):
        self.assertRefused(
            MeasureDepartment.objects.create, measure=self.measure, department=self.finance
        )

    def test_only_a_lead_department_can_be_primary(self):
        self.assertRefused(
            MeasureDepartment.objects.create,
            measure=self.measure,
            department=self.tax,
            role=MeasureDepartment.Role.RELATED,
            is_primary=True,
        )

    def test_a_department_of_another_municipality_is_refused_by_clean(self):
        link = MeasureDepartment(measure=self.measure, department=self.other_department)
        with self.assertRaises(ValidationError):
            link.full_clean()

    def test_a_pillar_of_another_plan_is_refused_by_clean(self):
        other_plan = make_plan(self.city, name="other")
        measure = Measure(plan=other_plan, code="9", title="x", pillar=self.pillar)
        with self.assertRaises(ValidationError):
            measure.full_clean()

    def test_sdg_numbers_run_from_1_to_17(self):
        self.assertEqual(SustainableDevelopmentGoal.objects.count(), 17)
        self.assertRefused(SustainableDevelopmentGoal.objects.create, number=18, name="x")


class YearlyRowConstraintTests(ConstraintTestCase):
    def test_one_evaluation_per_measure_and_year(self):
        make_evaluation(self.measure, 2020)
        self.assertRefused(make_evaluation, measure=self.measure, fiscal_year=2020)

    def test_a_published_evaluation_carries_its_publication_time(self):
        self.assertRefused(
            make_evaluation,
            measure=self.measure,
            fiscal_year=2021,
            review_status=Evaluation.ReviewStatus.PUBLISHED,
        )
        make_evaluation(
            self.measure,
            2021,
            review_status=Evaluation.ReviewStatus.PUBLISHED,
            published_at=timezone.now(),
        )

    def test_one_row_per_year_for_targets_steps_and_effects(self):
        YearlyTarget.objects.create(measure=self.measure, fiscal_year=2020)
        self.assertRefused(YearlyTarget.objects.create, measure=self.measure, fiscal_year=2020)
        StepYear.objects.create(step=self.step, fiscal_year=2020)
        self.assertRefused(StepYear.objects.create, step=self.step, fiscal_year=2020)
        EffectAmount.objects.create(measure=self.measure, fiscal_year=2020)
        self.assertRefused(EffectAmount.objects.create, measure=self.measure, fiscal_year=2020)

    def test_years_out_of_range_are_refused_by_the_database(self):
        self.assertRefused(make_evaluation, measure=self.measure, fiscal_year=1800)
        self.assertRefused(YearlyTarget.objects.create, measure=self.measure, fiscal_year=3000)
        self.assertRefused(StepYear.objects.create, step=self.step, fiscal_year=1800)
        self.assertRefused(EffectAmount.objects.create, measure=self.measure, fiscal_year=1800)

    def test_clean_refuses_a_year_outside_the_plan_period(self):
        rows = [
            Evaluation(measure=self.measure, fiscal_year=2025),
            YearlyTarget(measure=self.measure, fiscal_year=2019),
            StepYear(step=self.step, fiscal_year=2025),
            EffectAmount(measure=self.measure, fiscal_year=2025),
            IndicatorValue(indicator=self.indicator, kind=Kind.TARGET, fiscal_year=2025, value=1),
            IndicatorValue(indicator=self.indicator, kind=Kind.ACTUAL, fiscal_year=2025, value=1),
        ]
        for row in rows:
            with self.subTest(row=type(row).__name__), self.assertRaises(ValidationError) as caught:
                row.full_clean()
            self.assertIn("計画期間", str(caught.exception))

    def test_actuals_from_before_the_plan_are_kept_as_history(self):
        value = IndicatorValue(
            indicator=self.indicator, kind=Kind.ACTUAL, fiscal_year=2019, value=1
        )
        value.full_clean()

    def test_clean_refuses_a_grade_of_another_plan(self):
        other_plan = make_plan(self.city, name="other")
        other_grade = Grade.objects.create(plan=other_plan, code="A", label="x")
        evaluation = Evaluation(measure=self.measure, fiscal_year=2020, final_grade=other_grade)
        with self.assertRaises(ValidationError) as caught:
            evaluation.full_clean()
        self.assertIn("final_grade", caught.exception.message_dict)


class IndicatorConstraintTests(ConstraintTestCase):
    def test_an_indicator_needs_a_name_unless_it_cannot_be_set(self):
        self.assertRefused(Indicator.objects.create, measure=self.measure, name="")
        Indicator.objects.create(measure=self.measure, name="", not_settable=True)

    def test_only_a_baseline_may_lack_a_year(self):
        make_value(self.indicator, Kind.BASELINE, None, 982, "百万円")
        self.assertRefused(
            make_value, indicator=self.indicator, kind=Kind.TARGET, fiscal_year=None, value=1
        )

    def test_one_baseline_per_indicator(self):
        make_value(self.indicator, Kind.BASELINE, 2017, 982, "百万円")
        self.assertRefused(
            make_value, indicator=self.indicator, kind=Kind.BASELINE, fiscal_year=2018, value=1
        )

    def test_one_value_per_kind_and_year(self):
        make_value(self.indicator, Kind.TARGET, 2022, 700, "百万円")
        make_value(self.indicator, Kind.ACTUAL, 2022, 690, "百万円")
        self.assertRefused(
            make_value, indicator=self.indicator, kind=Kind.TARGET, fiscal_year=2022, value=1
        )

    def test_a_value_has_a_number_or_text(self):
        self.assertRefused(
            make_value, indicator=self.indicator, kind=Kind.ACTUAL, fiscal_year=2020, value=None
        )
        make_value(self.indicator, Kind.ACTUAL, 2020, None, text="見直し・反映")

    def test_value_years_stay_in_range(self):
        self.assertRefused(
            make_value, indicator=self.indicator, kind=Kind.ACTUAL, fiscal_year=1800, value=1
        )
