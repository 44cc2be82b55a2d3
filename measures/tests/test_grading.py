"""Computed grades reproduce 001's published grades where the rule says so, and show where
the reform office decided otherwise."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from measures.models import Evaluation, Indicator, IndicatorValue
from measures.plan_files.importing import import_plan_document
from measures.round.grading import grade_for_ratio, suggest_grade
from measures.tests.factories import (
    make_grades,
    make_indicator,
    make_measure,
    make_plan,
    make_value,
)
from municipalities.tests.base import make_municipality

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "352161-sanyo-onoda.json"


class SanyoOnodaGradingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(json.loads(FIXTURE.read_text()), publish=True).plan

    def suggestion(self, code: str, fiscal_year: int = 2020):
        evaluation = Evaluation.objects.get(
            measure__plan=self.plan, measure__code=code, fiscal_year=fiscal_year
        )
        return evaluation, suggest_grade(evaluation)

    def test_uncollected_claims_lower_is_better_computes_c_as_published(self):
        evaluation, suggestion = self.suggestion("1")
        self.assertEqual(suggestion.ratio.quantize(Decimal("0.01")), Decimal("0.52"))
        self.assertEqual(suggestion.grade.code, "C")
        self.assertEqual(evaluation.final_grade.code, "C")

    def test_donations_beyond_the_target_compute_a_as_published(self):
        evaluation, suggestion = self.suggestion("5")
        self.assertEqual(suggestion.indicators[0].ratio.quantize(Decimal("0.01")), Decimal("1.12"))
        self.assertEqual(suggestion.grade.code, "A")
        self.assertEqual(evaluation.final_grade.code, "A")

    def test_regular_staff_computes_d_where_the_city_published_b(self):
        evaluation, suggestion = self.suggestion("24")
        self.assertEqual(suggestion.grade.code, "D")
        self.assertEqual(evaluation.final_grade.code, "B")
        self.assertLess(suggestion.indicators[0].ratio, 0)

    def test_no_suggestion_where_the_indicator_cannot_be_set(self):
        _, suggestion = self.suggestion("4")
        self.assertIsNone(suggestion.grade)
        self.assertEqual(suggestion.reason, "指標の設定困難")

    def test_no_suggestion_for_text_milestones(self):
        _, suggestion = self.suggestion("3")  # 検討 → 実施
        self.assertIsNone(suggestion.grade)


class GradingRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(make_municipality(), first=2019, last=2022)
        cls.grades = make_grades(cls.plan)

    def evaluation_with(self, *indicators):
        measure = make_measure(self.plan, code=str(Evaluation.objects.count() + 1))
        for order, (direction, baseline, target, actual, unit) in enumerate(indicators):
            indicator = make_indicator(
                measure, name=f"指標{order}", unit=unit, direction=direction, order=order
            )
            make_value(indicator, IndicatorValue.Kind.BASELINE, 2017, baseline, unit)
            make_value(
                indicator,
                IndicatorValue.Kind.TARGET,
                2022,
                target,
                unit[1] if isinstance(unit, tuple) else unit,
            )
            make_value(indicator, IndicatorValue.Kind.ACTUAL, 2020, actual, unit)
        return Evaluation.objects.create(measure=measure, fiscal_year=2020)

    def test_thresholds_at_their_edges(self):
        grades = list(self.plan.grades.all())
        self.assertEqual(grade_for_ratio(grades, Decimal("1.00")).code, "A")
        self.assertEqual(grade_for_ratio(grades, Decimal("0.9999")).code, "B")
        self.assertEqual(grade_for_ratio(grades, Decimal("0.75")).code, "B")
        self.assertEqual(grade_for_ratio(grades, Decimal("0.50")).code, "C")
        self.assertEqual(grade_for_ratio(grades, Decimal("0.4999")).code, "D")
        self.assertEqual(grade_for_ratio(grades, Decimal("-3")).code, "D")

    def test_several_indicators_are_averaged_each_capped_at_100_percent(self):
        evaluation = self.evaluation_with(
            (Indicator.Direction.INCREASE, 0, 100, 300, "件"),  # 300 % counts as 100 %
            (Indicator.Direction.INCREASE, 0, 100, 40, "件"),  # 40 %
        )
        suggestion = suggest_grade(evaluation)
        self.assertEqual(suggestion.ratio, Decimal("0.7"))
        self.assertEqual(suggestion.grade.code, "C")

    def test_money_in_different_units_is_compared_in_yen(self):
        measure = make_measure(self.plan, code="m")
        indicator = make_indicator(measure, name="寄附額", unit="千円")
        make_value(indicator, IndicatorValue.Kind.BASELINE, 2017, 31_133, "千円")
        make_value(indicator, IndicatorValue.Kind.TARGET, 2022, 150, "百万円")
        make_value(indicator, IndicatorValue.Kind.ACTUAL, 2020, 164_687, "千円")
        suggestion = suggest_grade(Evaluation.objects.create(measure=measure, fiscal_year=2020))
        self.assertEqual(suggestion.grade.code, "A")

    def test_a_qualitative_scheme_gives_no_suggestion(self):
        plan = make_plan(
            make_municipality("192082", "南アルプス市", "山梨県"), first=2020, last=2020
        )
        make_grades(plan, [("A", "目標を達成", None), ("B", "ほぼ達成", None)])
        measure = make_measure(plan)
        suggestion = suggest_grade(Evaluation.objects.create(measure=measure, fiscal_year=2020))
        self.assertIsNone(suggestion.grade)
        self.assertIn("基準がありません", suggestion.reason)
