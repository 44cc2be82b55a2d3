"""The yearly round on Sanyo-Onoda's real plan: open, enter, return, correct, approve,
publish, correct and republish; and two people editing the same entry."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from measures.models import Evaluation, IndicatorValue, Report, Round, StepYear
from measures.plan_files.importing import import_plan_document
from measures.round.services import (
    approve_entry,
    open_round,
    publish_year,
    reopen_year,
    return_entry,
)
from municipalities.models import Department
from municipalities.tests.base import ActorsTestCase, make_staff

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "352161-sanyo-onoda.json"
Status = Evaluation.ReviewStatus


class RoundTestCase(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(json.loads(FIXTURE.read_text()), publish=True).plan
        city = cls.plan.municipality
        cls.tax = Department.objects.get(municipality=city, name="税務課")
        cls.finance_dept = Department.objects.get(municipality=city, name="財政課")
        cls.office = make_staff(
            "sanyo-office",
            city,
            [Department.objects.get(municipality=city, name="企画課")],
            officer=True,
        )
        cls.tax_clerk = make_staff("sanyo-tax", city, [cls.tax])
        cls.tax_clerk_2 = make_staff("sanyo-tax-2", city, [cls.tax])
        cls.finance_clerk = make_staff("sanyo-finance", city, [cls.finance_dept])
        cls.round = open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.office
        )
        cls.entry = Evaluation.objects.get(
            measure__plan=cls.plan, measure__code="1", fiscal_year=2021
        )

    def complete_post(self, version, **changes):
        indicator = self.entry.measure.indicators.get()
        data = {
            "version": version,
            "do_text": "文書・電話による催告を実施した。",
            "check_text": "未収債権は減少したが目標には届かない。",
            "proposed_grade": self.plan.grades.get(code="C").pk,
            "action_text": "滞納の未然防止に努める。",
            f"indicator_{indicator.pk}": "790百万円",
            "actual_revenue": "",
            "actual_saving": "",
        }
        for step in self.entry.measure.steps.all():
            data[f"step_{step.pk}_actual"] = "実施"
            data[f"step_{step.pk}_progress"] = ""
        data.update(changes)
        return data


class OpeningTests(RoundTestCase):
    def test_every_measure_gets_its_entry_with_plan_prefilled(self):
        entries = Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021)
        self.assertEqual(entries.count(), 25)
        self.assertEqual(set(entries.values_list("review_status", flat=True)), {Status.NOT_STARTED})
        self.assertIn("・滞納債権の整理・回収：実施", self.entry.plan_text)

    def test_published_years_are_left_alone(self):
        self.assertEqual(
            Evaluation.objects.filter(
                measure__plan=self.plan, fiscal_year=2020, review_status=Status.PUBLISHED
            ).count(),
            25,
        )

    def test_a_year_outside_the_plan_cannot_be_opened(self):
        with self.assertRaises(ValidationError):
            open_round(
                plan=self.plan,
                fiscal_year=2023,
                deadline=datetime.date(2024, 5, 31),
                by=self.office,
            )


class StaffPagesTests(RoundTestCase):
    def test_the_list_shows_this_rounds_entries_of_the_users_departments(self):
        self.client.force_login(self.tax_clerk)
        response = self.client.get(reverse("measures:entry_list"))
        codes = {entry.measure.code for entry in response.context["entries"]}
        self.assertIn("1", codes)  # 税務課 leads 1
        self.assertNotIn("2", codes)  # 財政課's measure
        self.assertContains(response, "2022年5月31日")
        self.assertContains(response, "取組状況、評価、評価案、未収債権額の実績値")

    def test_the_list_query_count_does_not_grow_with_entries(self):
        # session, user, membership, entries, grades, indicators, values, municipality
        counts = {}
        for user in (self.tax_clerk, self.finance_clerk):
            self.client.force_login(user)
            with self.assertNumQueries(8):
                response = self.client.get(reverse("measures:entry_list"))
            counts[user.username] = len(response.context["entries"])
        self.assertNotEqual(counts["sanyo-tax"], counts["sanyo-finance"])

    def test_submitting_an_incomplete_entry_names_each_missing_field(self):
        self.client.force_login(self.tax_clerk)
        url = reverse("measures:entry", args=[self.entry.pk])
        response = self.client.post(
            url, {"version": self.entry.version, "submit": "1", "do_text": "実施した"}
        )
        self.assertContains(response, "評価（Check）を書いてください。")
        self.assertContains(response, "評価案を選んでください。")
        self.assertContains(response, "未収債権額 の実績値：実績値を入力してください。")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.NOT_STARTED)

    def test_an_unreadable_number_is_refused_with_an_example(self):
        self.client.force_login(self.tax_clerk)
        indicator = self.entry.measure.indicators.get()
        url = reverse("measures:entry", args=[self.entry.pk])
        response = self.client.post(
            url,
            self.complete_post(
                self.entry.version, **{f"indicator_{indicator.pk}": "だいたい半分", "save": "1"}
            ),
        )
        self.assertContains(response, "「だいたい半分」を数値として読めません")

    def test_a_draft_can_be_saved_at_any_time(self):
        self.client.force_login(self.tax_clerk)
        url = reverse("measures:entry", args=[self.entry.pk])
        response = self.client.post(
            url, {"version": self.entry.version, "save": "1", "do_text": "途中まで"}
        )
        self.assertRedirects(response, url)
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.review_status, self.entry.do_text), (Status.DRAFT, "途中まで"))


class WholeCycleTests(RoundTestCase):
    def test_enter_return_correct_approve_publish_correct_republish(self):
        url = reverse("measures:entry", args=[self.entry.pk])
        self.client.force_login(self.tax_clerk)

        # The department submits a complete entry; the computed grade is worked out.
        response = self.client.post(url, self.complete_post(self.entry.version, submit="1"))
        self.assertRedirects(response, reverse("measures:entry_list"))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)
        self.assertEqual(self.entry.submitted_by, self.tax_clerk)
        # 982 → 790百万円 against a target of 700: 68 % of the way, C.
        self.assertEqual(self.entry.computed_grade.code, "C")
        actual = IndicatorValue.objects.get(
            indicator__measure=self.entry.measure, kind="actual", fiscal_year=2021
        )
        self.assertEqual((actual.value, actual.unit), (790, "百万円"))
        self.assertEqual(
            StepYear.objects.filter(
                step__measure=self.entry.measure, fiscal_year=2021, actual="実施"
            ).count(),
            3,
        )

        # Submitted entries are locked for the department.
        response = self.client.get(url)
        self.assertFalse(response.context["editable"])

        # The office returns it with a comment; the department sees it and corrects.
        return_entry(
            evaluation=self.entry, by=self.office, comment="Checkに数値の根拠を書いてください。"
        )
        response = self.client.get(url)
        self.assertContains(response, "Checkに数値の根拠を書いてください。")
        self.entry.refresh_from_db()
        post = self.complete_post(
            self.entry.version, submit="1", check_text="790百万円（目標700百万円）。"
        )
        self.client.post(url, post)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)

        # Approval with a final grade other than the computed one needs a reason.
        other = self.plan.grades.get(code="A")
        with self.assertRaises(ValidationError):
            approve_entry(evaluation=self.entry, by=self.office, final_grade=other)
        self.entry.refresh_from_db()
        approve_entry(
            evaluation=self.entry,
            by=self.office,
            final_grade=other,
            reason="年度末に一括回収の見込み",
        )
        self.assertEqual(self.entry.review_status, Status.APPROVED)

        # Publishing needs every entry approved.
        with self.assertRaises(ValidationError):
            publish_year(plan=self.plan, fiscal_year=2021, by=self.office)
        # (The other 24 departments' entries, approved the same way, are taken as done here.)
        Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021).exclude(
            pk=self.entry.pk
        ).update(review_status=Status.APPROVED)
        first = publish_year(plan=self.plan, fiscal_year=2021, by=self.office)
        self.assertEqual(first.revision, 1)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.PUBLISHED)
        self.assertEqual(Round.objects.get(pk=self.round.pk).status, Round.Status.PUBLISHED)
        response = self.client.get(url)
        self.assertFalse(response.context["editable"])

        # A correction: reopen, change, republish with a note; revision 1 stays as it was.
        reopen_year(plan=self.plan, fiscal_year=2021, by=self.office)
        self.entry.refresh_from_db()
        self.entry.final_grade = self.plan.grades.get(code="B")
        self.entry.save()
        with self.assertRaises(ValidationError):
            publish_year(plan=self.plan, fiscal_year=2021, by=self.office)  # no note
        second = publish_year(
            plan=self.plan,
            fiscal_year=2021,
            by=self.office,
            note="#1の評価をAからBに訂正（回収見込みが外れたため）",
        )
        self.assertEqual(second.revision, 2)
        first.refresh_from_db()

        def grade_in(report):
            measure = next(m for m in report.content["measures"] if m["code"] == "1")
            return next(y["grade"] for y in measure["years"] if y["fiscal_year"] == 2021)

        self.assertEqual(grade_in(first), "A")
        self.assertEqual(grade_in(second), "B")
        self.assertEqual(Report.objects.filter(plan=self.plan, fiscal_year=2021).count(), 2)


class ConcurrentEditTests(RoundTestCase):
    def test_the_second_save_is_refused_with_both_versions_shown_and_nothing_lost(self):
        url = reverse("measures:entry", args=[self.entry.pk])
        version = self.entry.version
        first, second = self.client_class(), self.client_class()
        first.force_login(self.tax_clerk)
        second.force_login(self.tax_clerk_2)
        first.post(url, self.complete_post(version, save="1", do_text="一人目の入力"))
        response = second.post(url, self.complete_post(version, save="1", do_text="二人目の入力"))
        self.assertContains(response, "ほかの人が先に保存しています")
        self.assertContains(response, "一人目の入力")  # the saved version
        self.assertContains(response, "二人目の入力")  # the second person's text, kept in the form
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.do_text, "一人目の入力")
        # Having seen both, the second person can save on top of the current version.
        response = second.post(
            url,
            self.complete_post(
                response.context["conflict"].version, save="1", do_text="二人目の入力"
            ),
        )
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.do_text, "二人目の入力")

    def test_history_records_who_changed_what_through_the_form(self):
        self.client.force_login(self.tax_clerk)
        url = reverse("measures:entry", args=[self.entry.pk])
        self.client.post(url, {"version": self.entry.version, "save": "1", "do_text": "途中まで"})
        record = self.entry.history.first()
        self.assertEqual(record.history_user, self.tax_clerk)
        response = self.client.get(reverse("measures:entry_history", args=[self.entry.pk]))
        self.assertContains(response, "途中まで")
        self.assertContains(response, "sanyo-tax")


class EntryFormQueryCountTests(RoundTestCase):
    def page_queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse("measures:entry", args=[self.entry.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_the_entry_form_query_count_does_not_grow_with_indicators_and_steps(self):
        from measures.models import Indicator, Step

        self.client.force_login(self.tax_clerk)
        before = self.page_queries()
        measure = self.entry.measure
        for number in range(10):
            indicator = Indicator.objects.create(
                measure=measure, name=f"追加指標{number}", order=10 + number
            )
            IndicatorValue.objects.create(indicator=indicator, kind="baseline", value=number)
            step = Step.objects.create(
                measure=measure, title=f"追加事業{number}", order=10 + number
            )
            StepYear.objects.create(step=step, fiscal_year=2021, planned="実施")
        self.assertEqual(self.page_queries(), before)


class AdminHistoryTests(RoundTestCase):
    def test_an_admin_edit_of_a_measure_is_recorded_with_the_officer(self):
        self.client.force_login(self.office)
        measure = self.entry.measure
        url = reverse("admin:measures_measure_change", args=[measure.pk])
        response = self.client.get(url)
        form = response.context["adminform"].form
        data = {
            name: "" if form[name].value() is None else form[name].value() for name in form.fields
        }
        data.update(title="公金収納対策の強化（改）", sdgs=[], co_creation_actors=[])
        for formset in response.context["inline_admin_formsets"]:
            management = formset.formset.management_form
            for name in management.fields:
                data[f"{management.prefix}-{name}"] = management[name].value()
            for inline_form in formset.formset.forms:
                for name in inline_form.fields:
                    value = inline_form[name].value()
                    data[inline_form.add_prefix(name)] = "" if value is None else value
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["adminform"].form.errors,
        )
        record = measure.history.first()
        self.assertEqual(
            (record.title, record.history_user), ("公金収納対策の強化（改）", self.office)
        )
