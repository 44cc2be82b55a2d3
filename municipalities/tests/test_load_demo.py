"""`manage.py load_demo`: every plan gets an open round, 南アルプス市 included, and each city a
staff account per lead department with entries, printed with the other accounts."""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from measures.models import Evaluation, MeasureDepartment, Round
from municipalities.models import Membership

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Two of the five cities keep the test short: 南アルプス市, whose file reports the
        # only year of its period, and 厚木市, which has years without results.
        folder = Path(tempfile.mkdtemp())
        for name in ("142123-atsugi.json", "192082-minami-alps.json"):
            shutil.copy(FIXTURES / name, folder / name)
        out = io.StringIO()
        call_command("load_demo", fixtures=folder, stdout=out)
        cls.output = out.getvalue()
        shutil.rmtree(folder)

    def test_every_plan_gets_an_open_round(self):
        rounds = {
            r.plan.municipality.name: r.fiscal_year
            for r in Round.objects.filter(status=Round.Status.OPEN).select_related(
                "plan__municipality"
            )
        }
        self.assertEqual(rounds, {"厚木市": 2024, "南アルプス市": 2021})
        self.assertIn(
            "受付開始: 第3次南アルプス市行政改革実施計画 令和3年度（2021年度）", self.output
        )
        self.assertIn("デモ用に計画期間を延長", self.output)

    def test_each_lead_department_with_entries_gets_a_staff_account(self):
        for slug in ("atsugi", "minami-alps"):
            memberships = Membership.objects.filter(
                role=Membership.Role.DEPARTMENT_STAFF, user__username__startswith=f"{slug}-staff"
            ).prefetch_related("departments")
            departments = {d for m in memberships for d in m.departments.all()}
            leads = set(
                MeasureDepartment.objects.filter(
                    measure__plan__municipality__slug=slug, role="lead"
                ).values_list("department_id", flat=True)
            )
            self.assertEqual({d.pk for d in departments}, leads, slug)
            self.assertEqual(len(memberships), len(leads))
            for membership in memberships:
                self.assertIn(f"  {membership.user.username} ", self.output)
                self.assertTrue(membership.user.check_password("demo-2026"))

    def test_the_minami_alps_staff_account_has_entries_to_fill_in(self):
        from django.contrib.auth import get_user_model

        self.client.force_login(get_user_model().objects.get(username="minami-alps-staff"))
        response = self.client.get(reverse("measures:entry_list"))
        self.assertNotContains(response, "受付中の入力はありません")
        self.assertContains(response, "令和3年度（2021年度） 第3次南アルプス市行政改革実施計画")
        entry = response.context["entries"][0]
        form = self.client.get(reverse("measures:entry", args=[entry.pk]))
        self.assertEqual(form.context["last_year"].fiscal_year, 2020)
        self.assertTrue(Evaluation.objects.filter(measure=entry.measure, fiscal_year=2020).exists())
