"""Every change to a municipality's data gives it a new content version, in the same
transaction, and leaves other municipalities' versions alone."""

import datetime
import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from measures.models import Evaluation, IndicatorValue, Measure, SustainableDevelopmentGoal
from measures.plan_files.importing import import_plan_document
from measures.round.services import approve_entry, open_round, publish_year
from measures.tests.documents import small_document
from measures.tests.factories import (
    make_grades,
    make_indicator,
    make_measure,
    make_plan,
    make_value,
)
from municipalities import content_version
from municipalities.models import Municipality
from municipalities.tests.base import ActorsTestCase


class ContentVersionTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        cls.grades = make_grades(cls.plan)
        cls.measure = make_measure(cls.plan, lead=cls.finance)
        cls.indicator = make_indicator(cls.measure)
        cls.value = make_value(cls.indicator, "target", 2024, 700)

    def versions(self) -> tuple[str, str]:
        return tuple(
            Municipality.objects.get(pk=city.pk).content_version
            for city in (self.city, self.other_city)
        )

    def assert_changes_only_this_city(self, change):
        mine, others = self.versions()
        change()
        new_mine, new_others = self.versions()
        self.assertNotEqual(new_mine, mine)
        self.assertEqual(new_others, others)

    def test_every_municipality_starts_with_its_own_version(self):
        mine, others = self.versions()
        self.assertEqual(len(mine), 32)
        self.assertNotEqual(mine, others)

    def test_saving_a_row_deep_in_the_plan_changes_its_municipalitys_version(self):
        def change():
            self.value.value = 650
            self.value.save()

        self.assert_changes_only_this_city(change)

    def test_deleting_a_row_changes_its_municipalitys_version(self):
        self.assert_changes_only_this_city(self.value.delete)

    def version_updates(self, delete) -> int:
        with CaptureQueriesContext(connection) as queries:
            delete()
        return sum(
            1 for q in queries if q["sql"].startswith("UPDATE") and "content_version" in q["sql"]
        )

    def test_deleting_a_plan_changes_the_version_once_not_once_per_row(self):
        plan = make_plan(self.city, name="削除する計画")
        for number in range(3):
            measure = make_measure(plan, lead=self.finance, code=f"9-{number}")
            indicator = make_indicator(measure)
            for year in (2022, 2023):
                make_value(indicator, "actual", year, year)
        mine, others = self.versions()
        self.assertEqual(self.version_updates(plan.delete), 1)
        new_mine, new_others = self.versions()
        self.assertNotEqual(new_mine, mine)
        self.assertEqual(new_others, others)

    def test_deleting_rows_by_a_query_counts_each_row_asked_for(self):
        plan = make_plan(self.city, name="削除する計画")
        measures = [make_measure(plan, lead=self.finance, code=f"9-{n}") for n in range(4)]
        for measure in measures:
            make_value(make_indicator(measure), "actual", 2023, 1)
        mine, _ = self.versions()
        deleted = Measure.objects.filter(plan=plan)
        self.assertEqual(self.version_updates(deleted.delete), len(measures))
        self.assertNotEqual(self.versions()[0], mine)

    def test_a_row_deleted_with_a_row_of_no_municipality_still_counts(self):
        # The user has no municipality; the membership deleted with it has.
        mine, others = self.versions()
        self.finance_staff.delete()
        new_mine, new_others = self.versions()
        self.assertNotEqual(new_mine, mine)
        self.assertEqual(new_others, others)

    def test_the_municipality_and_its_departments_count_too(self):
        def rename():
            self.finance.name = "財政課（財政係）"
            self.finance.save()

        self.assert_changes_only_this_city(rename)

        def retitle():
            self.city.name = "西宮市役所"
            self.city.save()

        self.assert_changes_only_this_city(retitle)

    def test_many_to_many_changes_count(self):
        goal = SustainableDevelopmentGoal.objects.get(number=16)
        self.assert_changes_only_this_city(lambda: self.measure.sdgs.add(goal))
        self.assert_changes_only_this_city(lambda: self.measure.sdgs.clear())

    def test_a_shared_reference_list_change_counts_everywhere(self):
        mine, others = self.versions()
        goal = SustainableDevelopmentGoal.objects.get(number=16)
        goal.name = goal.name + "（改）"
        goal.save()
        new_mine, new_others = self.versions()
        self.assertNotEqual(new_mine, mine)
        self.assertNotEqual(new_others, others)

    def test_a_batch_applies_its_changes_once_at_the_end(self):
        values = [make_value(self.indicator, "actual", year, year) for year in (2020, 2021, 2022)]
        mine, _ = self.versions()
        with CaptureQueriesContext(connection) as queries, content_version.batch():
            for value in values:
                value.value += 1
                value.save()
            self.assertEqual(self.versions()[0], mine)  # not yet
        self.assertNotEqual(self.versions()[0], mine)
        version_updates = [
            q for q in queries if q["sql"].startswith("UPDATE") and "content_version" in q["sql"]
        ]
        self.assertEqual(len(version_updates), 1)

    def test_a_batch_that_fails_applies_nothing_and_leaves_no_state_behind(self):
        mine, _ = self.versions()
        with self.assertRaises(RuntimeError), transaction.atomic(), content_version.batch():
            self.value.delete()
            raise RuntimeError("rolled back")
        self.assertEqual(self.versions()[0], mine)
        # The next change outside a batch is applied at once.
        self.assert_changes_only_this_city(lambda: self.indicator.save())

    def test_a_dry_run_import_changes_no_version_and_a_real_one_changes_its_own(self):
        document = small_document()
        import_plan_document(document, publish=True)
        city = Municipality.objects.get(code=document["municipality"]["code"])
        before = city.content_version
        document["plan"]["vision"] = "新しい将来像"
        import_plan_document(document, dry_run=True)
        city.refresh_from_db()
        self.assertEqual(city.content_version, before)
        import_plan_document(document)
        city.refresh_from_db()
        self.assertNotEqual(city.content_version, before)

    def test_opening_approving_and_publishing_a_year_each_change_the_version(self):
        evaluation_of = lambda: Evaluation.objects.get(measure=self.measure)  # noqa: E731
        self.assert_changes_only_this_city(
            lambda: open_round(
                plan=self.plan,
                fiscal_year=2020,
                deadline=datetime.date(2021, 5, 31),
                by=self.officer,
            )
        )
        evaluation = evaluation_of()
        evaluation.review_status = Evaluation.ReviewStatus.SUBMITTED
        evaluation.proposed_grade = self.grades["B"]
        evaluation.save()
        self.assert_changes_only_this_city(
            lambda: approve_entry(evaluation=evaluation_of(), by=self.officer)
        )
        self.assert_changes_only_this_city(
            lambda: publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        )

    def test_restoring_a_backup_brings_back_the_versions_it_was_taken_with(self):
        with tempfile.TemporaryDirectory() as folder:
            backup = Path(folder) / "municipalities.json"
            call_command("dumpdata", "municipalities.municipality", output=str(backup))
            mine, others = self.versions()
            IndicatorValue.objects.all().delete()
            self.assertNotEqual(self.versions()[0], mine)
            call_command("loaddata", str(backup), stdout=io.StringIO())
        self.assertEqual(self.versions(), (mine, others))
