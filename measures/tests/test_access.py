"""Every staff and admin URL walked as each role, checked on the server: allowed, sent to
log in, or 404 (never a 403 that would show another municipality's object exists)."""

from django.urls import reverse

from measures.models import Round
from measures.tests.test_round import RoundTestCase

ALLOW, LOGIN, MISSING, FORBIDDEN = 200, 302, 404, 403


class AccessWalkTests(RoundTestCase):
    def urls(self):
        entry = self.entry.pk
        measure = self.entry.measure_id
        plan = self.plan.pk
        round_ = Round.objects.get(plan=self.plan, fiscal_year=2021).pk
        return {
            "staff list": reverse("measures:entry_list"),
            "staff entry": reverse("measures:entry", args=[entry]),
            "staff history": reverse("measures:entry_history", args=[entry]),
            "review queue": reverse("admin:measures_evaluation_changelist"),
            "review entry": reverse("admin:measures_evaluation_change", args=[entry]),
            "entry admin history": reverse("admin:measures_evaluation_history", args=[entry]),
            "measure admin": reverse("admin:measures_measure_change", args=[measure]),
            "plan admin": reverse("admin:measures_plan_change", args=[plan]),
            "plan export": reverse("admin:measures_plan_export", args=[plan, "json"]),
            "plan import": reverse("admin:measures_plan_import"),
            "round admin": reverse("admin:measures_round_change", args=[round_]),
            "report list": reverse("admin:measures_report_changelist"),
        }

    # What each role gets; admin pages send non-staff users to the admin's login page.
    EXPECTED = {
        "reform officer": {
            # The reform office may enter any entry of its municipality on a department's
            # behalf (代理入力), though 企画課 is not a department of measure 1.
            "staff list": ALLOW,
            "staff entry": ALLOW,
            "staff history": ALLOW,
            **dict.fromkeys(
                [
                    "review queue",
                    "review entry",
                    "entry admin history",
                    "measure admin",
                    "plan admin",
                    "plan export",
                    "plan import",
                    "round admin",
                    "report list",
                ],
                ALLOW,
            ),
        },
        "lead department staff": {
            "staff list": ALLOW,
            "staff entry": ALLOW,
            "staff history": ALLOW,
        },
        "unrelated department staff": {
            "staff list": ALLOW,
            "staff entry": MISSING,
            "staff history": MISSING,
        },
        "officer of another municipality": {
            "staff list": ALLOW,  # their own (empty) list
            "staff entry": MISSING,
            "staff history": MISSING,
            "review queue": ALLOW,  # their own (empty) queue
            "review entry": MISSING,
            "entry admin history": MISSING,
            "measure admin": MISSING,
            "plan admin": MISSING,
            "plan export": MISSING,
            "plan import": ALLOW,  # refuses files of other municipalities (test_admin_import)
            "round admin": MISSING,
            "report list": ALLOW,
        },
        "anonymous": {},
    }

    def users(self):
        return {
            "reform officer": self.office,
            "lead department staff": self.tax_clerk,
            "unrelated department staff": self.finance_clerk,
            "officer of another municipality": self.officer,
            "anonymous": None,
        }

    def test_every_url_as_every_role(self):
        urls = self.urls()
        results = {}
        for role, user in self.users().items():
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for name, url in urls.items():
                expected = self.EXPECTED[role].get(name, LOGIN)
                status = self.client.get(url).status_code
                results[(role, name)] = (status, expected)
        wrong = {key: got for key, got in results.items() if got[0] != got[1]}
        self.assertEqual(wrong, {}, "(status, expected) per role and page")
        self.assertNotIn(FORBIDDEN, {status for status, _ in results.values()})

    def test_posting_to_another_departments_entry_is_404_and_changes_nothing(self):
        self.client.force_login(self.finance_clerk)
        url = reverse("measures:entry", args=[self.entry.pk])
        response = self.client.post(
            url, {"version": self.entry.version, "save": "1", "do_text": "x"}
        )
        self.assertEqual(response.status_code, 404)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.do_text, "")

    def test_anonymous_users_are_sent_to_the_login_page(self):
        response = self.client.get(reverse("measures:entry_list"))
        self.assertRedirects(response, reverse("login") + "?next=" + reverse("measures:entry_list"))

    def test_an_officer_cannot_open_a_round_for_another_municipality(self):
        self.client.force_login(self.officer)  # 西宮市
        response = self.client.post(
            reverse("admin:measures_round_add"),
            {"plan": self.plan.pk, "fiscal_year": 2022, "deadline": "2023-05-31"},
        )
        self.assertEqual(response.status_code, 200)  # the form again: that plan is no choice
        self.assertContains(response, "正しく選択してください")
        self.assertFalse(Round.objects.filter(plan=self.plan, fiscal_year=2022).exists())
