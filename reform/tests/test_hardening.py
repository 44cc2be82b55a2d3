"""Production hardening: security headers, login protection, sessions, deploy checks, the
database-down page and structured logs (backup and restore: test_backup_restore.py)."""

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db.utils import OperationalError
from django.test import TestCase
from django.urls import reverse

from municipalities.tests.base import PASSWORD, ActorsTestCase
from reform.logging import JsonFormatter

BASE_DIR = Path(settings.BASE_DIR)


class SecurityHeaderTests(ActorsTestCase):
    def test_every_kind_of_page_has_a_policy_without_inline_script(self):
        self.client.force_login(self.officer)
        for url in [
            reverse("public:home"),
            reverse("login"),
            reverse("admin:index"),
            reverse("measures:entry_list"),
        ]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Content-Security-Policy"]
                directives = dict(
                    part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
                )
                self.assertEqual(directives["script-src"], "'self'")
                self.assertEqual(directives["frame-ancestors"], "'none'")
                self.assertNotIn("unsafe-inline", directives["script-src"])

    def test_no_page_template_holds_an_inline_script(self):
        for template in (BASE_DIR / "templates").rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            self.assertNotRegex(text, r"<script(?![^>]*\bsrc=)", template.name)
            self.assertNotRegex(text, r"\son[a-z]+=", template.name)


class LoginProtectionTests(ActorsTestCase):
    def attempt(self, username, password, address):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_five_failures_lock_that_user_from_that_address_only(self):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.attempt("finance-staff", "wrong", "10.0.0.1")
        locked = self.attempt("finance-staff", PASSWORD, "10.0.0.1")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "ログインを一時的に停止しています", status_code=429)
        # A colleague behind the same office address still signs in,
        colleague = self.attempt("tax-staff", PASSWORD, "10.0.0.1")
        self.assertEqual(colleague.status_code, 302)
        # and so does the same person from another address.
        self.client.logout()
        elsewhere = self.attempt("finance-staff", PASSWORD, "10.0.0.2")
        self.assertEqual(elsewhere.status_code, 302)

    def test_sessions_expire_and_cookies_are_protected(self):
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 8 * 60 * 60)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)


class DeployCheckTests(TestCase):
    def test_production_settings_pass_the_deploy_check_without_warnings(self):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "SECRET_KEY": "a-long-production-secret-key-for-the-deploy-check-0123456789",
            "ALLOWED_HOSTS": "reform.example.jp",
            "SECURE_COOKIES": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
            "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/deploy.sqlite3",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)


class DatabaseDownTests(ActorsTestCase):
    def test_a_clear_503_page_instead_of_a_stack_trace_and_recovery_after(self):
        url = reverse("public:home")
        with mock.patch(
            "public.views.published.public_municipalities", side_effect=OperationalError("down")
        ):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "ただいま利用できません", status_code=503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertNotContains(response, "Traceback", status_code=503)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_health_endpoint_checks_the_database(self):
        self.assertEqual(self.client.get(reverse("municipalities:health")).status_code, 200)


class StructuredLogTests(TestCase):
    def test_a_log_line_is_one_json_object_with_its_extra_fields(self):
        record = logging.LogRecord(
            "reform", logging.ERROR, __file__, 1, "database %s", ("down",), None
        )
        record.path = "/"
        line = json.loads(JsonFormatter().format(record))
        self.assertEqual(
            (line["level"], line["message"], line["path"]), ("ERROR", "database down", "/")
        )
