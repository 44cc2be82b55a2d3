"""The staff entry form, with last year's entry beside it, makes the same number of queries
with 10 entries in the round and with 1,000, and whatever the measure holds."""

import datetime

from django.urls import reverse

from measures.models import (
    EffectAmount,
    Evaluation,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Round,
    Step,
    StepYear,
)
from measures.tests.factories import make_grades, make_plan
from municipalities.tests.base import ActorsTestCase

Kind = IndicatorValue.Kind


class QueryCountTestCase(ActorsTestCase):
    def build(self, size: int, parts: int) -> Evaluation:
        """A plan of `size` measures led by 税務課, each with its 2020 entry approved and its
        2021 entry open; the first measure has `parts` indicators and steps."""
        plan = make_plan(self.city, name=f"計画{size}-{parts}", first=2020, last=2024)
        grades = make_grades(plan)
        measures = Measure.objects.bulk_create(
            Measure(plan=plan, code=str(i + 1), title=f"取組{i + 1}", order=i) for i in range(size)
        )
        MeasureDepartment.objects.bulk_create(
            MeasureDepartment(measure=m, department=self.tax) for m in measures
        )
        Evaluation.objects.bulk_create(
            Evaluation(
                measure=m,
                fiscal_year=year,
                do_text=f"{year}の取組",
                final_grade=grades["B"] if year == 2020 else None,
                review_status="approved" if year == 2020 else "draft",
            )
            for m in measures
            for year in (2020, 2021)
        )
        Round.objects.create(plan=plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31))
        measure = measures[0]
        for i in range(parts):
            indicator = Indicator.objects.create(
                measure=measure, name=f"指標{i}", unit="件", order=i
            )
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(
                        indicator=indicator, kind=Kind.BASELINE, fiscal_year=2019, value=10
                    ),
                    IndicatorValue(
                        indicator=indicator, kind=Kind.TARGET, fiscal_year=2024, value=20
                    ),
                    IndicatorValue(
                        indicator=indicator, kind=Kind.ACTUAL, fiscal_year=2020, value=12
                    ),
                    IndicatorValue(
                        indicator=indicator, kind=Kind.ACTUAL, fiscal_year=2021, value=15
                    ),
                ]
            )
            step = Step.objects.create(measure=measure, title=f"工程{i}", order=i)
            StepYear.objects.bulk_create(
                StepYear(step=step, fiscal_year=year, actual="実施", next_steps="継続")
                for year in (2020, 2021)
            )
        EffectAmount.objects.create(measure=measure, fiscal_year=2020, actual_saving=1000)
        return Evaluation.objects.get(measure=measure, fiscal_year=2021)


class EntryFormQueryCountTests(QueryCountTestCase):
    def count(self, user, entry) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("measures:entry", args=[entry.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(response.context["last_year"])
        return len(queries)

    def test_the_entry_form_with_last_years_entry_is_constant_from_10_to_1000_entries(self):
        # session, user, membership, the entry, the measure, its indicators, their values,
        # steps, step years, effects, targets, department links, their departments, the
        # round, last year's entry, the grades (the radios and the computed grade), the
        # measure's lead departments and the committee opinions still open for them
        small = self.count(self.tax_staff, self.build(10, 2))
        large = self.count(self.tax_staff, self.build(1000, 2))
        self.assertEqual(small, large)
        self.assertEqual(small, 18)

    def test_the_entry_form_does_not_grow_with_the_measures_indicators_and_steps(self):
        few = self.count(self.tax_staff, self.build(10, 1))
        many = self.count(self.tax_staff, self.build(10, 30))
        self.assertEqual(few, many)

    def test_entering_on_behalf_adds_one_query(self):
        # the officer's own departments (the departments to enter for are the measure's)
        entry = self.build(1000, 2)
        self.assertEqual(self.count(self.officer, entry), self.count(self.tax_staff, entry) + 1)


class EntryListQueryCountTests(QueryCountTestCase):
    def count_list(self, user) -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("measures:entry_list"))
        self.assertEqual(response.status_code, 200)
        return len(queries), len(response.context["entries"])

    def test_the_list_is_constant_from_10_to_1000_entries_for_staff_and_the_office(self):
        # session, user, membership, entries, grades, indicators, values, municipality
        self.build(10, 2)
        small = {user: self.count_list(user) for user in (self.tax_staff, self.officer)}
        self.build(990, 2)
        large = {user: self.count_list(user) for user in (self.tax_staff, self.officer)}
        for user in small:
            self.assertEqual(small[user][0], large[user][0])
            self.assertEqual(small[user][0], 8)
            self.assertEqual((small[user][1], large[user][1]), (10, 1000))
