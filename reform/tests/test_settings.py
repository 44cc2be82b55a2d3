import os
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from reform.env import env_bool, env_int, env_json_object, env_list

BASE_DIR = Path(__file__).resolve().parents[2]


def load_settings(**environment) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly these variables."""
    env = {"PATH": os.environ.get("PATH", ""), **environment}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import reform.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = load_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is not set", result.stderr)

    def test_production_refuses_a_short_secret_key(self):
        result = load_settings(SECRET_KEY="short")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("too short", result.stderr)

    def test_a_real_key_starts_with_sqlite_by_default(self):
        result = load_settings(SECRET_KEY="k" * 50)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["False", "django.db.backends.sqlite3"])

    def test_development_needs_no_key_and_database_url_picks_postgresql(self):
        result = load_settings(DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/reform")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["True", "django.db.backends.postgresql"])

    def test_a_bad_boolean_stops_start_up_with_its_name(self):
        result = load_settings(DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG must be one of", result.stderr)


class EnvReaderTests(SimpleTestCase):
    def setUp(self):
        self.addCleanup(os.environ.pop, "REFORM_TEST_VALUE", None)

    def test_env_bool(self):
        for raw, expected in [("1", True), ("yes", True), ("off", False), ("", False)]:
            os.environ["REFORM_TEST_VALUE"] = raw
            self.assertIs(env_bool("REFORM_TEST_VALUE"), expected)
        os.environ["REFORM_TEST_VALUE"] = "nope"
        with self.assertRaises(ImproperlyConfigured):
            env_bool("REFORM_TEST_VALUE")

    def test_env_int_and_list(self):
        os.environ["REFORM_TEST_VALUE"] = "12"
        self.assertEqual(env_int("REFORM_TEST_VALUE", 1), 12)
        os.environ["REFORM_TEST_VALUE"] = "twelve"
        with self.assertRaises(ImproperlyConfigured):
            env_int("REFORM_TEST_VALUE", 1)
        os.environ["REFORM_TEST_VALUE"] = "a.example, b.example,"
        self.assertEqual(env_list("REFORM_TEST_VALUE"), ["a.example", "b.example"])

    def test_env_json_object(self):
        os.environ["REFORM_TEST_VALUE"] = '{"bucket_name": "reform-uploads"}'
        self.assertEqual(env_json_object("REFORM_TEST_VALUE"), {"bucket_name": "reform-uploads"})
        os.environ["REFORM_TEST_VALUE"] = ""
        self.assertEqual(env_json_object("REFORM_TEST_VALUE"), {})
        for bad in ("{bucket: x}", '["a"]'):
            os.environ["REFORM_TEST_VALUE"] = bad
            with self.assertRaisesMessage(ImproperlyConfigured, "REFORM_TEST_VALUE"):
                env_json_object("REFORM_TEST_VALUE")

    def test_japanese_is_the_default_language_and_tokyo_the_time_zone(self):
        from django.conf import settings

        self.assertEqual(settings.LANGUAGE_CODE, "ja")
        self.assertIn("en", dict(settings.LANGUAGES))
        self.assertEqual(settings.TIME_ZONE, "Asia/Tokyo")


def mail_settings(**environment) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), **environment}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import reform.settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class MailSettingsTests(SimpleTestCase):
    def test_development_prints_mail_to_the_console(self):
        result = mail_settings(DEBUG="1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("console.EmailBackend", result.stdout)

    def test_production_sends_through_the_smtp_server_the_environment_names(self):
        result = mail_settings(
            SECRET_KEY="k" * 50,
            EMAIL_HOST="smtp.example.lg.jp",
            EMAIL_PORT="587",
            EMAIL_USE_TLS="1",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.lg.jp", "587", "True"],
        )

    def test_tls_and_ssl_together_stop_start_up(self):
        result = mail_settings(SECRET_KEY="k" * 50, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("EMAIL_USE_TLS and EMAIL_USE_SSL", result.stderr)
