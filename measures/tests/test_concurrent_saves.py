"""Two people saving the same entry at once: one is saved, the other sees the conflict view
with both versions and their own text kept, on SQLite (as in the demo) and on PostgreSQL.

The failure this guards against: on SQLite `select_for_update` does nothing, and the losing
writer's transaction hit "database is locked", which the site answered with its 503 page.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase


def run_two_saves(database_url: str) -> dict:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "DB_CONN_MAX_AGE": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    finished = subprocess.run(
        [sys.executable, "-m", "measures.tests.concurrent_saves"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


class ConcurrentSaveTests(TransactionTestCase):
    def assert_one_saved_and_one_shown_the_conflict(self, result: dict) -> None:
        answers = result["answers"]
        statuses = sorted(answer["status"] for answer in answers.values())
        self.assertEqual(statuses, [200, 302], answers)
        saved_by = next(name for name, answer in answers.items() if answer["status"] == 302)
        loser = next(answer for answer in answers.values() if answer["status"] == 200)
        self.assertTrue(loser["conflict_shown"], answers)
        self.assertTrue(loser["own_text_kept"], answers)
        self.assertEqual(result["saved"], f"{saved_by}の入力")

    def test_on_a_sqlite_file_database_the_second_writer_sees_the_conflict_view(self):
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "demo.sqlite3"
            result = run_two_saves(f"sqlite:///{database}")
        self.assert_one_saved_and_one_shown_the_conflict(result)

    def test_on_the_test_database_the_second_writer_sees_the_conflict_view(self):
        if connection.vendor != "postgresql":
            self.skipTest("the in-memory SQLite test database is covered by the file test")
        database = connection.settings_dict
        url = (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        self.assert_one_saved_and_one_shown_the_conflict(run_two_saves(url))
