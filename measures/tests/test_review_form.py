"""The review form shows what is being graded, and keeps what only the review actions may
change out of the office's hands."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import EffectAmount, Evaluation
from measures.tests.round_data import make_round_with_entries
from measures.tests.test_review_admin import ReviewTestCase

Status = Evaluation.ReviewStatus


class ReviewFormContentTests(ReviewTestCase):
    def setUp(self):
        super().setUp()
        self.submit(self.entry, grade="C", do_text="催告を実施した")
        EffectAmount.objects.create(
            measure=self.entry.measure,
            fiscal_year=2021,
            planned_revenue=5_000_000,
            actual_revenue=4_200_000,
        )
        step = self.entry.measure.steps.first()
        year = step.years.get(fiscal_year=2021)
        year.actual, year.progress, year.next_steps = "実施済み", "督促状を送付", "滞納の未然防止"
        year.save()
        self.url = reverse("admin:measures_evaluation_change", args=[self.entry.pk])

    def test_the_review_form_shows_the_indicator_baseline_targets_and_actuals(self):
        response = self.client.get(self.url)
        self.assertContains(response, "未収債権額")
        self.assertContains(response, "982百万円（H29(当初) (H28)）")
        self.assertContains(response, "令和4年度（2022年度）: 700百万円")
        self.assertContains(response, "令和2年度（2020年度）: 835百万円")
        self.assertContains(
            response, "<strong>令和3年度（2021年度）: 790百万円</strong>", html=True
        )

    def test_the_review_form_explains_the_computed_grade_by_each_indicators_ratio(self):
        response = self.client.get(self.url)
        # (982 − 790) / (982 − 700) = 68 % → C
        self.assertContains(response, "68%")
        self.assertContains(response, "算出した評価: C")
        self.assertContains(response, "平均 68%")

    def test_the_review_form_shows_each_steps_plan_actual_and_next_steps(self):
        response = self.client.get(self.url)
        self.assertContains(response, "滞納債権の整理・回収")
        self.assertContains(response, "実施済み")
        self.assertContains(response, "督促状を送付")
        self.assertContains(response, "滞納の未然防止")

    def test_the_review_form_shows_the_years_effect_amounts(self):
        response = self.client.get(self.url)
        self.assertContains(response, "5,000,000円")
        self.assertContains(response, "4,200,000円")

    def test_the_review_form_shows_last_years_grade(self):
        response = self.client.get(self.url)
        summary = response.context["summary"]
        self.assertEqual(summary.last_year.fiscal_year, 2020)
        self.assertContains(response, "前年度（令和2年度（2020年度））")
        self.assertEqual(summary.last_year.final_grade.code, "C")

    def test_the_review_form_names_who_submitted_and_when(self):
        response = self.client.get(self.url)
        self.assertContains(response, "sanyo-tax")


class ReviewFormFixedFieldsTests(ReviewTestCase):
    def setUp(self):
        super().setUp()
        self.submit(self.entry)
        self.url = reverse("admin:measures_evaluation_change", args=[self.entry.pk])

    def post(self, **changes):
        return self.client.post(self.url, self.form_data(self.entry, **changes))

    def test_posting_another_measure_year_or_review_status_changes_nothing(self):
        other = Evaluation.objects.filter(measure__plan=self.plan).exclude(pk=self.entry.pk).first()
        response = self.post(
            measure=other.measure_id,
            fiscal_year=2022,
            review_status=Status.APPROVED,
            reviewed_by=self.office.pk,
            do_text="事務局が補足",
        )
        self.assertEqual(response.status_code, 302)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.measure.code, "1")
        self.assertEqual(self.entry.fiscal_year, 2021)
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)
        self.assertIsNone(self.entry.reviewed_by)
        self.assertEqual(self.entry.do_text, "事務局が補足")

    def test_the_measure_year_and_review_status_are_shown_but_not_offered_as_fields(self):
        response = self.client.get(self.url)
        form = response.context["adminform"].form
        self.assertNotIn("measure", form.fields)
        self.assertNotIn("fiscal_year", form.fields)
        self.assertNotIn("review_status", form.fields)
        self.assertContains(response, "提出済み")

    def test_a_save_over_someone_elses_change_is_refused_with_nothing_overwritten(self):
        stale = self.form_data(self.entry, do_text="古い画面から")
        self.post(do_text="先に保存")  # another officer saves first
        response = self.client.post(self.url, stale)
        self.assertContains(response, "開いた後に他の人が変更しました")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.do_text, "先に保存")

    def test_an_office_save_makes_a_form_the_department_opened_before_it_stale(self):
        opened = Evaluation.objects.get(pk=self.entry.pk).version
        self.post(review_comment="確認中")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_comment, "確認中")
        self.assertGreater(self.entry.version, opened)


class ReviewFormQueryCountTests(ReviewTestCase):
    def review_form_queries(self, count: int) -> int:
        plan, _round = make_round_with_entries(self.plan.municipality, [self.tax], count)
        entry = Evaluation.objects.filter(measure__plan=plan, fiscal_year=2021).first()
        url = reverse("admin:measures_evaluation_change", args=[entry.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["summary"].indicators), 1)
        return len(queries)

    def test_the_review_form_query_count_is_the_same_for_10_and_1000_entries(self):
        # Session and user, the entry (access check, form, choices of the entry's plan), the
        # summary (measure with indicators and values, steps and years, effects, departments;
        # the plan's grades; last year's entry), the choice lists and the history link.
        self.assertEqual(self.review_form_queries(10), self.review_form_queries(1000))
