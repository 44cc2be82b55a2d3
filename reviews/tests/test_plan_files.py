"""The external review through the plan file: committees, their members, viewpoints and
grade scheme, the self-grades, members' grades and conclusions of each year, opinions with
their responses and 反映状況, exported and imported again (JSON and xlsx) to the same data;
bad rows named by sheet, row and field, with nothing written."""

import json

from measures.models import Evaluation, Plan
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.formats import read_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.workbook.files import write_csv_zip, write_xlsx
from measures.plan_files.workbook.writing import document_to_tables
from measures.round.services import publish_year
from measures.tests.factories import (
    make_evaluation,
    make_grades,
    make_measure,
    make_pillar,
    make_plan,
)
from municipalities.tests.base import ActorsTestCase, make_department
from reviews import services
from reviews.models import (
    Conclusion,
    MemberGrade,
    Opinion,
    OpinionProgress,
    OpinionStatus,
    ReviewBody,
    ReviewMember,
    ReviewRound,
    SelfGrade,
)
from reviews.publication import round_is_public
from reviews.tests.factories import VIEWPOINTS, make_body, make_round, make_unit
from reviews.tests.test_round import grade_all

OPINION = "滞納整理の手法を見直し、早期の催告を徹底すること"
RESPONSE = "令和3年度から催告の時期を1か月早める"
REFLECTION = "催告を前倒しし、収納率が0.5ポイント向上した"


def review_counts() -> dict[str, int]:
    models = (ReviewBody, ReviewMember, ReviewRound, SelfGrade, MemberGrade, Conclusion)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Opinion"] = Opinion.objects.count()
    counts["OpinionProgress"] = OpinionProgress.objects.count()
    return counts


def exported(plan: Plan) -> dict:
    return plan_document(plan_queryset().get(pk=plan.pk))


def as_xlsx(document: dict, *, lenient: bool = False) -> dict:
    """The document through the workbook; `lenient` as the admin's upload reads it, carrying
    the cells it cannot read to the import, which reports them with its own problems."""
    content = write_xlsx(document_to_tables(document))
    return read_plan_file("plan.xlsx", content, lenient=lenient)


class CommitteePlanTestCase(ActorsTestCase):
    """A plan evaluated per department on five viewpoints, A–E, by a five-member body: 2020
    concluded with two departments graded, self-graded and given opinions (one with its
    反映状況 of 2021), 2021 open."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.general = make_department(cls.city, "総務課")
        cls.planning = make_department(cls.city, "企画課")
        cls.plan = make_plan(cls.city, is_public=True)
        grades = make_grades(cls.plan)
        departments = [cls.finance, cls.tax, cls.general, cls.planning, cls.reform_department]
        for number, department in enumerate(departments, start=1):
            measure = make_measure(cls.plan, str(number), f"取組{number}", lead=department)
            make_evaluation(
                measure,
                2020,
                review_status=Evaluation.ReviewStatus.APPROVED,
                final_grade=grades["B"],
            )
        cls.body = make_body(cls.plan)
        cls.units = [make_unit(cls.body, d, order=i) for i, d in enumerate(departments)]
        cls.round = make_round(cls.body, 2020)
        for unit in cls.units[:2]:
            grade_all(cls.body, cls.round, unit)
            services.save_self_evaluation(
                round_=cls.round,
                unit=unit,
                version=0,
                grades={v.pk: cls.body.scheme["B"] for v in cls.body.viewpoint_list},
                answers={},
                by=cls.finance_staff,
            )
        services.conclude_round(round_=cls.round, by=cls.officer)
        cls.opinion = Opinion.objects.create(
            round=cls.round,
            unit=cls.units[0],
            viewpoint=cls.body.viewpoint_list[2],
            text=OPINION,
            response=RESPONSE,
            responsible_department=cls.finance,
        )
        Opinion.objects.create(round=cls.round, unit=cls.units[0], text="二つ目の意見")
        OpinionProgress.objects.create(
            opinion=cls.opinion, fiscal_year=2021, status=OpinionStatus.PARTLY, text=REFLECTION
        )
        make_round(cls.body, 2021)  # open: members are grading


class ReviewPlanFileTests(CommitteePlanTestCase):
    def reimported(self, document: dict) -> Plan:
        """The document imported in place of the plan (its committee gone with it)."""
        Plan.objects.filter(pk=self.plan.pk).delete()
        self.assertEqual(ReviewBody.objects.count(), 0)
        return import_plan_document(document).plan

    def test_the_export_holds_the_committee_its_results_and_opinions(self):
        document = exported(self.plan)
        (body,) = document["review_bodies"]
        self.assertEqual(body["unit_kind"], "department")
        self.assertEqual([v["label"] for v in body["viewpoints"]], VIEWPOINTS)
        self.assertEqual([g["code"] for g in body["grade_scheme"]], list("ABCDE"))
        self.assertEqual(len(body["members"]), 5)
        self.assertEqual([m["chair"] for m in body["members"]], [True] + [False] * 4)
        self.assertEqual([u["unit"] for u in body["units"]][:2], ["財政課", "税務課"])
        concluded, open_round = body["rounds"]
        self.assertEqual((concluded["fiscal_year"], concluded["status"]), (2020, "concluded"))
        self.assertEqual((open_round["fiscal_year"], open_round["status"]), (2021, "open"))
        finance = concluded["reviews"][0]
        self.assertEqual(finance["unit"], "財政課")
        self.assertEqual(len(finance["grades"]), 5)
        self.assertEqual(finance["grades"][0]["self_grade"], "B")
        self.assertEqual(finance["grades"][0]["member_count"], 5)
        self.assertEqual(len(finance["member_grades"]), 25)
        first = finance["opinions"][0]
        self.assertEqual(
            (first["viewpoint"], first["text"], first["response"], first["department"]),
            ("実績（Check）", OPINION, RESPONSE, "財政課"),
        )
        self.assertEqual(
            first["progress"], [{"fiscal_year": 2021, "status": "partly", "text": REFLECTION}]
        )

    def test_the_departments_a_committee_names_travel_with_the_file(self):
        audit = make_department(self.city, "監査課")  # leads no measure
        make_unit(self.body, audit, order=9)
        Opinion.objects.create(
            round=self.round, unit=self.units[1], text="監査の視点", responsible_department=audit
        )
        document = exported(self.plan)
        self.assertIn({"name": "監査課"}, document["departments"])
        Plan.objects.filter(pk=self.plan.pk).delete()
        audit.delete()
        plan = import_plan_document(document).plan
        self.assertEqual(exported(plan), document)

    def test_a_published_export_leaves_the_committee_out(self):
        document = plan_document(plan_queryset().get(pk=self.plan.pk), published_only=True)
        self.assertNotIn("review_bodies", document)

    def test_json_export_then_import_gives_the_same_data(self):
        document = exported(self.plan)
        counts = review_counts()
        plan = self.reimported(json.loads(json.dumps(document, ensure_ascii=False)))
        self.assertEqual(exported(plan), document)
        self.assertEqual(review_counts(), counts)
        # Members loaded from a file are names alone, with no account to sign in with.
        self.assertFalse(ReviewMember.objects.filter(user__isnull=False).exists())
        chair = ReviewMember.objects.get(is_chair=True)
        self.assertEqual(chair.display_name, "委員1")

    def test_xlsx_export_then_import_gives_the_same_data(self):
        document = exported(self.plan)
        counts = review_counts()
        plan = self.reimported(as_xlsx(document))
        self.assertEqual(exported(plan), document)
        self.assertEqual(review_counts(), counts)

    def test_importing_the_same_file_twice_changes_nothing(self):
        import_plan_document(exported(self.plan))  # the factories' measures get their order
        document = exported(self.plan)
        for reading in (lambda d: json.loads(json.dumps(d)), as_xlsx):
            with self.subTest(reading=reading):
                counts = review_counts()
                summary = import_plan_document(reading(document))
                self.assertFalse(summary.changed, summary.lines())
                self.assertEqual(review_counts(), counts)
                self.assertEqual(exported(self.plan), document)

    def test_a_file_without_the_review_sheets_leaves_the_committee_alone(self):
        document = exported(self.plan)
        del document["review_bodies"]
        counts = review_counts()
        summary = import_plan_document(as_xlsx(document))
        self.assertEqual(review_counts(), counts)
        self.assertNotIn(str(ReviewBody._meta.verbose_name), summary.created)

    def test_imported_past_rounds_are_concluded_and_public_with_their_year(self):
        document = exported(self.plan)
        for found in document["review_bodies"][0]["rounds"]:
            found.pop("status")  # a city's past results, loaded without a status
        plan = self.reimported(document)
        rounds = ReviewRound.objects.filter(body__plan=plan).order_by("fiscal_year")
        self.assertEqual([r.status for r in rounds], ["concluded", "concluded"])
        self.assertFalse(round_is_public(rounds[0]))  # the year is not published yet
        publish_year(plan=plan, fiscal_year=2020, by=self.officer)
        self.assertTrue(round_is_public(rounds[0]))
        self.assertFalse(round_is_public(rounds[1]))

    def test_a_published_round_cannot_be_changed_by_an_import(self):
        publish_year(plan=self.plan, fiscal_year=2020, by=self.officer)
        document = exported(self.plan)
        opinion = document["review_bodies"][0]["rounds"][0]["reviews"][0]["opinions"][0]
        opinion["response"] = "書き換えた対応方針"
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(document)
        self.assertIn("公表した年度の外部評価は変更できません", str(raised.exception.issues))
        self.assertEqual(Opinion.objects.get(pk=self.opinion.pk).response, RESPONSE)


class BadReviewRowsTests(CommitteePlanTestCase):
    """Each bad row is named with its sheet (or place), row and field, all at once, and
    nothing of the file is written."""

    def broken(self) -> dict:
        document = exported(self.plan)
        body = document["review_bodies"][0]
        reviews = body["rounds"][0]["reviews"]
        reviews[1]["unit"] = "存在しない課"
        reviews[0]["grades"][0]["grade"] = "F"
        reviews[0]["grades"][1]["viewpoint"] = "知らない観点"
        reviews[0]["opinions"][0]["text"] = ""
        reviews[0]["opinions"][0]["progress"][0]["status"] = "済"
        reviews[0]["member_grades"][0]["member"] = "委員9"
        return document

    def assert_nothing_written(self, document: dict) -> list[str]:
        counts = review_counts()
        before = exported(self.plan)
        with self.assertRaises(PlanImportError) as raised:
            import_plan_document(document)
        self.assertEqual(review_counts(), counts)
        self.assertEqual(exported(self.plan), before)
        return [str(issue) for issue in raised.exception.issues]

    def test_bad_rows_of_a_workbook_are_named_by_sheet_row_and_field(self):
        problems = self.assert_nothing_written(as_xlsx(self.broken(), lenient=True))
        # 委員会の評価: five rows per unit (viewpoints), after the header row.
        expected = [
            "シート「委員会の評価」2行目 の「委員会の評価」: 評価「F」は委員会「行政改革推進委員会」の評価区分（A、B、C、D、E）にありません。",
            "シート「委員会の評価」3行目 の「観点」: 観点「知らない観点」は委員会「行政改革推進委員会」の評価の観点",
            "シート「委員会の評価」7行目 の「評価の対象」: 部署「存在しない課」は登録されていません",
            "シート「委員の評価」2行目 の「委員」: 委員「委員9」は委員会「行政改革推進委員会」の委員にありません。",
            "シート「意見と対応方針」2行目 の「意見」: 意見がありません。",
            "シート「反映状況」2行目 の「反映状況」: 「済」は 反映済み・一部反映・検討中・反映しない のいずれかにしてください。",
        ]
        for start in expected:
            self.assertTrue(any(p.startswith(start) for p in problems), (start, problems))

    def test_bad_rows_of_a_json_file_are_named_by_place_and_field(self):
        problems = self.assert_nothing_written(self.broken())
        place = "委員会「行政改革推進委員会」 の2020年度 の評価の対象"
        expected = [
            f"{place} 1件目 の評価 1件目 の「委員会の評価」: 評価「F」は",
            f"{place} 1件目 の評価 2件目 の「観点」: 観点「知らない観点」は",
            f"{place} 2件目 の「評価の対象」: 部署「存在しない課」は登録されていません",
            f"{place} 1件目 の委員の評価 1件目 の「委員」: 委員「委員9」は",
            f"{place} 1件目 の意見 1件目 の「意見」: 意見がありません。",
            f"{place} 1件目 の意見 1件目 の反映状況 1件目 の「反映状況」: 「済」は",
        ]
        for start in expected:
            self.assertTrue(any(p.startswith(start) for p in problems), (start, problems))

    def test_an_unknown_measure_and_a_grade_outside_the_scheme_for_a_measure_body(self):
        body = make_body(self.plan, name="外部評価委員会", unit_kind="measure", prefix="m")
        make_unit(body, self.plan.measures.get(code="1"))
        document = exported(self.plan)
        measures_body = next(b for b in document["review_bodies"] if b["name"] == "外部評価委員会")
        measures_body["rounds"] = [
            {
                "fiscal_year": 2020,
                "reviews": [
                    {
                        "unit": "99",
                        "sub_number": 1,
                        "grades": [{"viewpoint": "総合", "grade": "A"}],
                    },
                    {
                        "unit": "1",
                        "sub_number": 1,
                        "grades": [{"viewpoint": "総合", "self_grade": "S"}],
                    },
                ],
            }
        ]
        problems = self.assert_nothing_written(as_xlsx(document))
        self.assertTrue(any("取組 99（枝番 1）は計画にありません" in p for p in problems), problems)
        self.assertTrue(any("の「自己評価」: 評価「S」は" in p for p in problems), problems)


class PillarCommitteeTests(ActorsTestCase):
    """A body reviewing pillars, through the zip of CSV tables: a pillar is named by its codes
    from the top down."""

    def test_a_pillar_committee_round_trips_through_csv(self):
        plan = make_plan(self.city)
        top = make_pillar(plan, "I", "経営的視点に立った行財政運営")
        child = make_pillar(plan, "①", "持続可能な財政運営", parent=top)
        make_measure(plan, "1", "公金収納対策の強化", pillar=child, lead=self.tax)
        body = make_body(plan, name="外部評価委員会", unit_kind="pillar", members=2)
        unit = make_unit(body, child)
        round_ = make_round(body, 2020)
        Opinion.objects.create(round=round_, unit=unit, text=OPINION, response=RESPONSE)
        document = exported(plan)
        self.assertEqual(document["review_bodies"][0]["units"], [{"unit": ["I", "①"]}])
        tables = document_to_tables(document)
        self.assertEqual(tables["委員会"], [["外部評価委員会", "体系（柱）ごと", "平均"]])
        self.assertEqual(tables["評価の対象"], [["外部評価委員会", "I > ①", None]])
        Plan.objects.filter(pk=plan.pk).delete()
        reread = read_plan_file("plan.zip", write_csv_zip(tables))
        self.assertEqual(reread["review_bodies"][0]["units"][0]["unit"], "I > ①")
        imported = import_plan_document(reread).plan
        self.assertEqual(exported(imported), document)
        opinion = Opinion.objects.get(round__body__plan=imported)
        self.assertEqual(opinion.unit.pillar.code, "①")

    def test_a_file_without_a_reviewed_pillar_keeps_it_and_the_committees_results(self):
        plan = make_plan(self.city)
        top = make_pillar(plan, "I", "経営的視点に立った行財政運営")
        reviewed = make_pillar(plan, "①", "持続可能な財政運営", parent=top)
        make_pillar(plan, "II", "使われなくなった柱", order=1)
        body = make_body(plan, name="外部評価委員会", unit_kind="pillar", members=2)
        unit = make_unit(body, reviewed)
        Opinion.objects.create(round=make_round(body, 2020), unit=unit, text=OPINION)
        document = exported(plan)
        del document["review_bodies"]
        document["pillars"] = []
        import_plan_document(document)
        self.assertEqual(
            sorted(plan.pillars.values_list("code", flat=True)), ["I", "①"]
        )  # II went; the reviewed pillar and the one above it stay
        self.assertEqual(Opinion.objects.get().unit, unit)
