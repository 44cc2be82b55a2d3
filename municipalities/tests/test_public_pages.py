from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse

from municipalities.tests.base import ActorsTestCase


class HomePageTests(ActorsTestCase):
    def test_home_lists_the_municipalities_in_japanese(self):
        response = self.client.get(reverse("municipalities:home"))
        self.assertContains(response, "西宮市")
        self.assertContains(response, '<html lang="ja">', html=False)
        self.assertContains(response, 'href="#main"')

    def test_home_query_count_does_not_grow_with_municipalities(self):
        # session-less anonymous page: one query for the municipalities with their plan counts
        with self.assertNumQueries(1):
            self.client.get(reverse("municipalities:home"))


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
