"""Builders for external-review data in tests: the committee of the issue's example, a
five-member body grading departments on five viewpoints with an A–E scheme."""

from django.contrib.auth import get_user_model

from reviews.models import (
    Aggregation,
    ReviewBody,
    ReviewGrade,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfCheckQuestion,
    Viewpoint,
)

VIEWPOINTS = [
    "計画の妥当性（Plan）",
    "取組過程（Do）",
    "実績（Check）",
    "実施後の対応（Action）",
    "総合",
]
SCHEME_A_TO_E = [
    ("A", "極めて良好"),
    ("B", "良好"),
    ("C", "概ね妥当"),
    ("D", "問題あり"),
    ("E", "極めて問題"),
]


def make_member(body, username: str, display_name: str, *, is_chair=False, order=0):
    # No password: tests sign members in with force_login (hashing five is slow).
    user = get_user_model().objects.create_user(username=username)
    return ReviewMember.objects.create(
        body=body, user=user, display_name=display_name, is_chair=is_chair, order=order
    )


def make_body(
    plan,
    *,
    name="行政改革推進委員会",
    unit_kind="department",
    aggregation=Aggregation.MEAN,
    members=5,
    prefix="member",
):
    """A body with the five viewpoints, the A–E scheme and `members` members (the first
    the chair); `body.viewpoint_list`, `body.scheme` (code → grade), `body.member_list`."""
    body = ReviewBody.objects.create(
        plan=plan, name=name, unit_kind=unit_kind, aggregation=aggregation
    )
    body.viewpoint_list = [
        Viewpoint.objects.create(body=body, order=i, label=label)
        for i, label in enumerate(VIEWPOINTS)
    ]
    body.scheme = {
        code: ReviewGrade.objects.create(body=body, order=i, code=code, label=label)
        for i, (code, label) in enumerate(SCHEME_A_TO_E)
    }
    body.member_list = [
        make_member(body, f"{prefix}-{i + 1}", f"委員{i + 1}", is_chair=i == 0, order=i)
        for i in range(members)
    ]
    return body


def make_unit(body, target, order=0) -> ReviewUnit:
    field = body.unit_kind
    unit = ReviewUnit(body=body, order=order, **{field: target})
    unit.full_clean()
    unit.save()
    return unit


def make_round(body, fiscal_year=2020) -> ReviewRound:
    return ReviewRound.objects.create(body=body, fiscal_year=fiscal_year)


def make_question(plan, text="目標の達成に向けて課題は何か", order=0) -> SelfCheckQuestion:
    return SelfCheckQuestion.objects.create(plan=plan, text=text, order=order)
