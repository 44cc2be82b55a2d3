"""Each city's preset reproduces its own published table from its fixture: the headings in
the document's order, naming years as the document does, and cells as the document
prints them."""

import json
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from measures.models import Plan
from measures.plan_files.importing import import_plan_document
from measures.round.services import record_publication
from public.reports.presets import apply_own_presets
from public.tests.report_tables import column_headings, read_table, row_of

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class CityPresetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plans = {}
        for path in sorted(FIXTURES.glob("*.json")):
            plan = import_plan_document(json.loads(path.read_text()), publish=True).plan
            cls.plans[plan.municipality.code] = plan
            apply_own_presets(plan)
        # The two plans without published results get a report of their first year, as
        # the office would publish one.
        for code in ("102113", "142123"):
            plan = cls.plans[code]
            record_publication(plan=plan, years=[plan.first_fiscal_year])

    def page(self, code: str, year: int, layout: int = 0) -> str:
        plan: Plan = self.plans[code]
        key = plan.report_layouts.all()[layout].pk
        url = reverse("public:report", args=[plan.municipality.slug, plan.pk, year])
        response = self.client.get(url, {"layout": key})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_sanyo_onoda_list_has_the_columns_of_its_document_1(self):
        page = self.page("352161", 2020)
        headings, rows = read_table(page)
        self.assertEqual(
            headings,
            [
                "行動計画",
                "担当部署",
                "指標",
                "H29(当初)",
                "R2(現状)",
                "R4(目標)",
                "昨年度取組内容の概要 (詳細は別紙行動計画を参照)",
                "指標に対する目標達成度",
                "R1",
                "R2",
            ],
        )
        self.assertEqual(
            row_of(rows, "1 "),
            [
                "1 公金収納対策の強化",
                "税務課、国保年金課、その他公金収納課",
                "未収債権額",
                "982百万円",
                "835百万円",
                "700百万円",
                "未収債権835百万円。",
                "C",
                "C",
            ],
        )
        self.assertEqual(row_of(rows, "5 ")[-2:], ["C", "A"])
        self.assertEqual(len(rows), 25)
        self.assertIn("達成状況が75%以上100%未満", page)
        # The legend under its own heading, and 斜線 through the value and grade cells of
        # an item whose indicator cannot be set (4), as the document draws them.
        self.assertIn("≪指標に対する目標達成度欄の目安について≫", page)
        fourth = page[page.index("4 売却処分") : page.index("5 ふるさと納税")]
        self.assertEqual(fourth.count("slashed"), 5)
        first = page[page.index("1 公金収納対策") : page.index("2 ネーミングライツ")]
        self.assertNotIn("slashed", first)

    def test_sanyo_onoda_sheets_have_the_rows_of_each_action_plan_sheet(self):
        page = self.page("352161", 2020, layout=1)
        _headings, rows = read_table(page, "sheet-table")
        self.assertEqual(
            [row[0] for row in rows[:13]],
            [
                "行動計画",
                "基本項目",
                "個別項目",
                "担当部署",
                "新規・継続",
                "総合計画での位置付け",
                "現状と課題",
                "目標",
                "協創",
                "指標",
                "年次計画",
                "令和2年度の取組状況・今後の取組・課題等",
                "指標に対する各年度の目標達成度",
            ],
        )
        self.assertEqual(rows[0][1], "1 公金収納対策の強化")
        self.assertEqual(rows[1][1], "I 経営的視点に立った行財政運営")
        self.assertEqual(rows[4][1], "継続")
        first_sheet = page[page.index("1 公金収納対策の強化") : page.index("2 ネーミングライツ")]
        for text in (
            "現状 H29(2017)",
            "目標 R4(2022)",
            "982百万円",
            "700百万円",
            "滞納債権の整理・回収",
            "R1(2019)",
            "R4(2022)",
            "法令に基づき、文書による督促を実施",
            "行政単独で実施する取組",
        ):
            self.assertIn(text, first_sheet)
        self.assertEqual(page.count('<section class="sheet'), 25)

    def test_minami_alps_pdca_names_every_level_and_carries_the_legend_on_every_page(self):
        page = self.page("192082", 2020)
        headings, rows = read_table(page)
        self.assertEqual(
            headings,
            [
                "基本方針",
                "取組みの方針",
                "取組みの項目",
                "No.",
                "具体的な取組み項目",
                "取組主管課 関係課等",
                "今後の取組方向",
                "関係する計画等",
                "令和2年度の達成目標",
                "計画内容 (Plan)",
                "取組状況 (Do)",
                "取組工程に対する評価 (Check)",
                "見直し、改善事項 (Action)",
                "令和2年度計画",
                "令和2年度の取組内容",
                "評価（Check）",  # the Check text's column, named for screen readers only
                "取組達成度",
            ],
        )
        self.assertEqual(rows[0][0].splitlines()[0], "1 財政の健全化")
        first = rows[1]
        self.assertEqual(first[:5], ["1 財政の健全化", "①歳出構造の見直し", "", "1", first[4]])
        self.assertIn("有利な市債の有効活用", first[4])
        self.assertEqual(first[5], "【取組主管課】\n・財政課\n【関係課等】")
        self.assertEqual(first[10], "・実質公債費比率 3.7%\n・将来負担比率 ▲18.9%")
        self.assertEqual(first[12], "A")
        third = rows[3]
        self.assertEqual(
            third[5], "【取組主管課】\n●政策推進課\n・財政課\n【関係課等】\n・全ての課等"
        )
        self.assertIn("legend-every-page", page)
        self.assertIn("【取組達成度】", page)
        # A level printed only where it changes leaves a truly empty cell, which a phone's
        # card leaves out instead of showing its heading over nothing.
        self.assertRegex(page, r'data-label="取組みの項目" class="[^"]*"></td>')
        self.assertIn("目標はほぼ達成しているが取組に課題または改善の余地あり", page)
        # The grade counts lead: A 10, B 23, C 1 of 34 graded.
        _headings, tally = read_table(page, "tally")
        self.assertEqual(tally[0][:4], ["全体", "10件（29.4%）", "23件（67.6%）", "1件（2.9%）"])

    def test_nishinomiya_progress_table_has_its_columns_headings_and_marks(self):
        page = self.page("282049", 2020)
        headings, rows = read_table(page)
        self.assertEqual(
            headings,
            [
                "通番",
                "取組項目",
                "担当課",
                "R2年度の取組内容 (計画・スケジュール)",
                "R2年度の取組結果・成果 (定量・定性的評価)",
                "取組状況（Do）",  # the result text's column, named for screen readers only
                "指標",
                "説明",
                "計画値",
                "実績値",
            ],
        )
        self.assertEqual(rows[0], ["Ⅰ 選択と集中による経営資源の適正配分"])
        self.assertEqual(rows[1], ["1) 新たな行政経営改革の仕組みによる事業の見直し・統合・廃止"])
        self.assertEqual(
            row_of(rows, "2"),
            [
                "2",
                "◎事務事業の棚卸し",
                "政策推進課（政策経営担当）",
                "事務事業棚卸し実施",
                "コロナに伴う庁内業務量の増大のため、事務事業棚卸しを次年度に繰り延べた。",
                "外部委員による棚卸し事業数",
                "160事業",
                "—",
            ],
        )
        online = dict(zip(column_headings(page), row_of(rows, "22"), strict=True))
        key = "R2年度の取組結果・成果 (定量・定性的評価) 指標"
        self.assertEqual(online[f"{key} 計画値"], "100.5万件")
        self.assertEqual(online[f"{key} 実績値"], "109.2万件")
        self.assertIn("※◎の項目は市全体での取組み", page)
        # No grade column: the plan has no grades, so none is printed empty.
        self.assertNotIn("評価", headings)

    def test_annaka_sheets_have_the_rows_and_yearly_plan_of_its_document(self):
        page = self.page("102113", 2020)
        _headings, rows = read_table(page, "sheet-table")
        self.assertEqual(
            [row[0] for row in rows[:11]],
            [
                "大項目",
                "中項目",
                "項目",
                "担当課",
                "関係課",
                "現状と課題",
                "取組内容",
                "目標の状態",
                "現状の数値",
                "目標の数値",
                "年次計画",
            ],
        )
        self.assertEqual(rows[2][1], "① 情報提供手段の拡大")
        self.assertEqual(rows[3][1], "情報戦略課")
        self.assertEqual(rows[8][1], "456,456件")
        self.assertEqual(rows[9][1], "510,000件")
        first_sheet = page[: page.index("② 市民との行政課題の共有")]
        for text in ("進捗状況", "年度目標", "令和6年度", "HPアクセス数 470,000件"):
            self.assertIn(text, first_sheet)
        self.assertEqual(page.count('<section class="sheet'), 36)

    def test_atsugi_sheets_have_the_schedule_and_outcome_indicators_of_its_document(self):
        page = self.page("142123", 2024)
        _headings, rows = read_table(page, "sheet-table")
        self.assertEqual(
            [row[0] for row in rows[:9]],
            [
                "重点目標",
                "取組の柱",
                "SDGs",
                "取組項目",
                "目指す姿",
                "課題",
                "年次計画",
                "成果指標",
                "関連計画",
            ],
        )
        self.assertEqual(rows[3][1], "ア 職員の人材育成")
        self.assertEqual(rows[8][1], "厚木市人材育成基本方針")
        first_sheet = page[: page.index("イ 職員のモラルとモチベーションの向上")]
        for text in ("取組内容", "担当課", "令和8年度", "現状値", "目標値", "98.4%"):
            self.assertIn(text, first_sheet)
