"""Public pages come from the page cache until their municipality's data changes, and never
stale: each visitor gets their own CSRF token, signed-in staff are never served a cached
page, and only good answers are kept."""

import re
from unittest import mock

from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Measure
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from municipalities.models import Municipality
from municipalities.tests.base import make_department, make_municipality, make_staff
from public.page_cache import CSRF_PLACEHOLDER, page_cache
from public.tests.published_plan import PublishedPlanTestCase

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(small_document(), publish=True).plan
        cls.slug = cls.plan.municipality.slug
        cls.other_city = make_municipality("352161", "山陽小野田市", "山口県", "sanyo-onoda")

    def setUp(self):
        page_cache().clear()

    def url(self, name="plan", *args):
        return reverse(f"public:{name}", args=[self.slug, self.plan.pk, *args])

    def get(self, url, client=None, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = (client or self.client).get(url, **extra)
        return response, len(queries)

    def test_a_second_visit_is_served_from_the_cache_with_one_query(self):
        first, rendered = self.get(self.url())
        second, cached = self.get(self.url())
        self.assertGreater(rendered, 5)
        self.assertEqual(cached, 1)  # the municipality's content version
        self.assertEqual(
            TOKEN.sub("", second.content.decode()), TOKEN.sub("", first.content.decode())
        )
        self.assertIn("default-src 'self'", second["Content-Security-Policy"])
        self.assertEqual(second["Content-Type"], "text/html; charset=utf-8")

    def test_each_visitor_gets_their_own_token_and_can_switch_language_from_a_cached_page(self):
        self.get(self.url())  # rendered for someone else and cached
        visitor = Client(enforce_csrf_checks=True)
        page, queries = self.get(self.url(), client=visitor)
        self.assertEqual(queries, 1)
        token = TOKEN.search(page.content.decode()).group(1)
        self.assertNotIn("csrf-token-of-this-visitor", page.content.decode())
        other_token = TOKEN.search(self.client.get(self.url()).content.decode()).group(1)
        self.assertNotEqual(token, other_token)
        switched = visitor.post(
            reverse("set_language"),
            {"language": "en", "next": self.url(), "csrfmiddlewaretoken": token},
        )
        self.assertEqual(switched.status_code, 302)
        english, _ = self.get(self.url(), client=visitor)
        self.assertContains(english, '<html lang="en">')
        japanese, queries = self.get(self.url())
        self.assertContains(japanese, '<html lang="ja">')
        self.assertEqual(queries, 1)  # each language is cached on its own

    def test_a_change_to_the_plan_shows_on_the_very_next_visit(self):
        measure = Measure.objects.filter(plan=self.plan).first()
        self.get(self.url("measure", measure.pk))
        measure.title = "差し替えた取組名"
        measure.save()
        response, queries = self.get(self.url("measure", measure.pk))
        self.assertContains(response, "差し替えた取組名")
        self.assertGreater(queries, 1)
        for url in (self.url("search"), self.url("pillar", measure.pillar_id)):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "差し替えた取組名")
        api = self.client.get(reverse("api:plan", args=[self.plan.pk]))
        self.assertContains(api, "差し替えた取組名")

    def test_a_plan_taken_off_the_public_site_is_gone_at_once(self):
        self.assertEqual(self.get(self.url())[0].status_code, 200)
        self.plan.is_public = False
        self.plan.save()
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("api:plan", args=[self.plan.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("public:home")), self.plan.municipality.name)

    def test_another_municipalitys_change_leaves_the_cached_page_in_place(self):
        self.get(self.url())
        make_department(self.other_city, "企画課")
        self.assertEqual(self.get(self.url())[1], 1)

    def test_lists_of_all_municipalities_follow_any_municipalitys_change(self):
        self.get(reverse("public:home"))
        city = self.plan.municipality
        city.name = "西宮市（改称）"
        city.save()
        self.assertContains(self.client.get(reverse("public:home")), "西宮市（改称）")
        self.assertContains(self.client.get(reverse("api:municipalities")), "西宮市（改称）")

    def test_signed_in_staff_are_never_served_a_cached_page(self):
        self.get(self.url())
        staff = make_staff(
            "clerk", self.plan.municipality, [self.plan.municipality.departments.first()]
        )
        self.client.force_login(staff)
        response = self.client.get(self.url())
        self.assertContains(response, "ログアウト")
        self.client.logout()
        self.assertNotContains(self.client.get(self.url()), "ログアウト")

    def test_answers_other_than_200_are_not_kept(self):
        missing = reverse("public:measure", args=[self.slug, self.plan.pk, 999999])
        self.assertEqual(self.get(missing)[0].status_code, 404)
        response, queries = self.get(missing)
        self.assertEqual(response.status_code, 404)
        self.assertGreater(queries, 1)
        # The error page's language switch carries the visitor's token, not the placeholder.
        self.assertRegex(response.content.decode(), r'csrfmiddlewaretoken" value="\w{64}"')
        self.assertEqual(
            self.client.get(reverse("public:municipality", args=["nowhere"])).status_code, 404
        )

    def test_downloads_and_api_answers_keep_their_headers_from_the_cache(self):
        download = reverse("public:download", args=[self.slug, self.plan.pk, "json"])
        api = reverse("api:plan", args=[self.plan.pk])
        for url in (download, api):
            first, _ = self.get(url)
            second, queries = self.get(url)
            with self.subTest(url=url):
                self.assertEqual(queries, 1)
                self.assertEqual(second.content, first.content)
                self.assertEqual(second["Content-Type"], first["Content-Type"])
        self.assertEqual(self.client.get(download)["X-Licence"], "CC BY 4.0")
        self.assertIn("attachment", self.client.get(download)["Content-Disposition"])
        self.assertEqual(self.client.get(api)["Access-Control-Allow-Origin"], "*")

    @override_settings(ALLOWED_HOSTS=["reform.example.jp", "www.reform.example.jp"])
    def test_each_host_name_gets_api_links_to_itself(self):
        url = reverse("api:municipalities")
        for host in ("reform.example.jp", "www.reform.example.jp", "reform.example.jp"):
            with self.subTest(host=host):
                response = self.client.get(url, HTTP_HOST=host)
                links = re.findall(r'"url": ?"https?://([^/]+)/', response.content.decode())
                self.assertEqual(set(links), {host})

    def test_a_new_release_does_not_serve_pages_rendered_by_the_old_code(self):
        self.get(self.url())
        with mock.patch("public.page_cache.code_fingerprint", return_value="next-release"):
            self.assertGreater(self.get(self.url())[1], 1)
            self.assertEqual(self.get(self.url())[1], 1)

    def test_data_that_reads_like_the_placeholder_is_left_as_it_is_in_data_answers(self):
        measure = Measure.objects.filter(plan=self.plan).first()
        measure.title = f"取組 {CSRF_PLACEHOLDER}"
        measure.save()
        for _ in range(2):
            self.assertContains(
                self.client.get(reverse("api:plan", args=[self.plan.pk])), CSRF_PLACEHOLDER
            )

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_the_page_cache_can_be_turned_off(self):
        self.get(self.url())
        self.assertGreater(self.get(self.url())[1], 1)

    def test_a_cached_page_is_rendered_again_after_any_write_of_its_municipality(self):
        self.get(self.url())
        version = Municipality.objects.get(pk=self.plan.municipality_id).content_version
        self.plan.vision = "新しい将来像"
        self.plan.save()
        self.assertNotEqual(
            Municipality.objects.get(pk=self.plan.municipality_id).content_version, version
        )
        self.assertContains(self.client.get(self.url()), "新しい将来像")


class UnreadParameterTests(PublishedPlanTestCase):
    """Query parameters a page does not read neither bypass the cache nor reach the page."""

    def count_queries(self, url: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode(), len(queries)

    def test_random_parameters_are_served_from_the_cache(self):
        plan = reverse("public:plan", args=[self.slug, self.plan.pk])
        report = reverse("public:report", args=[self.slug, self.plan.pk, 2020])
        for url in (plan, report, reverse("public:home"), reverse("api:plan", args=[self.plan.pk])):
            with self.subTest(url=url):
                self.count_queries(f"{url}?x=first-random-value")
                _, queries = self.count_queries(f"{url}?x=second-random-value&utm_source=mail")
                self.assertEqual(queries, 1)

    def test_the_parameters_a_page_reads_still_make_their_own_pages(self):
        plan = reverse("public:plan", args=[self.slug, self.plan.pk])
        self.count_queries(f"{plan}?year=2019")
        page, queries = self.count_queries(f"{plan}?year=2020&x=1")
        self.assertGreater(queries, 1)
        self.assertIn('<option value="2020" selected>', page)
        _, queries = self.count_queries(f"{plan}?x=2&year=2020")
        self.assertEqual(queries, 1)

    def test_an_unread_parameter_never_appears_in_a_page_served_to_others(self):
        plan = reverse("public:plan", args=[self.slug, self.plan.pk])
        poisoned, _ = self.count_queries(f"{plan}?campaign=poisoned-value")
        self.assertNotIn("poisoned-value", poisoned)
        served, queries = self.count_queries(plan)
        self.assertEqual(queries, 1)
        self.assertNotIn("poisoned-value", served)
