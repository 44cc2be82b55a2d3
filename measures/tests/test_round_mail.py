"""The round's mails, on Sanyo-Onoda's plan: reminders in stages before and after the
deadline (each stage once, the department head at the end), the office told of each
submission, the department told of each return and approval; every mail names its measure
and links to it."""

import datetime
import io
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from measures.models import Evaluation, ReminderSent
from measures.round.notifications import send_due_reminders
from measures.round.services import EntryData, approve_entry, return_entry, save_entry
from measures.tests.test_round import RoundTestCase
from measures.values import parse_value
from municipalities.models import Department

SITE = "https://reform.example.lg.jp"
Status = Evaluation.ReviewStatus


@override_settings(SITE_URL=SITE)
class RoundMailTests(RoundTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        city = cls.plan.municipality
        Department.objects.filter(pk=cls.tax.pk).update(
            email="zeimu@example.invalid", head_email="zeimu-kacho@example.invalid"
        )
        Department.objects.filter(municipality=city, name="国保年金課").update(
            email="kokuho@example.invalid"
        )
        Department.objects.filter(municipality=city, name="企画課").update(
            email="kikaku@example.invalid", is_reform_office=True
        )
        cls.staff_link = SITE + reverse("measures:entry", args=[cls.entry.pk])
        cls.office_link = SITE + reverse("admin:measures_evaluation_change", args=[cls.entry.pk])

    def remind(self, day: datetime.date) -> list:
        """The mails the daily command sends on a day."""
        before = len(mail.outbox)
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            call_command("send_reminders", stdout=io.StringIO())
        return mail.outbox[before:]

    def step(self, action) -> list:
        """The mails an action sends once it is committed."""
        before = len(mail.outbox)
        with self.captureOnCommitCallbacks(execute=True):
            action()
        return mail.outbox[before:]

    def submit(self, do_text="文書・電話による催告を実施した。"):
        self.entry.refresh_from_db()
        indicator = self.entry.measure.indicators.get()
        return save_entry(
            evaluation_id=self.entry.pk,
            version=self.entry.version,
            data=EntryData(
                do_text=do_text,
                check_text="目標には届かない。",
                proposed_grade=self.plan.grades.get(code="C"),
                indicator_actuals={indicator.pk: parse_value("790百万円")},
            ),
            by=self.tax_clerk,
            submit=True,
        )

    def by_recipient(self, messages) -> dict[str, object]:
        return {address: m for m in messages for address in m.to}

    def test_a_whole_round_sends_each_mail_once_to_the_right_people(self):
        # Nothing before the first reminder is due.
        self.assertEqual(self.remind(datetime.date(2022, 5, 23)), [])

        # A week before the deadline: every department with entries still to submit.
        week_before = self.by_recipient(self.remind(datetime.date(2022, 5, 24)))
        self.assertEqual(
            set(week_before),
            {"zeimu@example.invalid", "kokuho@example.invalid", "kikaku@example.invalid"},
        )
        to_tax = week_before["zeimu@example.invalid"]
        self.assertIn("入力期限まであと7日", to_tax.subject)
        self.assertIn("公金収納対策の強化", to_tax.body)
        self.assertIn(self.staff_link, to_tax.body)
        # The same stage goes once, however often the command runs.
        self.assertEqual(self.remind(datetime.date(2022, 5, 24)), [])
        self.assertEqual(self.remind(datetime.date(2022, 5, 27)), [])

        # The tax department submits: the office is told, with the link to its review.
        submitted = self.step(self.submit)
        self.assertEqual([m.to for m in submitted], [["kikaku@example.invalid"]])
        self.assertIn("提出: 1 公金収納対策の強化", submitted[0].subject)
        self.assertIn("税務課、国保年金課", submitted[0].body)
        self.assertIn(self.office_link, submitted[0].body)

        # The office returns it: both lead departments read the comment and the link.
        returned = self.step(
            lambda: return_entry(
                evaluation=Evaluation.objects.get(pk=self.entry.pk),
                by=self.office,
                comment="回収見込みの根拠を書いてください。",
            )
        )
        self.assertEqual(
            [m.to for m in returned], [["kokuho@example.invalid", "zeimu@example.invalid"]]
        )
        self.assertIn("差戻し: 1 公金収納対策の強化", returned[0].subject)
        self.assertIn("回収見込みの根拠を書いてください。", returned[0].body)
        self.assertIn(self.staff_link, returned[0].body)

        # The day before the deadline, the returned entry is outstanding again.
        day_before = self.by_recipient(self.remind(datetime.date(2022, 5, 30)))
        self.assertIn("公金収納対策の強化", day_before["zeimu@example.invalid"].body)
        self.assertIn("入力期限まであと1日", day_before["zeimu@example.invalid"].subject)

        # Fixed and submitted again; approved with another grade than the computed one.
        self.assertEqual(len(self.step(lambda: self.submit("根拠を追記した。"))), 1)
        approved = self.step(
            lambda: approve_entry(
                evaluation=Evaluation.objects.get(pk=self.entry.pk),
                by=self.office,
                final_grade=self.plan.grades.get(code="B"),
                reason="年度末に大口の納付があった",
            )
        )
        self.assertEqual(
            [m.to for m in approved], [["kokuho@example.invalid", "zeimu@example.invalid"]]
        )
        self.assertIn("承認: 1 公金収納対策の強化", approved[0].subject)
        self.assertIn("確定した評価: B", approved[0].body)
        self.assertIn("年度末に大口の納付があった", approved[0].body)
        self.assertIn(self.staff_link, approved[0].body)

        # The day after the deadline: the staff of departments still behind, not the heads.
        overdue = self.by_recipient(self.remind(datetime.date(2022, 6, 1)))
        self.assertIn("入力期限を1日過ぎています", overdue["zeimu@example.invalid"].subject)
        self.assertNotIn("公金収納対策の強化", overdue["zeimu@example.invalid"].body)
        self.assertNotIn("zeimu-kacho@example.invalid", overdue)

        # A week after: the department head as well, once.
        escalated = self.remind(datetime.date(2022, 6, 7))
        to_tax = next(m for m in escalated if "zeimu@example.invalid" in m.to)
        self.assertEqual(to_tax.to, ["zeimu-kacho@example.invalid", "zeimu@example.invalid"])
        self.assertIn("所属長の方へ", to_tax.body)
        self.assertEqual(self.remind(datetime.date(2022, 6, 8)), [])
        self.assertEqual(
            set(
                ReminderSent.objects.filter(round=self.round, department=self.tax).values_list(
                    "stage", flat=True
                )
            ),
            {"week_before", "day_before", "overdue", "escalated"},
        )

    def test_a_mail_server_failure_does_not_undo_the_review_and_the_reminder_is_tried_again(
        self,
    ):
        self.step(self.submit)
        with mock.patch(
            "measures.round.notifications.send_mail", side_effect=OSError("connection refused")
        ):
            with self.assertLogs("measures.round.notifications", "ERROR"):
                self.step(
                    lambda: approve_entry(
                        evaluation=Evaluation.objects.get(pk=self.entry.pk), by=self.office
                    )
                )
            with self.assertLogs("measures.round.notifications", "ERROR"):
                sent = send_due_reminders(round_=self.round, today=datetime.date(2022, 5, 24))
        self.assertEqual(sent, 0)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.APPROVED)
        self.assertFalse(ReminderSent.objects.exists())
        self.assertGreater(
            send_due_reminders(round_=self.round, today=datetime.date(2022, 5, 24)), 0
        )

    def test_mails_are_written_in_japanese_whatever_the_officers_language(self):
        from django.utils import translation

        self.step(self.submit)
        with translation.override("en"):
            returned = self.step(
                lambda: return_entry(
                    evaluation=Evaluation.objects.get(pk=self.entry.pk),
                    by=self.office,
                    comment="追記してください",
                )
            )
        self.assertIn("差戻し", returned[0].subject)

    def test_a_department_without_its_own_address_is_reached_through_its_staff(self):
        Department.objects.filter(pk=self.finance_dept.pk).update(email="")
        self.finance_clerk.email = "zaisei-tanto@example.invalid"
        self.finance_clerk.save()
        sent = self.by_recipient(self.remind(datetime.date(2022, 5, 24)))
        self.assertIn("zaisei-tanto@example.invalid", sent)

    def test_an_entry_the_office_submits_on_a_departments_behalf_is_told_to_that_department(self):
        self.entry.refresh_from_db()
        sent = self.step(
            lambda: save_entry(
                evaluation_id=self.entry.pk,
                version=self.entry.version,
                data=EntryData(do_text="聞き取りにより入力した。", check_text="順調"),
                by=self.office,
                submit=True,
                on_behalf_of=self.tax,
            )
        )
        self.assertEqual(len(sent), 1)
        self.assertEqual(set(sent[0].to), {"kikaku@example.invalid", "zeimu@example.invalid"})
        self.assertIn("税務課に代わって入力", sent[0].body)
        self.assertIn(self.office_link, sent[0].body)
