"""A plan evaluated per department on five viewpoints with an A–E scheme by a five-member
body: members grade, the body concludes as configured, and the record keeps both."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from measures.tests.factories import make_measure, make_plan
from municipalities.tests.base import ActorsTestCase
from reviews import services
from reviews.models import (
    Aggregation,
    Conclusion,
    MemberGrade,
    OpinionProgress,
    OpinionStatus,
    ReviewGrade,
    ReviewUnit,
    SelfGrade,
)
from reviews.tests.factories import make_body, make_round, make_unit

# Each member's grades on the five viewpoints (Plan, Do, Check, Action, 総合).
MEMBER_GRADES = ["ABBCB", "BBCCB", "BCCCC", "ABCDB", "BBEDC"]


def grade_all(body, round_, unit, rows=MEMBER_GRADES):
    for member, codes in zip(body.member_list, rows, strict=True):
        services.save_member_sheet(
            round_=round_,
            unit=unit,
            member=member,
            version=0,
            entries={
                v.pk: (body.scheme[c], f"{member}の{v}への意見")
                for v, c in zip(body.viewpoint_list, codes, strict=True)
            },
        )


class CommitteeRoundTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        make_measure(cls.plan, "1", "未収債権の回収", lead=cls.finance)

    def conclude(self, aggregation):
        body = make_body(self.plan, aggregation=aggregation)
        unit = make_unit(body, self.finance)
        round_ = make_round(body, 2020)
        grade_all(body, round_, unit)
        return body, unit, round_

    def concluded_codes(self, round_, unit):
        return "".join(
            c.grade.code
            for c in Conclusion.objects.filter(round=round_, unit=unit).order_by("viewpoint__order")
        )

    def test_a_mean_body_concludes_with_each_viewpoints_mean_rounded_to_a_grade(self):
        _body, unit, round_ = self.conclude(Aggregation.MEAN)
        services.conclude_round(round_=round_, by=self.officer)
        # Plan: A B B A B = 5+4+4+5+4 = 22/5 = 4.4 → B; Do: B B C B B → 3.8 → B;
        # Check: B C C C E → 2.8 → C; Action: C C C D D → 2.6 → C; 総合: B B C B C → 3.6 → B.
        self.assertEqual(self.concluded_codes(round_, unit), "BBCCB")
        round_.refresh_from_db()
        self.assertFalse(round_.is_open)

    def test_a_median_body_concludes_with_each_viewpoints_median(self):
        body, unit, round_ = self.conclude(Aggregation.MEDIAN)
        services.conclude_round(round_=round_, by=self.officer)
        # Plan A A B B B → B; Do B B B B C → B; Check B C C C E → C; Action C C C D D → C;
        # 総合 B B B C C → B.
        self.assertEqual(self.concluded_codes(round_, unit), "BBCCB")
        check = Conclusion.objects.get(round=round_, viewpoint=body.viewpoint_list[2])
        self.assertEqual(check.member_count, 5)

    def test_mean_and_median_differ_where_one_member_is_far_from_the_rest(self):
        rows = ["BBBBB", "BBBBB", "BBBBB", "BBBBB", "EEEEE"]
        results = {}
        for aggregation in (Aggregation.MEAN, Aggregation.MEDIAN):
            body = make_body(
                self.plan, name=f"委員会 {aggregation}", aggregation=aggregation, prefix=aggregation
            )
            unit = make_unit(body, self.finance)
            round_ = make_round(body)
            grade_all(body, round_, unit, rows)
            services.conclude_round(round_=round_, by=self.officer)
            results[aggregation] = self.concluded_codes(round_, unit)
        self.assertEqual(results, {"mean": "CCCCC", "median": "BBBBB"})

    def test_a_chair_body_concludes_with_the_chairs_grades_and_keeps_the_mean_beside(self):
        body, unit, round_ = self.conclude(Aggregation.CHAIR)
        with self.assertRaises(ValidationError):
            services.conclude_round(round_=round_, by=body.member_list[0].user)
        services.set_chair_grades(
            round_=round_,
            unit=unit,
            grades={v.pk: body.scheme["A"] for v in body.viewpoint_list},
        )
        services.conclude_round(round_=round_, by=body.member_list[0].user)
        self.assertEqual(self.concluded_codes(round_, unit), "AAAAA")
        check = Conclusion.objects.get(round=round_, viewpoint=body.viewpoint_list[2])
        self.assertTrue(check.set_by_chair)
        self.assertEqual(check.aggregated_grade.code, "C")

    def test_the_members_grades_stay_recorded_beside_the_conclusion(self):
        body, _unit, round_ = self.conclude(Aggregation.MEAN)
        services.conclude_round(round_=round_, by=self.officer)
        codes = MemberGrade.objects.filter(
            sheet__round=round_, viewpoint=body.viewpoint_list[2]
        ).values_list("grade__code", flat=True)
        self.assertEqual(sorted(codes), ["B", "C", "C", "C", "E"])

    def test_nothing_can_be_entered_in_a_concluded_round(self):
        body, unit, round_ = self.conclude(Aggregation.MEAN)
        services.conclude_round(round_=round_, by=self.officer)
        with self.assertRaises(services.ReviewClosed):
            services.save_member_sheet(
                round_=round_, unit=unit, member=body.member_list[0], version=1, entries={}
            )

    def test_a_member_saving_a_sheet_changed_since_it_was_opened_is_refused(self):
        body, unit, round_ = self.conclude(Aggregation.MEAN)
        member = body.member_list[0]
        with self.assertRaises(services.EditConflict):
            services.save_member_sheet(
                round_=round_,
                unit=unit,
                member=member,
                version=0,
                entries={body.viewpoint_list[0].pk: (body.scheme["E"], "")},
            )
        kept = MemberGrade.objects.get(sheet__member=member, viewpoint=body.viewpoint_list[0])
        self.assertEqual(kept.grade.code, "A")

    def test_self_grades_are_stored_as_entered(self):
        body, unit, round_ = self.conclude(Aggregation.MEAN)
        services.save_self_evaluation(
            round_=round_,
            unit=unit,
            version=0,
            grades={v.pk: body.scheme["A"] for v in body.viewpoint_list},
            answers={},
            by=self.finance_staff,
        )
        services.conclude_round(round_=round_, by=self.officer)
        self.assertEqual(list(SelfGrade.objects.values_list("grade__code", flat=True)), ["A"] * 5)

    def test_an_opinion_stays_open_until_its_reflection_is_recorded(self):
        from reviews.models import Opinion

        _body, unit, round_ = self.conclude(Aggregation.MEAN)
        measure = self.plan.measures.get()
        opinion = Opinion.objects.create(
            round=round_,
            unit=unit,
            text="滞納整理の手法を見直すこと",
            response="徴収体制を強化する",
        )
        self.assertEqual(services.open_opinions_for(measure, 2021), [opinion])
        self.assertEqual(services.open_opinions_for(measure, 2020), [])
        OpinionProgress.objects.create(
            opinion=opinion, fiscal_year=2021, status=OpinionStatus.CONSIDERING
        )
        self.assertEqual(services.open_opinions_for(measure, 2022), [opinion])
        OpinionProgress.objects.create(
            opinion=opinion, fiscal_year=2022, status=OpinionStatus.REFLECTED
        )
        self.assertEqual(services.open_opinions_for(measure, 2023), [])
        self.assertEqual(services.open_opinions_for(measure, 2021), [opinion])


class ConstraintTests(ActorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(cls.city)
        cls.body = make_body(cls.plan, members=2)

    def test_a_body_has_one_chair(self):
        from reviews.tests.factories import make_member

        with self.assertRaises(IntegrityError), transaction.atomic():
            make_member(self.body, "second-chair", "委員長2", is_chair=True)

    def test_two_grades_of_a_scheme_cannot_share_a_rank(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReviewGrade.objects.create(body=self.body, order=0, code="S", label="特に良好")

    def test_a_unit_is_exactly_one_thing(self):
        measure = make_measure(self.plan)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReviewUnit.objects.bulk_create(
                [ReviewUnit(body=self.body, kind="department", measure=measure)]
            )

    def test_a_unit_of_another_kind_than_the_body_reviews_is_refused(self):
        measure = make_measure(self.plan)
        with self.assertRaises(ValidationError):
            make_unit_of = ReviewUnit(body=self.body, measure=measure)
            make_unit_of.full_clean()

    def test_a_reflection_is_recorded_for_a_later_year_only(self):
        from reviews.models import Opinion

        unit = make_unit(self.body, self.finance)
        round_ = make_round(self.body, 2021)
        opinion = Opinion.objects.create(round=round_, unit=unit, text="意見")
        progress = OpinionProgress(opinion=opinion, fiscal_year=2021, status="reflected")
        with self.assertRaises(ValidationError):
            progress.full_clean()
        with self.assertRaises(IntegrityError), transaction.atomic():
            OpinionProgress.objects.create(opinion=opinion, fiscal_year=2022, status="done")


class OpenOpinionsIncludeTests(ActorsTestCase):
    """The include the staff entry form renders shows the open opinions of its measure."""

    def test_the_include_lists_the_opinions_still_open_for_the_entry(self):
        from django.template import Context, Template

        from measures.tests.factories import make_evaluation
        from reviews.models import Opinion

        plan = make_plan(self.city)
        measure = make_measure(plan, "1", "未収債権の回収", lead=self.finance)
        other = make_measure(plan, "2", "収納率の向上", lead=self.tax)
        body = make_body(plan, members=1)
        unit = make_unit(body, self.finance)
        round_ = make_round(body, 2020)
        Opinion.objects.create(
            round=round_, unit=unit, text="催告を早めること", response="検討する"
        )
        template = Template("{% load reviews_staff %}{% open_opinions evaluation %}")
        shown = template.render(Context({"evaluation": make_evaluation(measure, 2021)}))
        self.assertIn("催告を早めること", shown)
        self.assertIn("検討する", shown)
        hidden = template.render(Context({"evaluation": make_evaluation(other, 2021)}))
        self.assertNotIn("催告を早めること", hidden)
