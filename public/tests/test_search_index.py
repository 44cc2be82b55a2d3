"""The search page answers from the plan's search index (public/search_index.py): the same
measures as asking the database, nothing unpublished, a new index after every change, and
select boxes with the same HTML as Django's widget templates."""

import itertools

from django import forms
from django.db import connection
from django.db.models import Q
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation, Measure, Pillar
from measures.plan_files.importing import import_plan_document
from measures.tests.documents import small_document
from public import search_index
from public.filters import MeasureFilter
from public.page_cache import page_cache
from public.widgets import QuickBooleanSelect, QuickSelect

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED


def searched_document() -> dict:
    """The small plan with more measures: two pillars with children, three departments,
    grades and statuses over two years, new and continued, citywide or not, and a year
    whose entry is only approved (not published)."""
    document = small_document()
    document["pillars"].append(
        {"code": "II", "title": "市民との協働", "children": [{"code": "②", "title": "情報発信"}]}
    )
    rows = [
        ("窓口業務の見直し", ["II", "②"], "企画課", "新規", True, ("A", "実施"), ("B", "検討")),
        ("施設使用料の見直し", ["I", "①"], "財政課", "継続", False, ("B", "検討"), ("B", "実施")),
        ("広報紙の電子化", ["II"], "企画課", "", False, ("C", "実施"), None),
        ("ｅ－Ｔａｘの利用促進", ["II", "②"], "税務課", "新規", True, None, ("D", "検討")),
    ]
    for number, (title, pillar, lead, status, citywide, first, second) in enumerate(rows, 3):
        years = []
        for year, result in ((2019, first), (2020, second)):
            if result:
                years.append(
                    {
                        "fiscal_year": year,
                        "grade": result[0],
                        "status": result[1],
                        "check": f"第{number}号を点検{year}",
                    }
                )
        document["measures"].append(
            {
                "code": str(number),
                "title": title,
                "pillar": pillar,
                "departments": [
                    {"name": lead, "role": "lead"},
                    {"name": "財政課", "role": "related"},
                ],
                "status": status,
                "citywide": citywide,
                "content": "・窓口の混雑を解消" if number == 3 else "",
                "years": years,
            }
        )
    document["measures"][3]["years"].append(
        {"fiscal_year": 2021, "check": "未公表の点検", "grade": "A"}
    )
    return document


def expected(plan, data: dict, year: int | None) -> list[int]:
    """The measures the database holds for these conditions, as the search page asked it
    before it had an index."""
    measures = Measure.objects.filter(plan=plan)
    published = Evaluation.objects.filter(measure__plan=plan, review_status=PUBLISHED)
    for word in data.get("q", "").split():
        texts = published.filter(
            Q(plan_text__icontains=word)
            | Q(do_text__icontains=word)
            | Q(check_text__icontains=word)
            | Q(action_text__icontains=word)
        )
        measures = measures.filter(
            Q(title__icontains=word)
            | Q(content__icontains=word)
            | Q(pk__in=texts.values("measure_id"))
        )
    if "pillar" in data:
        pillar = data["pillar"]
        measures = measures.filter(
            Q(pillar=pillar) | Q(pillar__parent=pillar) | Q(pillar__parent__parent=pillar)
        )
    if "department" in data:
        measures = measures.filter(department_links__department=data["department"]).distinct()
    if "grade" in data:
        graded = published.filter(fiscal_year=year, final_grade__code=data["grade"])
        measures = measures.filter(pk__in=graded.values("measure_id"))
    if "status" in data:
        rows = published.filter(fiscal_year=year, status__label=data["status"])
        measures = measures.filter(pk__in=rows.values("measure_id"))
    if "continuity" in data:
        measures = measures.filter(continuity=data["continuity"])
    if "citywide" in data:
        measures = measures.filter(is_citywide=data["citywide"] == "true")
    return list(measures.order_by("order", "pk").values_list("pk", flat=True))


# Every request renders its page, so that each asks the index.
@override_settings(PAGE_CACHE_SECONDS=0, STORED_PAGES=False)
class SearchIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = import_plan_document(searched_document(), publish=True).plan
        # An entry returned to its department: its text and grade stay out of every search.
        Evaluation.objects.filter(measure__plan=cls.plan, fiscal_year=2021).update(
            review_status=Evaluation.ReviewStatus.RETURNED
        )
        cls.url = reverse("public:search", args=[cls.plan.municipality.slug, cls.plan.pk])

    def setUp(self):
        page_cache().clear()
        search_index.forget()

    def found(self, data: dict) -> list[int]:
        return self.answer(data)[0]

    def answer(self, data: dict) -> tuple[list[int], int]:
        """The measures found, and the year whose grades were asked."""
        response = self.client.get(self.url, data)
        self.assertEqual(response.status_code, 200)
        return [entry.pk for entry in response.context["measures"]], response.context["year"]

    def test_every_condition_finds_what_the_database_holds(self):
        pillars = list(Pillar.objects.filter(plan=self.plan).values_list("pk", flat=True))
        departments = list(self.plan.municipality.departments.values_list("pk", flat=True))
        conditions = {
            "q": ["見直し", "窓口 見直し", "点検2019", "滞納", "混雑", "第4号", "未公表", "ない語"],
            "pillar": pillars,
            "department": departments,
            "grade": ["A", "B", "C", "D"],
            "status": ["実施", "検討"],
            "continuity": ["new", "continuing"],
            "citywide": ["true", "false"],
        }
        checked = 0
        for year in (None, 2019, 2020, 2021):
            for first, second in itertools.combinations([*conditions, None], 2):
                for a, b in itertools.product(
                    conditions[first], conditions[second] if second else [None]
                ):
                    data = {first: str(a)}
                    if second:
                        data[second] = str(b)
                    if year:
                        data["year"] = str(year)
                    with self.subTest(data=data):
                        found, asked = self.answer(data)
                        self.assertEqual(found, expected(self.plan, data, asked))
                    checked += 1
        self.assertGreater(checked, 500)
        # Some conditions find something, and the approved entry's text is never found.
        self.assertTrue(self.found({"q": "見直し"}))
        self.assertEqual(self.found({"q": "未公表"}), [])
        self.assertEqual(self.found({"grade": "A", "year": "2021"}), [])

    def test_words_match_whatever_their_case_and_width(self):
        pk = Measure.objects.get(plan=self.plan, code="6").pk
        for word in ("ｅ－ｔａｘ", "ｅ－ＴＡＸ", "利用促進"):
            with self.subTest(word=word):
                self.assertEqual(self.found({"q": word}), [pk])

    def test_refused_values_filter_nothing_and_say_so(self):
        everything = self.found({})
        for data in ({"pillar": "abc"}, {"department": "999999"}, {"grade": "Z"}):
            with self.subTest(data=data):
                response = self.client.get(self.url, data)
                self.assertEqual(self.found(data), everything)
                self.assertContains(response, 'aria-invalid="true"')

    def test_a_change_makes_a_new_index(self):
        self.assertEqual(self.found({"q": "電子申請"}), [])
        measure = Measure.objects.get(plan=self.plan, title="広報紙の電子化")
        measure.title = "電子申請の拡充"
        measure.save()
        self.assertEqual(self.found({"q": "電子申請"}), [measure.pk])
        self.assertEqual(self.found({"q": "広報紙"}), [])

    def test_a_kept_index_costs_no_query_but_the_version(self):
        self.found({"q": "見直し"})
        with CaptureQueriesContext(connection) as queries:
            self.found({"q": "窓口", "grade": "A"})
        self.assertEqual(len(queries), 1)  # the municipality's content version
        # From the shared cache, as another worker finds it, the same.
        search_index.forget()
        with CaptureQueriesContext(connection) as queries:
            self.found({"q": "施設"})
        self.assertEqual(len(queries), 1)

    def test_a_plan_that_is_not_public_has_no_search(self):
        self.found({})
        self.plan.is_public = False
        self.plan.save()
        self.assertEqual(self.client.get(self.url, {"q": "見直し"}).status_code, 404)


class QuickSelectTests(TestCase):
    """The Python-written select boxes give the same HTML as Django's templates."""

    def test_same_html_as_the_widget_templates(self):
        choices = [
            ("", "---------"),
            ("1", "1 経営的<視点>"),
            ("2", "「市民」&協働"),
            (3, 2021),
        ]
        grouped = [("", "すべて"), ("群<1>", [("a", "ア"), ("b", "イ")]), ("c", "ウ")]
        attrs_cases = [
            None,
            {"id": "id_x"},
            {"id": "id_x", "aria-invalid": "true", "required": True, "disabled": False},
        ]
        for options, value, attrs in itertools.product(
            (choices, grouped), ("", "1", "2", 3, "b", None, "nothing"), attrs_cases
        ):
            with self.subTest(options=options, value=value, attrs=attrs):
                django_html = forms.Select(choices=options).render("name", value, attrs)
                quick_html = QuickSelect(choices=options).render("name", value, attrs)
                self.assertEqual(quick_html, django_html)
        for value in (True, False, None, "true", "1", "0", "maybe"):
            with self.subTest(boolean=value):
                from django_filters.widgets import BooleanWidget

                self.assertEqual(
                    QuickBooleanSelect().render("citywide", value, {"id": "id_citywide"}),
                    BooleanWidget().render("citywide", value, {"id": "id_citywide"}),
                )

    def test_the_search_form_renders_as_through_the_templates(self):
        plan = import_plan_document(searched_document(), publish=True).plan
        index = search_index.build(plan)
        years = [2019, 2020]
        labels = {2019: "令和元年度", 2020: "令和2年度"}
        for data in ({}, {"pillar": str(index.pillars[0][0]), "grade": "B", "citywide": "true"}):
            quick = MeasureFilter(data, index=index, years=years, year_labels=labels).form
            plain = MeasureFilter(data, index=index, years=years, year_labels=labels).form
            for field in plain.fields.values():
                if isinstance(field.widget, QuickBooleanSelect):
                    from django_filters.widgets import BooleanWidget

                    field.widget = BooleanWidget()
                elif isinstance(field.widget, QuickSelect):
                    widget = forms.Select()
                    widget.choices = field.widget.choices
                    field.widget = widget
            for name in quick.fields:
                with self.subTest(data=data, field=name):
                    self.assertEqual(str(quick[name]), str(plain[name]))
