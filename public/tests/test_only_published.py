"""Nothing unpublished leaks through any page, filter, download or API endpoint: no draft,
submitted or returned entry, no unpublished year's values, no plan that is not public."""

import datetime
import io
import re
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from measures.models import Evaluation, Measure
from measures.plan_files.importing import import_plan_document
from measures.round.services import EntryData, open_round, return_entry, save_entry
from measures.tests.documents import small_document
from measures.values import parse_value
from municipalities.tests.base import ActorsTestCase, make_staff

SECRET = "未公表の内容"


class OnlyPublishedTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = import_plan_document(small_document(), publish=True).plan
        city = cls.plan.municipality
        clerk = make_staff("clerk", city, list(city.departments.all()))
        open_round(plan=cls.plan, fiscal_year=2021, deadline=datetime.date(2022, 5, 31), by=clerk)
        first, second = (
            Evaluation.objects.get(measure__plan=cls.plan, measure__code=code, fiscal_year=2021)
            for code in ("1", "2")
        )
        measure = first.measure
        indicator = measure.indicators.get()
        step = measure.steps.get()
        draft = EntryData(
            do_text=f"{SECRET}（入力中）",
            check_text=SECRET,
            indicator_actuals={indicator.pk: parse_value("999百万円")},
            step_actuals={step.pk: ("実施", f"{SECRET}（年次計画）")},
            actual_saving=777_000,
        )
        save_entry(evaluation_id=first.pk, version=first.version, data=draft, by=clerk)
        submitted = save_entry(
            evaluation_id=second.pk,
            version=second.version,
            data=EntryData(do_text=f"{SECRET}（提出済み）", check_text="x"),
            by=clerk,
            submit=True,
        )
        return_entry(evaluation=submitted, by=clerk, comment=f"{SECRET}（差戻しコメント）")
        # A plan that is not public, of a municipality that has published nothing.
        hidden = small_document()
        hidden["municipality"] = {
            "code": "352161",
            "name": "山陽小野田市",
            "prefecture": "山口県",
            "slug": "sanyo-onoda",
        }
        hidden["plan"]["name"] = f"{SECRET}の計画"
        cls.hidden = import_plan_document(hidden).plan
        cls.measure = measure

    def public_urls(self) -> list[str]:
        plan, slug = self.plan, self.plan.municipality.slug
        urls = [
            reverse("public:home"),
            reverse("public:municipality", args=[slug]),
            reverse("public:plan", args=[slug, plan.pk]),
            reverse("public:plan", args=[slug, plan.pk]) + "?year=2021",
            reverse("public:search", args=[slug, plan.pk]) + "?year=2021",
            reverse("public:measure", args=[slug, plan.pk, self.measure.pk]),
            reverse("public:report", args=[slug, plan.pk, 2020]),
            reverse("public:report", args=[slug, plan.pk, 2020]) + "?layout=pdca",
            reverse("api:municipalities"),
            reverse("api:municipality", args=[self.plan.municipality.code]),
            reverse("api:plan", args=[plan.pk]),
            reverse("api:measures", args=[plan.pk]),
        ]
        for measure in Measure.objects.filter(plan=plan):
            urls.append(reverse("public:measure", args=[slug, plan.pk, measure.pk]))
        for pillar in plan.pillars.all():
            urls.append(reverse("public:pillar", args=[slug, plan.pk, pillar.pk]))
        return urls

    def test_no_page_or_api_answer_shows_unpublished_content(self):
        for url in self.public_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                # Without the visitor's CSRF token: 64 random letters and digits, which
                # hold "999" or "777" about once in a thousand pages.
                text = re.sub(
                    r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()
                )
                for marker in (SECRET, "999", "777"):
                    self.assertNotIn(marker, text)

    def test_the_measure_page_shows_effect_amounts_with_results_of_published_years_only(self):
        url = reverse(
            "public:measure", args=[self.plan.municipality.slug, self.plan.pk, self.measure.pk]
        )
        response = self.client.get(url)
        self.assertContains(response, "年度ごとの効果額")
        # 2020 is published; 2021's actuals are not.
        self.assertContains(response, '<td data-label="実績 歳入増">1,200千円</td>', html=False)
        self.assertContains(
            response,
            '令和3年度（2021年度）</th><td data-label="計画 歳入増">—</td>'
            '<td data-label="計画 歳出削減">—</td><td data-label="実績 歳入増">—</td>',
        )
        self.assertNotContains(response, "777")

    def test_searching_for_unpublished_text_finds_nothing(self):
        url = reverse("public:search", args=[self.plan.municipality.slug, self.plan.pk])
        response = self.client.get(url, {"q": SECRET})
        self.assertEqual(response.context["measures"], [])

    def test_no_download_contains_unpublished_content(self):
        slug = self.plan.municipality.slug
        for file_format in ("json", "csv", "xlsx"):
            content = self.client.get(
                reverse("public:download", args=[slug, self.plan.pk, file_format])
            ).content
            if file_format == "json":
                text = content.decode()
            elif file_format == "csv":
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    text = "".join(
                        archive.read(name).decode("utf-8-sig") for name in archive.namelist()
                    )
            else:
                workbook = load_workbook(io.BytesIO(content))
                text = "".join(
                    str(cell)
                    for sheet in workbook
                    for row in sheet.iter_rows(values_only=True)
                    for cell in row
                )
            with self.subTest(format=file_format):
                self.assertNotIn(SECRET, text)
                self.assertNotIn("999", text)
                self.assertNotIn("777000", text)
                self.assertIn("835", text)  # the published actual is there

    def test_a_plan_that_is_not_public_is_404_everywhere(self):
        slug, pk = self.hidden.municipality.slug, self.hidden.pk
        for url in [
            reverse("public:municipality", args=[slug]),
            reverse("public:plan", args=[slug, pk]),
            reverse("public:search", args=[slug, pk]),
            reverse("public:report", args=[slug, pk, 2020]),
            reverse("public:download", args=[slug, pk, "json"]),
            reverse("api:plan", args=[pk]),
            reverse("api:measures", args=[pk]),
            reverse("api:municipality", args=[self.hidden.municipality.code]),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("public:home")), "山陽小野田市")

    def test_an_unpublished_year_is_not_offered_and_shows_no_grades(self):
        response = self.client.get(
            reverse("public:plan", args=[self.plan.municipality.slug, self.plan.pk]), {"year": 2021}
        )
        self.assertEqual(response.context["year"], 2020)
        self.assertEqual(response.context["years"], [2019, 2020])
