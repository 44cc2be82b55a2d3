"""The five cities' real documents, loaded through the import code, match the documents."""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from measures.models import Evaluation, Indicator, IndicatorValue, Measure, Pillar, Plan
from measures.plan_files.importing import import_plan_document

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def grade_counts(plan: Plan, fiscal_year: int) -> Counter:
    counts = Counter()
    for measure in plan.measures.all():
        evaluation = measure.evaluations.filter(fiscal_year=fiscal_year).first()
        grade = evaluation.final_grade.code if evaluation and evaluation.final_grade else None
        counts[grade] += 1
    return counts


def values(indicator: Indicator) -> dict:
    return {
        (v.kind, v.fiscal_year if v.kind != "baseline" else None): (v.value, v.unit, v.text)
        for v in indicator.values.all()
    }


class FiveCitiesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plans = {}
        for path in sorted(FIXTURES.glob("*.json")):
            summary = import_plan_document(load(path.name), publish=True)
            cls.plans[path.name[:6]] = summary.plan

    def test_all_five_municipalities_are_loaded_with_valid_codes(self):
        self.assertEqual(set(self.plans), {"282049", "352161", "102113", "142123", "192082"})

    def test_nishinomiya_has_measures_1_to_78_with_their_sub_measures(self):
        plan = self.plans["282049"]
        codes = {int(code) for code in plan.measures.values_list("code", flat=True)}
        self.assertEqual(codes, set(range(1, 79)))
        rows = Counter(plan.measures.values_list("code", flat=True))
        for code in ["6", "8", "14", "16", "18", "27", "49"]:
            self.assertGreater(rows[code], 1, f"通番 {code} has sub-measures")
        self.assertEqual(Pillar.objects.filter(plan=plan, level=1).count(), 4)

    def test_nishinomiya_22_online_applications_planned_and_actual(self):
        plan = self.plans["282049"]
        indicator = Indicator.objects.get(
            measure__plan=plan, measure__code="22", name__contains="電子申請"
        )
        found = values(indicator)
        self.assertEqual(found[("target", 2020)], (Decimal("100.5"), "万件", "100.5万件"))
        self.assertEqual(found[("actual", 2020)], (Decimal("109.2"), "万件", "109.2万件"))

    def test_sanyo_onoda_has_25_action_plans_and_the_published_grade_counts(self):
        plan = self.plans["352161"]
        self.assertEqual(plan.measures.count(), 25)
        self.assertEqual(
            grade_counts(plan, 2019), Counter({"A": 4, "B": 3, "C": 9, "D": 5, None: 4})
        )
        self.assertEqual(
            grade_counts(plan, 2020), Counter({"A": 5, "B": 7, "C": 8, "D": 1, None: 4})
        )
        self.assertEqual(
            [g.min_ratio for g in plan.grades.all()],
            [Decimal("1.00"), Decimal("0.75"), Decimal("0.50"), None],
        )

    def test_sanyo_onoda_four_plans_have_no_indicator_and_no_grade(self):
        plan = self.plans["352161"]
        not_settable = Measure.objects.filter(plan=plan, indicators__not_settable=True)
        self.assertEqual(
            sorted(not_settable.values_list("code", flat=True), key=int), ["4", "9", "13", "16"]
        )
        self.assertFalse(
            Evaluation.objects.filter(measure__in=not_settable, final_grade__isnull=False).exists()
        )

    def test_sanyo_onoda_1_uncollected_claims(self):
        indicator = Indicator.objects.get(measure__plan=self.plans["352161"], measure__code="1")
        self.assertEqual(indicator.name, "未収債権額")
        self.assertEqual(indicator.direction, Indicator.Direction.DECREASE)
        found = values(indicator)
        self.assertEqual(found[("baseline", None)][:2], (Decimal("982"), "百万円"))
        self.assertEqual(found[("actual", 2020)][:2], (Decimal("835"), "百万円"))
        self.assertEqual(found[("target", 2022)][:2], (Decimal("700"), "百万円"))

    def test_annaka_has_36_measures_under_5_pillars_with_yearly_targets(self):
        plan = self.plans["102113"]
        self.assertEqual(plan.measures.count(), 36)
        self.assertEqual(Pillar.objects.filter(plan=plan, level=1).count(), 5)
        for measure in plan.measures.all():
            self.assertEqual(
                sorted(measure.targets.values_list("fiscal_year", flat=True)),
                [2020, 2021, 2022, 2023, 2024],
                measure,
            )
        self.assertEqual(plan.revision_label, "改訂1版")

    def test_annaka_womens_participation_rate_rises_from_31_to_36_percent(self):
        indicator = Indicator.objects.get(measure__plan=self.plans["102113"], name="女性参加率")
        targets = indicator.values.filter(kind=IndicatorValue.Kind.TARGET).order_by("fiscal_year")
        self.assertEqual(
            [(v.fiscal_year, v.value, v.unit) for v in targets],
            [
                (2020, Decimal("31.0"), "%"),
                (2021, Decimal("32.0"), "%"),
                (2022, Decimal("33.0"), "%"),
                (2023, Decimal("35.0"), "%"),
                (2024, Decimal("36.0"), "%"),
            ],
        )

    def test_atsugi_has_22_measures_under_3_goals_and_9_sub_pillars(self):
        plan = self.plans["142123"]
        self.assertEqual(plan.measures.count(), 22)
        self.assertEqual(Pillar.objects.filter(plan=plan, level=1).count(), 3)
        self.assertEqual(Pillar.objects.filter(plan=plan, level=2).count(), 9)
        self.assertEqual((plan.first_fiscal_year, plan.last_fiscal_year), (2024, 2026))
        for indicator in Indicator.objects.filter(measure__plan=plan):
            years = set(
                indicator.values.filter(kind="target").values_list("fiscal_year", flat=True)
            )
            self.assertTrue(years <= {2024, 2025, 2026}, indicator)

    def test_minami_alps_pdca_rows_carry_every_grade_the_document_shows(self):
        plan = self.plans["192082"]
        self.assertEqual(grade_counts(plan, 2020), Counter({"A": 10, "B": 23, "C": 1, None: 4}))
        first = Evaluation.objects.get(measure__plan=plan, measure__code="1-①-1")
        self.assertTrue(
            first.plan_text and first.do_text and first.check_text and first.action_text
        )
        self.assertEqual(first.final_grade.code, "A")

    def test_each_published_year_has_its_first_report_revision(self):
        from measures.models import Report

        years = {
            code: sorted(Report.objects.filter(plan=plan).values_list("fiscal_year", "revision"))
            for code, plan in self.plans.items()
        }
        self.assertEqual(years["352161"], [(2019, 1), (2020, 1)])
        self.assertEqual(years["282049"], [(2020, 1)])
        self.assertEqual(years["192082"], [(2020, 1)])
        self.assertEqual(years["102113"], [])

    def test_published_results_are_marked_published(self):
        statuses = set(Evaluation.objects.values_list("review_status", flat=True))
        self.assertEqual(statuses, {Evaluation.ReviewStatus.PUBLISHED})

    def test_no_stored_text_contains_html_markup(self):
        for model, fields in [
            (Measure, ["title", "current_situation", "goal", "content", "future_direction"]),
            (Evaluation, ["plan_text", "do_text", "check_text", "action_text"]),
        ]:
            for field in fields:
                self.assertFalse(
                    model.objects.filter(**{f"{field}__regex": r"<[a-zA-Z/][^>]*>"}).exists(),
                    f"{model.__name__}.{field}",
                )

    def test_importing_the_same_files_again_changes_nothing(self):
        for path in sorted(FIXTURES.glob("*.json")):
            summary = import_plan_document(load(path.name), publish=True)
            self.assertFalse(summary.changed, f"{path.name}: {summary.lines()}")
