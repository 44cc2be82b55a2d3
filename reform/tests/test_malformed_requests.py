"""Anonymous requests with hostile or malformed values are answered 4xx, never 5xx.

Every public URL (the citizens' pages, the API, health and ping) is walked with real
arguments from a small published plan, then with each argument replaced by a bad value, and
with every query parameter the views read set to a bad value; the sign-in and password-reset
forms get the same values. NUL characters matter most on PostgreSQL, which refuses them in
text, so this module is meant to run there as well as on SQLite.
"""

import logging
import re
from importlib import import_module
from urllib.parse import quote, urlencode

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import URLResolver, reverse

from measures.models import Pillar, ReportFile
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from public.filters import MeasureFilter

NUL = "\x00"
# Values a hand-edited address or a script can send in place of a real one.
BAD_VALUES = {
    "NUL": NUL,
    "NUL after a number": f"2020{NUL}",
    "10,000 characters": "x" * 10_000,
    "not a number": "abc",
    "negative": "-1",
    "huge": "99999999999999999999",
}
# Every query parameter the public views read: the search filters (public/filters.py, so a
# new filter is covered), and those of public/views.py.
PARAMETERS = sorted({*MeasureFilter.base_filters, "q", "year", "revision", "layout"})
# Each URL configuration with the namespace reform/urls.py includes it under.
PUBLIC_URLCONFS = [
    ("public.urls", "public"),
    ("public.urls_api", "api"),
    ("municipalities.urls", "municipalities"),
]
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def routes(patterns, prefix: str = ""):
    """(name, route) of every pattern, included ones with their prefix."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield pattern.name, prefix + str(pattern.pattern)


def public_routes() -> list[tuple[str, str]]:
    found = []
    for urlconf, namespace in PUBLIC_URLCONFS:
        module = import_module(urlconf)
        found.extend((f"{namespace}:{name}", route) for name, route in routes(module.urlpatterns))
    return found


# The limits on password-reset mails would answer most of this walk with 429 before the
# form has read the value.
@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=10_000, PASSWORD_RESET_LIMIT_PER_EMAIL=10_000)
class MalformedRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        plan = import_plan_document(small_document(), publish=True).plan
        city = plan.municipality
        cls.arguments = {
            "slug": city.slug,
            "code": city.code,
            "pk": plan.pk,
            "measure_pk": plan.measures.order_by("pk").first().pk,
            "pillar_pk": Pillar.objects.filter(plan=plan).order_by("pk").first().pk,
            "year": 2020,
            "file_format": "json",
            "rest": "no-such-endpoint/",  # the API's catch-all
            # A stored report PDF (its bytes are served as they are; no PDF is made here).
            "file_pk": ReportFile.objects.create(
                report=plan.reports.get(fiscal_year=2020),
                layout_name="一覧表",
                content=b"%PDF-1.7\n",
                sha256="0" * 64,
                size=9,
            ).pk,
        }

    def setUp(self):
        # A server error becomes a 500 answer to look at, not an exception in the test.
        self.client.raise_request_exception = False
        # The expected 404s and the 400s for NUL (logged by Django as security errors) would
        # bury the report of a real failure; server errors are still logged.
        for name, level in (
            ("django.request", logging.ERROR),
            ("django.security", logging.CRITICAL),
        ):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(level)
        self.failures: dict[str, int] = {}

    def get(self, label: str, path: str, params: dict | list | None = None) -> int:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        status = self.client.get(path + query).status_code
        if status >= 500:
            self.failures[label] = status
        return status

    def post(self, label: str, path: str, data: dict) -> int:
        status = self.client.post(path, data).status_code
        if status >= 500:
            self.failures[label] = status
        return status

    def assertNoServerErrors(self):
        self.assertEqual(self.failures, {}, "requests answered with a server error")

    def url_with(self, name: str, route: str, replaced: str = "", value: str = "") -> str:
        """The route's address with real arguments, one of them (`replaced`) swapped for
        `value` as it would arrive in the path."""
        kwargs = {}
        for match in _ARGUMENT.finditer(route):
            argument = match["name"]
            kwargs[argument] = self.arguments[argument]
            if argument == replaced:
                # A stand-in the route's converter accepts, swapped afterwards.
                kwargs[argument] = 987654 if match["converter"] in ("int", "id") else "stand-in"
        url = reverse(name, kwargs=kwargs)
        if replaced:
            url = url.replace(str(kwargs[replaced]), quote(value, safe=""), 1)
        return url

    def test_every_public_url_answers_its_real_arguments(self):
        for name, route in public_routes():
            with self.subTest(name=name):
                # The API's catch-all answers any other address with its JSON 404, and the
                # national package is 404 until `build_open_data` first runs.
                expected = 404 if name in ("api:not_found", "public:national_datapackage") else 200
                response = self.client.get(self.url_with(name, route))
                self.assertEqual(response.status_code, expected)

    def test_bad_values_in_the_path_never_cause_a_server_error(self):
        for name, route in public_routes():
            for match in _ARGUMENT.finditer(route):
                for label, value in BAD_VALUES.items():
                    url = self.url_with(name, route, match["name"], value)
                    self.get(f"{name} {match['name']}={label}", url)
        self.assertNoServerErrors()

    def test_bad_query_parameters_never_cause_a_server_error(self):
        for name, route in public_routes():
            url = self.url_with(name, route)
            for parameter in PARAMETERS:
                for label, value in BAD_VALUES.items():
                    self.get(f"{name} ?{parameter}={label}", url, {parameter: value})
                # Repeated, a good value with a bad one.
                self.get(f"{name} ?{parameter} twice", url, [(parameter, "1"), (parameter, "abc")])
            self.get(f"{name} every parameter NUL", url, dict.fromkeys(PARAMETERS, NUL))
        self.assertNoServerErrors()

    def test_a_nul_character_anywhere_is_a_bad_request(self):
        home = reverse("public:home")
        self.assertEqual(self.get("query value", home, {"q": NUL}), 400)
        self.assertEqual(self.get("query name", home, {f"q{NUL}": "1"}), 400)
        self.assertEqual(self.get("path", f"/api/v1/municipalities/{quote(NUL)}/"), 400)
        self.assertEqual(self.post("form field", reverse("login"), {"username": NUL}), 400)
        self.client.cookies[settings.SESSION_COOKIE_NAME] = NUL * 32
        self.assertEqual(self.get("cookie", home), 400)
        self.assertNoServerErrors()

    def test_bad_values_in_the_sign_in_forms_never_cause_a_server_error(self):
        for login in (reverse("login"), reverse("admin:login")):
            for label, value in {**BAD_VALUES, "256 characters": "u" * 256}.items():
                self.post(f"{login} username {label}", login, {"username": value, "password": "x"})
                self.post(f"{login} password {label}", login, {"username": "u", "password": value})
        self.assertNoServerErrors()

    def test_a_user_name_longer_than_any_account_is_a_form_error_and_is_not_recorded(self):
        from axes.models import AccessAttempt

        response = self.client.post(reverse("login"), {"username": "u" * 256, "password": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ユーザー名は150文字以内で入力してください。")
        self.assertFalse(AccessAttempt.objects.exists())

    def test_bad_values_in_the_password_reset_pages_never_cause_a_server_error(self):
        reset = reverse("password_reset")
        for label, value in BAD_VALUES.items():
            self.post(f"reset email {label}", reset, {"email": value})
            self.post(f"reset email@ {label}", reset, {"email": f"{value}@example.invalid"})
            confirm = reverse("password_reset_confirm", args=["stand-in", "token"])
            self.get(f"confirm uid {label}", confirm.replace("stand-in", quote(value, safe="")))
            confirm = reverse("password_reset_confirm", args=["MQ", "stand-in"])
            self.get(f"confirm token {label}", confirm.replace("stand-in", quote(value, safe="")))
        self.assertNoServerErrors()
