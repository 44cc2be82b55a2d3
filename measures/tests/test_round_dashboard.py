"""The round dashboard: counts per lead department and status that open the filtered queue,
overdue entries, disagreeing grades, and the way to preview and publish."""

import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation
from measures.tests.round_data import make_round_with_entries
from measures.tests.test_review_admin import ReviewTestCase
from municipalities.models import Department
from municipalities.tests.base import make_staff

Status = Evaluation.ReviewStatus
AFTER_DEADLINE = datetime.date(2022, 6, 1)


class DashboardTests(ReviewTestCase):
    def setUp(self):
        super().setUp()
        self.url = reverse("admin:measures_round_dashboard", args=[self.round.pk])

    def dashboard(self, today=datetime.date(2022, 5, 1)):
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response

    def row(self, response, name):
        return next(row for row in response.context["dashboard"].rows if row.name == name)

    def counts(self, row) -> dict[str, int]:
        return {
            value: cell.count for (value, _), cell in zip(Status.choices, row.cells, strict=True)
        }

    def test_a_measure_with_two_lead_departments_counts_once_for_each_and_once_in_the_total(self):
        self.submit(self.entry)  # 公金収納対策の強化: led by 税務課 and 国保年金課
        response = self.dashboard()
        self.assertEqual(self.counts(self.row(response, "税務課"))["submitted"], 1)
        self.assertEqual(self.counts(self.row(response, "国保年金課"))["submitted"], 1)
        totals = response.context["dashboard"].totals
        self.assertEqual(self.counts(totals)["submitted"], 1)
        self.assertEqual(totals.total.count, 25)
        self.assertGreater(sum(row.total.count for row in response.context["dashboard"].rows), 25)

    def test_each_count_opens_the_queue_filtered_to_those_entries(self):
        self.submit(self.entry)
        response = self.dashboard()
        for row in [*response.context["dashboard"].rows, response.context["dashboard"].totals]:
            for cell in [*row.cells, row.total]:
                if not cell.count:
                    continue
                with self.subTest(row=row.name, url=cell.url):
                    queue = self.client.get(cell.url)
                    self.assertEqual(queue.status_code, 200)
                    self.assertEqual(queue.context["cl"].result_count, cell.count)
        self.assertContains(
            response, f'href="{self.row(response, "税務課").cells[2].url}"'.replace("&", "&amp;")
        )

    def test_entries_of_measures_without_a_lead_department_have_their_own_row(self):
        from measures.models import MeasureDepartment

        MeasureDepartment.objects.filter(measure__plan=self.plan, measure__code="25").delete()
        response = self.dashboard()
        row = self.row(response, "（担当課なし）")
        self.assertEqual(row.total.count, 1)
        self.assertEqual(response.context["dashboard"].rows[-1], row)
        queue = self.client.get(row.total.url)
        self.assertEqual([e.measure.code for e in queue.context["cl"].result_list], ["25"])

    def test_overdue_entries_are_listed_once_the_deadline_has_passed(self):
        self.submit(self.entry)
        before = self.dashboard(datetime.date(2022, 5, 31))
        self.assertEqual(before.context["dashboard"].overdue_count, 0)
        self.assertContains(before, "入力期限はまだ来ていません")
        after = self.dashboard(AFTER_DEADLINE)
        overdue = after.context["dashboard"]
        self.assertEqual(overdue.overdue_count, 24)
        self.assertNotIn(self.entry.pk, [e.pk for e in overdue.overdue])
        with mock.patch("django.utils.timezone.localdate", return_value=AFTER_DEADLINE):
            queue = self.client.get(overdue.overdue_url)
        self.assertEqual(queue.context["cl"].result_count, 24)

    def test_grades_that_disagree_with_the_computed_one_are_listed(self):
        self.submit(self.entry, grade="A")  # computes to C
        response = self.dashboard()
        self.assertEqual(
            [e.pk for e in response.context["dashboard"].disagreements], [self.entry.pk]
        )
        self.assertContains(response, "A ／ C ／ —")

    def test_the_reminders_sent_are_listed_with_their_stage(self):
        from measures.round.notifications import send_due_reminders

        Department.objects.filter(pk=self.tax.pk).update(email="zeimu@example.invalid")
        self.assertContains(self.dashboard(), "まだ催促を送っていません")
        send_due_reminders(round_=self.round, today=datetime.date(2022, 5, 24))
        response = self.dashboard()
        self.assertEqual(
            [(r.department.name, r.stage) for r in response.context["dashboard"].reminders],
            [("税務課", "week_before")],
        )
        self.assertContains(response, "期限前の催促")

    def test_the_dashboard_leads_to_the_preview_and_the_publication(self):
        response = self.dashboard()
        self.assertContains(
            response, reverse("admin:measures_report_preview", args=[self.plan.pk, 2021])
        )
        self.assertContains(
            response, reverse("admin:measures_report_confirm", args=[self.plan.pk, 2021])
        )

    def test_the_admin_index_and_the_rounds_page_link_to_the_dashboard(self):
        self.assertContains(self.client.get(reverse("admin:index")), self.url)
        self.assertContains(
            self.client.get(reverse("admin:measures_round_change", args=[self.round.pk])),
            self.url,
        )
        self.assertContains(self.client.get(reverse("admin:measures_round_changelist")), self.url)

    def test_only_the_office_of_the_rounds_municipality_sees_it(self):
        other_office = make_staff(
            "elsewhere-office", self.city, [self.reform_department], officer=True
        )
        self.client.force_login(other_office)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("admin:index")), self.url)
        self.client.force_login(self.tax_clerk)
        self.assertNotEqual(self.client.get(self.url).status_code, 200)


class DashboardQueryCountTests(ReviewTestCase):
    def dashboard_queries(self, count: int) -> int:
        city = self.plan.municipality
        departments = [
            self.tax,
            self.finance_dept,
            Department.objects.get(municipality=city, name="国保年金課"),
        ]
        _plan, round_ = make_round_with_entries(city, departments, count)
        url = reverse("admin:measures_round_dashboard", args=[round_.pk])
        with mock.patch("django.utils.timezone.localdate", return_value=AFTER_DEADLINE):
            self.client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
        dashboard = response.context["dashboard"]
        self.assertEqual(dashboard.totals.total.count, count)
        self.assertGreater(dashboard.overdue_count, 0)
        return len(queries)

    def test_the_dashboard_query_count_is_the_same_for_10_and_1000_entries(self):
        # Session and user, the round, the counts per department and status, those of
        # entries with no lead department, the totals, the overdue and disagreeing entries
        # (count, page, lead departments of each), and the admin's own context.
        self.assertEqual(self.dashboard_queries(10), self.dashboard_queries(1000))
