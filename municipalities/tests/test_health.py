"""/healthz for load balancers and compose: 200 while the database answers, 503 with
Retry-After while it does not, like the 503 page the middleware shows."""

from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase
from django.urls import reverse


class HealthTests(TestCase):
    def test_the_database_answering_is_200(self):
        response = self.client.get(reverse("municipalities:health"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_the_database_down_is_503_with_a_time_to_retry(self):
        with mock.patch(
            "municipalities.views.connection.cursor", side_effect=OperationalError("down")
        ):
            response = self.client.get(reverse("municipalities:health"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "down")
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-cache", response["Cache-Control"])
