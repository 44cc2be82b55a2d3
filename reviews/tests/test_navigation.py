"""The site header links each signed-in user to the pages they can use: staff to the year's
entry (今年度の入力), a committee member to the committee pages and never to the staff
entry, which answers 404 for them."""

from django.urls import reverse

from measures.tests.factories import make_plan
from municipalities.tests.base import ActorsTestCase
from reviews.tests.factories import make_body, make_round, make_unit

ENTRY_LINK = "今年度の入力</a>"


class HeaderNavigationTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        cls.body = make_body(cls.plan, members=2)
        make_unit(cls.body, cls.finance)
        make_round(cls.body, 2021)
        cls.member = cls.body.member_list[1].user

    def header(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        html = response.content.decode()
        return html[html.index('<header class="site-header">') : html.index("</header>")]

    def test_a_committee_member_is_not_shown_the_staff_entry_link(self):
        self.client.force_login(self.member)
        for url in (reverse("reviews:home"), reverse("public:home")):
            with self.subTest(url=url):
                header = self.header(url)
                self.assertNotIn(reverse("measures:entry_list"), header)
                self.assertNotIn(ENTRY_LINK, header)
                self.assertIn(f'href="{reverse("reviews:home")}"', header)
        # The staff entry is not theirs: signing in at the staff login takes them to theirs.
        self.assertRedirects(
            self.client.get(reverse("measures:entry_list")), reverse("reviews:home")
        )
        self.assertEqual(self.client.get(reverse("measures:entry", args=[1])).status_code, 404)

    def test_a_committee_member_signing_in_at_the_staff_login_reaches_the_committee_pages(self):
        self.member.set_password("pass-for-the-test-2026")
        self.member.save()
        response = self.client.post(
            reverse("login"),
            {"username": self.member.username, "password": "pass-for-the-test-2026"},
            follow=True,
        )
        self.assertEqual(response.redirect_chain[-1][0], reverse("reviews:home"))
        self.assertEqual(response.status_code, 200)

    def test_staff_still_see_the_entry_link_and_no_committee_link(self):
        for user in (self.tax_staff, self.officer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                header = self.header(reverse("public:home"))
                self.assertIn(f'href="{reverse("measures:entry_list")}"', header)
                self.assertIn(ENTRY_LINK, header)
                self.assertNotIn(f'href="{reverse("reviews:home")}"', header)
                self.assertEqual(self.client.get(reverse("measures:entry_list")).status_code, 200)

    def test_a_superuser_without_a_municipality_sees_the_admin_but_not_the_entry(self):
        self.client.force_login(self.superuser)
        header = self.header(reverse("public:home"))
        self.assertIn(reverse("admin:index"), header)
        self.assertNotIn(reverse("measures:entry_list"), header)

    def test_citizens_see_the_staff_login(self):
        header = self.header(reverse("public:home"))
        self.assertIn(reverse("login"), header)
        self.assertNotIn(reverse("measures:entry_list"), header)
