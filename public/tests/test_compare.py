"""The pages where citizens compare municipalities: filters by prefecture and population
class, only published results, the same number of queries for 3 and for 30 municipalities,
and bad parameters that are ignored rather than answered with an error."""

import io
import tempfile
from pathlib import Path
from unittest.mock import patch

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures.models import EffectAmount, Evaluation, Report
from measures.tests.factories import make_grades, make_measure, make_plan, make_status
from municipalities.codes import check_digit
from municipalities.models import PREFECTURES, Municipality
from municipalities.population import (
    SIZE_CLASSES,
    PopulationFileError,
    apply_population,
    read_population_file,
    size_class_of,
)
from municipalities.tests.base import make_municipality
from public.compare.words import title_words
from public.models import StoredPage
from public.page_cache import page_cache
from public.published import measure_outlines, published_years
from public.statistics import grade_categories, tally_rows

PUBLISHED = Evaluation.ReviewStatus.PUBLISHED
GRADES = reverse("public:compare_grades")
EFFECTS = reverse("public:compare_effects")
MEASURES = reverse("public:compare_measures")


def code_of(prefecture: int, number: int) -> str:
    first_five = f"{prefecture:02d}{number:03d}"
    return first_five + str(check_digit(first_five))


def build_city(
    prefecture: int, number: int, *, population: int | None, public: bool = True, scheme="grades"
):
    """A municipality with a public plan of three measures graded A–D: 2020 published (A, B,
    and C for the third), 2021 entered and approved but not yet published (all D), and
    effect amounts for both years. With scheme="statuses" the 2020 entries have a status
    instead (達成, then 検討), with scheme="" neither."""
    code = code_of(prefecture, number)
    city = make_municipality(code, f"市{code}", PREFECTURES[prefecture - 1], f"city-{code}")
    city.population = population
    city.save()
    plan = make_plan(city, first=2020, last=2022, is_public=public)
    grades = make_grades(plan) if scheme == "grades" else {}
    statuses = [make_status(plan, "達成", 0), make_status(plan, "検討", 1)] if scheme else []
    titles = ["公金収納対策の強化", "公共施設の再配置", "職員数の適正化"]
    now = timezone.now()
    for index, title in enumerate(titles):
        measure = make_measure(plan, code=str(index + 1), title=title, goal="徴収率の向上")
        Evaluation.objects.create(
            measure=measure,
            fiscal_year=2020,
            final_grade=grades.get("ABC"[index]),
            status=statuses[min(index, 1)] if scheme == "statuses" else None,
            review_status=PUBLISHED,
            published_at=now,
        )
        Evaluation.objects.create(
            measure=measure,
            fiscal_year=2021,
            final_grade=grades.get("D"),
            review_status=Evaluation.ReviewStatus.APPROVED,
        )
        for year, actual in ((2020, 1_000_000), (2021, 777_777_000)):
            EffectAmount.objects.create(
                measure=measure,
                fiscal_year=year,
                planned_revenue=500_000,
                planned_saving=2_000_000,
                actual_saving=actual,
            )
    Report.objects.create(plan=plan, fiscal_year=2020, published_at=now, content={"measures": []})
    return plan


class PopulationFileTests(TestCase):
    def test_the_shipped_file_holds_the_five_cities_by_their_six_digit_codes(self):
        figures = read_population_file()
        self.assertEqual(figures["282049"], 485705)  # 西宮市
        self.assertEqual(figures["352161"], 60367)  # 山陽小野田市
        self.assertEqual(figures["142123"], 223747)  # 厚木市
        self.assertIsNone(figures["075469"])  # 双葉町: no figure in the census table
        self.assertNotIn("000000", figures)

    def test_loading_sets_the_population_and_changes_the_content_version(self):
        known = make_municipality("282049", "西宮市", "兵庫県", "nishinomiya")
        unknown = make_municipality(code_of(28, 999), "試験市", "兵庫県", "test")
        unknown.population = 1234
        unknown.save()
        version = Municipality.objects.get(pk=known.pk).content_version
        output = io.StringIO()
        call_command("load_population", stdout=output)
        self.assertIn("人口を設定: 2団体", output.getvalue())
        known.refresh_from_db()
        unknown.refresh_from_db()
        self.assertEqual(known.population, 485705)
        self.assertIsNone(unknown.population)  # not in the file: none, not a guess
        self.assertNotEqual(known.content_version, version)
        self.assertEqual(apply_population(), 0)  # nothing left to change

    def test_a_bad_line_is_reported_with_its_line_and_field(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "population.csv"
        path.write_text("code,name,population\n282049,西宮市,485705\n282048,誤り,10\n")
        with self.assertRaisesMessage(PopulationFileError, "3行目 code: '282048'"):
            read_population_file(path)
        path.write_text("code,name,population\n282049,西宮市,多い\n")
        with self.assertRaisesMessage(PopulationFileError, "2行目 population"):
            read_population_file(path)

    def test_size_classes_meet_at_their_thresholds(self):
        self.assertEqual(size_class_of(49_999).key, "under-50k")
        self.assertEqual(size_class_of(50_000).key, "50k-100k")
        self.assertEqual(size_class_of(499_999).key, "200k-500k")
        self.assertEqual(size_class_of(500_000).key, "500k-plus")
        self.assertEqual(size_class_of(None).key, "unknown")
        # Each population is in exactly one class, 不明 included.
        for population in (None, 0, 49_999, 50_000, 500_000, 10_000_000):
            held = [size.key for size in SIZE_CLASSES if size.holds(population)]
            self.assertEqual(held, [size_class_of(population).key], population)


class TitleWordTests(TestCase):
    def test_titles_are_cut_into_words_at_kana_and_into_two_kanji_words(self):
        self.assertEqual(title_words("公金収納対策の強化"), ["公金", "収納", "対策", "強化"])
        self.assertEqual(
            title_words("公共施設等総合管理計画の推進"),
            ["公共", "施設", "総合", "管理", "計画", "推進"],
        )
        self.assertEqual(
            title_words("ＩＣＴを活用した業務改善"), ["ＩＣＴ", "活用", "業務", "改善"]
        )
        self.assertEqual(title_words("その他"), [])


@override_settings(PAGE_CACHE_SECONDS=0)
class ComparePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.small = build_city(28, 201, population=30_000)  # 兵庫県, 5万人未満
        cls.middle = build_city(35, 202, population=150_000)  # 山口県, 10万〜20万人
        cls.unknown = build_city(35, 203, population=None)  # 山口県, 不明
        cls.hidden = build_city(13, 204, population=80_000, public=False)

    def names(self, response) -> list[str]:
        body = response.content.decode()
        return [
            plan.municipality.name
            for plan in (self.small, self.middle, self.unknown, self.hidden)
            if plan.municipality.name in body
        ]

    def test_the_distribution_counts_the_latest_published_year_as_the_plan_page_does(self):
        response = self.client.get(GRADES)
        self.assertEqual(response.status_code, 200)
        row = next(r for r in response.context["rows"] if r.plan == self.small)
        self.assertEqual(row.year, 2020)  # 2021 is approved, not published
        self.assertEqual(
            [(s.category.code, s.count) for s in row.shares],
            [("A", 1), ("B", 1), ("C", 1), ("D", 0)],
        )
        self.assertEqual(str(row.shares[0].share), "33.3")
        plan = self.small
        years = published_years(plan)
        overall = tally_rows(
            measure_outlines(plan, years.reported),
            grade_categories(list(plan.grades.all())),
            [],
            {},
            lambda m, y: m.grades.get(y),
            2020,
            None,
            plan.share_decimal_places,
        )[0]
        self.assertEqual([c.count for c in overall.counts], [s.count for s in row.shares])
        self.assertEqual((overall.counted, overall.total), (row.counted, row.total))
        self.assertNotContains(response, "令和3年度")
        self.assertContains(response, "評価の区分は計画ごとに異なります")

    def test_a_plan_with_statuses_only_shows_its_statuses_and_one_with_neither_no_shares(self):
        statuses = build_city(14, 205, population=None, scheme="statuses")
        money_only = build_city(14, 206, population=None, scheme="")
        response = self.client.get(GRADES, {"pref": "14"})
        rows = {row.plan: row for row in response.context["rows"]}
        self.assertEqual(rows[statuses].scheme, "status")
        self.assertEqual(
            [(s.category.code, s.count, str(s.share)) for s in rows[statuses].shares],
            [("達成", 1, "33.3"), ("検討", 2, "66.7")],
        )
        self.assertEqual((rows[money_only].scheme, rows[money_only].shares), ("", []))
        self.assertContains(response, "区分なし")
        response = self.client.get(MEASURES, {"q": "公金", "pref": "14"})
        results = {m.plan_id: m.result for m in response.context["measures"]}
        self.assertEqual(
            (results[statuses.pk].grade_code, results[statuses.pk].grade_year), ("達成", 2020)
        )
        self.assertEqual(results[money_only.pk].grade_code, "")

    def test_long_lists_are_paged_with_the_other_parameters_kept(self):
        with patch("public.compare.views.PLANS_PER_PAGE", 2):
            first = self.client.get(GRADES, {"sort": "population-desc"})
            second = self.client.get(GRADES, {"sort": "population-desc", "page": "2"})
        self.assertEqual([r.plan for r in first.context["rows"]], [self.middle, self.small])
        self.assertEqual([r.plan for r in second.context["rows"]], [self.unknown])
        self.assertContains(first, 'href="?sort=population-desc&amp;page=2" rel="next"')
        self.assertContains(second, "2 / 2 ページ")

    def test_filters_by_prefecture_and_population_class(self):
        self.assertEqual(
            self.names(self.client.get(GRADES)),
            [
                self.small.municipality.name,
                self.middle.municipality.name,
                self.unknown.municipality.name,
            ],
        )
        self.assertEqual(
            self.names(self.client.get(GRADES, {"pref": "28"})), [self.small.municipality.name]
        )
        self.assertEqual(
            self.names(self.client.get(GRADES, {"size": "under-50k"})),
            [self.small.municipality.name],
        )
        self.assertEqual(
            self.names(self.client.get(EFFECTS, {"pref": "35", "size": "unknown"})),
            [self.unknown.municipality.name],
        )
        self.assertEqual(
            self.names(self.client.get(MEASURES, {"q": "収納", "size": "100k-200k"})),
            [self.middle.municipality.name],
        )

    def test_sorting_by_population_puts_unknown_last(self):
        response = self.client.get(GRADES, {"sort": "population-desc"})
        self.assertEqual(
            [row.plan for row in response.context["rows"]], [self.middle, self.small, self.unknown]
        )
        response = self.client.get(GRADES, {"sort": "population-asc"})
        self.assertEqual(
            [row.plan for row in response.context["rows"]], [self.small, self.middle, self.unknown]
        )

    def test_effects_sum_the_public_actuals_only(self):
        response = self.client.get(EFFECTS, {"pref": "28"})
        [item] = response.context["plans"]
        self.assertEqual([y.fiscal_year for y in item.years], [2020, 2021])
        first, second = item.years
        self.assertEqual(first.actual["saving"], 3_000_000)
        self.assertEqual(first.planned["total"], 7_500_000)
        self.assertIsNone(second.actual["total"])  # 2021's entries are not published
        self.assertEqual(second.unpublished, 3)
        self.assertEqual(item.per_person(first), 100)  # 3,000,000円 ÷ 30,000人
        self.assertNotContains(response, "2,333,331")  # 2021's actuals in 千円
        self.assertContains(response, "3,000")

    def test_an_entry_published_later_shows_up(self):
        Evaluation.objects.filter(measure__plan=self.small, fiscal_year=2021).update(
            review_status=PUBLISHED, published_at=timezone.now()
        )
        response = self.client.get(GRADES, {"pref": "28"})
        [row] = response.context["rows"]
        self.assertEqual((row.year, [s.count for s in row.shares]), (2021, [0, 0, 0, 3]))
        response = self.client.get(EFFECTS, {"pref": "28"})
        self.assertEqual(response.context["plans"][0].years[1].actual["saving"], 2_333_331_000)

    def test_measures_like_this_one_across_public_plans(self):
        measure = self.small.measures.get(code="1")
        page = self.client.get(
            reverse(
                "public:measure", args=[self.small.municipality.slug, self.small.pk, measure.pk]
            )
        )
        self.assertContains(page, "他の自治体の似た取組を探す")
        link = page.context["similar_url"]
        self.assertTrue(link.startswith(f"{MEASURES}?match=any&q=%E5%85%AC%E9%87%91+"), link)
        self.assertContains(page, link.replace("&", "&amp;"))
        response = self.client.get(link)
        self.assertEqual(response.context["query"], "公金 収納 対策 強化")
        found = response.context["measures"]
        # Every public plan's 公金収納対策の強化 first (all four words), then the others
        # that share a word; never the plan that is not public.
        self.assertEqual(
            [(m.plan_id, m.code) for m in found[:3]],
            [(self.small.pk, "1"), (self.middle.pk, "1"), (self.unknown.pk, "1")],
        )
        self.assertNotIn(self.hidden.pk, {m.plan_id for m in found})
        first = found[0]
        self.assertEqual((first.result.grade_code, first.result.grade_year), ("A", 2020))
        self.assertEqual(
            (first.result.effect, first.result.effect_kind, first.result.effect_year),
            (1_000_000, "actual", 2020),
        )

    def test_all_words_must_match_unless_any_is_asked_for(self):
        response = self.client.get(MEASURES, {"q": "公共 収納"})
        self.assertEqual(response.context["page"].paginator.count, 0)
        response = self.client.get(MEASURES, {"q": "公共 収納", "match": "any"})
        self.assertEqual(response.context["page"].paginator.count, 6)
        response = self.client.get(MEASURES, {"q": "徴収率"})  # in the goal only
        self.assertEqual(response.context["page"].paginator.count, 9)

    def test_bad_parameters_are_ignored_and_named(self):
        bad = {
            "pref": "99",
            "size": "huge",
            "sort": "1; drop table",
            "page": "x",
            "basis": "weekly",
            "year": "令和",
            "match": "some",
            "q": "長" * 300,
        }
        for url in (GRADES, EFFECTS, MEASURES):
            with self.subTest(url=url):
                response = self.client.get(url, bad)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "次の条件は選べない値のため使っていません")
        response = self.client.get(GRADES, {"page": "999"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].number, 1)

    def test_the_home_page_links_the_comparison_pages(self):
        response = self.client.get(reverse("public:home"))
        for url in (GRADES, EFFECTS, MEASURES):
            self.assertContains(response, f'href="{url}"')


class CompareQueryCountTests(TestCase):
    """The same number of queries with 3 and with 30 municipalities, rendered and cached."""

    def counts(self) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Queries of each page rendered (nothing stored), from the stored pages with the
        page cache cold, and from the page cache."""
        urls = {
            "grades": GRADES + "?size=under-50k&sort=population-desc",
            "effects": EFFECTS + "?basis=single_year",
            "measures": MEASURES + "?q=収納+公共&match=any",
        }
        rendered, stored, cached = {}, {}, {}
        for name, url in urls.items():
            StoredPage.objects.all().delete()
            page_cache().clear()
            with override_settings(STORED_PAGES=False):
                rendered[name] = self.queries(url)
            page_cache().clear()
            self.client.get(url)  # rendered and stored where it may be
            page_cache().clear()
            stored[name] = self.queries(url)
            cached[name] = self.queries(url)
        return rendered, stored, cached

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def test_query_counts_do_not_grow_with_the_number_of_municipalities(self):
        for number in range(3):
            build_city(28, 300 + number, population=10_000 * (number + 1))
        small = self.counts()
        for number in range(3, 30):
            build_city(1 + number % 47, 300 + number, population=10_000 * (number + 1))
        large = self.counts()
        self.assertEqual(small, large)
        # grades: content versions, prefectures, count, plans, latest years (reports,
        # entries), grades, statuses, active measures, entries of the latest years
        self.assertEqual(large[0]["grades"], 10)
        # effects: versions, prefectures, count, plans, amounts, entries, reports
        self.assertEqual(large[0]["effects"], 7)
        # measures: versions, and the word index built again (municipalities, measures of
        # those whose version changed), the page's measures and their plans, entries, their
        # grades, reports, effects
        self.assertEqual(large[0]["measures"], 9)
        # Filtered by known choices, the grades and effects come from the stored pages (the
        # versions and the page); a search by words is rendered again, from the word index
        # kept in the process (versions, the page's measures and plans, entries, grades,
        # reports, effects).
        self.assertEqual(large[1], {"grades": 2, "effects": 2, "measures": 7})
        self.assertEqual(set(large[2].values()), {1})
