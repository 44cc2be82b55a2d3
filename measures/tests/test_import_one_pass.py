"""An import that helps a clerk finish in one pass: every problem of the file at once, in
sheet and row order, each named by the column as its sheet heads it; full-width letters and
digits read where their meaning is plain, and said so; a preview that lists the rows to be
created and changed, field by field."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Evaluation, Plan
from measures.plan_files.formats import read_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.tests.documents import small_document
from municipalities.tests.base import ActorsTestCase


def workbook(document: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.xlsx", write_xlsx(document_to_tables(document)))


class OnePassImportTests(ActorsTestCase):
    url = reverse("admin:measures_plan_import")

    def setUp(self):
        self.client.force_login(self.officer)

    def preview(self, document: dict):
        return self.client.post(self.url, {"file": workbook(document)})

    def test_cell_problems_and_reference_problems_are_listed_together_in_file_order(self):
        document = small_document()
        measure = document["measures"][0]
        measure["years"][1]["fiscal_year"] = "来年度"  # a cell the sheet reader cannot read
        measure["years"][0]["grade"] = "S"  # a grade the plan does not have
        measure["departments"][1]["name"] = "存在しない課"  # a department not registered
        response = self.preview(document)
        problems = response.context["problems"]
        self.assertEqual(len(problems), 3, problems)
        # 担当課 comes before 年度評価 in the workbook, and row 2 before row 3.
        self.assertTrue(problems[0].startswith("シート「担当課」3行目 の「部署」"), problems)
        self.assertIn("部署「存在しない課」は登録されていません", problems[0])
        self.assertTrue(problems[1].startswith("シート「年度評価」2行目 の「評価」"), problems)
        self.assertTrue(problems[2].startswith("シート「年度評価」3行目 の「年度」"), problems)
        self.assertFalse(Plan.objects.exists())

    def test_full_width_digits_and_letters_are_read_and_reported(self):
        document = small_document()
        document["measures"][0]["years"][0]["fiscal_year"] = "２０１９"
        document["measures"][1]["years"][0]["grade"] = "Ｂ"
        summary = import_plan_document(
            read_plan_file("plan.xlsx", write_xlsx(document_to_tables(document)), lenient=True)
        )
        warnings = [str(warning) for warning in summary.warnings]
        self.assertIn(
            "シート「年度評価」2行目 の「年度」: 「２０１９」を「2019」として読みました。", warnings
        )
        self.assertTrue(any("「Ｂ」を評価「B」として読みました" in w for w in warnings), warnings)
        grades = {
            (e.measure.code, e.fiscal_year): e.final_grade.code
            for e in Evaluation.objects.filter(measure__plan=summary.plan).select_related(
                "measure", "final_grade"
            )
        }
        self.assertEqual(grades[("2", 2020)], "B")
        self.assertIn(("1", 2019), grades)

    def test_the_preview_lists_created_and_changed_rows_with_old_and_new_values(self):
        import_plan_document(small_document())
        document = small_document()
        document["measures"][1]["title"] = "ネーミングライツ事業の推進"
        document["measures"][0]["effects"][0]["actual_revenue"] = "1,500千円"
        response = self.preview(document)
        self.assertContains(response, "まだ何も書き込んでいません")
        page = response.content.decode()
        self.assertIn("名称: ネーミングライツの推進 → ネーミングライツ事業の推進", page)
        self.assertIn("実績 歳入増（円）: 1200000 → 1500000", page)
        self.assertIn("<summary>取組（1行）</summary>", page)

    def test_a_new_plans_summary_counts_it_once(self):
        summary = import_plan_document(small_document(), publish=True)
        rows = {row["name"]: row for row in summary.rows()}
        self.assertEqual((rows["計画"]["created"], rows["計画"]["updated"]), (1, 0))


class CountedGradeColumnTests(ActorsTestCase):
    """評価済みとして数える: ○ or blank counts a grade as rated, × does not, anything else is
    named; the export writes ○ or ×, never blank."""

    def grades_read(self, cells: dict[str, str]) -> dict:
        document = small_document()
        tables = document_to_tables(document)
        for row in tables["評価区分"]:
            row[4] = cells.get(row[0], row[4])
        return read_plan_file("plan.xlsx", write_xlsx(tables), lenient=True)["plan"]["grade_scheme"]

    def test_blank_and_circle_count_and_a_cross_does_not(self):
        scheme = self.grades_read({"A": "", "B": "○", "D": "×"})
        self.assertEqual(
            {grade["code"]: grade["rated"] for grade in scheme},
            {"A": True, "B": True, "C": True, "D": False},
        )

    def test_any_other_mark_is_a_problem_naming_the_column(self):
        document = read_plan_file(
            "plan.xlsx",
            write_xlsx(
                {
                    **document_to_tables(small_document()),
                    "評価区分": [["A", "A", "", None, "たぶん"]],
                }
            ),
            lenient=True,
        )
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(document)
        self.assertIn(
            "シート「評価区分」2行目 の「評価済みとして数える」: 「たぶん」は ○（数える）、×（数えない）、空欄（数える）のいずれかにしてください。",
            [str(issue) for issue in raised.exception.issues],
        )
