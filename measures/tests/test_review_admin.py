"""The reform office reviews entries in the admin: the queue, approve, return, bulk approve,
the round overview, reminders and publication."""

import datetime

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation, Report
from measures.round.services import EntryData, round_overview, save_entry, send_reminders
from measures.tests.test_round import RoundTestCase
from measures.values import parse_value
from municipalities.models import Department

Status = Evaluation.ReviewStatus


class ReviewTestCase(RoundTestCase):
    def submit(self, evaluation, grade="C", **fields):
        evaluation.refresh_from_db()
        indicators = {
            i.pk: parse_value("790百万円")
            for i in evaluation.measure.indicators.filter(not_settable=False)
        }
        data = EntryData(
            do_text=fields.get("do_text", "実施した"),
            check_text="順調",
            proposed_grade=self.plan.grades.get(code=grade),
            indicator_actuals=indicators,
        )
        return save_entry(
            evaluation_id=evaluation.pk,
            version=evaluation.version,
            data=data,
            by=self.tax_clerk,
            submit=True,
        )

    def setUp(self):
        self.client.force_login(self.office)
        self.queue = reverse("admin:measures_evaluation_changelist")

    def form_data(self, evaluation, **changes):
        evaluation.refresh_from_db()
        data = {
            "measure": evaluation.measure_id,
            "fiscal_year": evaluation.fiscal_year,
            "status": "",
            "plan_text": evaluation.plan_text,
            "do_text": evaluation.do_text,
            "check_text": evaluation.check_text,
            "action_text": evaluation.action_text,
            "proposed_grade": evaluation.proposed_grade_id or "",
            "final_grade": evaluation.final_grade_id or "",
            "override_reason": evaluation.override_reason,
            "review_status": evaluation.review_status,
            "review_comment": evaluation.review_comment,
            "opened_version": evaluation.version,
        }
        data.update(changes)
        return data


class QueueTests(ReviewTestCase):
    def test_the_queue_filters_by_status_department_pillar_and_grade(self):
        self.submit(self.entry)
        response = self.client.get(self.queue, {"review_status__exact": "submitted"})
        self.assertEqual([e.pk for e in response.context["cl"].result_list], [self.entry.pk])
        response = self.client.get(
            self.queue, {"department": self.tax.pk, "fiscal_year__exact": 2021}
        )
        self.assertIn(self.entry.pk, [e.pk for e in response.context["cl"].result_list])
        pillar = self.entry.measure.pillar.parent or self.entry.measure.pillar
        response = self.client.get(self.queue, {"pillar": pillar.pk, "fiscal_year__exact": 2021})
        self.assertIn(self.entry.pk, [e.pk for e in response.context["cl"].result_list])
        response = self.client.get(self.queue, {"grade": "B", "fiscal_year__exact": 2020})
        self.assertEqual(len(response.context["cl"].result_list), 7)

    def test_proposed_computed_and_final_grades_are_side_by_side_with_disagreements_flagged(self):
        self.submit(self.entry, grade="A")  # computes to C
        response = self.client.get(self.queue, {"review_status__exact": "submitted"})
        self.assertContains(response, "A ／ C ／ —")
        self.assertContains(response, "食い違い")
        response = self.client.get(self.queue, {"disagreement": "yes", "fiscal_year__exact": 2021})
        self.assertEqual([e.pk for e in response.context["cl"].result_list], [self.entry.pk])

    def test_the_queue_query_count_does_not_grow_with_entries(self):
        self.submit(self.entry)
        counts = []
        # one submitted entry, then the 25 published ones of 2020
        for query in ({"review_status__exact": "submitted"}, {"fiscal_year__exact": 2020}):
            self.client.get(self.queue, query)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.queue, query)
            counts.append((len(response.context["cl"].result_list), len(queries)))
        self.assertNotEqual(counts[0][0], counts[1][0])
        self.assertEqual(counts[0][1], counts[1][1])


class ReviewActionTests(ReviewTestCase):
    def change_url(self, evaluation):
        return reverse("admin:measures_evaluation_change", args=[evaluation.pk])

    def test_approve_button_sets_the_proposed_grade_as_final(self):
        self.submit(self.entry, grade="C")
        response = self.client.post(
            self.change_url(self.entry), self.form_data(self.entry, _approve="1")
        )
        self.assertEqual(response.status_code, 302)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.APPROVED)
        self.assertEqual(self.entry.final_grade.code, "C")
        self.assertEqual(self.entry.reviewed_by, self.office)
        self.assertEqual(self.entry.history.first().history_user, self.office)

    def test_a_final_grade_other_than_the_computed_one_needs_a_reason(self):
        self.submit(self.entry, grade="C")
        a = self.plan.grades.get(code="A").pk
        response = self.client.post(
            self.change_url(self.entry), self.form_data(self.entry, final_grade=a, _approve="1")
        )
        self.assertContains(response, "理由を書いてください")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)
        self.client.post(
            self.change_url(self.entry),
            self.form_data(
                self.entry, final_grade=a, override_reason="年度末の回収見込み", _approve="1"
            ),
        )
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.review_status, self.entry.final_grade.code), (Status.APPROVED, "A")
        )

    def test_return_button_sends_the_comment_to_the_department(self):
        self.submit(self.entry)
        self.client.post(
            self.change_url(self.entry),
            self.form_data(self.entry, review_comment="根拠を追記してください", _return="1"),
        )
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.RETURNED)
        self.client.force_login(self.tax_clerk)
        response = self.client.get(reverse("measures:entry", args=[self.entry.pk]))
        self.assertContains(response, "根拠を追記してください")
        self.assertTrue(response.context["editable"])

    def test_returning_without_a_comment_is_refused(self):
        self.submit(self.entry)
        response = self.client.post(
            self.change_url(self.entry), self.form_data(self.entry, _return="1"), follow=True
        )
        self.assertContains(response, "コメントに書いてください")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)

    def test_bulk_approve_approves_submitted_entries_and_reports_the_rest(self):
        self.submit(self.entry)
        other = Evaluation.objects.get(measure__plan=self.plan, measure__code="2", fiscal_year=2021)
        response = self.client.post(
            self.queue,
            {"action": "approve_selected", "_selected_action": [self.entry.pk, other.pk]},
            follow=True,
        )
        self.assertContains(response, "1件を承認しました")
        self.assertContains(response, "提出済みでない1件は対象外です")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.APPROVED)

    def test_a_published_entry_is_read_only_in_the_admin(self):
        published = Evaluation.objects.get(
            measure__plan=self.plan, measure__code="1", fiscal_year=2020
        )
        response = self.client.post(
            self.change_url(published), self.form_data(published, do_text="改ざん")
        )
        self.assertEqual(response.status_code, 403)
        published.refresh_from_db()
        self.assertNotEqual(published.do_text, "改ざん")


class RoundAdminTests(ReviewTestCase):
    def test_opening_a_round_from_the_admin_creates_the_entries(self):
        self.client.post(
            reverse("admin:measures_round_add"),
            {"plan": self.plan.pk, "fiscal_year": 2022, "deadline": "2023-05-31"},
        )
        self.assertEqual(
            Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2022).count(), 25
        )

    def test_the_overview_counts_entries_per_department_and_status(self):
        self.submit(self.entry)
        response = self.client.get(reverse("admin:measures_round_change", args=[self.round.pk]))
        self.assertContains(response, "<th scope='row'>税務課</th><td>", html=False)
        tax_row = next(r for r in round_overview(self.round) if r["department"] == "税務課")
        led_by_tax = Evaluation.objects.filter(
            fiscal_year=2021,
            measure__department_links__department=self.tax,
            measure__department_links__role="lead",
        ).count()
        self.assertEqual(tax_row["submitted"], 1)
        self.assertEqual(tax_row["not_started"], led_by_tax - 1)

    def test_reminders_go_to_departments_with_outstanding_entries(self):
        Department.objects.filter(pk=self.tax.pk).update(email="zeimu@example.invalid")
        Department.objects.filter(pk=self.finance_dept.pk).update(email="zaisei@example.invalid")
        sent = send_reminders(round_=self.round, today=datetime.date(2022, 5, 24))
        self.assertEqual(sent, 2)
        message = next(m for m in mail.outbox if m.to == ["zeimu@example.invalid"])
        self.assertIn("あと7日", message.subject)
        self.assertIn("公金収納対策の強化", message.body)

    def test_publishing_from_the_admin_reports_what_is_not_approved(self):
        response = self.client.post(
            reverse("admin:measures_round_changelist"),
            {"action": "publish_reports", "_selected_action": [self.round.pk]},
            follow=True,
        )
        self.assertContains(response, "承認されていない入力が25件あります")
        self.assertFalse(Report.objects.filter(fiscal_year=2021).exists())


class PublicationAdminTests(ReviewTestCase):
    def approve_all(self):
        # Every department's entry approved (each the way test_round walks through).
        Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021).update(
            review_status=Status.APPROVED
        )

    def test_publishing_and_republishing_a_correction_from_the_admin(self):
        self.approve_all()
        add = reverse("admin:measures_report_add")
        self.client.post(add, {"plan": self.plan.pk, "fiscal_year": 2021, "note": ""})
        first = Report.objects.get(plan=self.plan, fiscal_year=2021)
        self.assertEqual(first.revision, 1)
        self.client.post(
            reverse("admin:measures_round_changelist"),
            {"action": "reopen_years", "_selected_action": [self.round.pk]},
        )
        response = self.client.post(
            add, {"plan": self.plan.pk, "fiscal_year": 2021, "note": ""}, follow=True
        )
        self.assertContains(response, "何をなぜ直したかを書いてください")
        self.client.post(
            add, {"plan": self.plan.pk, "fiscal_year": 2021, "note": "#1の実績値を訂正"}
        )
        revisions = list(
            Report.objects.filter(plan=self.plan, fiscal_year=2021).values_list("revision", "note")
        )
        self.assertEqual(sorted(revisions), [(1, ""), (2, "#1の実績値を訂正")])

    def test_a_published_report_cannot_be_changed_or_deleted(self):
        self.approve_all()
        self.client.post(
            reverse("admin:measures_report_add"),
            {"plan": self.plan.pk, "fiscal_year": 2021, "note": ""},
        )
        report = Report.objects.get(plan=self.plan, fiscal_year=2021)
        url = reverse("admin:measures_report_change", args=[report.pk])
        self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 403)
        delete = reverse("admin:measures_report_delete", args=[report.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(Report.objects.filter(pk=report.pk).exists())


class ReminderCommandTests(ReviewTestCase):
    def test_the_command_mails_only_rounds_whose_deadline_is_near(self):
        import io
        from unittest import mock

        from django.core.management import call_command

        Department.objects.filter(pk=self.tax.pk).update(email="zeimu@example.invalid")
        out = io.StringIO()
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2022, 5, 1)):
            call_command("send_reminders", "--days", "7", stdout=out)
        self.assertEqual(len(mail.outbox), 0)
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2022, 5, 25)):
            call_command("send_reminders", "--days", "7", stdout=out)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("合計 1件", out.getvalue())
