"""Public pages stored as rendered (public/stored_pages.py): served without rendering when the
page cache is cold, identical to a fresh rendering, replaced by a correction, stored ahead
when a year is published, and holding nothing a citizen may not see."""

import datetime
import re
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, publish_year, reopen_year, save_entry
from measures.tests.documents import small_document
from municipalities.tests.base import ActorsTestCase, make_staff
from public import stored_pages
from public.models import StoredPage
from public.page_cache import CSRF_PLACEHOLDER

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
DRAFT_TEXT = "入力中の実施内容で公開前のもの"


def with_placeholder(content: bytes) -> bytes:
    """A page as rendered for one visitor, with their CSRF token put back as the
    placeholder every stored page holds."""
    return TOKEN.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", content.decode()).encode()


@override_settings(SITE_URL="http://testserver", PAGE_CACHE_SECONDS=0)
class StoredPageTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan
        cls.slug = cls.plan.municipality.slug
        city = cls.plan.municipality
        cls.clerk = make_staff("clerk", city, list(city.departments.all()))
        open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.clerk
        )
        draft = Evaluation.objects.get(measure__plan=cls.plan, measure__code="1", fiscal_year=2021)
        save_entry(
            evaluation_id=draft.pk,
            version=draft.version,
            data=EntryData(do_text=DRAFT_TEXT),
            by=cls.clerk,
        )

    def setUp(self):
        caches["default"].clear()

    def url(self, name="plan", *args):
        return reverse(f"public:{name}", args=[self.slug, self.plan.pk, *args])

    def get(self, url, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **extra)
        return response, len(queries)

    def test_a_page_is_stored_on_its_first_visit_and_then_served_without_rendering(self):
        first, rendered = self.get(self.url())
        self.assertEqual(StoredPage.objects.filter(path=self.url()).count(), 1)
        second, stored = self.get(self.url())
        self.assertGreater(rendered, 10)
        self.assertEqual(stored, 2)  # the municipality's content version and the page
        self.assertEqual(with_placeholder(second.content), with_placeholder(first.content))
        self.assertNotIn(CSRF_PLACEHOLDER, second.content.decode())
        self.assertEqual(second["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("default-src 'self'", second["Content-Security-Policy"])

    def test_every_page_stored_ahead_is_the_page_rendered_fresh_in_each_language(self):
        paths = stored_pages.plan_paths(self.plan.pk)
        self.assertEqual(stored_pages.render(paths), 2 * len(paths))
        kinds = {"/measures/", "/pillars/", "/reports/", "/api/v1/plans/", "/m/"}
        self.assertTrue(all(any(kind in path for path in paths) for kind in kinds))
        for language in ("ja", "en"):
            cookie = {settings.LANGUAGE_COOKIE_NAME: language}
            self.client.cookies.load(cookie)
            for path in paths:
                with self.subTest(path=path, language=language):
                    row = StoredPage.objects.get(path=path, language=language)
                    with override_settings(STORED_PAGES=False):
                        fresh = self.client.get(path)
                    self.assertEqual(fresh.status_code, 200)
                    self.assertEqual(row.content, with_placeholder(fresh.content))
                    served, queries = self.get(path)
                    self.assertEqual(queries, 2)
                    self.assertEqual(with_placeholder(served.content), row.content)
                    self.assertEqual(served["Content-Type"], fresh["Content-Type"])

    def test_a_correction_replaces_the_stored_pages(self):
        report = self.url("report", 2020)
        stored_pages.render([report])
        before = StoredPage.objects.get(path=report, language="ja")
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        with self.captureOnCommitCallbacks(execute=True):
            publish_year(plan=self.plan, fiscal_year=2020, by=self.officer, note="数値の訂正")
        after = StoredPage.objects.get(path=report, language="ja")
        self.assertEqual(after.pk, before.pk)  # one row per address, replaced
        self.assertNotEqual(after.version, before.version)
        self.assertIn("数値の訂正", after.content.decode())
        self.assertNotIn("数値の訂正", before.content.decode())
        served, queries = self.get(report)
        self.assertEqual(queries, 2)
        self.assertIn("数値の訂正", served.content.decode())

    def test_publishing_a_year_stores_the_plans_main_pages_ahead(self):
        Evaluation.objects.filter(measure__plan=self.plan, fiscal_year=2021).update(
            review_status="approved"
        )
        with self.captureOnCommitCallbacks(execute=True):
            publish_year(plan=self.plan, fiscal_year=2021, by=self.officer)
        stored = set(StoredPage.objects.values_list("path", "language"))
        for path in (
            self.url(),
            self.url("report", 2021),
            reverse("api:plan", args=[self.plan.pk]),
        ):
            self.assertIn((path, "ja"), stored)
            self.assertIn((path, "en"), stored)
        # Each measure's page waits for its first visitor (or render_pages).
        self.assertFalse(any(re.search(r"/measures/\d+/", path) for path, _ in stored))
        _response, queries = self.get(self.url("report", 2021))
        self.assertEqual(queries, 2)

    def test_nothing_unpublished_is_stored(self):
        paths = stored_pages.plan_paths(self.plan.pk)
        stored_pages.render(paths)
        self.client.get(self.url() + "?year=2021")
        for row in StoredPage.objects.all():
            self.assertNotIn(DRAFT_TEXT, row.content.decode())
        self.assertFalse(StoredPage.objects.filter(path__contains="2021").exists())

    def test_a_plan_off_the_public_site_has_no_stored_pages_served_or_written(self):
        stored_pages.render([self.url()])
        self.plan.is_public = False
        self.plan.save()
        StoredPage.objects.all().delete()
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(
            stored_pages.render([self.url(), reverse("api:plan", args=[self.plan.pk])]), 0
        )
        self.assertEqual(stored_pages.plan_paths(self.plan.pk), [])
        self.assertFalse(StoredPage.objects.exists())

    def test_a_stored_page_of_an_older_version_is_never_served(self):
        stored_pages.render([self.url()])
        self.plan.name = "第二次行政改革プラン"
        self.plan.save()
        page = self.client.get(self.url()).content.decode()
        self.assertIn("第二次行政改革プラン", page)
        self.assertIn(
            "第二次行政改革プラン",
            StoredPage.objects.get(path=self.url(), language="ja").content.decode(),
        )

    def test_signed_in_staff_and_addresses_with_made_up_queries_are_not_stored(self):
        self.client.force_login(self.officer)
        self.client.get(self.url())
        self.client.logout()
        made_up = [
            self.url() + "?year=1999",  # not a published year: the page shows the latest
            self.url() + "?year=02020",
            self.url() + "?year=",
            self.url("report", 2020) + "?layout=nonsense",
            self.url("report", 2020) + "?revision=9",
            self.url("search") + "?q=公金",  # a search's words
            self.url("search") + "?grade=B",  # the search stores no query at all
            reverse("public:compare_grades") + "?pref=99",
            reverse("public:compare_grades") + "?page=2",
            reverse("public:compare_effects") + "?year=2020",
        ]
        for url in made_up:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertFalse(StoredPage.objects.exists())

    def test_addresses_whose_query_holds_only_known_choices_are_stored(self):
        pref = self.plan.municipality.code[:2]
        chosen = {
            self.url() + "?year=2019": self.url(),
            self.url("report", 2020) + "?layout=pdca": self.url("report", 2020),
            self.url("report", 2020) + "?layout=pdca&revision=1": self.url("report", 2020),
            reverse("public:compare_grades") + f"?pref={pref}&size=": "/compare/grades/",
            reverse("public:compare_effects") + "?basis=cumulative": "/compare/effects/",
        }
        for url, path in chosen.items():
            with self.subTest(url):
                first = self.client.get(url + "&utm_source=mail")  # dropped before storing
                self.assertTrue(StoredPage.objects.filter(path=path).exists())
                StoredPage.objects.filter(path=path).delete()
                self.client.get(url)
                row = StoredPage.objects.get(path=path)
                served, queries = self.get(url)
                self.assertEqual(queries, 2)  # the versions and the stored page
                self.assertEqual(with_placeholder(served.content), row.content)
                self.assertEqual(with_placeholder(served.content), with_placeholder(first.content))
                row.delete()
        self.assertIn("令和元年度", self.client.get(self.url() + "?year=2019").content.decode())

    def test_a_database_refusing_the_write_costs_only_the_next_rendering(self):
        with (
            mock.patch(
                "django.db.models.query.QuerySet.bulk_create",
                side_effect=DatabaseError("read-only"),
            ),
            self.assertLogs("public.stored_pages", "WARNING"),
        ):
            response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(StoredPage.objects.exists())

    @override_settings(STORED_PAGES=False)
    def test_stored_pages_can_be_turned_off(self):
        self.client.get(self.url())
        self.assertEqual(stored_pages.render([self.url()]), 0)
        self.assertFalse(StoredPage.objects.exists())

    @override_settings(SITE_URL="https://reform.example.jp")
    def test_nothing_is_stored_ahead_for_a_site_address_this_deployment_does_not_answer(self):
        with self.assertLogs("public.stored_pages", "WARNING"):
            self.assertEqual(stored_pages.render([self.url()]), 0)

    def test_the_command_stores_every_page_of_the_chosen_plans(self):
        out = StringIO()
        call_command("render_pages", "--plan", str(self.plan.pk), stdout=out)
        count = 2 * len(stored_pages.plan_paths(self.plan.pk))
        self.assertEqual(StoredPage.objects.count(), count)
        self.assertIn(f"{count:,}ページを保存しました", out.getvalue())
        call_command("render_pages", "--plan", str(self.plan.pk), "--without-measures", stdout=out)
        self.assertEqual(StoredPage.objects.count(), count)  # replaced, not added
