"""A published external review for the open-data tests (package and API)."""

from reviews import services
from reviews.models import Opinion
from reviews.tests.factories import make_body, make_question, make_round, make_unit
from reviews.tests.test_round import grade_all

OPINION = "滞納整理の手法を見直し、早期の催告を徹底すること"
RESPONSE = "令和3年度から催告の時期を1か月早める"
SELF_ANSWER = "人員不足が課題である（自己点検）"


def add_published_review(plan, department, *, year: int, officer=None, prefix="member"):
    """A body of `plan` grading `department` on five viewpoints (A–E, five members, the
    mean), concluded for `year`, with the department's self-grades on four viewpoints and an
    answered opinion. Public once `year` is published."""
    body = make_body(plan, prefix=prefix)
    unit = make_unit(body, department)
    round_ = make_round(body, year)
    grade_all(body, round_, unit)
    question = make_question(plan)
    services.save_self_evaluation(
        round_=round_,
        unit=unit,
        version=0,
        # No self-grade on 総合: its row shows the committee's grade beside nothing.
        grades={v.pk: body.scheme["A"] for v in body.viewpoint_list[:4]},
        answers={question.pk: SELF_ANSWER},
        by=officer,
    )
    services.conclude_round(round_=round_, by=officer)
    opinion = Opinion.objects.create(
        round=round_,
        unit=unit,
        viewpoint=body.viewpoint_list[2],
        text=OPINION,
        response=RESPONSE,
        responsible_department=department,
    )
    return body, unit, round_, opinion
