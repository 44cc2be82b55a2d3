"""gunicorn runs the app with the project's configuration: workers, timeouts and an access
log line per request."""

import os
import runpy
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase

BASE_DIR = Path(settings.BASE_DIR)
CONFIG = BASE_DIR / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornConfigTests(SimpleTestCase):
    def test_defaults_and_environment_overrides(self):
        defaults = runpy.run_path(str(CONFIG))
        self.assertEqual(defaults["workers"], os.cpu_count() * 2 + 1)
        self.assertEqual(defaults["timeout"], 30)
        self.assertEqual(defaults["accesslog"], "-")
        self.assertTrue(defaults["preload_app"])
        self.assertGreaterEqual(defaults["max_requests"], 10_000)
        self.assertGreater(defaults["max_requests_jitter"], 0)
        with mock.patch.dict(os.environ, GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="60"):
            overridden = runpy.run_path(str(CONFIG))
        self.assertEqual((overridden["workers"], overridden["timeout"]), (3, 60))

    def test_gunicorn_serves_the_app_and_logs_each_request(self):
        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            env = {
                "PATH": os.environ.get("PATH", ""),
                "SECRET_KEY": "k" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'db.sqlite3'}",
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "2",
            }
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "--config",
                    str(CONFIG),
                    "reform.wsgi",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                status = wait_for(f"http://127.0.0.1:{port}/healthz")
                ping = urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5)
            finally:
                server.terminate()
                out, err = server.communicate(timeout=30)
        self.assertEqual(status, 200)
        self.assertEqual(ping.read(), b"ok")
        self.assertIn('"GET /ping HTTP/1.1" 200 2', out)
        self.assertEqual(err.count("Booting worker"), 2)


def wait_for(url: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2).status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
