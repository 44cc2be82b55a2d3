"""The admin's history of an entry reads in plain Japanese."""

from django.urls import reverse

from measures.round.services import approve_entry
from measures.tests.test_review_admin import ReviewTestCase


class AdminHistoryTests(ReviewTestCase):
    def history(self):
        self.submit(self.entry, grade="C")
        self.entry.refresh_from_db()
        approve_entry(evaluation=self.entry, by=self.office)
        url = reverse("admin:measures_evaluation_history", args=[self.entry.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        return html[html.index('<table id="change-history"') : html.index("</table>")]

    def test_fields_are_named_by_their_labels_and_statuses_by_theirs(self):
        table = self.history()
        self.assertIn("<strong>取組状況（Do）:</strong> — → 実施した", table)
        self.assertIn("<strong>審査状況:</strong> 未着手 → 提出済み", table)
        self.assertIn("<strong>審査状況:</strong> 提出済み → 承認済み", table)
        self.assertIn("<strong>確定した評価:</strong> — → C", table)
        for raw in ("do_text", "not_started", "submitted", "approved", "pk=None", "None"):
            self.assertNotIn(raw, table)

    def test_versions_are_added_and_changed_not_created_and_changed(self):
        table = self.history()
        self.assertIn("<td>追加</td>", table)
        self.assertIn("<td>変更</td>", table)
        self.assertNotIn("Created", table)
        self.assertNotIn("Changed", table)
        self.assertIn("変更した人", table)
        self.assertNotIn("Changed by", table)

    def test_dates_are_written_as_the_city_hall_writes_them(self):
        table = self.history()
        self.assertRegex(
            table, r"<strong>提出日時:</strong> — → \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"
        )
        self.assertNotRegex(table, r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
