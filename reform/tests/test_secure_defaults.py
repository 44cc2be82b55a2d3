"""Production defaults are the secure ones: HTTPS redirect, HSTS and secure cookies (the
language cookie as well as the session's) are on unless explicitly turned off, so the
deploy check passes with nothing but a key and the host names. The test settings turn the
redirect off explicitly, since the test client speaks plain HTTP."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {"SECRET_KEY": "a-long-production-secret-key-for-the-deploy-check-0123456789"}
PRODUCTION |= {"ALLOWED_HOSTS": "reform.example.jp"}
HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
]


def run(arguments: list[str], **environment) -> subprocess.CompletedProcess:
    """Run Python in a fresh interpreter with exactly these variables (and PATH)."""
    env = {"PATH": os.environ.get("PATH", ""), **environment}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def https_settings(**environment) -> dict:
    script = (
        "import json, reform.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {HTTPS_SETTINGS!r}}}))"
    )
    result = run(["-c", script], **environment)
    if result.returncode:
        raise AssertionError(result.stderr)
    return json.loads(result.stdout)


class DeployDefaultsTests(SimpleTestCase):
    def test_the_deploy_check_passes_with_only_a_key_and_the_host_names(self):
        database = f"sqlite:///{tempfile.mkdtemp()}/deploy.sqlite3"
        result = run(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            **PRODUCTION,
            DATABASE_URL=database,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)
        self.assertNotIn("WARNING", result.stdout + result.stderr)

    def test_production_turns_on_the_https_redirect_hsts_and_secure_cookies(self):
        self.assertEqual(
            https_settings(**PRODUCTION),
            {
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 365 * 24 * 60 * 60,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "LANGUAGE_COOKIE_SECURE": True,
            },
        )

    def test_secure_cookies_off_turns_the_https_defaults_off(self):
        found = https_settings(**PRODUCTION, SECURE_COOKIES="0")
        self.assertEqual(found, {**dict.fromkeys(HTTPS_SETTINGS, False), "SECURE_HSTS_SECONDS": 0})

    def test_development_has_no_https_defaults(self):
        found = https_settings(DEBUG="1")
        self.assertEqual(found, {**dict.fromkeys(HTTPS_SETTINGS, False), "SECURE_HSTS_SECONDS": 0})

    def test_each_https_default_can_be_turned_off_on_its_own(self):
        found = https_settings(
            **PRODUCTION,
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
            SECURE_HSTS_PRELOAD="0",
        )
        self.assertEqual(
            {name: found[name] for name in HTTPS_SETTINGS[:4]},
            {
                "SECURE_SSL_REDIRECT": False,
                "SECURE_HSTS_SECONDS": 0,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
                "SECURE_HSTS_PRELOAD": False,
            },
        )
        self.assertTrue(found["SESSION_COOKIE_SECURE"])


class TestSettingsTests(TestCase):
    def test_the_test_settings_turn_the_https_redirect_off(self):
        self.assertFalse(settings.SECURE_SSL_REDIRECT)
        self.assertEqual(self.client.get(reverse("public:home")).status_code, 200)

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_health_checks_answer_over_plain_http_when_everything_else_redirects(self):
        # Load balancers and compose probe the app server directly, without TLS.
        self.assertEqual(self.client.get(reverse("municipalities:health")).status_code, 200)
        self.assertEqual(self.client.get(reverse("municipalities:ping")).status_code, 200)
        response = self.client.get(reverse("public:home"))
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))


class LanguageCookieTests(TestCase):
    def test_the_language_cookie_is_http_only_secure_and_same_site_lax(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "en")
        self.assertTrue(cookie["httponly"])
        self.assertTrue(cookie["secure"])
        self.assertEqual(cookie["samesite"], "Lax")
