"""Plans shaped as other cities publish them, entered through the xlsx template the way a
clerk would, and read back on the plan page, a year's report, search and the API:

- progress reported only as implementation statuses;
- progress measured only in 効果額, with no yearly entries at all;
- three plan-level goals (主要目標) whose progress goes past 100 %;
- items added after the plan's first year, and one merged into another;
- results published in earlier years, on the dates the file gives.
"""

import json
from decimal import Decimal

from django.core.cache import caches
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from measures.models import Evaluation, Measure, Plan, Report
from measures.plan_files.formats import read_plan_file
from measures.plan_files.importing import import_plan_document
from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables

CITY = {"code": "132012", "name": "八王子市", "prefecture": "東京都", "slug": "hachioji"}


def plan_document(name: str, measures: list[dict], **plan) -> dict:
    return {
        "format": "reform-plan/1",
        "municipality": CITY,
        "departments": [{"name": "行政経営課"}, {"name": "資産経営課"}, {"name": "職員課"}],
        "plan": {
            "name": name,
            "first_fiscal_year": 2019,
            "last_fiscal_year": 2023,
            "level_labels": ["重点項目"],
            "reform_office": "行政経営課",
            "grade_scheme": [],
            "status_scheme": [],
            **plan,
        },
        "pillars": [
            {"code": "1", "title": "効率的な行政運営", "children": []},
            {"code": "2", "title": "公共施設の適正化", "children": []},
        ],
        "measures": measures,
    }


def measure(code: str, title: str, pillar: str, **fields) -> dict:
    return {
        "code": code,
        "title": title,
        "pillar": [pillar],
        "departments": [{"name": "行政経営課", "role": "lead"}],
        **fields,
    }


def through_the_template(document: dict) -> dict:
    """The document as a clerk's workbook, read back as the import reads it."""
    workbook = write_xlsx(document_to_tables(document))
    return read_plan_file("plan.xlsx", workbook)


class TemplateCityTestCase(TestCase):
    def setUp(self):
        caches["default"].clear()

    def import_through_template(self, document: dict, publish: bool = True):
        summary = import_plan_document(through_the_template(document), publish=publish)
        return summary.plan, summary

    def page(self, plan: Plan, name: str, *args, **query) -> str:
        url = reverse(f"public:{name}", args=[plan.municipality.slug, plan.pk, *args])
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def api(self, plan: Plan) -> dict:
        return json.loads(self.client.get(reverse("api:plan", args=[plan.pk])).content)


class StatusOnlyPlanTests(TemplateCityTestCase):
    @classmethod
    def setUpTestData(cls):
        years = {"達成": [2019], "部分実施": [2019], "検討中": [2019]}
        document = plan_document(
            "行財政改革実行プラン",
            [
                measure(
                    str(number),
                    title,
                    "1" if number < 3 else "2",
                    years=[{"fiscal_year": 2019, "status": status, "do": f"{title}を実施"}],
                )
                for number, (title, status) in enumerate(
                    [
                        ("窓口の電子化", "達成"),
                        ("事務の外部委託", "部分実施"),
                        ("施設の統廃合", "達成"),
                        ("受益者負担の見直し", "検討中"),
                    ],
                    start=1,
                )
            ],
            status_scheme=list(years),
            count_note="※端数処理のため、割合の合計が100%にならない場合があります。",
        )
        cls.plan = import_plan_document(through_the_template(document), publish=True).plan

    def test_the_plan_page_counts_statuses_with_shares_and_shows_no_grades(self):
        page = self.page(self.plan, "plan")
        self.assertIn("令和元年度（2019年度）の実施状況別の件数と割合", page)
        self.assertIn("2件（50.0%）", page)  # 達成 2 of 4
        self.assertIn("1件（25.0%）", page)
        self.assertIn("端数処理のため", page)
        self.assertNotIn("の評価別の件数と割合", page)

    def test_search_filters_by_status_and_offers_no_grade_or_unused_filters(self):
        page = self.page(self.plan, "search", status="達成")
        self.assertIn('name="status"', page)
        for unused in ('name="grade"', 'name="continuity"', 'name="citywide"'):
            self.assertNotIn(unused, page)
        self.assertIn("窓口の電子化", page)
        self.assertIn("施設の統廃合", page)
        self.assertNotIn("事務の外部委託", page)

    def test_the_measure_page_report_and_api_carry_the_status(self):
        item = Measure.objects.get(plan=self.plan, code="4")
        self.assertIn("実施状況 検討中", self.page(self.plan, "measure", item.pk))
        self.assertIn("検討中", self.page(self.plan, "report", 2019))
        statuses = [m["years"][0]["status"] for m in self.api(self.plan)["measures"]]
        self.assertEqual(statuses, ["達成", "部分実施", "達成", "検討中"])


class EffectOnlyPlanTests(TemplateCityTestCase):
    @classmethod
    def setUpTestData(cls):
        document = plan_document(
            "行財政改革推進計画（効果額）",
            [
                measure(
                    "1",
                    "職員数の適正化",
                    "1",
                    effects=[
                        {
                            "fiscal_year": 2019,
                            "planned_saving": "30,000千円",
                            "actual_saving": "32,500千円",
                        },
                        {
                            "fiscal_year": 2020,
                            "planned_saving": "30,000千円",
                            "actual_saving": "28,000千円",
                        },
                        {
                            "fiscal_year": 2020,
                            "basis": "累計",
                            "actual_saving": "60,500千円",
                        },
                    ],
                ),
                measure(
                    "2",
                    "使用料の見直し",
                    "2",
                    effects=[
                        {"fiscal_year": 2019, "actual_revenue": "4,200千円"},
                        {"fiscal_year": 2020, "actual_revenue": "4,300千円"},
                    ],
                ),
            ],
            saving_mark="△",
            publications=[
                {"fiscal_year": 2019, "published_on": "2020-09-30"},
                {"fiscal_year": 2020, "published_on": "2021-09-30"},
            ],
        )
        cls.plan = import_plan_document(through_the_template(document), publish=True).plan

    def test_publishing_needs_no_entries(self):
        self.assertFalse(Evaluation.objects.filter(measure__plan=self.plan).exists())
        self.assertEqual(
            sorted(Report.objects.filter(plan=self.plan).values_list("fiscal_year", flat=True)),
            [2019, 2020],
        )

    def test_the_plan_page_totals_effects_per_pillar_and_year_with_the_split(self):
        page = self.page(self.plan, "plan")
        self.assertIn("効果額（単年度。計画／実績、千円）", page)
        self.assertIn("効果額（累計。計画／実績、千円）", page)
        self.assertIn("歳出削減", page)
        self.assertIn("歳入増", page)
        self.assertIn("△32,500", page)  # the plan writes reductions with △
        self.assertIn("60,500", page)  # 2020 cumulative
        self.assertIn("4,300", page)
        self.assertIn("8,500", page)  # revenue over the period: 4,200 + 4,300

    def test_the_report_and_the_api_carry_the_published_amounts(self):
        self.assertIn("32,500", self.page(self.plan, "report", 2019))
        effects = self.api(self.plan)["measures"][0]["effects"]
        self.assertEqual(
            [(e["fiscal_year"], e["basis"], e["actual_saving"]) for e in effects],
            [
                (2019, "single_year", 32_500_000),
                (2020, "single_year", 28_000_000),
                (2020, "cumulative", 60_500_000),
            ],
        )


class PlanGoalTests(TemplateCityTestCase):
    @classmethod
    def setUpTestData(cls):
        document = plan_document(
            "行政経営プラン",
            [measure("1", "組織の見直し", "1")],
            goals=[
                {
                    "name": "一般職員数の削減",
                    "target": "12人削減",
                    "years": [
                        {"fiscal_year": 2019, "result": "5人"},
                        {"fiscal_year": 2020, "result": "9人"},
                    ],
                },
                {
                    "name": "公共施設の延床面積の縮減",
                    "target": "延床面積 12,000平方メートル",
                    "years": [
                        {"fiscal_year": 2019, "result": "8,000平方メートル"},
                        {"fiscal_year": 2020, "result": "6,500平方メートル"},
                    ],
                },
                {
                    "name": "財政効果額",
                    "target": "1,500百万円",
                    "years": [
                        {"fiscal_year": 2019, "result": "900百万円"},
                        {"fiscal_year": 2020, "result": "700百万円", "cumulative": "1,650"},
                    ],
                },
            ],
        )
        cls.plan, cls.summary = cls.import_summary(document)

    @classmethod
    def import_summary(cls, document):
        summary = import_plan_document(through_the_template(document), publish=True)
        return summary.plan, summary

    def test_progress_rates_go_past_100_percent_rounded_half_up(self):
        page = self.page(self.plan, "plan")
        self.assertIn("116.7%", page)  # 14 of 12 people
        self.assertIn("120.8%", page)  # 14,500 of 12,000 m²
        self.assertIn("110.0%", page)  # the stated cumulative 1,650 of 1,500
        goals = {goal.name: goal for goal in self.plan.goals.all()}
        staff = goals["一般職員数の削減"]
        self.assertEqual(
            (staff.target_value, staff.target_unit, staff.target_text), (12, "人", "12人削減")
        )
        area = goals["公共施設の延床面積の縮減"]
        self.assertEqual((area.target_value, area.target_unit), (12_000, "平方メートル"))

    def test_the_api_and_the_report_carry_the_goals(self):
        goals = self.api(self.plan)["plan"]["goals"]
        self.assertEqual(
            [goal["name"] for goal in goals],
            ["一般職員数の削減", "公共施設の延床面積の縮減", "財政効果額"],
        )
        self.assertEqual(goals[2]["years"][1]["cumulative"], "1650")
        self.assertIn("116.7", self.page(self.plan, "report", 2020))

    def test_a_unit_the_reader_does_not_know_is_a_warning_not_a_silent_text(self):
        document = plan_document(
            "別の計画",
            [measure("1", "組織の見直し", "1")],
            goals=[
                {"name": "ごみの削減", "target": "300トン"},
                {"name": "参加者", "target": "多数"},
            ],
        )
        summary = import_plan_document(through_the_template(document))
        warnings = [str(warning) for warning in summary.warnings]
        self.assertEqual(len(warnings), 2, warnings)
        self.assertIn(
            "単位「トン」は知られていない単位です。数値 300、単位「トン」として取り込みました",
            warnings[0],
        )
        self.assertIn("「多数」から数値を読み取れません", warnings[1])
        goal = summary.plan.goals.get(name="ごみの削減")
        self.assertEqual(
            (goal.target_value, goal.target_unit, goal.target_text),
            (Decimal(300), "トン", "300トン"),
        )


# The tests read the plan page's context, which only a rendering has.
@override_settings(STORED_PAGES=False)
class ItemsThatComeAndGoTests(TemplateCityTestCase):
    @classmethod
    def setUpTestData(cls):
        def graded(*years):
            return [{"fiscal_year": year, "grade": grade} for year, grade in years]

        document = plan_document(
            "第2次行政改革大綱 実施計画",
            [
                measure(
                    "1",
                    "事務事業の見直し",
                    "1",
                    years=graded((2019, "A"), (2020, "B"), (2021, "A")),
                ),
                measure(
                    "2",
                    "補助金の整理",
                    "1",
                    years=graded((2019, "B"), (2020, "C")),
                    last_fiscal_year=2020,
                    ending="集約",
                    merged_into={"code": "1", "sub_number": 1},
                    ending_note="取組1に集約して進める",
                ),
                measure(
                    "R1-1",
                    "キャッシュレス決済の導入",
                    "2",
                    years=graded((2020, "A"), (2021, "A")),
                    first_fiscal_year=2020,
                ),
            ],
            grade_scheme=[
                {"code": "A", "label": "順調"},
                {"code": "B", "label": "おおむね順調"},
                {"code": "C", "label": "遅れ"},
                {"code": "－", "label": "対象外", "rated": False},
            ],
        )
        cls.plan = import_plan_document(through_the_template(document), publish=True).plan

    def counts(self, year: int) -> dict:
        caches["default"].clear()
        response = self.client.get(
            reverse("public:plan", args=[self.plan.municipality.slug, self.plan.pk]), {"year": year}
        )
        overall = response.context["grade_rows"][0]
        return {
            "by_grade": {c.category.code: c.count for c in overall.counts},
            "totals": (overall.counted, overall.excluded, overall.total),
        }

    def test_each_year_counts_only_the_measures_carried_in_it(self):
        self.assertEqual(self.counts(2019)["totals"], (2, 0, 2))  # R1-1 not yet there
        self.assertEqual(self.counts(2020)["totals"], (3, 0, 3))
        self.assertEqual(self.counts(2021)["totals"], (2, 0, 2))  # 2 merged into 1
        self.assertEqual(self.counts(2021)["by_grade"]["A"], 2)

    def test_the_merged_item_says_how_it_ended_and_its_successor_lists_it(self):
        merged = Measure.objects.get(plan=self.plan, code="2")
        self.assertEqual(merged.merged_into.code, "1")
        page = self.page(self.plan, "measure", merged.pk)
        self.assertIn("集約", page)
        self.assertIn("取組1に集約して進める", page)
        successor = self.page(self.plan, "measure", merged.merged_into.pk)
        self.assertIn("補助金の整理", successor)
        self.assertIn(
            "令和2年度（2020年度）～令和5年度（2023年度）",
            self.page(self.plan, "measure", Measure.objects.get(plan=self.plan, code="R1-1").pk),
        )

    def test_the_api_and_search_carry_the_years_and_the_ending(self):
        measures = {m["code"]: m for m in self.api(self.plan)["measures"]}
        self.assertEqual(measures["R1-1"]["first_fiscal_year"], 2020)
        self.assertEqual(measures["2"]["ending"], "集約")
        self.assertEqual(measures["2"]["merged_into"], {"code": "1", "sub_number": 1})
        self.assertIn(
            "キャッシュレス決済の導入", self.page(self.plan, "search", grade="A", year=2020)
        )

    def test_the_report_of_a_year_leaves_out_items_not_carried_in_it(self):
        report = self.page(self.plan, "report", 2019)
        self.assertIn("補助金の整理", report)
        self.assertNotIn("キャッシュレス決済の導入", report)


class PublicationDateTests(TemplateCityTestCase):
    @classmethod
    def setUpTestData(cls):
        document = plan_document(
            "行政改革推進プラン",
            [
                measure(
                    "1",
                    "窓口の電子化",
                    "1",
                    years=[
                        {"fiscal_year": 2019, "status": "実施"},
                        {"fiscal_year": 2020, "status": "実施"},
                    ],
                )
            ],
            status_scheme=["実施", "検討"],
            publications=[
                {"fiscal_year": 2019, "published_on": "2020-08-31"},
                {"fiscal_year": 2020, "published_on": "2021-08-27"},
            ],
        )
        cls.plan = import_plan_document(through_the_template(document), publish=True).plan

    def test_each_published_year_keeps_the_citys_publication_date(self):
        dates = {
            report.fiscal_year: timezone.localdate(report.published_at)
            for report in Report.objects.filter(plan=self.plan)
        }
        self.assertEqual(
            {year: str(date) for year, date in dates.items()},
            {2019: "2020-08-31", 2020: "2021-08-27"},
        )
        entry = Evaluation.objects.get(measure__plan=self.plan, fiscal_year=2019)
        self.assertEqual(str(timezone.localdate(entry.published_at)), "2020-08-31")
        self.assertIn("2020年8月31日", self.page(self.plan, "report", 2019))

    def test_the_dates_survive_the_offices_export_and_reimport(self):
        from measures.plan_files.exporting import plan_document as export
        from measures.plan_files.exporting import plan_queryset

        exported = export(plan_queryset().get(pk=self.plan.pk))
        self.assertEqual(
            exported["plan"]["publications"],
            [
                {"fiscal_year": 2019, "published_on": "2020-08-31"},
                {"fiscal_year": 2020, "published_on": "2021-08-27"},
            ],
        )
        summary = import_plan_document(through_the_template(exported), publish=True)
        self.assertFalse(summary.changed, summary.lines())
