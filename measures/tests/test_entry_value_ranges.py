"""Numbers staff enter are checked against what the database keeps: too large, too precise or
fractional-yen values are errors on their field, never a server error or a silently rounded
value that the office's next export could not import again.

The attack this guards against: `POST /staff/entries/<id>/` with
`indicator_<n>=9999999999999999999` or a 30-digit effect amount answered 500 (numeric overflow
on PostgreSQL, InvalidOperation on SQLite), and a value with more decimals than the database
keeps was stored.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from measures.models import EffectAmount, Evaluation, IndicatorValue
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, save_entry
from measures.tests.documents import small_document
from measures.values import Quantity
from municipalities.tests.base import ActorsTestCase


class EntryValueRangeTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan
        open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.officer
        )
        cls.evaluation = Evaluation.objects.get(
            measure__plan=cls.plan, measure__code="1", fiscal_year=2021
        )
        cls.indicator = cls.evaluation.measure.indicators.get()

    def setUp(self):
        self.client.force_login(self.tax_staff)

    def post(self, **fields):
        data = {
            "version": self.evaluation.version,
            "do_text": "実施した",
            "check_text": "",
            **fields,
        }
        return self.client.post(reverse("measures:entry", args=[self.evaluation.pk]), data)

    def actual(self) -> IndicatorValue | None:
        return IndicatorValue.objects.filter(
            indicator=self.indicator, kind="actual", fiscal_year=2021
        ).first()

    def assert_field_error(self, response, field: str, text: str):
        self.assertEqual(response.status_code, 200)
        self.assertIn(field, response.context["form"].errors)
        self.assertIn(text, " ".join(response.context["form"].errors[field]))
        self.assertEqual(Evaluation.objects.get(pk=self.evaluation.pk).do_text, "")

    def test_an_indicator_value_beyond_the_database_range_is_a_field_error(self):
        name = f"indicator_{self.indicator.pk}"
        for value in ("9999999999999999999", "-9999999999999999999", "1" + "0" * 40 + "百万円"):
            with self.subTest(value=value):
                self.assert_field_error(self.post(**{name: value}), name, "数値が大きすぎます")
        self.assertIsNone(self.actual())

    def test_an_indicator_value_with_more_decimals_than_kept_is_a_field_error(self):
        name = f"indicator_{self.indicator.pk}"
        self.assert_field_error(self.post(**{name: "1.1234567"}), name, "小数点以下は6桁まで")
        self.assertIsNone(self.actual())

    def test_a_precise_value_that_fits_is_kept_and_the_export_imports_again(self):
        name = f"indicator_{self.indicator.pk}"
        response = self.post(**{name: "812.123456百万円", "actual_saving": "1.5千円"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.actual().value, Decimal("812.123456"))
        self.assertEqual(
            EffectAmount.objects.get(measure__code="1", fiscal_year=2021).actual_saving, 1500
        )
        summary = import_plan_document(plan_document(plan_queryset().get(pk=self.plan.pk)))
        self.assertFalse(summary.changed, summary.lines())

    def test_an_effect_amount_beyond_the_database_range_is_a_field_error(self):
        for field in ("actual_revenue", "actual_saving"):
            for value in ("9" * 30, "9" * 19, "99999999999999百万円"):
                with self.subTest(field=field, value=value):
                    self.assert_field_error(self.post(**{field: value}), field, "大きすぎて")
        self.assertFalse(EffectAmount.objects.filter(fiscal_year=2021).exists())

    def test_an_effect_amount_with_a_fraction_of_a_yen_is_a_field_error(self):
        self.assert_field_error(self.post(actual_revenue="1.2345千円"), "actual_revenue", "1円未満")

    def test_an_over_long_milestone_text_is_a_field_error(self):
        self.indicator.direction = "milestone"
        self.indicator.save()
        name = f"indicator_{self.indicator.pk}"
        self.assert_field_error(self.post(**{name: "未" * 501}), name, "500文字以内")

    def test_the_service_validates_every_row_it_writes(self):
        data = EntryData(
            do_text="x",
            indicator_actuals={self.indicator.pk: Quantity(Decimal("1e30"), "", "")},
        )
        with self.assertRaises(ValidationError):
            save_entry(
                evaluation_id=self.evaluation.pk,
                version=self.evaluation.version,
                data=data,
                by=self.tax_staff,
            )
        with self.assertRaises(ValidationError):
            save_entry(
                evaluation_id=self.evaluation.pk,
                version=self.evaluation.version,
                data=EntryData(do_text="x", actual_saving=10**30),
                by=self.tax_staff,
            )
        self.assertIsNone(self.actual())
