"""The word index of the search across municipalities finds what the database finds, in the
same order, for every combination of words, matching, prefecture, population class and
page; it follows every change at once, and reads again only the municipalities that
changed."""

import itertools
import random
from functools import reduce
from operator import add, and_, or_
from unittest.mock import patch

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Measure
from measures.tests.factories import make_measure, make_plan
from municipalities.models import PREFECTURES, Municipality
from municipalities.population import SIZE_CLASS_BY_KEY, SIZE_CLASSES
from municipalities.tests.base import make_municipality
from public.compare import word_index
from public.compare.word_index import set_bits
from public.tests.test_compare import MEASURES, code_of

TITLES = [
    "公金収納対策の強化",
    "公共施設の再配置",
    "職員数の適正化",
    "ICTを活用した窓口の見直し",
    "ごみ収集業務の民間委託",
    "補助金の見直し",
    "使用料・手数料の見直し（100%）",
]
GOALS = ["徴収率の向上", "施設の総量を見直し縮減する", "ict化で事務を効率化", "", "収納率_向上"]
WORDS = ["見直し", "収納", "ICT", "ict", "施設", "向上", "委託", "100%", "_", "存在しない語"]


def database_search(words: list[str], *, any_word: bool, prefecture=None, size=None):
    """The search as the database answered it before the index: icontains on title or goal,
    every word or, for any word, those holding the most words first."""

    def word_q(word):
        return Q(title__icontains=word) | Q(goal__icontains=word)

    found = Measure.objects.filter(plan__is_public=True)
    if prefecture:
        found = found.filter(plan__municipality__prefecture=prefecture)
    if size:
        found = found.filter(SIZE_CLASS_BY_KEY[size].q("plan__municipality__population"))
    order = ["plan__municipality__code", "plan_id", "order", "pk"]
    if not any_word:
        return list(
            found.filter(reduce(and_, (word_q(w) for w in words)))
            .order_by(*order)
            .values_list("pk", flat=True)
        )
    score = reduce(
        add,
        (
            Case(When(word_q(w), then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
    )
    return list(
        found.filter(reduce(or_, (word_q(w) for w in words)))
        .annotate(score=score)
        .order_by("-score", *order)
        .values_list("pk", flat=True)
    )


def index_search(words, *, any_word, prefecture=None, size=None) -> list[int]:
    index = word_index.word_index()
    found = index.search(
        words,
        any_word=any_word,
        within=index.of_municipalities(prefecture=prefecture, size=size),
    )
    return [index.pks[position] for position in found.positions(0, len(found))]


class WordIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        chooser = random.Random(7)
        cls.plans = []
        # Codes out of creation order, two prefectures, every population class.
        for number, (prefecture, population) in enumerate(
            [(35, 150_000), (28, 30_000), (28, None), (35, 600_000), (28, 70_000), (13, 250_000)]
        ):
            code = code_of(prefecture, 300 - number * 7)
            city = make_municipality(code, f"市{code}", PREFECTURES[prefecture - 1])
            city.population = population
            city.save()
            for plan_number in range(2):
                plan = make_plan(city, name=f"計画{plan_number}", is_public=number != 5)
                for order in chooser.sample(range(20), 6):
                    make_measure(
                        plan,
                        code=f"{plan_number}-{order}",
                        title=chooser.choice(TITLES),
                        goal=chooser.choice(GOALS),
                        order=order,
                    )
                cls.plans.append(plan)
        # A public plan with no measures.
        make_plan(make_municipality(code_of(1, 100), "空の町", PREFECTURES[0]), is_public=True)

    def setUp(self):
        word_index.forget()

    def test_the_index_finds_what_the_database_finds_in_the_same_order(self):
        prefectures = [None, PREFECTURES[27], PREFECTURES[34], PREFECTURES[12]]
        sizes = [None] + [size.key for size in SIZE_CLASSES]
        queries = [[w] for w in WORDS] + [list(pair) for pair in itertools.combinations(WORDS, 2)]
        queries += [["見直し", "収納", "施設"], ["ICT", "見直し", "向上", "委託"]]
        checked = 0
        for words, any_word, prefecture, size in itertools.product(
            queries, (False, True), prefectures, sizes
        ):
            with self.subTest(words=words, any_word=any_word, prefecture=prefecture, size=size):
                expected = database_search(
                    words, any_word=any_word, prefecture=prefecture, size=size
                )
                self.assertEqual(
                    index_search(words, any_word=any_word, prefecture=prefecture, size=size),
                    expected,
                )
                checked += bool(expected)
        self.assertGreater(checked, 500)  # most combinations find something

    def test_pages_are_the_database_pages(self):
        expected = database_search(["見直し", "収納", "向上"], any_word=True)
        self.assertGreater(len(expected), 7 * 3)
        for number in (1, 2, 3, len(expected) // 7 + 1):
            with patch("public.compare.views.MEASURES_PER_PAGE", 7):
                response = self.client.get(
                    MEASURES, {"q": "見直し 収納 向上", "match": "any", "page": number}
                )
            page = response.context["page"]
            self.assertEqual(page.paginator.count, len(expected))
            shown = [m.pk for m in response.context["measures"]]
            self.assertEqual(shown, expected[(number - 1) * 7 : number * 7])
        self.assertEqual(response.context["measures"][0].plan.municipality.name[:1], "市")

    def test_a_change_is_found_at_once_and_only_its_municipality_is_read_again(self):
        index_search(["見直し"], any_word=False)
        before = word_index.word_index()
        plan = self.plans[0]
        measure = plan.measures.first()
        measure.title = "まったく新しい取組名"
        measure.save()
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(index_search(["新しい取組"], any_word=False), [measure.pk])
        after = word_index.word_index()
        self.assertIsNot(after, before)
        changed = plan.municipality_id
        for pk, segment in after.segments.items():
            if pk == changed:
                self.assertIsNot(segment, before.segments[pk])
            else:
                self.assertIs(segment, before.segments[pk])
        # the versions, the municipalities' versions, the changed one's measures
        self.assertEqual(len(queries), 3, [q["sql"] for q in queries])
        self.assertIn(f"IN ({changed})", queries[2]["sql"])

    def test_a_plan_made_private_leaves_the_results_at_once(self):
        plan = self.plans[0]
        self.assertTrue(
            set(index_search(["見直し"], any_word=True))
            & set(plan.measures.values_list("pk", flat=True))
        )
        plan.is_public = False
        plan.save()
        found = set(index_search(["見直し"], any_word=True))
        self.assertFalse(found & set(plan.measures.values_list("pk", flat=True)))
        self.assertEqual(sorted(found), sorted(database_search(["見直し"], any_word=True)))

    def test_each_row_links_its_measure_and_escapes_its_text(self):
        plan = self.plans[0]
        measure = make_measure(plan, code="X", title="<script>見直し&改善</script>", order=99)
        response = self.client.get(MEASURES, {"q": "見直し&改善"})
        [found] = response.context["measures"]
        self.assertEqual(found.pk, measure.pk)
        url = reverse("public:measure", args=[plan.municipality.slug, plan.pk, measure.pk])
        self.assertContains(
            response,
            f'<th scope="row"><a href="{url}">X &lt;script&gt;見直し&amp;改善&lt;/script&gt;</a></th>',
            html=False,
        )
        self.assertContains(response, f'<td data-label="自治体・計画">{plan.municipality.name}')
        self.assertNotContains(response, "<script>見直し")

    def test_more_than_ten_words_are_refused_and_a_repeated_word_counts_once(self):
        many = " ".join(f"語{n}" for n in range(11))
        response = self.client.get(MEASURES, {"q": many, "match": "any"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["words"], [])
        self.assertContains(
            response, "次の条件は選べない値のため使っていません: 取組の名称・目標の語"
        )
        response = self.client.get(MEASURES, {"q": "見直し 見直し 収納", "match": "any"})
        self.assertEqual(response.context["words"], ["見直し", "収納"])
        expected = database_search(["見直し", "収納"], any_word=True)
        self.assertEqual(response.context["page"].paginator.count, len(expected))

    def test_a_kept_index_and_word_ask_only_the_version(self):
        index_search(["見直し"], any_word=False)
        with CaptureQueriesContext(connection) as queries:
            index_search(["見直し"], any_word=False)
        self.assertEqual(len(queries), 1)

    def test_the_prefectures_offered_are_those_with_a_public_plan(self):
        self.assertEqual(
            word_index.word_index().prefectures,
            sorted({PREFECTURES[0], PREFECTURES[27], PREFECTURES[34]}),
        )
        self.assertEqual(Municipality.objects.count(), 7)


class SetBitsTests(TestCase):
    def test_set_bits_are_the_positions_in_order_from_any_place(self):
        chooser = random.Random(3)
        for size in (0, 1, 63, 64, 65, 1000, 5000):
            positions = sorted(chooser.sample(range(max(size, 1)), min(size, size // 3 + 1)))
            bits = sum(1 << p for p in positions)
            for skip, take in ((0, 50), (1, 2), (len(positions) - 1, 5), (len(positions), 3)):
                with self.subTest(size=size, skip=skip, take=take):
                    self.assertEqual(set_bits(bits, skip, take), positions[skip : skip + take])
        self.assertEqual(set_bits(0b1011, 0, 0), [])
