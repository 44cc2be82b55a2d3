"""Uploads waiting between the admin's preview and its confirmation do not pile up: they go
when the import is confirmed or cancelled, and once older than IMPORT_UPLOAD_MAX_AGE_HOURS
they are removed by `clean_import_uploads` and whenever a new upload is stored."""

import io
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from measures.models import Plan
from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document
from municipalities.tests.base import ActorsTestCase

FOLDER = "django-import-export"


class WaitingUploadTests(ActorsTestCase):
    url = reverse("admin:measures_plan_import")

    def setUp(self):
        self.media = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.media)
        storages = {
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(self.media)},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings_override = override_settings(STORAGES=storages)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        self.client.force_login(self.officer)

    def waiting(self) -> list[str]:
        folder = self.media / FOLDER
        return sorted(path.name for path in folder.iterdir()) if folder.exists() else []

    def preview(self):
        upload = SimpleUploadedFile("plan.xlsx", write_xlsx(document_to_tables(small_document())))
        response = self.client.post(self.url, {"file": upload})
        self.assertContains(response, "まだ何も書き込んでいません")
        return response

    def make_old(self, name: str, hours: float) -> None:
        then = time.time() - hours * 3600
        os.utime(self.media / FOLDER / name, (then, then))

    def test_the_preview_keeps_the_file_waiting_and_offers_to_cancel(self):
        response = self.preview()
        self.assertEqual(self.waiting(), [response.context["confirm_form"].initial["token"]])
        self.assertContains(response, 'name="cancel"')
        self.assertContains(response, "取り消す")

    def test_confirming_removes_the_waiting_file(self):
        confirm = self.preview().context["confirm_form"].initial
        self.client.post(self.url, {**confirm, "publish": ""})
        self.assertTrue(Plan.objects.exists())
        self.assertEqual(self.waiting(), [])

    def test_cancelling_removes_the_waiting_file_and_imports_nothing(self):
        confirm = self.preview().context["confirm_form"].initial
        response = self.client.post(
            self.url, {**confirm, "publish": "", "cancel": "取り消す"}, follow=True
        )
        self.assertRedirects(response, self.url)
        self.assertContains(response, "取り込みを取り消しました")
        self.assertFalse(Plan.objects.exists())
        self.assertEqual(self.waiting(), [])

    @override_settings(IMPORT_UPLOAD_MAX_AGE_HOURS=24)
    def test_the_command_removes_waiting_files_older_than_the_setting(self):
        old = self.preview().context["confirm_form"].initial["token"]
        recent = self.preview().context["confirm_form"].initial["token"]
        self.make_old(old, hours=25)
        self.make_old(recent, hours=23)
        out = io.StringIO()
        call_command("clean_import_uploads", stdout=out)
        self.assertEqual(self.waiting(), [recent])
        self.assertIn("1 件", out.getvalue())

    @override_settings(IMPORT_UPLOAD_MAX_AGE_HOURS=2)
    def test_storing_a_new_upload_removes_the_stale_ones(self):
        old = self.preview().context["confirm_form"].initial["token"]
        self.make_old(old, hours=3)
        new = self.preview().context["confirm_form"].initial["token"]
        self.assertEqual(self.waiting(), [new])

    def test_files_that_are_not_waiting_uploads_are_left_alone(self):
        self.preview()
        other = self.media / FOLDER / "notes.txt"
        other.write_text("kept")
        for name in self.waiting():
            self.make_old(name, hours=100)
        call_command("clean_import_uploads", stdout=io.StringIO())
        self.assertEqual(self.waiting(), ["notes.txt"])

    def test_the_command_is_quiet_about_an_empty_or_missing_folder(self):
        out = io.StringIO()
        call_command("clean_import_uploads", stdout=out)
        self.assertIn("0 件", out.getvalue())

    def test_a_confirmation_whose_file_was_cleaned_away_asks_for_the_file_again(self):
        confirm = self.preview().context["confirm_form"].initial
        self.make_old(confirm["token"], hours=100)
        call_command("clean_import_uploads", stdout=io.StringIO())
        response = self.client.post(self.url, {**confirm, "publish": ""}, follow=True)
        self.assertContains(response, "確認待ちのファイルが見つかりません")
        self.assertFalse(Plan.objects.exists())
