"""The API's conventions: JSON errors, pagination with Link headers, ETag / Last-Modified
with 304 answers, CORS for GET, and an OpenAPI document that every endpoint's real answers
validate against (the plan's with a published external review in it)."""

import json

from django.core.cache import caches
from django.test import TestCase, override_settings
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from municipalities.models import Department
from municipalities.tests.base import make_municipality
from public.tests.review_data import add_published_review


class ApiConventionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(small_document(), publish=True).plan
        finance = Department.objects.get(municipality=cls.plan.municipality, name="財政課")
        add_published_review(cls.plan, finance, year=2020)
        cls.hidden_city = make_municipality("352161", "山陽小野田市", "山口県", "sanyo-onoda")

    def setUp(self):
        caches["default"].clear()

    def get(self, url: str, **headers):
        return self.client.get(url, headers=headers)

    def urls(self) -> dict[str, str]:
        return {
            "MunicipalityList": reverse("api:municipalities"),
            "Municipality": reverse("api:municipality", args=[self.plan.municipality.code]),
            "PlanDocument": reverse("api:plan", args=[self.plan.pk]),
            "MeasureList": reverse("api:measures", args=[self.plan.pk]),
        }

    def test_errors_are_json_not_html_pages(self):
        for url, status in [
            (reverse("api:plan", args=[999999]), 404),
            (reverse("api:municipality", args=[self.hidden_city.code]), 404),
            ("/api/v1/no-such-thing/", 404),
            ("/api/v1/plans/abc/", 404),
            (reverse("api:measures", args=[self.plan.pk]) + "?page=abc", 400),
            (reverse("api:measures", args=[self.plan.pk]) + "?per_page=100000", 400),
            (reverse("api:measures", args=[self.plan.pk]) + "?page=99", 400),
        ]:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response["Content-Type"], "application/json")
                body = response.json()
                self.assertEqual(body["error"]["status"], status)
                self.assertTrue(body["error"]["message"])
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_lists_are_paginated_with_link_headers(self):
        url = reverse("api:measures", args=[self.plan.pk])
        first = self.get(url + "?per_page=1")
        body = first.json()
        self.assertEqual([m["code"] for m in body["measures"]], ["1"])
        self.assertEqual(body["pagination"], {"page": 1, "per_page": 1, "total": 2, "pages": 2})
        self.assertEqual(first["X-Total-Count"], "2")
        links = first["Link"]
        self.assertIn(f'<http://testserver{url}?page=2&per_page=1>; rel="next"', links)
        self.assertIn('rel="last"', links)
        self.assertNotIn('rel="prev"', links)
        second = self.get(url + "?page=2&per_page=1")
        self.assertEqual([m["code"] for m in second.json()["measures"]], ["2"])
        self.assertIn('rel="prev"', second["Link"])
        self.assertNotIn('rel="next"', second["Link"])

    def test_an_unchanged_answer_is_304_until_the_data_changes(self):
        url = reverse("api:plan", args=[self.plan.pk])
        first = self.get(url)
        etag, modified = first["ETag"], first["Last-Modified"]
        self.assertTrue(etag.startswith('"'))
        again = self.get(url, if_none_match=etag)
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again["ETag"], etag)
        self.assertEqual(self.get(url, if_modified_since=modified).status_code, 304)
        self.plan.vision = "新しい将来像"
        self.plan.save()
        changed = self.get(url, if_none_match=etag)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_validators_hold_with_the_page_cache_off(self):
        url = reverse("public:plan", args=[self.plan.municipality.slug, self.plan.pk])
        etag = self.get(url)["ETag"]
        self.assertEqual(self.get(url, if_none_match=etag).status_code, 304)

    def test_nothing_that_is_not_public_answers_a_conditional_request(self):
        hidden = import_plan_document(
            small_document(
                municipality={
                    "code": "352161",
                    "name": "山陽小野田市",
                    "prefecture": "山口県",
                    "slug": "sanyo-onoda",
                }
            )
        ).plan
        response = self.get(reverse("api:plan", args=[hidden.pk]), if_none_match="*")
        self.assertEqual(response.status_code, 404)

    def test_any_origin_may_read_and_the_preflight_is_answered(self):
        url = reverse("api:plan", args=[self.plan.pk])
        response = self.client.options(url, headers={"origin": "https://example.org"})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertIn("GET", response["Access-Control-Allow-Methods"])
        self.assertIn("ETag", self.get(url)["Access-Control-Expose-Headers"])
        self.assertEqual(self.client.post(url).status_code, 405)

    def test_every_endpoint_answers_as_its_openapi_schema_says(self):
        document = self.get(reverse("api:openapi")).json()
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertEqual(document["servers"], [{"url": "http://testserver/api/v1"}])
        registry = Registry().with_resource(
            "urn:api", Resource.from_contents(document, default_specification=DRAFT202012)
        )
        for name, url in self.urls().items():
            with self.subTest(endpoint=name):
                path = url.removeprefix("/api/v1")
                documented = {
                    "/municipalities/": "MunicipalityList",
                    "/plans/{id}/": "PlanDocument",
                    "/plans/{id}/measures/": "MeasureList",
                    "/municipalities/{code}/": "Municipality",
                }
                templates = [p for p, schema in documented.items() if schema == name]
                self.assertTrue(templates and templates[0] in document["paths"], path)
                validator = Draft202012Validator(
                    {"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry
                )
                answer = self.get(url).json()
                if name == "PlanDocument":
                    self.assertTrue(answer["external_reviews"][0]["years"][0]["units"])
                errors = sorted(validator.iter_errors(answer), key=str)
                self.assertEqual([f"{e.json_path}: {e.message}" for e in errors][:5], [])
        error_validator = Draft202012Validator(
            {"$ref": "urn:api#/components/schemas/Error"}, registry=registry
        )
        error_validator.validate(self.get("/api/v1/nothing/").json())

    def test_a_broken_answer_fails_its_schema(self):
        document = self.get(reverse("api:openapi")).json()
        registry = Registry().with_resource(
            "urn:api", Resource.from_contents(document, default_specification=DRAFT202012)
        )
        validator = Draft202012Validator(
            {"$ref": "urn:api#/components/schemas/PlanDocument"}, registry=registry
        )
        answer = json.loads(self.get(reverse("api:plan", args=[self.plan.pk])).content)
        answer["measures"][0]["effects"][0]["actual_revenue"] = "1,200千円"
        self.assertFalse(validator.is_valid(answer))
        answer = json.loads(self.get(reverse("api:plan", args=[self.plan.pk])).content)
        self.assertTrue(validator.is_valid(answer))
        answer["external_reviews"][0]["years"][0]["units"][0]["grades"][0]["grade"] = None
        self.assertFalse(validator.is_valid(answer))
