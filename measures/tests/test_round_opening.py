"""Opening a round from the admin says what it did, and years are entered and shown as
令和N年度（YYYY年度）."""

from django.urls import reverse

from measures.models import Evaluation, Measure, Round
from measures.tests.factories import make_plan
from measures.tests.test_review_admin import ReviewTestCase


class OpeningMessageTests(ReviewTestCase):
    def test_opening_says_how_many_entries_it_created_and_how_many_measures_it_skipped(self):
        Measure.objects.filter(plan=self.plan, code__in=["24", "25"]).update(last_fiscal_year=2021)
        response = self.client.post(
            reverse("admin:measures_round_add"),
            {"plan": self.plan.pk, "fiscal_year": 2022, "deadline": "2023-05-31"},
            follow=True,
        )
        self.assertContains(response, "入力を23件作りました")
        self.assertContains(response, "この年度に行わない取組（開始前・終了・集約）2件は対象外です")
        self.assertEqual(
            Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2022).count(), 23
        )

    def test_entries_already_there_are_counted_and_left_as_they_are(self):
        measure = Measure.objects.get(plan=self.plan, code="3")
        Evaluation.objects.create(measure=measure, fiscal_year=2022, do_text="取り込んだ実績")
        response = self.client.post(
            reverse("admin:measures_round_add"),
            {"plan": self.plan.pk, "fiscal_year": 2022, "deadline": "2023-05-31"},
            follow=True,
        )
        self.assertContains(response, "入力を24件作りました")
        self.assertContains(response, "既にあった入力1件はそのままです")
        self.assertEqual(
            Evaluation.objects.get(measure=measure, fiscal_year=2022).do_text, "取り込んだ実績"
        )


class FiscalYearLabelTests(ReviewTestCase):
    def test_the_year_of_a_new_round_is_chosen_by_its_japanese_name(self):
        response = self.client.get(reverse("admin:measures_round_add"))
        self.assertContains(
            response, '<option value="2022">令和4年度（2022年度）</option>', html=True
        )
        self.assertContains(
            response, '<option value="2019">令和元年度（2019年度）</option>', html=True
        )

    def test_a_year_outside_the_plan_or_not_a_year_is_refused_with_a_message(self):
        make_plan(self.plan.municipality, name="次期計画", first=2023, last=2030)
        for year in ("2030", "2031", "令和4年度", "0"):
            with self.subTest(year=year):
                response = self.client.post(
                    reverse("admin:measures_round_add"),
                    {"plan": self.plan.pk, "fiscal_year": year, "deadline": "2023-05-31"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["adminform"].form.errors)
        self.assertFalse(Round.objects.filter(plan=self.plan, fiscal_year=2030).exists())

    def test_a_rounds_page_and_an_entrys_review_form_show_the_year_by_its_japanese_name(self):
        round_page = self.client.get(reverse("admin:measures_round_change", args=[self.round.pk]))
        self.assertContains(round_page, "令和3年度（2021年度）")
        self.assertNotIn("fiscal_year", round_page.context["adminform"].form.fields)
        review = self.client.get(reverse("admin:measures_evaluation_change", args=[self.entry.pk]))
        self.assertContains(review, '<div class="readonly">令和3年度（2021年度）</div>', html=True)

    def test_the_queue_filters_by_years_named_in_japanese(self):
        response = self.client.get(self.queue)
        self.assertContains(response, "令和2年度（2020年度）")
        filtered = self.client.get(self.queue, {"fiscal_year__exact": "2020"})
        self.assertEqual(filtered.context["cl"].result_count, 25)
        self.assertEqual(self.client.get(self.queue, {"fiscal_year__exact": "x"}).status_code, 302)
