"""The external review's published results in the open data: the committee tables of the
data package (valid by the frictionless library, keys and all) and the API's plan document
(valid by the OpenAPI document). A plan evaluated per department on five viewpoints with an
A–E scheme by a five-member body, beside a body reviewing measures and one reviewing
pillars. Nothing of a review in progress, of an unpublished year or of a year reopened for
correction is in either; members' own grades and comments and self-check answers never."""

import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from measures.models import Evaluation
from measures.round.services import publish_year, reopen_year
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_measure,
    make_pillar,
    make_plan,
)
from municipalities.tests.base import ActorsTestCase
from public.models import StoredDocument
from public.open_data.package import plan_package
from public.open_data.reviews import review_document
from public.open_data.tables import REVIEW_TABLES, TABLES_BY_NAME
from public.tests.review_data import OPINION, RESPONSE, SELF_ANSWER, add_published_review
from public.tests.test_browser import ChromiumTestCase
from public.tests.test_data_package import errors_of, table, validate
from reviews import services
from reviews.models import Opinion, OpinionProgress, OpinionStatus
from reviews.tests.factories import make_body, make_round, make_unit
from reviews.tests.test_round import grade_all

APPROVED = Evaluation.ReviewStatus.APPROVED
TAX_OPINION = "納付方法の周知を工夫すること"
REFLECTION = "催告を前倒しし、収納率が0.5ポイント向上した"
NEXT_YEAR_OPINION = "次年度の審議中の意見"
MEMBER_COMMENT = "委員1の実績（Check）への意見"
NEVER_PUBLIC = (MEMBER_COMMENT, "委員1", SELF_ANSWER)


def openapi_validator(client, schema: str) -> Draft202012Validator:
    document = client.get(reverse("api:openapi")).json()
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:api#/components/schemas/{schema}"}, registry=registry
    )


def schema_errors(validator: Draft202012Validator, answer) -> list[str]:
    errors = sorted(validator.iter_errors(answer), key=str)
    return [f"{error.json_path}: {error.message}" for error in errors][:5]


class ReviewOpenDataTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city, is_public=True)
        grades = make_grades(cls.plan)
        cls.pillar = make_pillar(cls.plan)
        cls.sub_pillar = make_pillar(cls.plan, code="1", title="財政の健全化", parent=cls.pillar)
        cls.measure = make_measure(
            cls.plan, "1", "未収債権の回収", pillar=cls.sub_pillar, lead=cls.finance
        )
        cls.tax_measure = make_measure(cls.plan, "2", "収納率の向上", lead=cls.tax)
        for measure in (cls.measure, cls.tax_measure):
            for year in (2020, 2021):
                make_evaluation(measure, year, review_status=APPROVED, final_grade=grades["B"])
        cls.body, cls.unit, cls.round, cls.opinion = add_published_review(
            cls.plan, cls.finance, year=2020, officer=cls.officer
        )
        # The tax department is a unit too, with an opinion on no viewpoint for which the
        # reform office (leading no measure) is responsible; nobody graded it, so it has no
        # conclusions.
        cls.tax_unit = make_unit(cls.body, cls.tax, order=1)
        Opinion.objects.create(
            round=cls.round,
            unit=cls.tax_unit,
            text=TAX_OPINION,
            order=1,
            responsible_department=cls.reform_department,
        )
        # A body reviewing measures and one reviewing pillars (three members each).
        for kind, target, prefix in (
            ("measure", cls.measure, "m"),
            ("pillar", cls.sub_pillar, "p"),
        ):
            body = make_body(
                cls.plan, name=f"{kind}の委員会", unit_kind=kind, members=3, prefix=prefix
            )
            unit = make_unit(body, target)
            round_ = make_round(body, 2020)
            grade_all(body, round_, unit, ["AAAAA", "BBBBB", "CCCCC"])
            services.conclude_round(round_=round_, by=None)
        # The next year: the 反映状況 of the 2020 opinion is recorded and a round is under
        # way, while 2021 is not published.
        OpinionProgress.objects.create(
            opinion=cls.opinion, fiscal_year=2021, status=OpinionStatus.PARTLY, text=REFLECTION
        )
        cls.next_round = make_round(cls.body, 2021)
        grade_all(cls.body, cls.next_round, cls.unit, ["EEEEE"] * 5)
        Opinion.objects.create(round=cls.next_round, unit=cls.unit, text=NEXT_YEAR_OPINION)

    def package(self) -> bytes:
        return plan_package(self.plan, "https://example.org")

    def package_text(self, package: bytes) -> str:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())

    def assert_valid(self, package: bytes) -> None:
        report = validate(package)
        self.assertTrue(report.valid, errors_of(report)[:5])

    def publish(self, year: int) -> None:
        publish_year(plan=self.plan, fiscal_year=year, by=self.officer)

    def api_document(self) -> dict:
        return self.client.get(reverse("api:plan", args=[self.plan.pk])).json()

    # The data package

    def test_the_package_with_review_data_is_valid_and_holds_the_published_results(self):
        self.publish(2020)
        package = self.package()
        self.assert_valid(package)
        bodies = table(package, "review_bodies")
        self.assertEqual(
            [(b["name"], b["unit_kind"], b["aggregation"]) for b in bodies],
            [
                ("行政改革推進委員会", "department", "mean"),
                ("measureの委員会", "measure", "mean"),
                ("pillarの委員会", "pillar", "mean"),
            ],
        )
        body_id = str(self.body.pk)
        viewpoints = [
            v for v in table(package, "review_viewpoints") if v["review_body_id"] == body_id
        ]
        self.assertEqual([v["order"] for v in viewpoints], ["1", "2", "3", "4", "5"])
        labels = {v["viewpoint_id"]: v["label"] for v in viewpoints}
        grades = [g for g in table(package, "review_grades") if g["review_body_id"] == body_id]
        self.assertEqual([(g["rank"], g["code"]) for g in grades][:2], [("1", "A"), ("2", "B")])
        units = {u["review_unit_id"]: u for u in table(package, "review_units")}
        self.assertEqual(units[str(self.unit.pk)]["department"], "財政課")
        measure_unit = next(u for u in units.values() if u["kind"] == "measure")
        self.assertEqual(measure_unit["measure_id"], str(self.measure.pk))
        pillar_unit = next(u for u in units.values() if u["kind"] == "pillar")
        self.assertEqual(pillar_unit["pillar_key"], f"{self.plan.pk}/Ⅰ/1")
        conclusions = [
            (labels[c["viewpoint_id"]], c["grade"], c["self_grade"])
            for c in table(package, "review_conclusions")
            if c["review_unit_id"] == str(self.unit.pk)
        ]
        # The mean of the members' grades (see reviews/tests/test_round.py), with the
        # department's own grade beside it as entered.
        self.assertEqual(
            conclusions,
            [
                ("計画の妥当性（Plan）", "B", "A"),
                ("取組過程（Do）", "B", "A"),
                ("実績（Check）", "C", "A"),
                ("実施後の対応（Action）", "C", "A"),
                ("総合", "B", ""),
            ],
        )
        opinions = {o["text"]: o for o in table(package, "review_opinions")}
        self.assertEqual(set(opinions), {OPINION, TAX_OPINION})
        finance = opinions[OPINION]
        self.assertEqual(
            (finance["fiscal_year"], labels[finance["viewpoint_id"]], finance["response"]),
            ("2020", "実績（Check）", RESPONSE),
        )
        self.assertEqual(finance["responsible_department"], "財政課")
        tax = opinions[TAX_OPINION]
        self.assertEqual((tax["viewpoint_id"], tax["responsible_department"]), ("", "政策推進課"))
        self.assertEqual(units[tax["review_unit_id"]]["department"], "税務課")
        # Every department the review names is in departments, also one leading no measure.
        self.assertIn(
            ("282049", "政策推進課"),
            {(d["municipality_code"], d["name"]) for d in table(package, "departments")},
        )

    def test_nothing_unpublished_is_in_the_package(self):
        # Before the year is published nothing of the review is in it at all.
        text = self.package_text(self.package())
        for hidden in (OPINION, RESPONSE, TAX_OPINION, "行政改革推進委員会", "極めて良好"):
            self.assertNotIn(hidden, text)
        for data_table in REVIEW_TABLES:
            self.assertEqual(table(self.package(), data_table.name), [], data_table.name)
        self.publish(2020)
        package = self.package()
        text = self.package_text(package)
        self.assertIn(OPINION, text)
        # The 2021 round is open and 2021 unpublished: its grades, its opinion and the
        # 反映状況 recorded for 2021 are not in it; the members' own grades and comments and
        # the self-check answers never are.
        for hidden in (REFLECTION, NEXT_YEAR_OPINION, *NEVER_PUBLIC):
            self.assertNotIn(hidden, text)
        self.assertEqual({c["fiscal_year"] for c in table(package, "review_conclusions")}, {"2020"})
        self.assertEqual(table(package, "review_opinion_progress"), [])

    def test_an_opinion_answered_one_year_shows_its_reflection_with_the_next_years_publication(
        self,
    ):
        self.publish(2020)
        services.conclude_round(round_=self.next_round, by=self.officer)
        # Concluded, but 2021 is not published yet.
        self.assertNotIn(REFLECTION, self.package_text(self.package()))
        self.publish(2021)
        package = self.package()
        self.assert_valid(package)
        progress = table(package, "review_opinion_progress")
        self.assertEqual(
            progress,
            [
                {
                    "opinion_id": str(self.opinion.pk),
                    "fiscal_year": "2021",
                    "status": "partly",
                    "status_label": "一部反映",
                    "text": REFLECTION,
                }
            ],
        )
        years = {
            (c["fiscal_year"], c["grade"])
            for c in table(package, "review_conclusions")
            if c["review_unit_id"] == str(self.unit.pk)
        }
        self.assertIn(("2021", "E"), years)
        self.assertIn(NEXT_YEAR_OPINION, self.package_text(package))

    def test_reopening_the_year_for_correction_takes_its_review_out_of_the_package(self):
        self.publish(2020)
        self.assertIn(OPINION, self.package_text(self.package()))
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        package = self.package()
        self.assertNotIn(OPINION, self.package_text(package))
        self.assertEqual(table(package, "review_conclusions"), [])

    def test_a_grade_not_in_the_bodys_scheme_fails_validation(self):
        self.publish(2020)
        package = self.package()
        broken = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(broken, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "review_conclusions.csv":
                    lines = data.decode().splitlines()
                    cells = lines[1].split(",")
                    cells[4] = "Z"  # grade: (review_body_id, grade) is a key of review_grades
                    lines[1] = ",".join(cells)
                    data = "\n".join(lines).encode()
                target.writestr(item, data)
        report = validate(broken.getvalue())
        self.assertFalse(report.valid)
        self.assertIn("foreign-key", [error[3] for error in errors_of(report)])

    def test_the_status_labels_of_the_schema_are_those_of_the_model(self):
        column = next(
            c for c in TABLES_BY_NAME["review_opinion_progress"].columns if c.name == "status_label"
        )
        with translation.override("ja"):
            self.assertEqual(
                column.constraints["enum"], [str(label) for label in OpinionStatus.labels]
            )

    def test_the_field_reference_shows_the_committee_tables_and_their_keys(self):
        page = self.client.get(reverse("public:data_fields")).content.decode()
        for data_table in REVIEW_TABLES:
            self.assertIn(f"<code>{data_table.path}</code>", page)
            self.assertIn(data_table.title_en, page)
        self.assertIn(
            "<code>review_body_id, grade</code> → <code>review_grades (review_body_id, code)</code>",
            page,
        )

    # The API

    def test_the_api_page_describes_the_review_part_in_japanese_and_english(self):
        from django.conf import settings

        page = self.client.get(reverse("public:api_docs"))
        self.assertContains(page, "external_reviews は外部評価（委員会）の結果です。")
        self.assertContains(page, f'href="{reverse("public:data_fields")}"')
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get(reverse("public:api_docs"))
        self.assertContains(page, "external_reviews holds the results of the external review")
        self.assertContains(page, "the fields of the data package</a>")

    def test_the_api_carries_the_published_results_as_its_openapi_document_says(self):
        self.assertEqual(self.api_document()["external_reviews"], [])
        self.publish(2020)
        answer = self.api_document()
        self.assertEqual(schema_errors(openapi_validator(self.client, "PlanDocument"), answer), [])
        reviews = {body["name"]: body for body in answer["external_reviews"]}
        self.assertEqual(set(reviews), {"行政改革推進委員会", "measureの委員会", "pillarの委員会"})
        body = reviews["行政改革推進委員会"]
        self.assertEqual([g["code"] for g in body["grade_scheme"]], ["A", "B", "C", "D", "E"])
        self.assertEqual([year["fiscal_year"] for year in body["years"]], [2020])
        finance, tax = body["years"][0]["units"]
        self.assertEqual((finance["kind"], finance["department"]), ("department", "財政課"))
        self.assertEqual(
            finance["grades"][2], {"viewpoint": "実績（Check）", "grade": "C", "self_grade": "A"}
        )
        self.assertIsNone(finance["grades"][4]["self_grade"])
        self.assertEqual(
            finance["opinions"],
            [
                {
                    "id": self.opinion.pk,
                    "viewpoint": "実績（Check）",
                    "text": OPINION,
                    "response": RESPONSE,
                    "responsible_department": "財政課",
                    "progress": [],
                }
            ],
        )
        self.assertEqual((tax["department"], tax["grades"]), ("税務課", []))
        pillar_unit = reviews["pillarの委員会"]["years"][0]["units"][0]
        self.assertEqual(pillar_unit["pillar"], ["Ⅰ", "1"])
        measure_unit = reviews["measureの委員会"]["years"][0]["units"][0]
        self.assertEqual(measure_unit["measure"], {"code": "1", "sub_number": 1})
        raw = self.client.get(reverse("api:plan", args=[self.plan.pk])).content.decode()
        for hidden in (REFLECTION, NEXT_YEAR_OPINION, *NEVER_PUBLIC):
            self.assertNotIn(hidden, raw)

    def test_the_reflection_reaches_the_api_with_the_next_years_publication(self):
        self.publish(2020)
        services.conclude_round(round_=self.next_round, by=self.officer)
        self.publish(2021)
        answer = self.api_document()
        self.assertEqual(schema_errors(openapi_validator(self.client, "PlanDocument"), answer), [])
        body = next(b for b in answer["external_reviews"] if b["name"] == "行政改革推進委員会")
        self.assertEqual([year["fiscal_year"] for year in body["years"]], [2020, 2021])
        next_year = body["years"][1]["units"][0]["opinions"]
        self.assertEqual(
            [(o["text"], o["viewpoint"], o["responsible_department"]) for o in next_year],
            [(NEXT_YEAR_OPINION, None, None)],
        )
        opinion = body["years"][0]["units"][0]["opinions"][0]
        self.assertEqual(
            opinion["progress"],
            [
                {
                    "fiscal_year": 2021,
                    "status": "partly",
                    "status_label": "一部反映",
                    "text": REFLECTION,
                }
            ],
        )

    def test_the_stored_document_follows_a_change_to_a_published_review(self):
        self.publish(2020)
        self.assertIn(RESPONSE, str(self.api_document()["external_reviews"]))
        self.opinion.response = "対応方針を改めた"
        self.opinion.save()
        reviews = str(self.api_document()["external_reviews"])
        self.assertIn("対応方針を改めた", reviews)
        self.assertNotIn(RESPONSE, reviews)
        self.assertEqual(StoredDocument.objects.filter(plan=self.plan).count(), 1)
        # Reopening the year hides the review from the stored document as from the pages.
        reopen_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        self.assertEqual(self.api_document()["external_reviews"], [])

    def test_the_labels_are_japanese_whatever_the_language_of_the_first_request(self):
        self.publish(2020)
        services.conclude_round(round_=self.next_round, by=self.officer)
        self.publish(2021)
        StoredDocument.objects.all().delete()
        with translation.override("en"):
            document = review_document(self.plan)
        opinion = document[0]["years"][0]["units"][0]["opinions"][0]
        self.assertEqual(opinion["progress"][0]["status_label"], "一部反映")

    def test_the_review_document_takes_the_same_queries_for_more_units_and_opinions(self):
        self.publish(2020)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                review_document(type(self.plan).objects.get(pk=self.plan.pk))
            return len(queries) - 1  # not the plan's own

        before = count()
        for number in range(3):
            department = type(self.finance).objects.create(
                municipality=self.city, name=f"追加の課{number}"
            )
            unit = make_unit(self.body, department, order=10 + number)
            Opinion.objects.create(round=self.round, unit=unit, text=f"追加の意見{number}")
        # The public rounds (of published years) with their viewpoints and grades, the
        # plan's pillars, self-grades, conclusions, opinions and their 反映状況.
        self.assertEqual(before, 8)
        self.assertEqual(count(), before)

    def test_a_plan_without_a_public_review_costs_one_query(self):
        with self.assertNumQueries(1):
            self.assertEqual(review_document(self.plan), [])


class ReviewOpenDataBrowserTests(ChromiumTestCase):
    def test_the_field_reference_and_the_api_page_pass_axe(self):
        found = {}
        for name in ("public:data_fields", "public:api_docs"):
            self.open(reverse(name))
            self.assertIn(
                "review_opinions" if "fields" in name else "external_reviews",
                self.browser.page_source,
            )
            found[name] = self.violations()
        self.assertEqual(found, {"public:data_fields": [], "public:api_docs": []})
