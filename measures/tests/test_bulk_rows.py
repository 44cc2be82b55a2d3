"""The import writes its new rows and their history without a model instance per history
row (reform/bulk_rows.py): the rows and their creation records are what a save of each
would give, on SQLite and PostgreSQL alike."""

from decimal import Decimal

from django.test import RequestFactory, TestCase
from django.utils import timezone
from simple_history.models import HistoricalRecords

from measures.models import Evaluation, IndicatorValue, Measure, MeasureDepartment, Step
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import every_key_document
from municipalities.tests.base import make_municipality, make_staff
from reform import bulk_rows


class BulkRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        cls.officer = make_staff("officer", city, officer=True)
        request = RequestFactory().post("/admin/")
        request.user = cls.officer
        HistoricalRecords.context.request = request
        try:
            cls.plan = import_plan_document(every_key_document()).plan
        finally:
            del HistoricalRecords.context.request

    def test_every_new_row_has_its_creation_record_with_the_same_values(self):
        for model in (Measure, IndicatorValue, Evaluation):
            rows = model.objects.filter(pk__in=self.pks(model))
            self.assertTrue(rows.exists(), model)
            compared = 0
            for row in rows:
                with self.subTest(model=model.__name__, pk=row.pk):
                    record = row.history.get(history_type="+")
                    self.assertEqual(record.history_user, self.officer)
                    self.assertIsNone(record.history_change_reason)
                    self.assertIsNotNone(record.history_date)
                    if row.history.count() > 1:
                        continue  # changed later in the import (a link set after it)
                    compared += 1
                    for field in model.history.model.tracked_fields:
                        self.assertEqual(
                            getattr(record, field.attname),
                            getattr(row, field.attname),
                            field.name,
                        )
            self.assertGreater(compared, 0, model)

    def test_values_that_need_their_field_come_back_as_written(self):
        # A decimal and a date-time: written as the field would write them.
        value = IndicatorValue.objects.filter(indicator__measure__plan=self.plan).exclude(
            value=None
        )[0]
        self.assertIsInstance(value.value, Decimal)
        self.assertEqual(value.history.get().value, value.value)
        published = Evaluation.objects.filter(measure__plan=self.plan).exclude(updated_at=None)[0]
        self.assertEqual(published.history.earliest().updated_at, published.updated_at)
        self.assertIsNotNone(published.updated_at.tzinfo)
        # A choice is stored as its value, not its name.
        link = MeasureDepartment.objects.filter(measure__plan=self.plan)[0]
        self.assertIn(link.role, {"lead", "related"})

    def pks(self, model) -> list[int]:
        paths = {
            Measure: "plan",
            Step: "measure__plan",
            IndicatorValue: "indicator__measure__plan",
            Evaluation: "measure__plan",
        }
        return list(model.objects.filter(**{paths[model]: self.plan}).values_list("pk", flat=True))


class SameAsSimpleHistoryTests(TestCase):
    """Rows and creation records written here hold what bulk_create_with_history writes."""

    def test_the_same_values_as_simple_historys_bulk_history(self):
        from simple_history.utils import bulk_create_with_history

        plan = import_plan_document(every_key_document()).plan
        measure = plan.measures.first()
        when = timezone.now()

        def steps(prefix):
            return [Step(measure=measure, order=n, title=f"{prefix}{n}") for n in range(3)]

        ours, theirs = steps("a"), steps("b")
        bulk_rows.insert(ours, Step)
        bulk_rows.insert_history(ours, Step, user=None, date=when)
        bulk_create_with_history(theirs, Step, default_date=when)
        fields = [f.attname for f in Step.history.model._meta.concrete_fields]
        for a, b in zip(ours, theirs, strict=True):
            mine = Step.history.filter(id=a.pk).values(*fields).get()
            other = Step.history.filter(id=b.pk).values(*fields).get()
            for name in ("history_id", "id", "title"):
                mine.pop(name), other.pop(name)
            self.assertEqual(mine, other)
