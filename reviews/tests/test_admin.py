"""The reform office sets up its committees in the admin: members get sign-in accounts
with no admin or staff access, and nothing of another municipality can be reached."""

from django.urls import reverse

from measures.tests.factories import make_plan
from municipalities.tests.base import ActorsTestCase
from reviews.models import ReviewBody, ReviewMember, ReviewRound
from reviews.tests.factories import make_body, make_round, make_unit


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


class ReviewAdminTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        cls.foreign_plan = make_plan(cls.other_city, name="山陽小野田の計画")

    def add_body(self, username: str, password: str = "a-long-member-password-2026"):
        data = {
            "plan": self.plan.pk,
            "name": "行政改革推進委員会",
            "unit_kind": "department",
            "aggregation": "mean",
            "order": 0,
            **management("viewpoints", 1),
            "viewpoints-0-order": 0,
            "viewpoints-0-label": "総合",
            **management("grades", 1),
            "grades-0-order": 0,
            "grades-0-code": "A",
            "grades-0-label": "極めて良好",
            **management("units", 1),
            "units-0-order": 0,
            "units-0-department": self.finance.pk,
            **management("members", 1),
            "members-0-order": 0,
            "members-0-display_name": "山田花子",
            "members-0-username": username,
            "members-0-password": password,
            "members-0-is_chair": "on",
        }
        self.client.force_login(self.officer)
        return self.client.post(reverse("admin:reviews_reviewbody_add"), data)

    def test_the_office_adds_a_body_whose_member_gets_a_committee_only_account(self):
        response = self.add_body("yamada")
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        member = ReviewMember.objects.get()
        self.assertEqual(member.user.username, "yamada")
        self.assertFalse(member.user.is_staff)
        self.assertFalse(hasattr(member.user, "membership"))
        self.assertTrue(member.user.check_password("a-long-member-password-2026"))
        self.assertEqual(ReviewBody.objects.get().units.get().department, self.finance)

    def test_a_staff_account_cannot_be_made_a_member(self):
        for username in (self.finance_staff.username, self.other_officer.username):
            response = self.add_body(username)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "このログインIDは委員には使えません。")
        self.assertFalse(ReviewMember.objects.exists())

    def test_another_municipalitys_committee_member_cannot_be_taken_over(self):
        foreign = make_body(self.foreign_plan, prefix="foreign", members=1)
        response = self.add_body(foreign.member_list[0].user.username)
        self.assertContains(response, "このログインIDは委員には使えません。")

    def test_another_municipalitys_rounds_are_not_found(self):
        foreign = make_body(self.foreign_plan, prefix="foreign", members=1)
        round_ = make_round(foreign)
        self.client.force_login(self.officer)
        url = reverse("admin:reviews_reviewround_change", args=[round_.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        listing = self.client.get(reverse("admin:reviews_reviewbody_changelist"))
        self.assertNotContains(listing, "山陽小野田")

    def test_the_office_concludes_a_round_from_the_list(self):
        body = make_body(self.plan, members=1)
        unit = make_unit(body, self.finance)
        round_ = make_round(body)
        from reviews import services

        services.save_member_sheet(
            round_=round_,
            unit=unit,
            member=body.member_list[0],
            version=0,
            entries={body.viewpoint_list[0].pk: (body.scheme["B"], "")},
        )
        self.client.force_login(self.officer)
        self.client.post(
            reverse("admin:reviews_reviewround_changelist"),
            {"action": "conclude", "_selected_action": [round_.pk]},
        )
        self.assertEqual(ReviewRound.objects.get(pk=round_.pk).status, "concluded")


class PublishedReviewAdminTests(ActorsTestCase):
    """What is public with a year is shown in the admin, not changed, until the year is
    reopened for correction."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from measures.models import Evaluation
        from measures.tests.factories import make_evaluation, make_measure

        cls.plan = make_plan(cls.city, is_public=True)
        measure = make_measure(cls.plan, lead=cls.finance)
        make_evaluation(measure, 2020, review_status=Evaluation.ReviewStatus.APPROVED)
        cls.body = make_body(cls.plan, members=1)
        cls.unit = make_unit(cls.body, cls.finance)
        cls.round = make_round(cls.body, 2020)

    def test_a_published_opinion_and_a_concluded_self_evaluation_are_read_only(self):
        from measures.round.services import publish_year
        from reviews import services
        from reviews.models import Opinion

        evaluation = services.save_self_evaluation(
            round_=self.round,
            unit=self.unit,
            version=0,
            grades={self.body.viewpoint_list[0].pk: self.body.scheme["A"]},
            answers={},
            by=self.officer,
        )
        opinion = Opinion.objects.create(round=self.round, unit=self.unit, text="当初の意見")
        services.conclude_round(round_=self.round, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.client.force_login(self.officer)
        url = reverse("admin:reviews_opinion_change", args=[opinion.pk])
        page = self.client.get(url)
        self.assertNotContains(page, 'name="text"')
        self.client.post(url, {"text": "書き換えた意見", **management("progress", 0)})
        opinion.refresh_from_db()
        self.assertEqual(opinion.text, "当初の意見")
        page = self.client.get(reverse("admin:reviews_selfevaluation_change", args=[evaluation.pk]))
        self.assertNotContains(page, 'name="grades-0-grade"')

    def test_a_published_years_reflection_is_read_only_and_none_is_added_for_it(self):
        from measures.models import Evaluation
        from measures.round.services import publish_year
        from measures.tests.factories import make_evaluation
        from reviews import services
        from reviews.models import Opinion, OpinionProgress

        opinion = Opinion.objects.create(round=self.round, unit=self.unit, text="意見")
        services.conclude_round(round_=self.round, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        make_evaluation(
            self.plan.measures.get(), 2021, review_status=Evaluation.ReviewStatus.APPROVED
        )
        published = OpinionProgress.objects.create(
            opinion=opinion, fiscal_year=2021, status="partly", text="一部を反映した"
        )
        publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        self.client.force_login(self.officer)
        url = reverse("admin:reviews_opinion_change", args=[opinion.pk])

        def post(rows: list[dict]) -> object:
            data = {**management("progress", len(rows)), "progress-INITIAL_FORMS": 1}
            for index, row in enumerate(rows):
                data.update({f"progress-{index}-{key}": value for key, value in row.items()})
            return self.client.post(url, data)

        existing = {"id": published.pk, "opinion": opinion.pk, "fiscal_year": 2021}
        # Changing or deleting the published year's row leaves it as it was published.
        post([{**existing, "status": "reflected", "text": "書き換えた", "DELETE": "on"}])
        published.refresh_from_db()
        self.assertEqual((published.status, published.text), ("partly", "一部を反映した"))
        # A new row for a published year is refused with the reason; a later year is taken.
        kept = {**existing, "status": "partly", "text": "一部を反映した"}
        response = post([kept, {"fiscal_year": 2021, "status": "reflected", "text": "追加"}])
        self.assertContains(response, "令和3年度（2021年度）は公表済みです")
        self.assertEqual(OpinionProgress.objects.filter(opinion=opinion).count(), 1)
        post([kept, {"fiscal_year": 2022, "status": "considering", "text": "検討を続ける"}])
        self.assertEqual(
            list(opinion.progress.order_by("fiscal_year").values_list("fiscal_year", flat=True)),
            [2021, 2022],
        )


class OfficeGroupTests(ActorsTestCase):
    def test_migrating_gives_existing_reform_officers_the_review_permissions(self):
        from django.contrib.auth.models import Group

        from municipalities.services import REFORM_OFFICE_GROUP
        from reviews.apps import refresh_reform_office_group

        group = Group.objects.get(name=REFORM_OFFICE_GROUP)
        group.permissions.clear()
        refresh_reform_office_group()
        self.assertTrue(group.permissions.filter(codename="change_opinion").exists())
        self.assertFalse(group.permissions.filter(codename="change_conclusion").exists())


class NameOnlyMemberAdminTests(ActorsTestCase):
    """Members imported from a plan file have no account: the admin shows and keeps them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        cls.body = ReviewBody.objects.create(plan=cls.plan, name="外部評価委員会")
        cls.member = ReviewMember.objects.create(body=cls.body, display_name="山田花子")

    def test_the_body_page_of_a_name_only_member_opens_and_saves_without_an_account(self):
        self.client.force_login(self.officer)
        url = reverse("admin:reviews_reviewbody_change", args=[self.body.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        data = {
            "plan": self.plan.pk,
            "name": "外部評価委員会",
            "unit_kind": "measure",
            "aggregation": "mean",
            "order": 0,
            **management("viewpoints", 0),
            **management("grades", 0),
            **management("units", 0),
            **management("members", 1),
            "members-INITIAL_FORMS": 1,
            "members-0-id": self.member.pk,
            "members-0-body": self.body.pk,
            "members-0-order": 0,
            "members-0-display_name": "山田花子（委員長）",
            "members-0-username": "",
            "members-0-password": "",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.member.refresh_from_db()
        self.assertEqual(self.member.display_name, "山田花子（委員長）")
        self.assertIsNone(self.member.user)
