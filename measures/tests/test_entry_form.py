"""The department staff's entry form and list: last year's entry beside this year's fields
and copied across without JavaScript, the computed grade, each step's 今後の取組・課題, what
stays visible after submitting, returned entries, grouping by round, the error summary's
order, entering on a department's behalf (代理入力), and the history in plain Japanese."""

import datetime

from django.urls import reverse
from django.utils import timezone

from measures.models import EffectAmount, Evaluation, IndicatorValue, Step, StepYear
from measures.round.services import EntryData, open_round, return_entry, save_entry
from measures.tests.factories import (
    make_grades,
    make_indicator,
    make_measure,
    make_plan,
    make_value,
)
from municipalities.tests.base import ActorsTestCase

Status = Evaluation.ReviewStatus
Kind = IndicatorValue.Kind


class EntryFormTestCase(ActorsTestCase):
    """税務課 leads measure 1 of 西宮市's plan; its 2020 entry was approved with grade C and a
    comment, and the office has opened 2021."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, first=2020, last=2024)
        cls.grades = make_grades(cls.plan)
        for grade in cls.grades.values():
            grade.definition = f"{grade.label}の定義"
            grade.save()
        cls.measure = make_measure(cls.plan, lead=cls.tax)
        cls.indicator = make_indicator(cls.measure, direction="decrease")
        make_value(cls.indicator, Kind.BASELINE, 2017, 982, "百万円")
        make_value(cls.indicator, Kind.TARGET, 2022, 700, "百万円")
        make_value(cls.indicator, Kind.ACTUAL, 2020, 835, "百万円")
        cls.step = Step.objects.create(measure=cls.measure, title="滞納債権の整理・回収")
        StepYear.objects.create(
            step=cls.step,
            fiscal_year=2020,
            planned="実施",
            actual="催告書を送付",
            progress="順調",
            next_steps="差押えの強化",
        )
        EffectAmount.objects.create(measure=cls.measure, fiscal_year=2020, actual_revenue=1200000)
        cls.last = Evaluation.objects.create(
            measure=cls.measure,
            fiscal_year=2020,
            do_text="昨年度の取組状況",
            check_text="昨年度の評価",
            action_text="昨年度の見直し",
            proposed_grade=cls.grades["B"],
            final_grade=cls.grades["C"],
            review_comment="昨年度の審査コメント",
            review_status=Status.PUBLISHED,
            published_at=timezone.now(),
        )
        cls.round = open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.officer
        )
        cls.entry = Evaluation.objects.get(measure=cls.measure, fiscal_year=2021)

    def url(self, entry=None):
        return reverse("measures:entry", args=[(entry or self.entry).pk])

    def post(self, **fields):
        self.entry.refresh_from_db()
        data = {
            "version": self.entry.version,
            "do_text": "",
            "check_text": "",
            "action_text": "",
            f"indicator_{self.indicator.pk}": "",
            f"step_{self.step.pk}_actual": "",
            f"step_{self.step.pk}_progress": "",
            f"step_{self.step.pk}_next": "",
            "actual_revenue": "",
            "actual_saving": "",
        }
        data.update(fields)
        return self.client.post(self.url(), data)

    def complete(self, **fields):
        return {
            "do_text": "今年度の取組状況",
            "check_text": "今年度の評価",
            "action_text": "今年度の見直し",
            "proposed_grade": self.grades["C"].pk,
            f"indicator_{self.indicator.pk}": "790百万円",
            f"step_{self.step.pk}_actual": "差押えを実施",
            f"step_{self.step.pk}_progress": "予定どおり",
            f"step_{self.step.pk}_next": "納付勧奨の外部委託",
            "actual_saving": "3,000千円",
            **fields,
        }


class LastYearTests(EntryFormTestCase):
    def test_the_form_shows_last_years_entry_beside_this_years_fields(self):
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertContains(response, "昨年度（令和2年度（2020年度））の入力")
        for text in (
            "昨年度の取組状況",
            "昨年度の評価",
            "昨年度の見直し",
            "昨年度の審査コメント",
            "835百万円",
            "催告書を送付",
            "差押えの強化",
            "1,200,000円",
        ):
            self.assertContains(response, text)
        # The grade that counted is the office's final one, named as such.
        self.assertContains(response, "C 達成状況が50%以上75%未満（確定した評価）")

    def test_the_first_year_of_a_measure_shows_no_last_year(self):
        self.last.delete()
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertIsNone(response.context["last_year"])
        self.assertNotContains(response, "昨年度の文章を写す")

    def test_copying_last_years_text_fills_the_field_and_saves_nothing(self):
        self.client.force_login(self.tax_staff)
        response = self.post(do_text="書きかけ", check_text="今年の評価", copy="do_text")
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form["do_text"].value(), "昨年度の取組状況")
        self.assertEqual(form["check_text"].value(), "今年の評価")  # the rest is kept
        self.assertContains(
            response, "昨年度の「取組状況（Do）」を写しました。まだ保存されていません。"
        )
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.do_text, self.entry.review_status), ("", Status.NOT_STARTED))

    def test_a_copied_form_saves_with_the_version_it_was_opened_with(self):
        self.client.force_login(self.tax_staff)
        response = self.post(copy="action_text")
        data = {
            name: response.context["form"][name].value() or ""
            for name in response.context["form"].fields
        }
        data["save"] = "1"
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, self.url())
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.action_text, "昨年度の見直し")

    def test_a_steps_texts_can_be_copied_too(self):
        self.client.force_login(self.tax_staff)
        response = self.post(copy=f"step_{self.step.pk}_next")
        form = response.context["form"]
        self.assertEqual(form[f"step_{self.step.pk}_next"].value(), "差押えの強化")
        self.assertContains(
            response, "昨年度の「滞納債権の整理・回収 の今後の取組・課題」を写しました。"
        )

    def test_only_text_fields_can_be_copied(self):
        self.client.force_login(self.tax_staff)
        response = self.post(copy="review_comment")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["copied"])

    def test_copy_buttons_submit_the_form_and_say_which_field(self):
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertContains(response, 'name="copy" value="check_text"')
        self.assertContains(response, "（評価（Check））")
        # Enter in a text box reaches the hidden save button first, not a copy button.
        html = response.content.decode()
        self.assertLess(html.index('name="save"'), html.index('name="copy"'))


class ComputedGradeTests(EntryFormTestCase):
    def test_the_computed_grade_appears_once_actuals_are_saved(self):
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertContains(response, "算出できません（達成率を計算できる指標がありません）")
        self.assertContains(response, "未収債権額：数値がありません: 実績値")
        self.assertContains(
            response, "実績値を入力して下書きとして保存すると、ここに算出した評価が出ます。"
        )
        self.post(**self.complete(save="1"))
        response = self.client.get(self.url())
        # 982 → 790 against 700: 68 % of the way, C; beside the plan's grade definitions.
        self.assertContains(response, "C 達成状況が50%以上75%未満</strong>（達成率 68%）")
        self.assertContains(response, "未収債権額：達成率 68%")
        self.assertNotContains(response, "ここに算出した評価が出ます")
        self.assertContains(response, "達成状況が75%以上100%未満の定義")

    def test_the_computed_grade_shows_on_the_submitted_entry_with_the_definitions(self):
        self.client.force_login(self.tax_staff)
        self.post(**self.complete(submit="1"))
        response = self.client.get(self.url())
        self.assertFalse(response.context["editable"])
        self.assertContains(response, "（達成率 68%）")
        self.assertContains(response, "<dd>達成状況が100%以上の定義</dd>", html=False)


class StepNextTests(EntryFormTestCase):
    def test_each_step_takes_its_next_steps_and_issues(self):
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertContains(response, "滞納債権の整理・回収 の今後の取組・課題")
        self.post(**self.complete(save="1"))
        row = StepYear.objects.get(step=self.step, fiscal_year=2021)
        self.assertEqual(
            (row.actual, row.progress, row.next_steps),
            ("差押えを実施", "予定どおり", "納付勧奨の外部委託"),
        )

    def test_a_caller_that_sends_no_next_steps_leaves_them_as_they_were(self):
        StepYear.objects.create(step=self.step, fiscal_year=2021, next_steps="前からの課題")
        save_entry(
            evaluation_id=self.entry.pk,
            version=self.entry.version,
            data=EntryData(do_text="x", step_actuals={self.step.pk: ("実施", "")}),
            by=self.tax_staff,
        )
        row = StepYear.objects.get(step=self.step, fiscal_year=2021)
        self.assertEqual((row.actual, row.next_steps), ("実施", "前からの課題"))


class SubmittedTests(EntryFormTestCase):
    def test_everything_entered_stays_visible_after_submitting(self):
        self.client.force_login(self.tax_staff)
        self.post(**self.complete(submit="1"))
        response = self.client.get(self.url())
        self.assertFalse(response.context["editable"])
        for text in (
            "今年度の取組状況",
            "今年度の評価",
            "今年度の見直し",
            "790百万円",
            "差押えを実施",
            "予定どおり",
            "納付勧奨の外部委託",
            "3,000,000円",
        ):
            self.assertContains(response, text)


class ReturnedTests(EntryFormTestCase):
    def returned(self):
        self.client.force_login(self.tax_staff)
        self.post(**self.complete(submit="1"))
        self.entry.refresh_from_db()
        return_entry(evaluation=self.entry, by=self.officer, comment="根拠の数値を書いてください")

    def test_a_returned_entry_shows_the_comment_at_the_top_of_the_list(self):
        self.returned()
        response = self.client.get(reverse("measures:entry_list"))
        html = response.content.decode()
        self.assertIn("差し戻された入力が1件あります", html)
        self.assertLess(html.index("根拠の数値を書いてください"), html.index("<table"))
        self.assertContains(response, "差戻しコメント：根拠の数値を書いてください")

    def test_a_returned_entry_shows_the_comment_at_the_top_of_the_form(self):
        self.returned()
        response = self.client.get(self.url())
        html = response.content.decode()
        self.assertLess(html.index("根拠の数値を書いてください"), html.index("計画内容（Plan）"))
        self.assertTrue(response.context["editable"])


class ListTests(EntryFormTestCase):
    def test_the_list_groups_entries_by_year_and_round(self):
        other = make_plan(self.city, name="第2次実施計画", first=2020, last=2024)
        make_measure(other, code="1", title="窓口の見直し", lead=self.tax)
        open_round(plan=other, fiscal_year=2020, deadline=datetime.date(2021, 5, 31), by=None)
        self.client.force_login(self.tax_staff)
        response = self.client.get(reverse("measures:entry_list"))
        groups = response.context["groups"]
        self.assertEqual(
            [(g.plan.name, g.fiscal_year) for g in groups],
            [("行政改革実施計画", 2021), ("第2次実施計画", 2020)],
        )
        self.assertContains(response, "令和3年度（2021年度） 行政改革実施計画")
        self.assertContains(response, "入力期限 2021年5月31日・1件")

    def test_the_list_query_count_does_not_grow_with_rounds(self):
        # session, user, membership, entries, grades, indicators, values, municipality
        self.client.force_login(self.tax_staff)
        with self.assertNumQueries(8):
            self.client.get(reverse("measures:entry_list"))
        other = make_plan(self.city, name="第2次実施計画", first=2020, last=2024)
        for code in "123":
            make_measure(other, code=code, title=f"取組{code}", lead=self.tax)
        open_round(plan=other, fiscal_year=2020, deadline=datetime.date(2021, 5, 31), by=None)
        with self.assertNumQueries(8):
            self.client.get(reverse("measures:entry_list"))


class ErrorSummaryTests(EntryFormTestCase):
    def test_the_error_summary_follows_the_forms_order(self):
        self.client.force_login(self.tax_staff)
        response = self.post(submit="1", actual_saving="たくさん")
        html = response.content.decode()
        start = html.index('class="error-summary"')
        summary = html[start : html.index("</ul>", start)]
        order = [
            "取組状況（Do）",
            "未収債権額 の実績値",
            "効果額 実績 歳出削減",
            "評価（Check）",
            "評価案",
        ]
        positions = [summary.index(label + "：") for label in order]
        self.assertEqual(positions, sorted(positions))
        self.assertIn('href="#proposed-grade"', summary)
        self.assertContains(response, 'id="proposed-grade"')


class OnBehalfTests(EntryFormTestCase):
    """代理入力: the reform office fills a department's entry; review still applies."""

    def test_the_office_sees_every_open_entry_of_its_municipality(self):
        finance_measure = make_measure(
            self.plan, code="2", title="補助金の見直し", lead=self.finance
        )
        Evaluation.objects.create(measure=finance_measure, fiscal_year=2021)
        self.client.force_login(self.officer)
        response = self.client.get(reverse("measures:entry_list"))
        titles = {e.measure.title for e in response.context["entries"]}
        self.assertEqual(titles, {"行政評価の見直し", "補助金の見直し"})
        self.assertContains(response, "担当課に代わって入力できます")

    def test_the_office_enters_and_submits_for_a_department_and_it_is_recorded(self):
        self.client.force_login(self.officer)
        response = self.client.get(self.url())
        self.assertTrue(response.context["proxy"])
        self.assertEqual(response.context["form"]["entered_for"].value(), self.tax.pk)
        self.post(**self.complete(submit="1", entered_for=self.tax.pk))
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.review_status, self.entry.entered_by, self.entry.entered_for),
            (Status.SUBMITTED, self.officer, self.tax),
        )
        self.assertEqual(self.entry.submitted_by, self.officer)
        # The department sees who entered it for them, on its list and the form.
        self.client.force_login(self.tax_staff)
        for url in (reverse("measures:entry_list"), self.url()):
            self.assertContains(self.client.get(url), "officerが税務課に代わって入力")

    def test_an_entry_entered_on_behalf_is_reviewed_as_usual(self):
        from measures.round.services import approve_entry

        self.client.force_login(self.officer)
        self.post(**self.complete(submit="1", entered_for=self.tax.pk))
        self.entry.refresh_from_db()
        approve_entry(evaluation=self.entry, by=self.officer)
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.review_status, self.entry.final_grade, self.entry.reviewed_by),
            (Status.APPROVED, self.grades["C"], self.officer),
        )

    def test_the_office_enters_only_for_the_measures_departments(self):
        self.client.force_login(self.officer)
        response = self.post(**self.complete(save="1", entered_for=self.finance.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("entered_for", response.context["form"].errors)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.NOT_STARTED)

    def test_the_departments_own_save_is_not_recorded_as_on_behalf(self):
        self.client.force_login(self.officer)
        self.post(**self.complete(save="1", entered_for=self.tax.pk))
        self.client.force_login(self.tax_staff)
        response = self.client.get(self.url())
        self.assertFalse(response.context["proxy"])
        self.assertNotContains(response, 'name="entered_for"')
        self.post(**self.complete(save="1", entered_for=self.finance.pk))  # ignored
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.entered_by, self.entry.entered_for), (self.tax_staff, None))

    def test_an_officer_whose_department_leads_the_measure_enters_as_that_department(self):
        self.officer.membership.departments.add(self.tax)
        self.client.force_login(self.officer)
        self.assertFalse(self.client.get(self.url()).context["proxy"])

    def test_an_officer_of_another_municipality_cannot_open_the_entry(self):
        self.client.force_login(self.other_officer)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.post(**self.complete(save="1"))
        self.assertEqual(response.status_code, 404)

    def test_a_submitted_entry_cannot_be_changed_by_the_office_here_either(self):
        self.client.force_login(self.officer)
        self.post(**self.complete(submit="1", entered_for=self.tax.pk))
        response = self.post(**self.complete(save="1", do_text="上書き", entered_for=self.tax.pk))
        self.assertRedirects(response, self.url())
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.do_text, "今年度の取組状況")


class HistoryTests(EntryFormTestCase):
    def test_the_history_speaks_plain_japanese(self):
        self.client.force_login(self.officer)
        self.post(**self.complete(save="1", entered_for=self.tax.pk))
        self.client.force_login(self.tax_staff)
        self.post(**self.complete(submit="1", do_text="直した取組状況"))
        response = self.client.get(reverse("measures:entry_history", args=[self.entry.pk]))
        html = response.content.decode()
        for text in (
            "取組状況（Do）：「今年度の取組状況」→「直した取組状況」",
            "審査状況：「入力中」→「提出済み」",
            "担当課の評価案：「」→「C 達成状況が50%以上75%未満」",
            "代理入力した部署：「税務課」→「」",
            "officerが税務課に代わって入力 — 変更（入力中）",
            "— 追加（未着手）",
            # The year's actuals join the save they were part of.
            "未収債権額 の実績値：「」→「790百万円」",
            "滞納債権の整理・回収 の今後の取組・課題：「」→「納付勧奨の外部委託」",
            "効果額 実績 歳出削減：「」→「3,000,000円」",
        ):
            self.assertIn(text, html)
        for name in ("do_text", "review_status", "draft", "submitted", "Created", "Changed"):
            self.assertNotIn(name, html.split("<main", 1)[1])

    def test_a_change_of_actuals_alone_is_its_own_line(self):
        self.client.force_login(self.tax_staff)
        self.post(**self.complete(save="1"))
        value = IndicatorValue.objects.get(
            indicator=self.indicator, kind=Kind.ACTUAL, fiscal_year=2021
        )
        value.text = "780百万円"
        value.value = 780
        value._history_date = timezone.now() + datetime.timedelta(minutes=5)
        value.save()
        entries = self.client.get(reverse("measures:entry_history", args=[self.entry.pk])).context[
            "entries"
        ]
        self.assertEqual(entries[0].status, "")
        self.assertEqual(
            [(c.label, c.old, c.new) for c in entries[0].changes],
            [("未収債権額 の実績値", "790百万円", "780百万円")],
        )

    def test_the_history_query_count_does_not_grow_with_changes(self):
        # session, user, membership, entry, records, users, departments, grades; the
        # measure's indicators and steps, the histories of their actuals, step rows and
        # effects, and the users who changed them
        self.client.force_login(self.officer)
        self.post(**self.complete(save="1", entered_for=self.tax.pk))
        url = reverse("measures:entry_history", args=[self.entry.pk])
        with self.assertNumQueries(14):
            self.client.get(url)
        for text in ("一", "二", "三"):
            self.post(
                **self.complete(
                    save="1",
                    entered_for=self.tax.pk,
                    do_text=text,
                    actual_saving=f"{len(text)}千円",
                )
            )
        with self.assertNumQueries(14):
            self.client.get(url)
