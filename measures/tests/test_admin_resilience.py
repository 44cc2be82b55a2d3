"""Admin pages answer every request without a server error: the history page of every
registered admin, every list filter given a malformed value, and an entry's change form
whatever is posted to it; the review status changes only through the review actions."""

import logging
from urllib.parse import urlencode

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse

from measures.models import Evaluation
from measures.tests.factories import make_measure
from measures.tests.full_plan import make_full_plan
from municipalities.scoping import scope_queryset
from municipalities.tests.base import ActorsTestCase

Status = Evaluation.ReviewStatus
# Values typed into an address by hand: text, numbers beyond any column, a NUL character.
MALFORMED = ["abc", "-1", "99999999999999999999", "\x00"]
# The change list's own parameters: search, ordering, page, show all.
CHANGE_LIST_PARAMETERS = ["q", "o", "p", "all"]


def admin_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class AdminResilienceTestCase(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.world = make_full_plan(cls.city, "西宮", "nishinomiya-clerk")
        login = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "officer"}
        login |= {"http_accept": "*/*", "path_info": "/accounts/login/"}
        AccessAttempt.objects.create(**login, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**login)
        AccessFailureLog.objects.create(**login)

    def setUp(self):
        # A server error becomes a 500 answer to count, not an exception that stops the walk.
        self.client.raise_request_exception = False
        # The expected 404s and the 400s for NUL (logged by Django as security errors) would
        # bury the report of a real failure; server errors are still logged.
        for name, level in (
            ("django.request", logging.ERROR),
            ("django.security", logging.CRITICAL),
        ):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(level)

    def may_view(self, user, model) -> bool:
        codename = f"{model._meta.app_label}.%s_{model._meta.model_name}"
        return user.has_perm(codename % "view") or user.has_perm(codename % "change")

    def one_object(self, model, user):
        return scope_queryset(model._default_manager.order_by("pk"), user).first()


class HistoryPageTests(AdminResilienceTestCase):
    def check_history_pages(self, user):
        self.client.force_login(user)
        wrong = {}
        for model in admin.site._registry:
            obj = self.one_object(model, user)
            self.assertIsNotNone(obj, f"make a {admin_label(model)} in setUpTestData")
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            expected = 200 if self.may_view(user, model) else 403
            status = self.client.get(url).status_code
            if status != expected:
                wrong[admin_label(model)] = (status, expected)
        self.assertEqual(wrong, {}, "(status, expected) of each admin's history page")

    def test_every_admins_history_page_opens_for_a_superuser(self):
        self.check_history_pages(self.superuser)

    def test_every_admins_history_page_opens_for_a_reform_officer(self):
        self.check_history_pages(self.officer)

    def test_a_recorded_version_opens_and_models_without_recorded_versions_have_no_such_page(
        self,
    ):
        self.client.force_login(self.superuser)
        measure = self.world.measure
        version = measure.history.latest("history_date")
        url = reverse("admin:measures_measure_simple_history", args=[measure.pk, version.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        grade = self.world.plan.grades.first()
        url = reverse("admin:measures_grade_history", args=[grade.pk]) + "1/"
        # The admin reads an unknown address below an object as an old change-page address.
        self.assertEqual(self.client.get(url, follow=True).status_code, 404)

    def test_a_recorded_version_cannot_be_restored_over_a_published_entry(self):
        entry = self.world.evaluation
        first = entry.history.earliest("history_date")
        Evaluation.objects.filter(pk=entry.pk).update(
            review_status=Status.PUBLISHED, published_at=entry.submitted_at, do_text="公表した内容"
        )
        self.client.force_login(self.officer)
        url = reverse("admin:measures_evaluation_simple_history", args=[entry.pk, first.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url,
            {
                "measure": entry.measure_id,
                "fiscal_year": entry.fiscal_year,
                "review_status": Status.SUBMITTED,
                "do_text": "書き換えた",
            },
        )
        self.assertEqual(response.status_code, 403)
        entry.refresh_from_db()
        self.assertEqual((entry.review_status, entry.do_text), (Status.PUBLISHED, "公表した内容"))


class MalformedFilterTests(AdminResilienceTestCase):
    def check_filters(self, user):
        self.client.force_login(user)
        failures = {}
        for model in admin.site._registry:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            response = self.client.get(url)
            if response.status_code != 200:
                continue  # not this user's to see
            parameters = list(CHANGE_LIST_PARAMETERS)
            for spec in response.context["cl"].filter_specs:
                parameters.extend(spec.expected_parameters())
            for parameter in parameters:
                for value in MALFORMED:
                    status = self.client.get(f"{url}?{urlencode({parameter: value})}").status_code
                    if status >= 500:
                        failures[f"{admin_label(model)} ?{parameter}={value!r}"] = status
        self.assertEqual(failures, {}, "filter values answered with a server error")

    def test_no_list_filter_fails_on_a_malformed_value_for_a_superuser(self):
        self.check_filters(self.superuser)

    def test_no_list_filter_fails_on_a_malformed_value_for_a_reform_officer(self):
        self.check_filters(self.officer)

    def test_a_value_a_filter_does_not_offer_is_refused_like_any_invalid_lookup(self):
        self.client.force_login(self.officer)
        queue = reverse("admin:measures_evaluation_changelist")
        for parameter in ("department", "pillar", "grade"):
            with self.subTest(parameter=parameter):
                response = self.client.get(queue, {parameter: "abc"})
                self.assertRedirects(response, f"{queue}?e=1", fetch_redirect_response=False)

    def test_the_filters_still_find_the_entries(self):
        self.client.force_login(self.officer)
        queue = reverse("admin:measures_evaluation_changelist")
        department = self.world.department.pk
        for query in ({"department": department}, {"pillar": self.world.pillar.pk}):
            with self.subTest(query=query):
                response = self.client.get(queue, query)
                self.assertEqual(
                    [e.pk for e in response.context["cl"].result_list], [self.world.evaluation.pk]
                )


class ReviewFormTests(AdminResilienceTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.officer)
        self.entry = self.world.evaluation
        self.url = reverse("admin:measures_evaluation_change", args=[self.entry.pk])

    def post(self, **changes):
        data = {
            "measure": self.entry.measure_id,
            "fiscal_year": self.entry.fiscal_year,
            "status": "",
            "plan_text": "",
            "do_text": self.entry.do_text,
            "check_text": "",
            "action_text": "",
            "proposed_grade": self.entry.proposed_grade_id,
            "final_grade": "",
            "override_reason": "",
            "review_status": self.entry.review_status,
            "review_comment": "",
            "opened_version": Evaluation.objects.get(pk=self.entry.pk).version,
            **changes,
        }
        return self.client.post(self.url, data)

    def test_choosing_published_as_the_review_status_changes_nothing(self):
        response = self.post(review_status=Status.PUBLISHED)
        self.assertEqual(response.status_code, 302)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.review_status, Status.SUBMITTED)
        self.assertIsNone(self.entry.published_at)

    def test_no_review_status_can_be_set_from_the_form(self):
        for status in (Status.APPROVED, Status.RETURNED, Status.NOT_STARTED):
            with self.subTest(status=status):
                self.post(review_status=status)
                self.entry.refresh_from_db()
                self.assertEqual(self.entry.review_status, Status.SUBMITTED)

    def test_the_measure_and_year_of_an_existing_entry_stay_as_they_are(self):
        other = make_measure(self.world.plan, code="2", title="西宮の別の取組")
        response = self.post(measure=other.pk, fiscal_year=2022, do_text="書き直した")
        self.assertEqual(response.status_code, 302)
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.measure_id, self.entry.fiscal_year, self.entry.do_text),
            (self.world.measure.pk, 2021, "書き直した"),
        )

    def test_the_change_form_shows_the_review_status_without_a_field_for_it(self):
        response = self.client.get(self.url)
        form = response.context["adminform"].form
        self.assertNotIn("review_status", form.fields)
        self.assertNotIn("measure", form.fields)
        self.assertNotIn("fiscal_year", form.fields)
        self.assertContains(response, Status.SUBMITTED.label)

    def test_a_new_entry_takes_its_measure_and_year_and_starts_not_started(self):
        other = make_measure(self.world.plan, code="2", title="西宮の別の取組")
        response = self.client.post(
            reverse("admin:measures_evaluation_add"),
            {"measure": other.pk, "fiscal_year": 2022, "review_status": Status.PUBLISHED},
        )
        self.assertEqual(response.status_code, 302)
        created = Evaluation.objects.get(measure=other)
        self.assertEqual((created.fiscal_year, created.review_status), (2022, Status.NOT_STARTED))
