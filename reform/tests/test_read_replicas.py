"""Citizens' reads can go to read replicas; staff, the admin and every write use the primary."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory, SimpleTestCase, override_settings

from measures.models import Measure
from reform.db_routers import ReplicaReadsMiddleware, ReplicaRouter

BASE_DIR = Path(settings.BASE_DIR)


@override_settings(DATABASE_REPLICAS=["replica1"])
class ReplicaRouterTests(SimpleTestCase):
    def route(self, request) -> dict[str, str]:
        router = ReplicaRouter()
        seen = {}

        def view(request):
            seen["read"] = router.db_for_read(Measure)
            seen["write"] = router.db_for_write(Measure)
            return None

        ReplicaReadsMiddleware(view)(request)
        seen["after"] = router.db_for_read(Measure)
        return seen

    def test_an_anonymous_get_reads_from_a_replica_and_writes_to_the_primary(self):
        seen = self.route(RequestFactory().get("/m/city/plans/1/"))
        self.assertEqual(seen, {"read": "replica1", "write": "default", "after": "default"})

    def test_a_signed_in_users_request_reads_from_the_primary(self):
        request = RequestFactory().get("/staff/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "session-key"
        self.assertEqual(self.route(request)["read"], "default")

    def test_a_post_reads_from_the_primary(self):
        self.assertEqual(self.route(RequestFactory().post("/accounts/login/"))["read"], "default")

    def test_migrations_run_on_the_primary_only(self):
        router = ReplicaRouter()
        self.assertTrue(router.allow_migrate("default", "measures"))
        self.assertFalse(router.allow_migrate("replica1", "measures"))

    @override_settings(DATABASE_REPLICAS=[])
    def test_without_replicas_everything_reads_from_the_primary(self):
        self.assertEqual(self.route(RequestFactory().get("/"))["read"], "default")


SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

call_command("migrate", verbosity=0)
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document

plan = import_plan_document(small_document(), publish=True).plan
page = reverse("public:plan", args=[plan.municipality.slug, plan.pk])
counts = {}
for name, method, url in (("citizen", "get", page), ("login", "post", reverse("login"))):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(
        connections["replica1"]
    ) as replica:
        status = getattr(Client(), method)(url).status_code
    counts[name] = {
        "status": status,
        "primary": [query["sql"] for query in primary.captured_queries],
        "replica": len(replica),
    }
print(json.dumps(counts))
"""


class ReplicaSettingsTests(SimpleTestCase):
    def test_replica_urls_add_databases_that_serve_the_citizens_pages(self):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'primary.sqlite3'}"
            result = subprocess.run(
                [sys.executable, "-c", SCRIPT],
                cwd=BASE_DIR,
                env={
                    "PATH": os.environ.get("PATH", ""),
                    "DJANGO_SETTINGS_MODULE": "reform.settings",
                    # Static files straight from the app folders, without collectstatic.
                    "DEBUG": "1",
                    "ALLOWED_HOSTS": "testserver",
                    "LOG_LEVEL": "ERROR",
                    "DATABASE_URL": url,
                    # The same file stands in for a replica that has caught up.
                    "DATABASE_REPLICA_URLS": url,
                },
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        counts = json.loads(result.stdout.splitlines()[-1])
        self.assertEqual(counts["citizen"]["status"], 200)
        self.assertGreater(counts["citizen"]["replica"], 3)
        # On the primary, only the page's rendering kept among the stored pages (in its own
        # transaction).
        statements = [
            sql[:31]
            for sql in counts["citizen"]["primary"]
            if not sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT"))
        ]
        self.assertEqual(statements, ['INSERT INTO "public_storedpage"'])
        self.assertEqual(counts["login"]["status"], 200)
        self.assertEqual(counts["login"]["replica"], 0)
