"""Bad input is refused whole, with the place, the field and the reason in Japanese."""

from django.test import TestCase

from measures.models import Evaluation, Measure, Plan
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.tests.documents import small_document
from municipalities.models import Department, Municipality


class ImportErrorTests(TestCase):
    def assertRefused(self, document, *fragments):
        with self.assertRaises(PlanImportError) as caught:
            import_plan_document(document)
        text = "\n".join(str(issue) for issue in caught.exception.issues)
        for fragment in fragments:
            self.assertIn(fragment, text)
        return caught.exception.issues

    def test_an_unknown_department_is_named(self):
        document = small_document()
        document["measures"][1]["departments"] = [{"name": "存在しない課"}]
        self.assertRefused(document, "取組 2", "担当課", "部署「存在しない課」は登録されていません")

    def test_a_pillar_that_does_not_exist_is_named(self):
        document = small_document()
        document["measures"][0]["pillar"] = ["I", "⑨"]
        self.assertRefused(document, "取組 1", "体系 I > ⑨ が計画の体系にありません")

    def test_a_fiscal_year_outside_the_plan_is_refused(self):
        document = small_document()
        document["measures"][0]["years"].append({"fiscal_year": 2023, "do": "x"})
        self.assertRefused(document, "取組 1 の2023年度評価", "計画期間")

    def test_a_grade_not_in_the_scheme_is_refused_with_the_scheme_listed(self):
        document = small_document()
        document["measures"][1]["years"][0]["grade"] = "S"
        self.assertRefused(document, "取組 2 の2020年度評価", "評価「S」", "A、B、C、D")

    def test_an_unreadable_amount_is_refused(self):
        document = small_document()
        document["measures"][0]["effects"][0]["actual_saving"] = "たくさん"
        self.assertRefused(document, "効果額", "実績 歳出削減（円）", "数値として読めません")

    def test_an_amount_with_a_fraction_of_a_yen_is_refused_not_cut(self):
        for amount in ("1.5", 1.5, "1.2345千円"):
            with self.subTest(amount=amount):
                document = small_document()
                document["measures"][0]["effects"][0]["actual_saving"] = amount
                self.assertRefused(document, "実績 歳出削減（円）", "1円未満の端数")
        document = small_document()
        document["measures"][0]["effects"][0]["actual_saving"] = "1.5千円"
        plan = import_plan_document(document).plan
        self.assertEqual(plan.measures.get(code="1").effects.get().actual_saving, 1500)

    def test_an_amount_in_an_unknown_unit_names_the_column(self):
        document = small_document()
        document["measures"][0]["effects"][0]["actual_saving"] = "12ドル"
        self.assertRefused(document, "の「実績 歳出削減（円）」: 金額の単位「ドル」")

    def test_null_in_a_list_of_names_is_no_name_not_the_word_none(self):
        document = small_document()
        document["plan"]["status_scheme"] = ["実施", None, "検討"]
        plan = import_plan_document(document).plan
        self.assertEqual(list(plan.statuses.values_list("label", flat=True)), ["実施", "検討"])
        document = small_document()
        document["plan"]["level_labels"] = [None]
        self.assertRefused(document, "第1階層の名称")

    def test_an_unreadable_year_is_refused(self):
        document = small_document()
        document["measures"][0]["targets"][0]["fiscal_year"] = "来年"
        self.assertRefused(document, "年度 '来年' を読めません")

    def test_a_duplicate_measure_code_is_refused(self):
        document = small_document()
        document["measures"][1]["code"] = "1"
        self.assertRefused(document, "番号 1（枝番 1）が 1件目と重複しています")

    def test_an_unknown_status_is_refused(self):
        document = small_document()
        document["measures"][0]["targets"][0]["status"] = "完了"
        self.assertRefused(document, "「完了」は計画の実施状況の区分（実施、検討）にありません")

    def test_a_wrong_municipality_code_is_refused(self):
        document = small_document()
        document["municipality"]["code"] = "282048"
        self.assertRefused(document, "'282048' は正しい6桁のコードではありません")

    def test_every_problem_is_reported_at_once(self):
        document = small_document()
        document["measures"][0]["years"][0]["grade"] = "S"
        document["measures"][1]["departments"] = [{"name": "存在しない課"}]
        issues = self.assertRefused(document)
        self.assertEqual(len(issues), 2)


class AllOrNothingTests(TestCase):
    def test_a_file_with_one_error_writes_nothing(self):
        document = small_document()
        document["measures"][1]["years"][0]["grade"] = "S"
        with self.assertRaises(PlanImportError):
            import_plan_document(document)
        self.assertFalse(Municipality.objects.exists())
        self.assertFalse(Department.objects.exists())
        self.assertFalse(Plan.objects.exists())
        self.assertFalse(Measure.objects.exists())

    def test_a_bad_correction_leaves_the_earlier_import_untouched(self):
        import_plan_document(small_document())
        document = small_document()
        document["measures"][0]["title"] = "書き換えた名称"
        document["measures"][1]["years"][0]["grade"] = "S"
        with self.assertRaises(PlanImportError):
            import_plan_document(document)
        self.assertEqual(Measure.objects.get(code="1").title, "公金収納対策の強化")

    def test_a_dry_run_writes_nothing_but_counts_what_it_would_do(self):
        summary = import_plan_document(small_document(), dry_run=True)
        self.assertEqual(summary.created["取組"], 2)
        self.assertFalse(Plan.objects.exists())


class ReimportTests(TestCase):
    def setUp(self):
        import_plan_document(small_document())

    def history_rows(self) -> int:
        return sum(model.history.count() for model in (Plan, Measure, Evaluation))

    def test_importing_the_same_file_again_changes_nothing_and_adds_no_history(self):
        before = self.history_rows()
        summary = import_plan_document(small_document())
        self.assertFalse(summary.changed, summary.lines())
        self.assertEqual(self.history_rows(), before)

    def test_a_corrected_file_updates_rows_in_place_and_records_history(self):
        measure = Measure.objects.get(code="2")
        document = small_document()
        document["measures"][1]["title"] = "ネーミングライツの推進（改）"
        document["measures"][1]["years"][0]["grade"] = "A"
        summary = import_plan_document(document)
        self.assertEqual(summary.updated["取組"], 1)
        self.assertEqual(summary.updated["年度評価"], 1)
        measure.refresh_from_db()
        self.assertEqual(measure.title, "ネーミングライツの推進（改）")
        self.assertEqual(measure.history.first().history_type, "~")
        self.assertEqual(measure.history.first().title, "ネーミングライツの推進（改）")
        evaluation = measure.evaluations.get(fiscal_year=2020)
        self.assertEqual(evaluation.final_grade.code, "A")

    def test_a_file_of_another_municipality_is_refused_for_an_officer(self):
        other = Municipality.objects.create(
            code="352161", name="山陽小野田市", prefecture="山口県", slug="s"
        )
        with self.assertRaises(PlanImportError) as caught:
            import_plan_document(small_document(), municipality=other)
        self.assertIn("山陽小野田市の計画しか取り込めません", str(caught.exception))

    def test_html_in_cells_becomes_plain_text(self):
        document = small_document()
        document["measures"][0]["content"] = '<ul style="x"><li>・督促</li><li>催告</li></ul>'
        import_plan_document(document)
        self.assertEqual(Measure.objects.get(code="1").content, "・督促\n・催告")
