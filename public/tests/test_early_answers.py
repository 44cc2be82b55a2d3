"""Cached public pages are answered before most of the middleware runs
(page_cache.EarlyAnswerMiddleware), with the same headers, cookies and CSRF token handling
as the full stack gives them."""

import re
from unittest import mock

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.test import Client, override_settings
from django.urls import reverse

from municipalities.tests.base import make_staff
from public.page_cache import page_cache
from public.tests.published_plan import PublishedPlanTestCase

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EARLY = "public.page_cache.EarlyAnswerMiddleware"
WITHOUT_EARLY = [name for name in settings.MIDDLEWARE if name != EARLY]
# Headers that differ between any two answers.
PER_ANSWER = {"Set-Cookie", "Date"}


class EarlyAnswerTests(PublishedPlanTestCase):
    def urls(self) -> dict[str, str]:
        slug, pk = self.slug, self.plan.pk
        return {
            "plan page": reverse("public:plan", args=[slug, pk]),
            "plan page of a year": reverse("public:plan", args=[slug, pk]) + "?year=2019",
            "report": reverse("public:report", args=[slug, pk, 2020]),
            "download": reverse("public:download", args=[slug, pk, "json"]),
            "API plan": reverse("api:plan", args=[pk]),
            "API measures": reverse("api:measures", args=[pk]),
            "home": reverse("public:home"),
        }

    def early(self, url: str, client: Client | None = None, **extra):
        """The answer, and whether the layers below the early answer ran for it."""
        with mock.patch.object(
            AuthenticationMiddleware,
            "process_request",
            autospec=True,
            side_effect=AuthenticationMiddleware.process_request,
        ) as authentication:
            response = (client or self.client).get(url, **extra)
        return response, authentication.called

    def test_a_cached_answer_comes_early_with_the_headers_of_the_full_stack(self):
        for name, url in self.urls().items():
            with self.subTest(name):
                page_cache().clear()
                with override_settings(MIDDLEWARE=WITHOUT_EARLY):
                    Client().get(url)  # rendered and cached
                    full = Client().get(url)  # cached, through every layer
                early, below_ran = self.early(url, Client())
                self.assertFalse(below_ran)
                self.assertEqual(early.status_code, 200)
                self.assertEqual(
                    {k: v for k, v in early.headers.items() if k not in PER_ANSWER},
                    {k: v for k, v in full.headers.items() if k not in PER_ANSWER},
                )
                self.assertEqual(
                    TOKEN.sub("", early.content.decode()), TOKEN.sub("", full.content.decode())
                )
                self.assertEqual(sorted(early.cookies), sorted(full.cookies))

    def test_the_first_rendering_and_pages_not_cached_go_through_every_layer(self):
        url = self.urls()["plan page"]
        _first, below_ran = self.early(url)
        self.assertTrue(below_ran)
        _second, below_ran = self.early(url)
        self.assertFalse(below_ran)
        missing = reverse("public:plan", args=[self.slug, self.plan.pk + 1000])
        response, below_ran = self.early(missing)
        self.assertEqual(response.status_code, 404)
        self.assertTrue(below_ran)

    def test_signed_in_staff_are_never_answered_early(self):
        url = self.urls()["plan page"]
        self.client.get(url)
        staff = make_staff("officer", self.plan.municipality, [], officer=True)
        signed_in = Client()
        signed_in.force_login(staff)
        response, below_ran = self.early(url, signed_in)
        self.assertTrue(below_ran)
        self.assertContains(response, "ログアウト")

    def test_a_new_visitor_gets_a_token_and_can_switch_language_from_an_early_answer(self):
        url = self.urls()["plan page"]
        self.client.get(url)
        visitor = Client(enforce_csrf_checks=True)
        page, below_ran = self.early(url, visitor)
        self.assertFalse(below_ran)
        self.assertIn(settings.CSRF_COOKIE_NAME, page.cookies)
        token = TOKEN.search(page.content.decode()).group(1)
        switched = visitor.post(
            reverse("set_language"),
            {"language": "en", "next": url, "csrfmiddlewaretoken": token},
        )
        self.assertEqual(switched.status_code, 302)
        english, below_ran = self.early(url, visitor)
        self.assertEqual(english["Content-Language"], "en")
        self.assertIn('lang="en"', english.content.decode())

    def test_a_returning_visitor_keeps_their_token(self):
        url = self.urls()["plan page"]
        visitor = Client(enforce_csrf_checks=True)
        visitor.get(url)
        cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
        again, below_ran = self.early(url, visitor)
        self.assertFalse(below_ran)
        # Sent again to renew its expiry, as Django does, with the same secret.
        self.assertEqual(again.cookies[settings.CSRF_COOKIE_NAME].value, cookie)
        token = TOKEN.search(again.content.decode()).group(1)
        switched = visitor.post(
            reverse("set_language"),
            {"language": "en", "next": url, "csrfmiddlewaretoken": token},
        )
        self.assertEqual(switched.status_code, 302)

    def test_a_visitor_holding_the_current_version_gets_304_early(self):
        url = self.urls()["API plan"]
        first = self.client.get(url)
        response, below_ran = self.early(url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(response.status_code, 304)
        self.assertFalse(below_ran)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_with_the_cache_off_stored_pages_are_answered_early(self):
        url = self.urls()["plan page"]
        self.client.get(url)
        response, below_ran = self.early(url)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(below_ran)
