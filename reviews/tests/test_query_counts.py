"""The committee pages and the public review pages make the same number of queries with
10 and with 1,000 rows (measures, units, opinions)."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation, Measure, MeasureDepartment
from measures.round.services import publish_year
from measures.tests.factories import make_grades, make_plan
from municipalities.tests.base import make_department, make_municipality, make_staff
from public.page_cache import page_cache
from reviews import services
from reviews.models import Opinion, OpinionProgress, ReviewUnit
from reviews.tests.factories import make_body, make_round, make_unit
from reviews.tests.test_round import grade_all


def build(n: int, code: str, name: str, prefecture: str, slug: str) -> dict:
    city = make_municipality(code, name, prefecture, slug)
    finance = make_department(city, "財政課")
    plan = make_plan(city, is_public=True)
    grades = make_grades(plan)
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, code=str(i + 1), title=f"取組{i + 1}", order=i) for i in range(n)
    )
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(measure=m, department=finance) for m in measures
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            measure=m,
            fiscal_year=2020,
            do_text="実施した",
            final_grade=grades["B"],
            review_status=Evaluation.ReviewStatus.APPROVED,
        )
        for m in measures
    )
    body = make_body(plan, prefix=f"{slug}-a")
    unit = make_unit(body, finance)
    done = make_round(body, 2020)
    grade_all(body, done, unit)
    services.conclude_round(round_=done, by=None)
    opinions = Opinion.objects.bulk_create(
        Opinion(round=done, unit=unit, order=i, text=f"意見{i}", response="対応する")
        for i in range(n)
    )
    OpinionProgress.objects.bulk_create(
        OpinionProgress(opinion=o, fiscal_year=2021, status="considering") for o in opinions
    )
    publish_year(plan=plan, fiscal_year=2020, by=None)
    open_round = make_round(body, 2021)
    per_measure = make_body(plan, name="外部評価委員会", unit_kind="measure", prefix=f"{slug}-b")
    ReviewUnit.objects.bulk_create(
        ReviewUnit(body=per_measure, kind="measure", measure=m, order=i)
        for i, m in enumerate(measures)
    )
    make_round(per_measure, 2021)
    slug_args = [slug, plan.pk]
    return {
        "public": {
            "year": reverse("reviews_public:year", args=[*slug_args, 2020]),
            "measure": reverse("public:measure", args=[*slug_args, measures[0].pk]),
        },
        "member": (
            body.member_list[1].user,
            {"sheet": reverse("reviews:sheet", args=[open_round.pk, unit.pk])},
        ),
        "chair": (
            body.member_list[0].user,
            {"conclusion": reverse("reviews:conclusion", args=[open_round.pk, unit.pk])},
        ),
        "per measure": (per_measure.member_list[1].user, {"home": reverse("reviews:home")}),
        "department": (
            make_staff(f"{slug}-staff", city, [finance]),
            {"self-evaluations": reverse("reviews:self_evaluation_list")},
        ),
    }


class ReviewQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.small = build(10, "282049", "西宮市", "兵庫県", "small")
        cls.large = build(1000, "352161", "山陽小野田市", "山口県", "large")

    def counts(self, built) -> dict[str, int]:
        result = {}
        for name, url in built["public"].items():
            page_cache().clear()
            self.client.logout()
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200, url)
            result[name] = len(queries)
        for user, urls in (
            built["member"],
            built["chair"],
            built["per measure"],
            built["department"],
        ):
            self.client.force_login(user)
            for name, url in urls.items():
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200, url)
                result[name] = len(queries)
        return result

    # Each public page is rendered (the stored pages are measured with the public pages').
    @override_settings(STORED_PAGES=False)
    def test_query_counts_are_the_same_for_10_and_1000_rows(self):
        small, large = self.counts(self.small), self.counts(self.large)
        self.assertEqual(small, large)
        # year page: content version, plan, the years of public reviews, whether the year's
        # review is public; for the grades:
        # reports, rounds and entries of the plan (published years), conclusions, self-grades,
        # opinions with their progress; for the 意見一覧表 the same years again, opinions,
        # progress, earlier years' progress.
        self.assertEqual(large["year"], 17)
        # sheet: session, user, round, member, unit, viewpoints, grades, the sheet, published
        # material (measures, departments, evaluations), the self-evaluation and its rows;
        # for the header's links, the user's staff membership (none) and committee memberships.
        self.assertEqual(large["sheet"], 16)
