"""A demo committee for a plan already loaded (make demo): a five-member body grading the
departments on five viewpoints with an A–E scheme, a concluded round of the plan's first
published year with self-evaluations and answered opinions, and the next year open."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from measures.models import MeasureDepartment, Plan
from measures.round.services import record_publication
from reviews import services
from reviews.models import (
    Aggregation,
    Opinion,
    OpinionProgress,
    OpinionStatus,
    ReviewBody,
    ReviewGrade,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfCheckQuestion,
    UnitKind,
    Viewpoint,
)
from reviews.publication import published_plan_years

VIEWPOINTS = [
    "計画の妥当性（Plan）",
    "取組過程（Do）",
    "実績（Check）",
    "実施後の対応（Action）",
    "総合",
]
SCHEME = [
    ("A", "極めて良好"),
    ("B", "良好"),
    ("C", "概ね妥当"),
    ("D", "問題あり"),
    ("E", "極めて問題"),
]
# Members' grades by department and member, one letter per viewpoint.
PATTERNS = ["BBCCB", "ABBCB", "BCCDC", "BBBCB", "CBCCC"]


class Command(BaseCommand):
    help = "読み込み済みの計画に、デモ用の行政改革推進委員会（委員5人・部署ごと・5観点・A～E）を作ります。"

    def add_arguments(self, parser):
        parser.add_argument("plan", type=int, help="計画のID")
        parser.add_argument("--password", default="demo-2026")

    @transaction.atomic
    def handle(self, *args, plan: int, password: str, **options):
        plan_obj = Plan.objects.filter(pk=plan).first()
        if plan_obj is None:
            raise CommandError(f"計画 {plan} はありません。")
        years = sorted(published_plan_years(plan_obj))
        if not years:
            raise CommandError("公表した年度がありません。先に年度を公表してください。")
        if ReviewBody.objects.filter(plan=plan_obj, name="行政改革推進委員会").exists():
            raise CommandError("この計画にはすでに行政改革推進委員会があります。")
        body = ReviewBody.objects.create(
            plan=plan_obj,
            name="行政改革推進委員会",
            unit_kind=UnitKind.DEPARTMENT,
            aggregation=Aggregation.MEAN,
        )
        viewpoints = [
            Viewpoint.objects.create(body=body, order=i, label=label)
            for i, label in enumerate(VIEWPOINTS)
        ]
        scheme = {
            code: ReviewGrade.objects.create(body=body, order=i, code=code, label=label)
            for i, (code, label) in enumerate(SCHEME)
        }
        question = SelfCheckQuestion.objects.get_or_create(
            plan=plan_obj, text="取組の成果と残る課題は何か"
        )[0]
        members = []
        for i in range(5):
            username = f"{plan_obj.municipality.slug}-committee-{i + 1}"
            user = get_user_model().objects.filter(username=username).first()
            user = user or get_user_model()(username=username)
            user.set_password(password)
            user.is_staff = False
            user.save()
            members.append(
                ReviewMember.objects.create(
                    body=body, user=user, display_name=f"委員{i + 1}", is_chair=i == 0, order=i
                )
            )
        department_ids = (
            MeasureDepartment.objects.filter(measure__plan=plan_obj, role="lead")
            .values_list("department_id", flat=True)
            .distinct()
            .order_by("department_id")[:3]
        )
        units = [
            ReviewUnit.objects.create(body=body, department_id=d, order=i)
            for i, d in enumerate(department_ids)
        ]
        first = ReviewRound.objects.create(body=body, fiscal_year=years[0])
        for u, unit in enumerate(units):
            for m, member in enumerate(members):
                codes = PATTERNS[(u + m) % len(PATTERNS)]
                services.save_member_sheet(
                    round_=first,
                    unit=unit,
                    member=member,
                    version=0,
                    entries={v.pk: (scheme[c], "") for v, c in zip(viewpoints, codes, strict=True)},
                )
            services.save_self_evaluation(
                round_=first,
                unit=unit,
                version=0,
                grades={v.pk: scheme["B"] for v in viewpoints},
                answers={question.pk: "目標はおおむね達成したが、効果の検証方法に課題が残る。"},
                by=None,
            )
            opinion = Opinion.objects.create(
                round=first,
                unit=unit,
                viewpoint=viewpoints[2],
                text="成果指標の実績が目標に届かない理由を、市民に分かるように説明すること。",
                response="次年度の報告から、未達成の理由と改善策を取組ごとに記載する。",
                responsible_department_id=unit.department_id,
            )
            later = [y for y in plan_obj.fiscal_years if y > first.fiscal_year]
            if later:
                OpinionProgress.objects.create(
                    opinion=opinion,
                    fiscal_year=later[0],
                    status=OpinionStatus.PARTLY,
                    text="未達成の理由を記載した。改善策の記載は一部の取組にとどまる。",
                )
        services.conclude_round(round_=first, by=None)
        # The office adds the concluded review to the year's published report, as a new
        # revision (the revision published before the committee concluded stays as it was).
        record_publication(plan=plan_obj, note="外部評価の結果を追加")
        next_years = [y for y in plan_obj.fiscal_years if y > first.fiscal_year]
        if next_years:
            ReviewRound.objects.create(body=body, fiscal_year=next_years[0])
        self.stdout.write(
            f"{body}（{plan_obj}）: 委員 {', '.join(m.user.username for m in members)}"
        )
        self.stdout.write(f"  委員長: {members[0].user.username}、パスワード: {password}")
        self.stdout.write(
            f"  公開ページ: /m/{plan_obj.municipality.slug}/plans/{plan_obj.pk}/reviews/{first.fiscal_year}/"
        )
        self.stdout.write("  委員のページ: /committee/login/")
