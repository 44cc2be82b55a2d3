"""A reform officer's admin names nothing of another municipality: no change list, list
filter, add or change form, or autocomplete answer shows its name, its plans, departments
or staff. Every registered admin is walked, so a new one is covered as it is registered."""

import logging
from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from measures.tests.factories import make_plan
from measures.tests.full_plan import make_full_plan
from municipalities.models import Municipality
from municipalities.scoping import scope_queryset
from municipalities.tests.base import ActorsTestCase


def admin_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class AdminScopingTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.own = make_full_plan(cls.city, "西宮", "nishinomiya-clerk")
        cls.foreign = make_full_plan(cls.other_city, "山陽小野田", "sanyo-onoda-clerk")
        # Every name of the other municipality's rows holds its marker; its actors' names too.
        cls.foreign_names = [
            "山陽小野田",
            cls.other_department.name,
            cls.other_officer.username,
            cls.foreign.staff.username,
        ]

    def setUp(self):
        self.client.raise_request_exception = False
        logger = logging.getLogger("django.request")
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.ERROR)
        self.client.force_login(self.officer)
        self.leaks: dict[str, list[str]] = {}

    def visit(self, label: str, url: str):
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, f"{label}: {url}")
        text = response.content.decode()
        shown = [name for name in self.foreign_names if name in text]
        if shown:
            self.leaks[f"{label}: {url}"] = shown
        return response

    def assertNothingForeign(self):
        self.maxDiff = None
        self.assertEqual(self.leaks, {}, "pages naming the other municipality's rows")

    def test_no_change_list_or_list_filter_names_another_municipality(self):
        for model in admin.site._registry:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            response = self.visit(f"{admin_label(model)} list", url)
            if response.status_code != 200:
                continue
            changelist = response.context["cl"]
            for spec in changelist.filter_specs:
                for choice in spec.choices(changelist):
                    self.visit(
                        f"{admin_label(model)} filter {spec.title}", url + choice["query_string"]
                    )
        self.assertNothingForeign()

    def test_no_add_or_change_form_names_another_municipality(self):
        for model in admin.site._registry:
            opts = model._meta
            base = f"admin:{opts.app_label}_{opts.model_name}"
            self.visit(f"{admin_label(model)} add", reverse(f"{base}_add"))
            own = scope_queryset(model._default_manager.order_by("pk"), self.officer).first()
            if own is not None:
                self.visit(f"{admin_label(model)} change", reverse(f"{base}_change", args=[own.pk]))
        self.assertNothingForeign()

    def test_no_autocomplete_answers_with_another_municipalitys_rows(self):
        autocomplete = reverse("admin:autocomplete")
        for model, model_admin in admin.site._registry.items():
            fields = [(model, name) for name in model_admin.autocomplete_fields]
            for inline in model_admin.inlines:
                fields.extend((inline.model, name) for name in inline.autocomplete_fields)
            for source, field_name in fields:
                for term in ("", "山陽小野田", "課"):
                    query = {
                        "app_label": source._meta.app_label,
                        "model_name": source._meta.model_name,
                        "field_name": field_name,
                        "term": term,
                    }
                    label = f"{admin_label(source)}.{field_name} autocomplete {term!r}"
                    self.visit(label, f"{autocomplete}?{urlencode(query)}")
        self.assertNothingForeign()

    def test_a_reform_officer_gets_no_municipality_filter(self):
        for model in admin.site._registry:
            opts = model._meta
            response = self.client.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
            if response.status_code != 200:
                continue
            for spec in response.context["cl"].filter_specs:
                target = getattr(getattr(spec, "field", None), "related_model", None)
                self.assertIsNot(target, Municipality, f"{admin_label(model)}: {spec.title}")

    def test_a_reform_officers_plan_filter_offers_their_own_plans(self):
        # A filter with one choice is not shown: give the officer's city a second plan.
        second = make_plan(self.city, name="西宮第二次行政改革計画", first=2025, last=2029)
        response = self.client.get(reverse("admin:measures_measure_changelist"))
        offered = {
            choice["display"]
            for spec in response.context["cl"].filter_specs
            for choice in spec.choices(response.context["cl"])
        }
        self.assertLessEqual({self.own.plan.name, second.name}, offered)
        self.assertNotIn(self.foreign.plan.name, offered)

    def test_a_superuser_filters_by_every_municipality_and_plan(self):
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:measures_measure_changelist"))
        offered = {
            choice["display"]
            for spec in response.context["cl"].filter_specs
            for choice in spec.choices(response.context["cl"])
        }
        self.assertLessEqual(
            {self.own.plan.name, self.foreign.plan.name, self.city.name, self.other_city.name},
            offered,
        )
