"""The app keeps no state on its own machine and runs with the shared Redis cache."""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.test import TestCase, override_settings
from django.urls import reverse

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"reform-test-{uuid.uuid4().hex[:8]}",
    }
}


def redis_reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        raise AssertionError(
            f"These tests need a Redis server at {REDIS_URL} (Debian: apt-get install redis-server; "
            "redis-server --daemonize yes), or TEST_REDIS_URL pointing at one."
        ) from error


@override_settings(CACHES=REDIS_CACHE, SESSION_ENGINE="django.contrib.sessions.backends.cache")
class RedisCacheTests(TestCase):
    def setUp(self):
        redis_reachable()
        caches["default"].clear()

    def test_cache_round_trip_through_redis(self):
        cache = caches["default"]
        cache.set("plan-document", {"measures": ["1"]}, 30)
        self.assertEqual(cache.get("plan-document"), {"measures": ["1"]})
        self.assertEqual(type(cache).__name__, "RedisCache")

    def test_pages_and_sessions_work_with_the_shared_cache(self):
        from municipalities.tests.base import make_municipality, make_staff

        city = make_municipality()
        make_staff("redis-user", city, [city.departments.create(name="企画課")])
        self.assertEqual(self.client.get(reverse("public:home")).status_code, 200)
        response = self.client.post(
            reverse("login"), {"username": "redis-user", "password": "test-password-2026"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get(reverse("measures:entry_list")).status_code, 200)

    def test_public_pages_are_cached_in_redis_and_follow_changes(self):
        import redis
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from measures.plan_files.importing import import_plan_document
        from measures.tests.documents import small_document

        plan = import_plan_document(small_document(), publish=True).plan
        url = reverse("public:plan", args=[plan.municipality.slug, plan.pk])
        self.client.get(url)
        prefix = REDIS_CACHE["default"]["KEY_PREFIX"]
        stored = redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*page:*")
        self.assertEqual(len(stored), 1)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(url)
        self.assertEqual(len(queries), 1)
        plan.vision = "共有キャッシュを通る新しい将来像"
        plan.save()
        self.assertContains(self.client.get(url), "共有キャッシュを通る新しい将来像")


class FileStorageTests(TestCase):
    def test_an_uploaded_import_file_waits_in_the_configured_storage(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from measures.models import Plan
        from measures.plan_files.workbook.files import write_xlsx
        from measures.plan_files.workbook.writing import document_to_tables
        from measures.tests.documents import small_document
        from municipalities.tests.base import make_municipality, make_staff

        city = make_municipality(slug="nishinomiya")
        officer = make_staff("office", city, [city.departments.create(name="企画課")], officer=True)
        self.client.force_login(officer)
        url = reverse("admin:measures_plan_import")
        with tempfile.TemporaryDirectory() as shared:
            storages = {
                **settings.STORAGES,
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": shared},
                },
            }
            with override_settings(STORAGES=storages):
                upload = SimpleUploadedFile(
                    "plan.xlsx", write_xlsx(document_to_tables(small_document()))
                )
                preview = self.client.post(url, {"file": upload})
                waiting = list(Path(shared).rglob("*"))
                self.assertTrue([path for path in waiting if path.is_file()])
                confirm = preview.context["confirm_form"].initial
                self.client.post(url, {**confirm, "publish": ""})
        self.assertEqual(Plan.objects.get().measures.count(), 2)


class SettingsTests(TestCase):
    def test_cache_url_selects_redis_and_a_bad_one_stops_start_up(self):
        base = {"PATH": os.environ.get("PATH", ""), "SECRET_KEY": "k" * 50}
        script = "import reform.settings as s; print(s.CACHES['default']['BACKEND'])"
        run = lambda **env: subprocess.run(  # noqa: E731
            [sys.executable, "-c", script],
            cwd=Path(settings.BASE_DIR),
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertIn("RedisCache", run(CACHE_URL="redis://cache:6379/0").stdout)
        self.assertIn("LocMemCache", run().stdout)
        self.assertIn("CACHE_URL must be", run(CACHE_URL="memcached://x").stderr)

    def test_the_file_storage_is_chosen_in_the_environment(self):
        script = "import reform.settings as s; print(s.STORAGES['default'])"
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=Path(settings.BASE_DIR),
            env={
                "PATH": os.environ.get("PATH", ""),
                "SECRET_KEY": "k" * 50,
                "FILE_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
                "FILE_STORAGE_OPTIONS": '{"bucket_name": "reform-uploads"}',
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertIn("'BACKEND': 'storages.backends.s3.S3Storage'", result.stdout)
        self.assertIn("'OPTIONS': {'bucket_name': 'reform-uploads'}", result.stdout)

    def test_sessions_are_not_kept_on_the_app_server(self):
        self.assertIn(
            settings.SESSION_ENGINE,
            ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"),
        )
        self.assertNotIn("file", settings.SESSION_ENGINE)
