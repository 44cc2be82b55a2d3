"""The production-like stack is described once and can be started with or without Docker."""

import re
from pathlib import Path

import yaml
from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[2]


class ComposeFileTests(SimpleTestCase):
    def setUp(self):
        self.compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())

    def test_it_runs_postgresql_and_the_app(self):
        self.assertEqual(set(self.compose["services"]), {"db", "web"})
        self.assertTrue(self.compose["services"]["db"]["image"].startswith("postgres:"))
        web = self.compose["services"]["web"]
        self.assertEqual(web["depends_on"]["db"]["condition"], "service_healthy")
        self.assertIn("DATABASE_URL", web["environment"])
        self.assertIn("/healthz", " ".join(web["healthcheck"]["test"]))

    def test_the_secret_key_must_be_supplied(self):
        secret = self.compose["services"]["web"]["environment"]["SECRET_KEY"]
        self.assertRegex(secret, r"\$\{SECRET_KEY:\?")

    def test_docker_and_make_serve_start_the_app_the_same_way(self):
        dockerfile = (BASE_DIR / "Dockerfile").read_text()
        makefile = (BASE_DIR / "Makefile").read_text()
        docker_cmd = re.search(r"^CMD (.*)$", dockerfile, re.MULTILINE).group(1)
        for step in [
            "manage.py migrate --noinput",
            "gunicorn --config gunicorn.conf.py reform.wsgi",
        ]:
            self.assertIn(step, docker_cmd)
            self.assertIn(step, makefile)
        self.assertIn("collectstatic --noinput", dockerfile)
        self.assertIn("collectstatic --noinput", makefile)
