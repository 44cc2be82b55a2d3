"""The password reset sends a few mails per hour at most, for each client address and for
each e-mail address asked for; past the limit it answers 429 with a Japanese page, the
same whether or not an account has the address."""

from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from municipalities.tests.base import ActorsTestCase

KNOWN = "officer@city.example.invalid"
UNKNOWN = "nobody@city.example.invalid"


class PasswordResetLimitTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.officer.email = KNOWN
        cls.officer.save()

    def setUp(self):
        # The counts live in the shared cache, which outlives a test's database transaction.
        caches["default"].clear()
        self.url = reverse("password_reset")

    def ask(self, email: str, address: str = "10.2.0.1"):
        return self.client.post(self.url, {"email": email}, REMOTE_ADDR=address)

    def test_the_limits_default_to_a_few_per_hour(self):
        self.assertEqual(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, 5)
        self.assertEqual(settings.PASSWORD_RESET_LIMIT_PER_EMAIL, 3)
        self.assertEqual(settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES, 60)

    @override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=3, PASSWORD_RESET_LIMIT_PER_EMAIL=100)
    def test_one_address_gets_a_few_answers_then_429(self):
        for number in range(3):
            self.assertEqual(self.ask(f"person{number}@example.invalid").status_code, 302)
        refused = self.ask("person9@example.invalid")
        self.assertEqual(refused.status_code, 429)
        self.assertContains(
            refused, "パスワード再設定の受付を一時的に停止しています", status_code=429
        )
        self.assertEqual(refused["Retry-After"], str(60 * 60))
        # Another address is counted on its own.
        self.assertEqual(self.ask("person9@example.invalid", "10.2.0.2").status_code, 302)

    @override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=100, PASSWORD_RESET_LIMIT_PER_EMAIL=2)
    def test_one_email_gets_a_few_mails_from_any_number_of_addresses(self):
        self.assertEqual(self.ask(KNOWN, "10.3.0.1").status_code, 302)
        self.assertEqual(self.ask(KNOWN.upper(), "10.3.0.2").status_code, 302)
        self.assertEqual(self.ask(f" {KNOWN} ", "10.3.0.3").status_code, 429)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.ask(UNKNOWN, "10.3.0.4").status_code, 302)

    @override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=100, PASSWORD_RESET_LIMIT_PER_EMAIL=1)
    def test_known_and_unknown_addresses_get_the_same_answers(self):
        answers = {}
        for email in (KNOWN, UNKNOWN):
            first, second = self.ask(email), self.ask(email)
            answers[email] = (first.status_code, first.get("Location"), second.status_code)
        self.assertEqual(answers[KNOWN], answers[UNKNOWN])
        self.assertEqual(answers[KNOWN], (302, reverse("password_reset_done"), 429))
        self.assertEqual([message.to for message in mail.outbox], [[KNOWN]])

    def test_the_form_itself_is_not_limited(self):
        for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 1):
            self.assertEqual(self.client.get(self.url).status_code, 200)
