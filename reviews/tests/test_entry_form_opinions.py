"""A committee's opinion stays on the department's entry form, year after year, until its
反映状況 closes it (反映済み or 反映しない)."""

import datetime

from django.urls import reverse

from measures.models import Evaluation
from measures.round.services import open_round
from measures.tests.factories import make_grades, make_measure, make_plan
from municipalities.tests.base import ActorsTestCase
from reviews.models import Opinion, OpinionProgress, OpinionStatus
from reviews.tests.factories import make_body, make_round, make_unit

OPINION = "滞納整理の手法を見直し、早期の催告を徹底すること"


class EntryFormOpinionTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        make_grades(cls.plan)
        cls.measure = make_measure(cls.plan, "1", "未収債権の回収", lead=cls.finance)
        cls.other = make_measure(cls.plan, "2", "収納率の向上", lead=cls.tax)
        body = make_body(cls.plan)
        unit = make_unit(body, cls.finance)
        cls.opinion = Opinion.objects.create(
            round=make_round(body, 2020),
            unit=unit,
            viewpoint=body.viewpoint_list[2],
            text=OPINION,
            response="催告の時期を1か月早める",
            responsible_department=cls.finance,
        )
        open_round(
            plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=cls.officer
        )

    def form(self, measure, user):
        entry = Evaluation.objects.get(measure=measure, fiscal_year=2021)
        self.client.force_login(user)
        return self.client.get(reverse("measures:entry", args=[entry.pk]))

    def test_the_department_sees_the_open_opinion_on_its_next_years_entry(self):
        page = self.form(self.measure, self.finance_staff)
        self.assertContains(page, "対応が続いている委員会の意見")
        self.assertContains(page, OPINION)
        self.assertContains(page, "催告の時期を1か月早める")

    def test_another_departments_entry_does_not_show_it(self):
        self.assertNotContains(self.form(self.other, self.tax_staff), OPINION)

    def test_an_opinion_still_under_consideration_carries_over_and_a_reflected_one_does_not(self):
        OpinionProgress.objects.create(
            opinion=self.opinion, fiscal_year=2021, status=OpinionStatus.CONSIDERING
        )
        self.assertContains(self.form(self.measure, self.finance_staff), OPINION)
        OpinionProgress.objects.filter(opinion=self.opinion).update(status=OpinionStatus.REFLECTED)
        self.assertNotContains(self.form(self.measure, self.finance_staff), OPINION)
