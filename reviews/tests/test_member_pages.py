"""A committee member's own pages: they see only their body's units under review, enter
their grades safely, and reach nothing of the staff pages, the admin or another
municipality."""

from django.urls import reverse

from measures.models import Evaluation
from measures.tests.factories import make_evaluation, make_grades, make_measure, make_plan
from municipalities.tests.base import ActorsTestCase
from reviews.models import Aggregation, Conclusion, MemberGrade
from reviews.tests.factories import make_body, make_round, make_unit


class MemberPagesTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        grades = make_grades(cls.plan)
        cls.finance_measure = make_measure(cls.plan, "1", "未収債権の回収", lead=cls.finance)
        cls.tax_measure = make_measure(cls.plan, "2", "市税の収納率向上", lead=cls.tax)
        make_evaluation(
            cls.finance_measure,
            2020,
            do_text="督促を強化した（公表済み）",
            final_grade=grades["B"],
            review_status=Evaluation.ReviewStatus.PUBLISHED,
            published_at="2021-06-01T00:00:00Z",
        )
        make_evaluation(cls.finance_measure, 2021, do_text="下書きの取組状況")
        cls.body = make_body(cls.plan, aggregation=Aggregation.CHAIR)
        cls.unit = make_unit(cls.body, cls.finance)
        cls.round = make_round(cls.body, 2021)
        cls.chair, cls.member = cls.body.member_list[0], cls.body.member_list[1]
        # A second body of the same plan reviewing the tax department.
        cls.other_body = make_body(cls.plan, name="外部評価委員会", prefix="other", members=1)
        cls.other_unit = make_unit(cls.other_body, cls.tax)
        cls.other_round = make_round(cls.other_body, 2021)
        # Another municipality's committee.
        foreign_plan = make_plan(cls.other_city, name="山陽小野田の計画")
        cls.foreign_body = make_body(foreign_plan, name="山陽小野田委員会", prefix="f", members=1)
        cls.foreign_unit = make_unit(cls.foreign_body, cls.other_department)
        cls.foreign_round = make_round(cls.foreign_body, 2021)

    def sheet_url(self, round_=None, unit=None):
        return reverse("reviews:sheet", args=[(round_ or self.round).pk, (unit or self.unit).pk])

    def post_sheet(self, version=0, grade="B", comment="丁寧な説明を求める"):
        data = {"version": version}
        for viewpoint in self.body.viewpoint_list:
            data[f"grade_{viewpoint.pk}"] = self.body.scheme[grade].pk
            data[f"comment_{viewpoint.pk}"] = comment
        return self.client.post(self.sheet_url(), data)

    def test_a_member_sees_only_their_bodys_units(self):
        self.client.force_login(self.member.user)
        response = self.client.get(reverse("reviews:home"))
        self.assertContains(response, "財政課")
        self.assertNotContains(response, "税務課")
        self.assertNotContains(response, "山陽小野田")

    def test_a_members_sheet_shows_the_published_results_only(self):
        self.client.force_login(self.member.user)
        response = self.client.get(self.sheet_url())
        self.assertContains(response, "督促を強化した（公表済み）")
        self.assertNotContains(response, "下書きの取組状況")
        self.assertNotContains(response, "市税の収納率向上")

    def test_a_member_cannot_open_another_bodys_or_municipalitys_units(self):
        self.client.force_login(self.member.user)
        for round_, unit in (
            (self.other_round, self.other_unit),
            (self.foreign_round, self.foreign_unit),
            (self.round, self.other_unit),
        ):
            self.assertEqual(self.client.get(self.sheet_url(round_, unit)).status_code, 404)

    def test_a_member_cannot_reach_the_staff_pages_or_the_admin(self):
        self.client.force_login(self.member.user)
        # The staff's list of entries is not theirs: it takes them to the committee's pages.
        self.assertRedirects(
            self.client.get(reverse("measures:entry_list")), reverse("reviews:home")
        )
        evaluation = self.finance_measure.evaluations.get(fiscal_year=2021)
        self.assertEqual(
            self.client.get(reverse("measures:entry", args=[evaluation.pk])).status_code, 404
        )
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(response, f"{reverse('admin:login')}?next={reverse('admin:index')}")
        response = self.client.get(reverse("admin:reviews_reviewbody_changelist"))
        self.assertEqual(response.status_code, 302)
        department_page = reverse("reviews:self_evaluation", args=[self.round.pk, self.unit.pk])
        self.assertEqual(self.client.get(department_page).status_code, 404)

    def test_staff_who_are_not_members_get_no_committee_pages(self):
        self.client.force_login(self.finance_staff)
        self.assertEqual(self.client.get(reverse("reviews:home")).status_code, 404)
        self.assertEqual(self.client.get(self.sheet_url()).status_code, 404)

    def test_a_member_saves_their_grades_and_comments(self):
        self.client.force_login(self.member.user)
        response = self.post_sheet()
        self.assertRedirects(response, self.sheet_url())
        saved = MemberGrade.objects.filter(sheet__member=self.member)
        self.assertEqual([g.grade.code for g in saved], ["B"] * 5)
        self.assertContains(self.client.get(self.sheet_url()), "丁寧な説明を求める")

    def test_a_second_save_from_a_stale_form_shows_both_versions_and_overwrites_nothing(self):
        self.client.force_login(self.member.user)
        self.post_sheet(version=0, grade="A", comment="最初の保存")
        response = self.post_sheet(version=0, grade="E", comment="古い画面からの保存")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "別の画面で先に保存されています")
        self.assertContains(response, "最初の保存")
        self.assertContains(response, "古い画面からの保存")
        codes = set(
            MemberGrade.objects.filter(sheet__member=self.member).values_list(
                "grade__code", flat=True
            )
        )
        self.assertEqual(codes, {"A"})

    def test_a_garbled_post_is_answered_without_a_server_error(self):
        self.client.force_login(self.member.user)
        viewpoint = self.body.viewpoint_list[0]
        for data in (
            {"version": "abc"},
            {"version": 0, f"grade_{viewpoint.pk}": "999999"},
            {"version": -1},
            {},
        ):
            self.assertEqual(self.client.post(self.sheet_url(), data).status_code, 200)
        self.assertFalse(MemberGrade.objects.exists())

    def test_only_the_chair_sets_and_concludes_the_bodys_grades(self):
        conclusion_url = reverse("reviews:conclusion", args=[self.round.pk, self.unit.pk])
        conclude_url = reverse("reviews:conclude", args=[self.round.pk])
        self.client.force_login(self.member.user)
        self.post_sheet(grade="C")
        self.assertEqual(self.client.get(conclusion_url).status_code, 404)
        self.assertEqual(self.client.post(conclude_url).status_code, 404)
        self.client.force_login(self.chair.user)
        page = self.client.get(conclusion_url)
        self.assertContains(page, "委員2")
        data = {f"grade_{v.pk}": self.body.scheme["B"].pk for v in self.body.viewpoint_list}
        self.client.post(conclusion_url, data)
        self.client.post(conclude_url)
        self.round.refresh_from_db()
        self.assertFalse(self.round.is_open)
        self.assertEqual(
            set(Conclusion.objects.filter(round=self.round).values_list("grade__code", flat=True)),
            {"B"},
        )
        # Nothing more can be entered; the member's page shows what they gave.
        self.client.force_login(self.member.user)
        self.post_sheet(version=1, grade="E")
        self.assertFalse(MemberGrade.objects.filter(grade__code="E").exists())
        page = self.client.get(self.sheet_url())
        self.assertContains(page, "C 概ね妥当")
        self.assertNotContains(page, '<form method="post" novalidate')


class SelfEvaluationPageTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        cls.body = make_body(cls.plan, members=1)
        cls.unit = make_unit(cls.body, cls.finance)
        cls.round = make_round(cls.body, 2021)
        cls.url = reverse("reviews:self_evaluation", args=[cls.round.pk, cls.unit.pk])

    def test_the_reviewed_department_enters_its_self_grades_as_it_decides(self):
        self.client.force_login(self.finance_staff)
        data = {"version": 0}
        data.update({f"grade_{v.pk}": self.body.scheme["A"].pk for v in self.body.viewpoint_list})
        self.assertRedirects(self.client.post(self.url, data), self.url)
        self.assertContains(self.client.get(self.url), "selected")

    def test_another_department_or_municipality_cannot_open_it(self):
        for user in (self.tax_staff, self.other_officer):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)


class SelfEvaluationListTests(ActorsTestCase):
    def test_a_department_finds_the_units_it_self_evaluates_and_no_others(self):
        plan = make_plan(self.city)
        body = make_body(plan, members=1)
        make_unit(body, self.finance)
        make_unit(body, self.tax, order=1)
        make_round(body, 2021)
        url = reverse("reviews:self_evaluation_list")
        self.client.force_login(self.finance_staff)
        page = self.client.get(url)
        self.assertContains(page, "財政課")
        self.assertNotContains(page, "税務課")
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(url), "税務課")
        self.client.force_login(self.other_officer)
        self.assertNotContains(self.client.get(url), "財政課")
        self.client.force_login(body.member_list[0].user)
        self.assertEqual(self.client.get(url).status_code, 404)
