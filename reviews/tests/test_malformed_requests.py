"""Hand-edited addresses and posts to the review pages are answered 4xx or a form, never 5xx."""

import logging

from django.test import TestCase

from measures.tests.factories import make_plan
from municipalities.tests.base import make_department, make_municipality
from reviews.tests.factories import make_body, make_round, make_unit

BAD = ["abc", "-1", "99999999999999999999", "x" * 2000, "0"]


class MalformedReviewRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        city = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        cls.plan = make_plan(city, is_public=True)
        cls.body = make_body(cls.plan, members=2)
        cls.unit = make_unit(cls.body, make_department(city, "財政課"))
        cls.round = make_round(cls.body, 2021)

    def setUp(self):
        self.client.raise_request_exception = False
        logger = logging.getLogger("django.request")
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.CRITICAL)

    def statuses(self, paths, method="get", data=None):
        return {
            path: status
            for path in paths
            if (status := getattr(self.client, method)(path, data or {}).status_code) >= 500
        }

    def test_bad_ids_and_years_in_the_path_never_cause_a_server_error(self):
        self.client.force_login(self.body.member_list[0].user)
        paths = []
        for bad in BAD:
            paths += [
                f"/committee/rounds/{bad}/units/{self.unit.pk}/",
                f"/committee/rounds/{self.round.pk}/units/{bad}/",
                f"/committee/rounds/{self.round.pk}/units/{bad}/conclusion/",
                f"/committee/rounds/{bad}/units/{self.unit.pk}/self-evaluation/",
                f"/m/nishinomiya/plans/{self.plan.pk}/reviews/{bad}/",
                f"/m/nishinomiya/plans/{bad}/reviews/2021/",
            ]
        self.assertEqual(self.statuses(paths), {})
        self.assertEqual(self.statuses([p for p in paths if "committee" in p], "post"), {})

    def test_bad_values_in_the_forms_never_cause_a_server_error(self):
        chair = self.body.member_list[0]
        self.client.force_login(chair.user)
        sheet = f"/committee/rounds/{self.round.pk}/units/{self.unit.pk}/"
        failures = {}
        for bad in [*BAD, "\x00"]:
            data = {"version": bad}
            for viewpoint in self.body.viewpoint_list:
                data[f"grade_{viewpoint.pk}"] = bad
                data[f"comment_{viewpoint.pk}"] = bad * 3
            for path in (
                sheet,
                sheet + "conclusion/",
                f"/committee/rounds/{self.round.pk}/conclude/",
            ):
                status = self.client.post(path, data).status_code
                if status >= 500:
                    failures[f"{path} {bad[:10]!r}"] = status
        self.assertEqual(failures, {})

    def test_the_year_page_of_a_year_without_a_public_review_is_not_found(self):
        self.assertEqual(
            self.client.get(f"/m/nishinomiya/plans/{self.plan.pk}/reviews/2021/").status_code, 404
        )
