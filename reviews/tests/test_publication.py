"""The committee's results are public with their year: conclusions beside the self-grades,
opinions with the office's responses, and the next year's 反映状況. Nothing of a review in
progress, or of a year not (or no longer) published, reaches the pages, search, downloads
or the API."""

from django.urls import reverse

from measures.models import Evaluation, Report
from measures.round.services import publish_year, reopen_year
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_measure,
    make_pillar,
    make_plan,
)
from municipalities.tests.base import ActorsTestCase
from public.page_cache import page_cache
from reviews import services
from reviews.models import Opinion, OpinionProgress, OpinionStatus
from reviews.tests.factories import make_body, make_question, make_round, make_unit
from reviews.tests.test_round import grade_all

APPROVED = Evaluation.ReviewStatus.APPROVED
OPINION = "滞納整理の手法を見直し、早期の催告を徹底すること"
RESPONSE = "令和3年度から催告の時期を1か月早める"
REFLECTION = "催告を前倒しし、収納率が0.5ポイント向上した"
IN_PROGRESS = "審議中の意見（まだ公表しない）"
MEMBER_COMMENT = "委員1の実績（Check）への意見"
SELF_ANSWER = "人員不足が課題である（自己点検）"


class PublicationTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        grades = make_grades(cls.plan)
        cls.pillar = make_pillar(cls.plan)
        cls.measure = make_measure(
            cls.plan, "1", "未収債権の回収", pillar=cls.pillar, lead=cls.finance
        )
        cls.tax_measure = make_measure(cls.plan, "2", "収納率の向上", lead=cls.tax)
        for measure in (cls.measure, cls.tax_measure):
            for year in (2020, 2021):
                make_evaluation(measure, year, review_status=APPROVED, final_grade=grades["B"])
        cls.question = make_question(cls.plan)
        # Per department, five viewpoints, A–E, five members, the mean.
        cls.body = make_body(cls.plan)
        cls.unit = make_unit(cls.body, cls.finance)
        make_unit(cls.body, cls.tax, order=1)
        cls.round = make_round(cls.body, 2020)
        grade_all(cls.body, cls.round, cls.unit)
        services.save_self_evaluation(
            round_=cls.round,
            unit=cls.unit,
            version=0,
            grades={v.pk: cls.body.scheme["A"] for v in cls.body.viewpoint_list},
            answers={cls.question.pk: SELF_ANSWER},
            by=cls.finance_staff,
        )
        services.conclude_round(round_=cls.round, by=cls.officer)
        cls.opinion = Opinion.objects.create(
            round=cls.round,
            unit=cls.unit,
            viewpoint=cls.body.viewpoint_list[2],
            text=OPINION,
            response=RESPONSE,
            responsible_department=cls.finance,
        )

    def setUp(self):
        page_cache().clear()

    def public_urls(self):
        slug, pk = self.city.slug, self.plan.pk
        return [
            reverse("public:plan", args=[slug, pk]),
            reverse("public:measure", args=[slug, pk, self.measure.pk]),
            reverse("public:pillar", args=[slug, pk, self.pillar.pk]),
            reverse("public:search", args=[slug, pk]) + "?q=滞納",
            reverse("public:download", args=[slug, pk, "json"]),
            reverse("public:report", args=[slug, pk, 2020]),
            reverse("api:plan", args=[pk]),
            reverse("api:measures", args=[pk]),
            *(reverse("reviews_public:year", args=[slug, pk, y]) for y in (2020, 2021)),
        ]

    def shown(self, *texts) -> dict[str, list[str]]:
        found = {}
        for url in self.public_urls():
            content = self.client.get(url).content.decode()
            hits = [t for t in texts if t in content]
            if hits:
                found[url] = hits
        return found

    def year_url(self, year):
        return reverse("reviews_public:year", args=[self.city.slug, self.plan.pk, year])

    def test_nothing_of_the_review_is_public_before_its_year_is_published(self):
        self.assertEqual(self.shown(OPINION, RESPONSE, "外部評価", "極めて良好"), {})
        self.assertEqual(self.client.get(self.year_url(2020)).status_code, 404)

    def test_publishing_the_year_shows_the_conclusion_beside_the_self_grades(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        page = self.client.get(self.year_url(2020))
        self.assertEqual(page.status_code, 200)
        rows = self.grade_rows(page.content.decode(), "財政課")
        # Mean of the members' grades per viewpoint (see test_round), self-grades all A.
        self.assertEqual(
            rows,
            [
                ("計画の妥当性（Plan）", "B 良好", "A 極めて良好"),
                ("取組過程（Do）", "B 良好", "A 極めて良好"),
                ("実績（Check）", "C 概ね妥当", "A 極めて良好"),
                ("実施後の対応（Action）", "C 概ね妥当", "A 極めて良好"),
                ("総合", "B 良好", "A 極めて良好"),
            ],
        )
        self.assertContains(page, OPINION)
        self.assertContains(page, RESPONSE)
        measure_page = self.client.get(
            reverse("public:measure", args=[self.city.slug, self.plan.pk, self.measure.pk])
        )
        self.assertContains(measure_page, "委員会の評価")
        self.assertContains(measure_page, OPINION)
        # The tax department's measure shows no other department's review.
        tax_page = self.client.get(
            reverse("public:measure", args=[self.city.slug, self.plan.pk, self.tax_measure.pk])
        )
        self.assertNotContains(tax_page, OPINION)
        plan_page = self.client.get(reverse("public:plan", args=[self.city.slug, self.plan.pk]))
        self.assertContains(plan_page, self.year_url(2020))

    def test_a_change_to_a_published_review_is_served_at_once_with_the_page_cache_on(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        measure_url = reverse(
            "public:measure", args=[self.city.slug, self.plan.pk, self.measure.pk]
        )
        with self.settings(PAGE_CACHE_SECONDS=600):
            self.assertContains(self.client.get(self.year_url(2020)), RESPONSE)
            self.assertContains(self.client.get(measure_url), OPINION)
            Opinion.objects.filter(pk=self.opinion.pk).update(response="")  # no signal
            opinion = Opinion.objects.get(pk=self.opinion.pk)
            opinion.response = "対応方針を改めた"
            opinion.save()
            self.assertContains(self.client.get(self.year_url(2020)), "対応方針を改めた")
            self.assertContains(self.client.get(measure_url), "対応方針を改めた")

    def grade_rows(self, html: str, unit_name: str):
        import re

        caption = html.index(f"：{unit_name}</caption>")
        body = html[caption : html.index("</table>", caption)]
        return [
            tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row)
            for row in re.findall(
                r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', body
            )
        ]

    def test_members_own_grades_comments_and_self_check_answers_are_never_public(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertEqual(self.shown(MEMBER_COMMENT, "委員1"), {})

    def test_an_opinion_answered_one_year_shows_its_reflection_with_the_next_year(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        OpinionProgress.objects.create(
            opinion=self.opinion, fiscal_year=2021, status=OpinionStatus.PARTLY, text=REFLECTION
        )
        next_round = make_round(self.body, 2021)
        # Recorded but not yet published with its year.
        self.assertEqual(self.shown(REFLECTION), {})
        # The opinion is still open for the next year's entry.
        self.assertEqual(services.open_opinions_for(self.measure, 2021), [self.opinion])
        grade_all(self.body, next_round, self.unit)
        services.conclude_round(round_=next_round, by=self.officer)
        publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        page_2020 = self.client.get(self.year_url(2020))
        self.assertContains(page_2020, REFLECTION)
        self.assertContains(page_2020, "一部反映")
        page_2021 = self.client.get(self.year_url(2021))
        self.assertContains(page_2021, "前年度までの意見の反映状況")
        self.assertContains(page_2021, REFLECTION)
        # 一部反映 keeps it open for 2022.
        self.assertEqual(services.open_opinions_for(self.measure, 2022), [self.opinion])

    def test_a_review_in_progress_stays_hidden_even_when_its_year_is_published(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        next_round = make_round(self.body, 2021)
        grade_all(self.body, next_round, self.unit)
        Opinion.objects.create(round=next_round, unit=self.unit, text=IN_PROGRESS)
        publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        self.assertEqual(self.shown(IN_PROGRESS), {})
        self.assertEqual(self.client.get(self.year_url(2021)).status_code, 404)

    def test_reopening_the_year_for_correction_hides_its_review_again(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertNotEqual(self.shown(OPINION), {})
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertEqual(self.shown(OPINION, RESPONSE), {})

    def test_a_review_of_a_plan_that_is_not_public_is_not_public(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.plan.is_public = False
        self.plan.save()
        self.assertEqual(self.client.get(self.year_url(2020)).status_code, 404)

    def test_a_published_years_review_cannot_be_reopened(self):
        from django.core.exceptions import ValidationError

        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        with self.assertRaises(ValidationError):
            services.reopen_round(round_=self.round)


class DemoCommitteeCommandTests(ActorsTestCase):
    def test_the_demo_committee_is_published_with_the_plans_first_published_year(self):
        from io import StringIO

        from django.core.management import call_command

        plan = make_plan(self.city, is_public=True)
        measure = make_measure(plan, "1", "未収債権の回収", lead=self.finance)
        make_evaluation(measure, 2020, review_status=APPROVED)
        publish_year(plan=plan, fiscal_year=2020, by=self.officer)
        call_command("demo_committee", str(plan.pk), stdout=StringIO())
        page = self.client.get(reverse("reviews_public:year", args=[self.city.slug, plan.pk, 2020]))
        self.assertContains(page, "成果指標の実績が目標に届かない理由")
        self.assertContains(page, "財政課")
        # The 2021 round is open for the members; its 反映状況 waits for 2021's publication.
        self.assertNotContains(page, "未達成の理由を記載した")
        # The office adds the review to the year's report as a new revision; the first stays.
        first, second = Report.objects.filter(plan=plan, fiscal_year=2020).order_by("revision")
        self.assertNotIn("reviews", first.content)
        self.assertEqual(second.note, "外部評価の結果を追加")
        self.assertIn("成果指標の実績が目標に届かない理由", str(second.content["reviews"]))


class UnitKindPublicationTests(ActorsTestCase):
    """A body reviewing measures shows on the measure's page, one reviewing pillars on the
    pillar's page, each only there."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        cls.pillar = make_pillar(cls.plan)
        cls.other_pillar = make_pillar(cls.plan, code="Ⅱ", title="市民サービスの向上", order=1)
        cls.measure = make_measure(cls.plan, "1", "未収債権の回収", pillar=cls.pillar)
        cls.other = make_measure(cls.plan, "2", "窓口の改善", pillar=cls.other_pillar)
        for measure in (cls.measure, cls.other):
            make_evaluation(measure, 2020, review_status=APPROVED)
        for kind, target, text, prefix in (
            ("measure", cls.measure, "取組への意見", "m"),
            ("pillar", cls.pillar, "柱への意見", "p"),
        ):
            body = make_body(
                cls.plan, name=f"{kind}の委員会", unit_kind=kind, members=3, prefix=prefix
            )
            unit = make_unit(body, target)
            round_ = make_round(body, 2020)
            grade_all(body, round_, unit, ["AAAAA", "BBBBB", "CCCCC"])
            services.conclude_round(round_=round_, by=None)
            Opinion.objects.create(round=round_, unit=unit, text=text, response="対応する")
        publish_year(plan=cls.plan, fiscal_year=2020, by=None)

    def page(self, name, *args):
        return self.client.get(reverse(name, args=[self.city.slug, self.plan.pk, *args]))

    def test_a_measure_body_shows_on_its_measure_only(self):
        page = self.page("public:measure", self.measure.pk)
        self.assertContains(page, "取組への意見")
        self.assertContains(page, "B 良好")
        self.assertNotContains(page, "柱への意見")
        self.assertNotContains(self.page("public:measure", self.other.pk), "取組への意見")

    def test_a_pillar_body_shows_on_its_pillar_only(self):
        self.assertContains(self.page("public:pillar", self.pillar.pk), "柱への意見")
        self.assertNotContains(self.page("public:pillar", self.other_pillar.pk), "柱への意見")

    def test_the_year_page_reads_in_english_too(self):
        from django.conf import settings

        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.page("reviews_public:year", 2020)
        self.assertContains(page, "Opinions and responses")
        self.assertContains(page, "External review of")
