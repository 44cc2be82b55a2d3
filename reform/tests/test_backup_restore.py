"""Backup and restore: a restore into an empty, migrated database reproduces every table the
backup covers exactly (row counts and every value, history tables included) and writes no
row of its own; a restore into a database with data, of a file that is not a backup, or of
a backup of another schema is refused and writes nothing."""

import datetime
import gzip
import hashlib
import importlib
import io
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase
from django.urls import reverse

from measures.models import CoCreationActor, Evaluation, Plan, Step
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, save_entry
from measures.tests.documents import small_document
from measures.values import parse_value
from municipalities.models import Department, Municipality
from municipalities.tests.base import PASSWORD, ActorsTestCase

# What a freshly migrated database already holds (the migration record, content types and
# permissions), and what a backup leaves out on purpose: sign-ins (sessions) and login
# lockout counters. docs/deployment.md says why.
NOT_IN_A_BACKUP = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_session",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
}
# Rebuilt by `migrate`, so a wipe that stands for a lost database keeps them.
MIGRATE_REBUILDS = {"django_migrations", "django_content_type", "auth_permission"}
REFERENCE_ROWS = importlib.import_module("measures.migrations.0002_reference_rows")


def table_contents() -> dict[str, tuple[int, str]]:
    """Every table of the database but the exceptions: its row count and a digest of all
    its rows, in primary key order, as the database driver returns them."""
    quote = connection.ops.quote_name
    contents = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in NOT_IN_A_BACKUP:
                continue
            key = connection.introspection.get_primary_key_column(cursor, table)
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(key)}")
            rows = cursor.fetchall()
            contents[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return contents


def wipe_database() -> None:
    """Leave the database as `migrate` leaves a new one: empty every table it does not
    rebuild, restart the id counters and put back the reference lists its data migration
    fills."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = [
            table
            for table in connection.introspection.table_names(cursor)
            if table not in MIGRATE_REBUILDS
        ]
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
        sequences = [
            sequence
            for sequence in connection.introspection.sequence_list()
            if sequence["table"] in tables
        ]
        for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(statement)
    REFERENCE_ROWS.create_rows(apps, None)


def rebuild_content_types() -> None:
    """Delete the content types and permissions and let Django create them again, with ids
    other than before, as a database migrated on another server would have them. The
    caller clears the content type cache after its test, as the rollback brings back the
    old rows."""
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)


def permission_names(queryset) -> set[tuple[str, str]]:
    return set(queryset.values_list("content_type__app_label", "codename"))


class BackupRestoreTestCase(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan
        city = cls.plan.municipality
        planning = Department.objects.get(municipality=city, name="企画課")
        # The yearly round, with one entry saved as a draft and one submitted.
        open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.officer
        )
        entries = Evaluation.objects.filter(measure__plan=cls.plan, fiscal_year=2021)
        first = entries.get(measure__code="1")
        indicator = first.measure.indicators.get()
        step = first.measure.steps.get()
        save_entry(
            evaluation_id=first.pk,
            version=first.version,
            data=EntryData(
                do_text="文書・電話による催告を実施した。",
                check_text="未収債権は減少した。",
                indicator_actuals={indicator.pk: parse_value("790.125百万円")},
                step_actuals={step.pk: ("実施", "順調")},
                actual_revenue=1_234_000,
            ),
            by=cls.tax_staff,
        )
        second = entries.get(measure__code="2")
        save_entry(
            evaluation_id=second.pk,
            version=second.version,
            data=EntryData(
                do_text="命名権の募集を行った。",
                check_text="応募があった。",
                proposed_grade=cls.plan.grades.get(code="B"),
            ),
            by=cls.finance_staff,
            submit=True,
        )
        # A schedule row that two departments share, then one: many-to-many history.
        step.departments.set([cls.tax, cls.finance])
        step.departments.set([planning])
        # The reference office's own wording of a reference list filled by a migration.
        CoCreationActor.objects.filter(name="団体").update(name="NPO・団体")
        CoCreationActor.objects.create(name="金融機関", order=7)
        # Permissions given directly and through a group, and an admin log entry: rows that
        # refer to content types and permissions.
        reviewers = Group.objects.create(name="審査担当")
        reviewers.permissions.add(Permission.objects.get(codename="change_evaluation"))
        cls.officer.groups.add(reviewers)
        cls.officer.user_permissions.add(Permission.objects.get(codename="view_report"))
        LogEntry.objects.log_actions(
            user_id=cls.officer.pk,
            queryset=[cls.plan],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["名称"]}}],
            single_object=True,
        )

    def setUp(self):
        # A sign-in and a failed one: a session, the login log and a lockout counter.
        self.client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
        self.client.post(reverse("login"), {"username": "tax-staff", "password": "wrong"})
        self.backup = Path(tempfile.mkdtemp()) / "backup.json.gz"

    def back_up(self) -> None:
        call_command("backup_data", str(self.backup), stderr=io.StringIO())

    def restore(self, *args: str) -> None:
        call_command("restore_data", str(self.backup), *args, stdout=io.StringIO())


class RoundTripTests(BackupRestoreTestCase):
    def test_a_restore_into_an_empty_database_reproduces_every_table_exactly(self):
        before = table_contents()
        for table in [
            "measures_historicalstep",
            "measures_historicalstep_departments",
            "measures_historicalevaluation",
            "measures_report",
            "auth_user_user_permissions",
            "auth_group_permissions",
            "django_admin_log",
            "axes_accesslog",
            "measures_cocreationactor",
        ]:
            self.assertGreater(before[table][0], 0, f"{table} should have rows to restore")
        self.back_up()
        wipe_database()
        self.assertEqual(
            {table for table, (count, _) in table_contents().items() if count},
            {"measures_sustainabledevelopmentgoal", "measures_cocreationactor"},
        )

        self.restore()

        after = table_contents()
        self.assertEqual(sorted(after), sorted(before))
        for table in before:
            with self.subTest(table=table):
                self.assertEqual(after[table][0], before[table][0], "row count")
                self.assertEqual(after[table][1], before[table][1], "row contents")

    def test_content_versions_and_passwords_come_back_as_they_were(self):
        tokens = dict(Municipality.objects.values_list("code", "content_version"))
        self.back_up()
        wipe_database()
        self.restore()
        self.assertEqual(dict(Municipality.objects.values_list("code", "content_version")), tokens)
        self.assertTrue(get_user_model().objects.get(username="officer").check_password(PASSWORD))

    def test_new_rows_after_a_restore_take_fresh_ids(self):
        self.back_up()
        wipe_database()
        self.restore()
        last_department = Department.objects.order_by("pk").last().pk
        last_history = Step.history.order_by("history_id").last().history_id
        step = Step.objects.filter(measure__plan__name=self.plan.name).first()
        # A department, and a step change with its history and many-to-many history rows.
        department = Department.objects.create(municipality=self.city, name="新設課")
        step.departments.set([department])
        self.assertGreater(department.pk, last_department)
        self.assertGreater(step.history.order_by("history_id").last().history_id, last_history)
        self.assertEqual(
            list(
                step.history.order_by("history_id")
                .last()
                .departments.values_list("department", flat=True)
            ),
            [department.pk],
        )

    def test_permissions_and_the_admin_log_follow_content_types_by_name(self):
        direct = permission_names(self.officer.user_permissions)
        grouped = permission_names(Permission.objects.filter(group__name="審査担当"))
        self.back_up()
        wipe_database()
        self.addCleanup(ContentType.objects.clear_cache)
        rebuild_content_types()
        self.restore()
        officer = get_user_model().objects.get(username="officer")
        self.assertEqual(permission_names(officer.user_permissions), direct)
        self.assertEqual(
            permission_names(Permission.objects.filter(group__name="審査担当")), grouped
        )
        self.assertTrue(officer.has_perm("measures.change_evaluation"))
        entry = LogEntry.objects.get()
        self.assertEqual(entry.get_edited_object(), Plan.objects.get(name=self.plan.name))


class RefusalTests(BackupRestoreTestCase):
    def test_a_second_restore_into_the_restored_database_is_refused(self):
        self.back_up()
        wipe_database()
        self.restore()
        restored = table_contents()
        with self.assertRaisesMessage(CommandError, "データベースにデータが残っています"):
            self.restore()
        self.assertEqual(table_contents(), restored)

    def test_with_force_the_backup_replaces_what_the_database_holds(self):
        before = table_contents()
        self.back_up()
        Municipality.objects.create(
            code="011002", name="札幌市", prefecture="北海道", slug="sapporo"
        )
        Plan.objects.filter(pk=self.plan.pk).update(name="書き換えられた計画")
        self.restore("--force")
        self.assertEqual(table_contents(), before)

    def test_a_backup_of_a_newer_schema_is_refused(self):
        newer = MigrationRecorder.Migration.objects.create(
            app="measures", name="9999_from_a_newer_release"
        )
        self.back_up()
        newer.delete()
        wipe_database()
        migrated = table_contents()
        with self.assertRaisesMessage(CommandError, "measures.9999_from_a_newer_release"):
            self.restore()
        self.assertEqual(table_contents(), migrated)

    def test_a_backup_of_an_older_schema_is_refused(self):
        self.back_up()
        wipe_database()
        MigrationRecorder.Migration.objects.create(app="measures", name="9999_a_later_release")
        migrated = table_contents()
        with self.assertRaisesMessage(CommandError, "古い版のシステムのバックアップです"):
            self.restore()
        self.assertEqual(table_contents(), migrated)

    def test_a_file_that_is_not_a_backup_is_refused(self):
        wipe_database()
        migrated = table_contents()
        plan_file = json.dumps(small_document(), ensure_ascii=False).encode()
        for name, content in [
            ("plan.json", plan_file),
            ("plan.json.gz", gzip.compress(plan_file)),
            ("empty.json.gz", gzip.compress(b"")),
        ]:
            with self.subTest(name):
                self.backup.write_bytes(content)
                with self.assertRaisesMessage(CommandError, "バックアップ"):
                    self.restore()
                self.assertEqual(table_contents(), migrated)

    def test_a_damaged_backup_writes_nothing_even_with_force(self):
        self.back_up()
        before = table_contents()
        whole = gzip.decompress(self.backup.read_bytes())
        self.backup.write_bytes(gzip.compress(whole[: len(whole) * 2 // 3]))
        with self.assertRaises(CommandError):
            self.restore("--force")
        self.assertEqual(table_contents(), before)


class FreshDatabaseTests(TestCase):
    def test_a_freshly_migrated_database_counts_as_empty(self):
        # Only what migrations write is here: a backup of it restores into it unrefused.
        before = table_contents()
        self.assertGreater(before["measures_sustainabledevelopmentgoal"][0], 0)
        backup = Path(tempfile.mkdtemp()) / "backup.json.gz"
        call_command("backup_data", str(backup), stderr=io.StringIO())
        call_command("restore_data", str(backup), stdout=io.StringIO())
        self.assertEqual(table_contents(), before)
