"""The open-data package passes the frictionless library's validation for the five cities'
plans, for generated plans and as one national file; a broken type fails it; and nothing
unpublished is in it."""

import csv
import datetime
import io
import json
import tempfile
import zipfile
from pathlib import Path

import frictionless
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from measures.models import Evaluation, Plan
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, save_entry
from measures.tests.documents import small_document
from measures.values import parse_value
from municipalities.tests.base import ActorsTestCase
from public.open_data.package import NATIONAL_NAME, plan_package
from public.open_data.tables import TABLES
from public.tests.test_query_counts import build_plan

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def validate(package: bytes) -> frictionless.Report:
    folder = tempfile.mkdtemp()
    zipfile.ZipFile(io.BytesIO(package)).extractall(folder)
    return frictionless.validate(str(Path(folder) / "datapackage.json"))


def errors_of(report: frictionless.Report) -> list:
    return report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


def table(package: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        text = archive.read(f"{name}.csv").decode()
    return list(csv.DictReader(io.StringIO(text)))


class DataPackageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plans = [
            import_plan_document(json.loads(path.read_text()), publish=True).plan
            for path in sorted(FIXTURES.glob("*.json"))
        ]

    def test_the_package_of_each_of_the_five_cities_is_valid(self):
        for plan in self.plans:
            with self.subTest(city=plan.municipality.name):
                package = plan_package(plan, "https://example.org")
                report = validate(package)
                self.assertTrue(report.valid, errors_of(report)[:5])
                measures = table(package, "measures")
                self.assertEqual(len(measures), plan.measures.count())

    def test_the_package_is_licensed_and_keyed_by_the_municipality_code(self):
        package = plan_package(self.plans[0], "https://example.org")
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
        self.assertEqual(descriptor["licenses"][0]["name"], "CC-BY-4.0")
        self.assertIn(self.plans[0].municipality.name, descriptor["sources"][0]["title"])
        resources = {resource["name"]: resource for resource in descriptor["resources"]}
        self.assertEqual(set(resources), {t.name for t in TABLES})
        self.assertEqual(resources["municipalities"]["schema"]["primaryKey"], ["code"])
        self.assertEqual(
            resources["plans"]["schema"]["foreignKeys"][0]["reference"],
            {"resource": "municipalities", "fields": ["code"]},
        )
        effects = resources["effects"]["schema"]["fields"]
        self.assertEqual(next(f for f in effects if f["name"] == "actual_saving")["unit"], "円")

    def test_indicators_follow_the_iati_results_shape(self):
        sanyo = next(p for p in self.plans if p.municipality.code == "352161")
        package = plan_package(sanyo, "https://example.org")
        indicators = table(package, "indicators")
        first = next(row for row in indicators if row["title"] == "未収債権額")
        self.assertEqual(first["measure"], "descending")
        self.assertEqual((first["baseline_value"], first["baseline_year"]), ("982", "2017"))
        periods = [
            r
            for r in table(package, "indicator_periods")
            if r["indicator_key"] == first["indicator_key"]
        ]
        r2 = next(r for r in periods if r["fiscal_year"] == "2020")
        self.assertEqual((r2["period_start"], r2["period_end"]), ("2020-04-01", "2021-03-31"))
        self.assertEqual(r2["actual_value"], "835")

    def test_a_broken_type_fails_validation(self):
        package = plan_package(self.plans[0], "https://example.org")
        broken = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(broken, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "measures.csv":
                    lines = data.decode().splitlines()
                    cells = lines[1].split(",")
                    cells[0] = "not-a-number"  # measure_id is an integer
                    lines[1] = ",".join(cells)
                    data = "\n".join(lines).encode()
                target.writestr(item, data)
        report = validate(broken.getvalue())
        self.assertFalse(report.valid)
        self.assertIn("type-error", [error[3] for error in errors_of(report)])

    def test_generated_plans_make_a_valid_package(self):
        plan, _pillar, _measure = build_plan(30, "132012", "八王子市", "東京都", "hachioji")
        report = validate(plan_package(Plan.objects.get(pk=plan.pk), "https://example.org"))
        self.assertTrue(report.valid, errors_of(report)[:5])

    def test_the_national_package_holds_every_public_plan_and_is_valid(self):
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(
                STORAGES={
                    **settings.STORAGES,
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": media},
                    },
                }
            ),
        ):
            out = io.StringIO()
            call_command("build_open_data", base_url="https://example.org", stdout=out)
            self.assertIn("5件の計画を書き出しました", out.getvalue())
            with default_storage.open(NATIONAL_NAME, "rb") as handle:
                package = handle.read()
            report = validate(package)
            self.assertTrue(report.valid, errors_of(report)[:5])
            self.assertEqual(len(table(package, "municipalities")), 5)
            response = self.client.get(reverse("public:national_datapackage"))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(b"".join(response.streaming_content), package)
            page = self.client.get(reverse("public:data_fields")).content.decode()
            self.assertIn("5計画", page)

    def test_the_field_reference_shows_every_field_in_japanese_and_english(self):
        # In storage of its own: a national file built on this machine must not show here.
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(
                STORAGES={
                    **settings.STORAGES,
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": media},
                    },
                }
            ),
        ):
            page = self.client.get(reverse("public:data_fields")).content.decode()
        for data_table in TABLES:
            for column in data_table.columns:
                self.assertIn(f"<code>{column.name}</code>", page)
                self.assertIn(column.title_en, page)
        self.assertIn("まだ作成されていません", page)


class DataPackagePublicationTests(ActorsTestCase):
    def test_nothing_unpublished_is_in_a_plan_package(self):
        plan = import_plan_document(small_document(), publish=True).plan
        open_round(
            plan=plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=self.officer
        )
        draft = Evaluation.objects.get(measure__plan=plan, measure__code="1", fiscal_year=2021)
        indicator = draft.measure.indicators.get()
        save_entry(
            evaluation_id=draft.pk,
            version=draft.version,
            data=EntryData(
                do_text="下書き", indicator_actuals={indicator.pk: parse_value("7777777")}
            ),
            by=self.tax_staff,
        )
        response = self.client.get(
            reverse("public:datapackage", args=[plan.municipality.slug, plan.pk])
        )
        self.assertEqual(response.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            text = "".join(archive.read(name).decode() for name in archive.namelist())
        self.assertNotIn("7777777", text)
        self.assertNotIn("下書き", text)
        self.assertIn("835", text)
