from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse

from municipalities.tests.base import ActorsTestCase


class HealthTests(ActorsTestCase):
    def test_health_reports_the_database(self):
        response = self.client.get(reverse("municipalities:health"))
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_health_answers_503_when_the_database_is_down(self):
        with mock.patch(
            "municipalities.views.connection.cursor", side_effect=OperationalError("down")
        ):
            response = self.client.get(reverse("municipalities:health"))
        self.assertEqual(response.status_code, 503)


class PingTests(ActorsTestCase):
    def test_the_minimal_view_answers_without_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get(reverse("municipalities:ping"))
        self.assertEqual(response.content, b"ok")
