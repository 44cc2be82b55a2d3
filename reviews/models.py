"""The external review (外部評価): a plan's committees, what they review, their grades and
opinions, the departments' self-evaluation beside them, and the office's responses.

A body (委員会) reviews units of one kind (measures, pillars or departments) of its plan,
on its own viewpoints and grade scheme. Each fiscal year it reviews in a round: members
grade and comment on their own sheets, the body concludes per viewpoint as configured,
and its adopted opinions get the office's 対応方針 and, in later years, a 反映状況.
What of a round is public is decided in reviews/publication.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_display
from measures.models import FISCAL_YEAR_VALIDATORS, Measure, Pillar, Plan
from municipalities.models import Department
from municipalities.scoping import ScopedQuerySet


def _year_range_q(field: str = "fiscal_year") -> Q:
    return Q(**{f"{field}__gte": 1989, f"{field}__lte": 2100})


class UnitKind(models.TextChoices):
    MEASURE = "measure", _("取組ごと")
    PILLAR = "pillar", _("体系（柱）ごと")
    DEPARTMENT = "department", _("部署ごと")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("委員の評価の平均（最も近い評価に四捨五入）")
    MEDIAN = "median", _("委員の評価の中央値")
    CHAIR = "chair", _("審議を経て委員長が決定")


class ReviewBody(models.Model):
    """A committee (行政改革推進委員会, 外部評価委員会) of a plan."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="review_bodies", verbose_name=_("計画")
    )
    name = models.CharField(_("名称"), max_length=200, help_text=_("例: 行政改革推進委員会"))
    unit_kind = models.CharField(
        _("評価の単位"), max_length=12, choices=UnitKind.choices, default=UnitKind.MEASURE
    )
    aggregation = models.CharField(
        _("委員会の評価の決め方"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("評価委員会")
        verbose_name_plural = _("評価委員会")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="review_body_name_unique"),
            models.CheckConstraint(
                condition=Q(unit_kind__in=UnitKind.values), name="review_body_unit_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=Aggregation.values),
                name="review_body_aggregation_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewMember(models.Model):
    """A member (委員) of a body: an account that signs in to the committee pages only, or
    a name alone (a member of a past committee whose results were imported from a plan
    file, who never signs in)."""

    municipality_path = "body__plan__municipality"

    body = models.ForeignKey(
        ReviewBody, on_delete=models.CASCADE, related_name="members", verbose_name=_("委員会")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_memberships",
        verbose_name=_("ユーザー"),
    )
    display_name = models.CharField(_("氏名"), max_length=100)
    is_chair = models.BooleanField(_("委員長"), default=False)
    order = models.PositiveSmallIntegerField(_("順序"), default=0)

    class Meta:
        verbose_name = _("委員")
        verbose_name_plural = _("委員")
        ordering = ["body_id", "-is_chair", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="review_member_once"),
            models.UniqueConstraint(
                fields=["body"], condition=Q(is_chair=True), name="review_body_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class Viewpoint(models.Model):
    """A viewpoint the body grades on (計画の妥当性 (Plan), 取組過程 (Do), 総合 …), in order."""

    municipality_path = "body__plan__municipality"

    body = models.ForeignKey(
        ReviewBody, on_delete=models.CASCADE, related_name="viewpoints", verbose_name=_("委員会")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    label = models.CharField(_("名称"), max_length=100, help_text=_("例: 計画の妥当性（Plan）"))
    description = models.TextField(_("説明"), blank=True)

    class Meta:
        verbose_name = _("評価の観点")
        verbose_name_plural = _("評価の観点")
        ordering = ["body_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["body", "label"], name="viewpoint_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ReviewGrade(models.Model):
    """One class of the body's own grade scheme (A 極めて良好 … E 極めて問題), best first."""

    municipality_path = "body__plan__municipality"

    body = models.ForeignKey(
        ReviewBody, on_delete=models.CASCADE, related_name="grades", verbose_name=_("委員会")
    )
    order = models.PositiveSmallIntegerField(_("順序"), help_text=_("良い順に0, 1, 2 …"))
    code = models.CharField(_("記号"), max_length=10)
    label = models.CharField(_("名称"), max_length=100)
    definition = models.TextField(_("基準"), blank=True)

    class Meta:
        verbose_name = _("委員会の評価区分")
        verbose_name_plural = _("委員会の評価区分")
        ordering = ["body_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="review_grade_code_unique"),
            # The rank is what means and medians are taken of: no two classes share one.
            models.UniqueConstraint(fields=["body", "order"], name="review_grade_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class SelfCheckQuestion(models.Model):
    """A question of the plan's self-check (自己点検) that departments answer in text."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="self_check_questions",
        verbose_name=_("計画"),
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    text = models.CharField(_("設問"), max_length=500)

    class Meta:
        verbose_name = _("自己点検の設問")
        verbose_name_plural = _("自己点検の設問")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "text"], name="self_check_question_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class ReviewUnit(models.Model):
    """What a body reviews: one measure, pillar or department of its plan."""

    municipality_path = "body__plan__municipality"

    body = models.ForeignKey(
        ReviewBody, on_delete=models.CASCADE, related_name="units", verbose_name=_("委員会")
    )
    kind = models.CharField(_("単位"), max_length=12, choices=UnitKind.choices, editable=False)
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_units",
        verbose_name=_("取組"),
    )
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_units",
        verbose_name=_("体系（柱）"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_units",
        verbose_name=_("部署"),
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)

    class Meta:
        verbose_name = _("評価の対象")
        verbose_name_plural = _("評価の対象")
        ordering = ["body_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="measure",
                        measure__isnull=False,
                        pillar__isnull=True,
                        department__isnull=True,
                    )
                    | Q(
                        kind="pillar",
                        measure__isnull=True,
                        pillar__isnull=False,
                        department__isnull=True,
                    )
                    | Q(
                        kind="department",
                        measure__isnull=True,
                        pillar__isnull=True,
                        department__isnull=False,
                    )
                ),
                name="review_unit_is_one_thing",
            ),
            models.UniqueConstraint(
                fields=["body", "measure"],
                condition=Q(measure__isnull=False),
                name="review_unit_measure_once",
            ),
            models.UniqueConstraint(
                fields=["body", "pillar"],
                condition=Q(pillar__isnull=False),
                name="review_unit_pillar_once",
            ),
            models.UniqueConstraint(
                fields=["body", "department"],
                condition=Q(department__isnull=False),
                name="review_unit_department_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target)

    def save(self, *args, **kwargs) -> None:
        self._set_kind()
        super().save(*args, **kwargs)

    def _set_kind(self) -> None:
        self.kind = (
            UnitKind.MEASURE
            if self.measure_id
            else UnitKind.PILLAR
            if self.pillar_id
            else UnitKind.DEPARTMENT
        )

    def clean_fields(self, exclude=None) -> None:
        self._set_kind()
        super().clean_fields(exclude)

    def clean(self) -> None:
        chosen = [f for f in ("measure", "pillar", "department") if getattr(self, f"{f}_id")]
        if len(chosen) != 1:
            raise ValidationError(_("取組、体系（柱）、部署のいずれか1つを選んでください。"))
        if not self.body_id:
            return
        field = chosen[0]
        if field != self.body.unit_kind:
            raise ValidationError(
                {
                    field: _("この委員会は%(kind)s評価します。")
                    % {"kind": self.body.get_unit_kind_display()}
                }
            )
        target = getattr(self, field)
        if field == "department":
            if target.municipality_id != self.body.plan.municipality_id:
                raise ValidationError({field: _("同じ自治体の部署を選んでください。")})
        elif target.plan_id != self.body.plan_id:
            raise ValidationError({field: _("委員会と同じ計画から選んでください。")})

    @property
    def target(self):
        return self.measure or self.pillar or self.department


class ReviewRoundQuerySet(ScopedQuerySet):
    def open(self) -> "ReviewRoundQuerySet":
        return self.filter(status=ReviewRound.Status.OPEN)

    def concluded(self) -> "ReviewRoundQuerySet":
        return self.filter(status=ReviewRound.Status.CONCLUDED)


class ReviewRound(models.Model):
    """A body's review of one fiscal year: open while members grade, then concluded."""

    municipality_path = "body__plan__municipality"

    class Status(models.TextChoices):
        OPEN = "open", _("評価中")
        CONCLUDED = "concluded", _("評価確定")

    body = models.ForeignKey(
        ReviewBody, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("委員会")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("評価の対象とする年度の始まる西暦年（令和2年度なら2020）"),
    )
    status = models.CharField(_("状況"), max_length=10, choices=Status.choices, default=Status.OPEN)
    concluded_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定した人"),
    )

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度の外部評価")
        verbose_name_plural = _("年度の外部評価")
        ordering = ["body_id", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "fiscal_year"], name="review_round_once"),
            models.CheckConstraint(condition=_year_range_q(), name="review_round_year_range"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(concluded_at__isnull=False),
                name="concluded_review_round_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "concluded"]), name="review_round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {fiscal_year_display(self.fiscal_year)}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def year_display(self) -> str:
        return fiscal_year_display(self.fiscal_year)

    def clean(self) -> None:
        if self.body_id and not self.body.plan.contains_fiscal_year(self.fiscal_year or 0):
            raise ValidationError({"fiscal_year": _("計画期間の外の年度です。")})


def _check_grade_of_body(grade, body_id: int, field: str = "grade") -> None:
    if grade is not None and grade.body_id != body_id:
        raise ValidationError({field: _("委員会の評価区分から選んでください。")})


class SelfEvaluation(models.Model):
    """A department's self-evaluation (自己評価) of a unit in a round, as entered."""

    municipality_path = "round__body__plan__municipality"

    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="self_evaluations",
        verbose_name=_("年度の外部評価"),
    )
    unit = models.ForeignKey(
        ReviewUnit,
        on_delete=models.CASCADE,
        related_name="self_evaluations",
        verbose_name=_("評価の対象"),
    )
    version = models.PositiveIntegerField(_("版数"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入力者"),
    )

    class Meta:
        verbose_name = _("自己評価")
        verbose_name_plural = _("自己評価")
        ordering = ["round_id", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="self_evaluation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.round.year_display}"

    def clean(self) -> None:
        if self.round_id and self.unit_id and self.unit.body_id != self.round.body_id:
            raise ValidationError({"unit": _("この委員会の評価の対象から選んでください。")})
        if self._state.adding and self.round_id and not self.round.is_open:
            raise ValidationError({"round": _("確定した年度の外部評価には追加できません。")})


class SelfGrade(models.Model):
    """The department's own grade on one viewpoint: stored as entered, never recomputed."""

    municipality_path = "evaluation__round__body__plan__municipality"

    evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="grades", verbose_name=_("自己評価")
    )
    viewpoint = models.ForeignKey(
        Viewpoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("評価の観点")
    )
    grade = models.ForeignKey(
        ReviewGrade, on_delete=models.RESTRICT, related_name="+", verbose_name=_("評価")
    )

    class Meta:
        verbose_name = _("自己評価の評価")
        verbose_name_plural = _("自己評価の評価")
        ordering = ["evaluation_id", "viewpoint__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "viewpoint"], name="self_grade_once"),
        ]

    def __str__(self) -> str:
        return f"{self.viewpoint}: {self.grade.code}"

    def clean(self) -> None:
        if self.evaluation_id and self.grade_id:
            body_id = self.evaluation.round.body_id
            _check_grade_of_body(self.grade, body_id)
            if self.viewpoint_id and self.viewpoint.body_id != body_id:
                raise ValidationError({"viewpoint": _("委員会の観点から選んでください。")})


class SelfCheckAnswer(models.Model):
    municipality_path = "evaluation__round__body__plan__municipality"

    evaluation = models.ForeignKey(
        SelfEvaluation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("自己評価"),
    )
    question = models.ForeignKey(
        SelfCheckQuestion, on_delete=models.CASCADE, related_name="+", verbose_name=_("設問")
    )
    text = models.TextField(_("回答"))

    class Meta:
        verbose_name = _("自己点検の回答")
        verbose_name_plural = _("自己点検の回答")
        ordering = ["evaluation_id", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "question"], name="self_check_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.question)


class MemberSheet(models.Model):
    """One member's grades and comments on one unit in a round (their own page)."""

    municipality_path = "round__body__plan__municipality"

    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="sheets",
        verbose_name=_("年度の外部評価"),
    )
    unit = models.ForeignKey(
        ReviewUnit, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("評価の対象")
    )
    member = models.ForeignKey(
        ReviewMember, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("委員")
    )
    version = models.PositiveIntegerField(_("版数"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("委員の評価")
        verbose_name_plural = _("委員の評価")
        ordering = ["round_id", "unit_id", "member__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "member"], name="member_sheet_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.unit}"


class MemberGrade(models.Model):
    municipality_path = "sheet__round__body__plan__municipality"

    sheet = models.ForeignKey(
        MemberSheet, on_delete=models.CASCADE, related_name="grades", verbose_name=_("委員の評価")
    )
    viewpoint = models.ForeignKey(
        Viewpoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("評価の観点")
    )
    grade = models.ForeignKey(
        ReviewGrade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("評価"),
    )
    comment = models.TextField(_("意見・コメント"), blank=True)

    class Meta:
        verbose_name = _("委員の観点別評価")
        verbose_name_plural = _("委員の観点別評価")
        ordering = ["sheet_id", "viewpoint__order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "viewpoint"], name="member_grade_once"),
            models.CheckConstraint(
                condition=Q(grade__isnull=False) | ~Q(comment=""),
                name="member_grade_has_grade_or_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewpoint}: {self.grade.code if self.grade else '-'}"


class Conclusion(models.Model):
    """The body's grade on a viewpoint of a unit: what the configured aggregation gave
    (`aggregated_grade`; the members' mean for reference when the chair decides) and the
    grade concluded (`grade`). The members' own grades stay in their sheets."""

    municipality_path = "round__body__plan__municipality"

    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="conclusions",
        verbose_name=_("年度の外部評価"),
    )
    unit = models.ForeignKey(
        ReviewUnit,
        on_delete=models.CASCADE,
        related_name="conclusions",
        verbose_name=_("評価の対象"),
    )
    viewpoint = models.ForeignKey(
        Viewpoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("評価の観点")
    )
    aggregated_grade = models.ForeignKey(
        ReviewGrade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("委員の評価の集計"),
    )
    grade = models.ForeignKey(
        ReviewGrade, on_delete=models.RESTRICT, related_name="+", verbose_name=_("委員会の評価")
    )
    set_by_chair = models.BooleanField(_("委員長が決定"), default=False)
    member_count = models.PositiveSmallIntegerField(_("評価した委員の数"), default=0)

    class Meta:
        verbose_name = _("委員会の評価")
        verbose_name_plural = _("委員会の評価")
        ordering = ["round_id", "unit__order", "unit_id", "viewpoint__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "viewpoint"], name="conclusion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.viewpoint}: {self.grade.code}"


class OpinionStatus(models.TextChoices):
    REFLECTED = "reflected", _("反映済み")
    PARTLY = "partly", _("一部反映")
    CONSIDERING = "considering", _("検討中")
    NOT_REFLECTED = "not_reflected", _("反映しない")


# An opinion stays open, and carries over to the next year's round, until one of these.
CLOSING_STATUSES = (OpinionStatus.REFLECTED, OpinionStatus.NOT_REFLECTED)


class Opinion(models.Model):
    """An opinion (意見) the body adopted in a round, and the office's response to it."""

    municipality_path = "round__body__plan__municipality"

    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name=_("年度の外部評価"),
    )
    unit = models.ForeignKey(
        ReviewUnit, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("評価の対象")
    )
    viewpoint = models.ForeignKey(
        Viewpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("評価の観点"),
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    text = models.TextField(_("意見"))
    response = models.TextField(_("対応方針"), blank=True)
    responsible_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_opinions",
        verbose_name=_("担当課"),
    )

    class Meta:
        verbose_name = _("委員会の意見")
        verbose_name_plural = _("委員会の意見")
        ordering = ["round_id", "unit__order", "unit_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def clean(self) -> None:
        if not self.round_id:
            return
        if self.unit_id and self.unit.body_id != self.round.body_id:
            raise ValidationError({"unit": _("この委員会の評価の対象から選んでください。")})
        if self.viewpoint_id and self.viewpoint.body_id != self.round.body_id:
            raise ValidationError({"viewpoint": _("委員会の観点から選んでください。")})
        if (
            self.responsible_department_id
            and self.responsible_department.municipality_id != self.round.body.plan.municipality_id
        ):
            raise ValidationError(
                {"responsible_department": _("同じ自治体の部署を選んでください。")}
            )


class OpinionProgress(models.Model):
    """How an opinion was reflected (反映状況), recorded in a later year."""

    municipality_path = "opinion__round__body__plan__municipality"

    opinion = models.ForeignKey(
        Opinion, on_delete=models.CASCADE, related_name="progress", verbose_name=_("意見")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), validators=FISCAL_YEAR_VALIDATORS, help_text=_("反映状況を記録した年度")
    )
    status = models.CharField(_("反映状況"), max_length=14, choices=OpinionStatus.choices)
    text = models.TextField(_("反映の内容"), blank=True)

    class Meta:
        verbose_name = _("反映状況")
        verbose_name_plural = _("反映状況")
        ordering = ["opinion_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "fiscal_year"], name="opinion_progress_once"
            ),
            models.CheckConstraint(condition=_year_range_q(), name="opinion_progress_year_range"),
            models.CheckConstraint(
                condition=Q(status__in=OpinionStatus.values), name="opinion_progress_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{fiscal_year_display(self.fiscal_year)} {self.get_status_display()}"

    def clean(self) -> None:
        if (
            self.opinion_id
            and self.fiscal_year
            and self.fiscal_year <= self.opinion.round.fiscal_year
        ):
            raise ValidationError(
                {"fiscal_year": _("反映状況は意見を受けた年度より後の年度に記録します。")}
            )
