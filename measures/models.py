from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.fiscal_years import fiscal_year_display
from measures.values import Quantity, format_number
from municipalities.models import Department, Municipality
from municipalities.scoping import ScopedQuerySet

# Fiscal years this product accepts: from the first 平成 year to well past any plan in sight.
FISCAL_YEAR_VALIDATORS = [MinValueValidator(1989), MaxValueValidator(2100)]
MAX_PILLAR_DEPTH = 3


def _fiscal_year_field(verbose_name=None, **kwargs) -> models.PositiveSmallIntegerField:
    kwargs.setdefault("help_text", _("年度の始まる西暦年（令和2年度なら2020）"))
    return models.PositiveSmallIntegerField(
        verbose_name or _("年度"), validators=FISCAL_YEAR_VALIDATORS, **kwargs
    )


def _year_in_range_q(field: str) -> Q:
    return Q(**{f"{field}__gte": 1989, f"{field}__lte": 2100})


class Basis(models.TextChoices):
    """Whether a yearly figure is that year's own or accumulated with the effects of earlier
    years that continue (単年度 / 継続的・累計), as cities report both."""

    SINGLE_YEAR = "single_year", _("単年度")
    CUMULATIVE = "cumulative", _("累計")


class PlanQuerySet(ScopedQuerySet):
    def public(self) -> "PlanQuerySet":
        return self.filter(is_public=True)

    def for_municipality(self, municipality: Municipality) -> "PlanQuerySet":
        return self.filter(municipality=municipality)


class Plan(models.Model):
    """An implementation plan (実施計画, 実行計画, 行動計画) and the labels it uses."""

    municipality_path = "municipality"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="plans", verbose_name=_("自治体")
    )
    name = models.CharField(_("計画名"), max_length=200)
    document_title = models.CharField(_("公表資料の表題"), max_length=300, blank=True)
    framework_name = models.CharField(
        _("大綱・基本方針"), max_length=200, blank=True, help_text=_("例: 第3次安中市行政改革大綱")
    )
    framework_first_fiscal_year = _fiscal_year_field(_("大綱の開始年度"), null=True, blank=True)
    framework_last_fiscal_year = _fiscal_year_field(_("大綱の終了年度"), null=True, blank=True)
    first_fiscal_year = _fiscal_year_field(_("計画の開始年度"))
    last_fiscal_year = _fiscal_year_field(_("計画の終了年度"))
    revision_label = models.CharField(
        _("版"), max_length=50, blank=True, help_text=_("例: 改訂1版")
    )
    revision_date = models.DateField(_("改訂日"), null=True, blank=True)
    published_on = models.DateField(_("公表日"), null=True, blank=True)
    vision = models.TextField(_("目指す姿"), blank=True)
    viewpoints = models.TextField(_("改革の視点"), blank=True)
    level1_label = models.CharField(
        _("第1階層の名称"), max_length=50, default="改革の柱", help_text=_("例: 基本項目、重点目標")
    )
    level2_label = models.CharField(_("第2階層の名称"), max_length=50, blank=True)
    level3_label = models.CharField(_("第3階層の名称"), max_length=50, blank=True)
    measure_label = models.CharField(
        _("取組の名称"), max_length=50, default="取組項目", help_text=_("例: 行動計画、取組項目")
    )
    goal_label = models.CharField(
        _("目標の名称"), max_length=50, default="目標", help_text=_("例: 目標の状態、目指す姿")
    )
    reform_office = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所管部署"),
    )
    grade_note = models.TextField(_("評価区分の注記"), blank=True)
    share_decimal_places = models.PositiveSmallIntegerField(
        _("割合の小数点以下の桁数"),
        default=1,
        validators=[MaxValueValidator(3)],
        help_text=_("評価・実施状況の割合と進捗率を四捨五入する桁（1なら 12.3%）"),
    )
    count_note = models.TextField(
        _("集計表の注記"),
        blank=True,
        help_text=_("例: ※割合は四捨五入しているため、合計が100%にならない場合がある"),
    )
    saving_mark = models.CharField(
        _("歳出削減額の記号"),
        max_length=1,
        choices=[("", _("付けない")), ("△", "△"), ("▲", "▲")],
        blank=True,
        help_text=_("削減額を △1,200千円 のように書く計画は記号を選ぶ"),
    )
    effect_unit = models.CharField(
        _("効果額の表示単位"),
        max_length=4,
        choices=[("円", "円"), ("千円", "千円"), ("百万円", "百万円")],
        default="千円",
    )
    is_public = models.BooleanField(
        _("公開する"),
        default=False,
        help_text=_("計画を市民向けページと公開データに載せる（年度の実績は公表した年度だけ）"),
    )

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        ordering = ["municipality_id", "-first_fiscal_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="plan_name_unique"),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__lte=F("last_fiscal_year")),
                name="plan_first_year_not_after_last",
            ),
            models.CheckConstraint(
                condition=Q(framework_first_fiscal_year__isnull=True)
                | Q(framework_last_fiscal_year__isnull=True)
                | Q(framework_first_fiscal_year__lte=F("framework_last_fiscal_year")),
                name="plan_framework_first_year_not_after_last",
            ),
            models.CheckConstraint(
                condition=_year_in_range_q("first_fiscal_year")
                & _year_in_range_q("last_fiscal_year"),
                name="plan_years_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (
            self.first_fiscal_year
            and self.last_fiscal_year
            and self.first_fiscal_year > self.last_fiscal_year
        ):
            errors["last_fiscal_year"] = _("終了年度は開始年度以降にしてください。")
        if (
            self.framework_first_fiscal_year
            and self.framework_last_fiscal_year
            and self.framework_first_fiscal_year > self.framework_last_fiscal_year
        ):
            errors["framework_last_fiscal_year"] = _("大綱の終了年度は開始年度以降にしてください。")
        if self.level3_label and not self.level2_label:
            errors["level3_label"] = _("第3階層を使うときは第2階層の名称も入力してください。")
        if (
            self.reform_office_id
            and self.municipality_id
            and self.reform_office.municipality_id != self.municipality_id
        ):
            errors["reform_office"] = _("所管部署は同じ自治体の部署から選んでください。")
        if errors:
            raise ValidationError(errors)

    @property
    def fiscal_years(self) -> range:
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)

    @property
    def period_display(self) -> str:
        first = fiscal_year_display(self.first_fiscal_year)
        return f"{first}～{fiscal_year_display(self.last_fiscal_year)}"

    @property
    def level_labels(self) -> list[str]:
        return [
            label for label in (self.level1_label, self.level2_label, self.level3_label) if label
        ]

    def contains_fiscal_year(self, fiscal_year: int) -> bool:
        return self.first_fiscal_year <= fiscal_year <= self.last_fiscal_year


class PlanSection(models.Model):
    """Introductory text of the plan document (趣旨, 取組期間, 推進体制, 公表 …)."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    heading = models.CharField(_("見出し"), max_length=200)
    body = models.TextField(_("本文"), blank=True)

    class Meta:
        verbose_name = _("計画の前文")
        verbose_name_plural = _("計画の前文")
        ordering = ["plan_id", "order", "pk"]

    def __str__(self) -> str:
        return self.heading


class Grade(models.Model):
    """One class of a plan's grade scheme (取組達成度・目標達成度), ordered best first."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="grades", verbose_name=_("計画")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0, help_text=_("良い順に0, 1, 2 …"))
    code = models.CharField(_("記号"), max_length=10)
    label = models.CharField(_("名称"), max_length=200)
    definition = models.TextField(_("基準"), blank=True)
    min_ratio = models.DecimalField(
        _("達成率の下限"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("この評価となる達成率の下限（100%なら1.00）。定性的な区分は空欄"),
    )
    is_rated = models.BooleanField(
        _("評価済みとして数える"), default=True, help_text=_("対象外・未評価の区分は外す")
    )

    class Meta:
        verbose_name = _("評価区分")
        verbose_name_plural = _("評価区分")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="grade_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(min_ratio__isnull=True) | Q(min_ratio__gte=0),
                name="grade_min_ratio_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ImplementationStatus(models.Model):
    """A word of the plan's status scheme (実施 / 検討 / 達成, 未着手 / 取組中 / 完了 …)."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("計画")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    label = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("説明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("実施状況の区分")
        verbose_name_plural = _("実施状況の区分")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="status_label_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.label


class PillarQuerySet(ScopedQuerySet):
    def for_plan(self, plan: Plan) -> "PillarQuerySet":
        return self.filter(plan=plan)


class Pillar(models.Model):
    """A node of the plan's hierarchy (改革の柱 → 個別項目 → 取組の項目), 1 to 3 levels deep."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("計画")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上位の項目"),
    )
    level = models.PositiveSmallIntegerField(_("階層"), editable=False, default=1)
    order = models.PositiveIntegerField(_("順序"), default=0)
    code = models.CharField(_("番号"), max_length=20, blank=True, help_text=_("例: Ⅰ、1)、(1)、①"))
    title = models.CharField(_("名称"), max_length=300)
    aim = models.TextField(_("目指す方向"), blank=True, help_text=_("例: ●歳出の見直しと…"))

    objects = PillarQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("体系（柱）")
        verbose_name_plural = _("体系（柱）")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_PILLAR_DEPTH), name="pillar_level_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level=1) | Q(parent__isnull=False, level__gt=1),
                name="pillar_root_is_level_1",
            ),
            models.UniqueConstraint(
                fields=["plan", "code"],
                condition=Q(parent__isnull=True) & ~Q(code=""),
                name="pillar_root_code_unique",
            ),
            models.UniqueConstraint(
                fields=["parent", "code"],
                condition=Q(parent__isnull=False) & ~Q(code=""),
                name="pillar_child_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs) -> None:
        self.level = self.parent.level + 1 if self.parent_id else 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("上位の項目は同じ計画から選んでください。")})
        if self.parent.level >= MAX_PILLAR_DEPTH:
            raise ValidationError(
                {"parent": _("体系は%(depth)d階層までです。") % {"depth": MAX_PILLAR_DEPTH}}
            )
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("自分自身の下には置けません。")})
            ancestor = ancestor.parent

    @property
    def level_label(self) -> str:
        labels = [self.plan.level1_label, self.plan.level2_label, self.plan.level3_label]
        return labels[self.level - 1]


class SustainableDevelopmentGoal(models.Model):
    """The 17 SDGs; the rows are created by a migration."""

    number = models.PositiveSmallIntegerField(
        _("番号"), primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("SDGsの目標")
        verbose_name_plural = _("SDGsの目標")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CoCreationActor(models.Model):
    """A bearer of 協創 (行政, 市民, 地域, 団体, 学校・大学, 企業, 近隣自治体 …)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("順序"), default=0)

    class Meta:
        verbose_name = _("協創の担い手")
        verbose_name_plural = _("協創の担い手")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(ScopedQuerySet):
    def for_plan(self, plan: Plan) -> "MeasureQuerySet":
        return self.filter(plan=plan)


class Measure(models.Model):
    """One measure (取組項目, 行動計画, 具体的な取組み項目) of a plan.

    Rows that share a number in the document (000's several rows under 通番 6) are measures
    with the same code and sub_number 1, 2, 3 ….
    """

    municipality_path = "plan__municipality"

    class Continuity(models.TextChoices):
        NEW = "new", _("新規")
        CONTINUING = "continuing", _("継続")

    class Ending(models.TextChoices):
        MERGED = "merged", _("集約")
        FINISHED = "finished", _("取組終了")
        DISCONTINUED = "discontinued", _("廃止・休止")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("計画")
    )
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("体系（柱）"),
    )
    code = models.CharField(
        _("番号"), max_length=30, help_text=_("計画内の通し番号（通番・No.）。例: 12、Ⅰ-(1)-ア")
    )
    sub_number = models.PositiveSmallIntegerField(
        _("枝番"), default=1, help_text=_("同じ番号の行が複数あるときの順番（1から）")
    )
    mark = models.CharField(_("項目記号"), max_length=10, blank=True, help_text=_("例: ①、ア"))
    order = models.PositiveIntegerField(_("順序"), default=0)
    # Blank only where the source document lost it (rows cut short in a PDF).
    title = models.CharField(_("名称"), max_length=300, blank=True)
    continuity = models.CharField(
        _("新規・継続"), max_length=12, choices=Continuity.choices, blank=True
    )
    is_citywide = models.BooleanField(_("市全体での取組み（◎）"), default=False)
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="measures", verbose_name=_("SDGs")
    )
    current_situation = models.TextField(_("現状と課題"), blank=True)
    goal = models.TextField(_("目標"), blank=True, help_text=_("目標・目標の状態・目指す姿"))
    content = models.TextField(_("取組内容"), blank=True)
    future_direction = models.TextField(_("今後の取組方向"), blank=True)
    related_plans = models.TextField(_("関連計画"), blank=True)
    comprehensive_plan_position = models.CharField(
        _("総合計画での位置付け"), max_length=300, blank=True
    )
    co_creation_actors = models.ManyToManyField(
        CoCreationActor, blank=True, related_name="measures", verbose_name=_("協創の担い手")
    )
    co_creation_text = models.TextField(_("協創の内容"), blank=True)
    notes = models.TextField(_("注記"), blank=True, help_text=_("脚注など"))
    first_fiscal_year = _fiscal_year_field(
        _("取組の開始年度"),
        null=True,
        blank=True,
        help_text=_("計画の途中で加わった取組だけ（空欄は計画の開始から）"),
    )
    last_fiscal_year = _fiscal_year_field(
        _("取組の終了年度"),
        null=True,
        blank=True,
        help_text=_("集約・終了した取組の最後の年度（空欄は計画の終了まで）"),
    )
    ending = models.CharField(_("終了の区分"), max_length=12, choices=Ending.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("集約先の取組"),
    )
    ending_note = models.TextField(_("終了の説明"), blank=True)
    departments = models.ManyToManyField(
        Department, through="MeasureDepartment", related_name="measures", verbose_name=_("担当課")
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sdgs, co_creation_actors])

    class Meta:
        verbose_name = _("取組")
        verbose_name_plural = _("取組")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code", "sub_number"], name="measure_code_unique_in_plan"
            ),
            models.CheckConstraint(
                condition=Q(sub_number__gte=1), name="measure_sub_number_from_1"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="measure_code_not_empty"),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__isnull=True)
                | Q(last_fiscal_year__isnull=True)
                | Q(first_fiscal_year__lte=F("last_fiscal_year")),
                name="measure_first_year_not_after_last",
            ),
            models.CheckConstraint(
                condition=Q(ending="") | Q(last_fiscal_year__isnull=False),
                name="measure_ending_has_last_year",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(ending="merged"),
                name="measure_merged_into_only_when_merged",
            ),
        ]
        indexes = [models.Index(fields=["plan", "pillar"], name="measure_plan_pillar")]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    @property
    def display_code(self) -> str:
        return self.code if self.sub_number == 1 else f"{self.code}-{self.sub_number}"

    def clean(self) -> None:
        errors = {}
        if self.pillar_id and self.plan_id and self.pillar.plan_id != self.plan_id:
            errors["pillar"] = _("体系（柱）は同じ計画から選んでください。")
        if self.plan_id:
            for name in ("first_fiscal_year", "last_fiscal_year"):
                year = getattr(self, name)
                if year is not None and not self.plan.contains_fiscal_year(year):
                    errors[name] = _("%(year)sは計画期間（%(period)s）の外です。") % {
                        "year": fiscal_year_display(year),
                        "period": self.plan.period_display,
                    }
        if (
            self.first_fiscal_year
            and self.last_fiscal_year
            and self.first_fiscal_year > self.last_fiscal_year
        ):
            errors["last_fiscal_year"] = _("終了年度は開始年度以降にしてください。")
        if self.ending and not self.last_fiscal_year:
            errors["last_fiscal_year"] = _("集約・終了した取組は最後の年度を入力してください。")
        if self.merged_into_id:
            if self.ending != self.Ending.MERGED:
                errors["merged_into"] = _("集約先は、終了の区分が「集約」の取組だけに入力します。")
            elif self.merged_into_id == self.pk:
                errors["merged_into"] = _("自分自身には集約できません。")
            elif self.plan_id and self.merged_into.plan_id != self.plan_id:
                errors["merged_into"] = _("集約先は同じ計画の取組から選んでください。")
        if errors:
            raise ValidationError(errors)

    def is_active(self, fiscal_year: int) -> bool:
        """Whether the measure is carried in the year (counted, graded, reported)."""
        return (self.first_fiscal_year is None or self.first_fiscal_year <= fiscal_year) and (
            self.last_fiscal_year is None or fiscal_year <= self.last_fiscal_year
        )


class MeasureDepartment(models.Model):
    municipality_path = "measure__plan__municipality"

    class Role(models.TextChoices):
        LEAD = "lead", _("担当課")
        RELATED = "related", _("関係課")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="department_links", verbose_name=_("取組")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="measure_links", verbose_name=_("部署")
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.LEAD)
    is_primary = models.BooleanField(_("主たる担当（●）"), default=False)
    order = models.PositiveSmallIntegerField(_("順序"), default=0)

    class Meta:
        verbose_name = _("担当課・関係課")
        verbose_name_plural = _("担当課・関係課")
        ordering = ["measure_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "department"], name="measure_department_once"
            ),
            models.CheckConstraint(
                condition=Q(is_primary=False) | Q(role="lead"), name="only_lead_is_primary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"

    def clean(self) -> None:
        if (
            self.measure_id
            and self.department_id
            and self.department.municipality_id != self.measure.plan.municipality_id
        ):
            raise ValidationError({"department": _("同じ自治体の部署を選んでください。")})


def _check_year_in_plan(plan: Plan, fiscal_year: int | None, field: str = "fiscal_year") -> None:
    if fiscal_year is not None and not plan.contains_fiscal_year(fiscal_year):
        raise ValidationError(
            {
                field: _("%(year)sは計画期間（%(first)s～%(last)s）の外です。")
                % {
                    "year": fiscal_year_display(fiscal_year),
                    "first": fiscal_year_display(plan.first_fiscal_year),
                    "last": fiscal_year_display(plan.last_fiscal_year),
                }
            }
        )


class Step(models.Model):
    """A schedule row (年次計画の事業 / 取組内容 ①…) of a measure."""

    municipality_path = "measure__plan__municipality"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("取組")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    title = models.CharField(_("内容"), max_length=500)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="steps", verbose_name=_("担当課")
    )

    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("年次計画の項目")
        verbose_name_plural = _("年次計画の項目")
        ordering = ["measure_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class StepYear(models.Model):
    """What a step plans and achieves in one fiscal year; "→" in planned means it continues."""

    municipality_path = "step__measure__plan__municipality"

    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="years", verbose_name=_("年次計画の項目")
    )
    fiscal_year = _fiscal_year_field()
    planned = models.TextField(_("計画"), blank=True)
    actual = models.TextField(_("実績"), blank=True)
    progress = models.TextField(_("取組状況"), blank=True)
    next_steps = models.TextField(_("今後の取組・課題"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年次計画（年度別）")
        verbose_name_plural = _("年次計画（年度別）")
        ordering = ["step_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["step", "fiscal_year"], name="step_year_once"),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="step_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} {fiscal_year_display(self.fiscal_year)}"

    @property
    def continues(self) -> bool:
        return self.planned.strip() in {"→", "⇒", "―→"}

    def clean(self) -> None:
        if self.step_id:
            _check_year_in_plan(self.step.measure.plan, self.fiscal_year)


class YearlyTarget(models.Model):
    """The target of a measure for one fiscal year (年度目標, 進捗状況, 達成目標)."""

    municipality_path = "measure__plan__municipality"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="targets", verbose_name=_("取組")
    )
    fiscal_year = _fiscal_year_field()
    status = models.ForeignKey(
        ImplementationStatus,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("予定する実施状況"),
    )
    goal = models.TextField(_("年度目標"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度目標")
        verbose_name_plural = _("年度目標")
        ordering = ["measure_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "fiscal_year"], name="target_year_once"),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="target_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {fiscal_year_display(self.fiscal_year)}"

    def clean(self) -> None:
        if self.measure_id:
            _check_year_in_plan(self.measure.plan, self.fiscal_year)
            if self.status_id and self.status.plan_id != self.measure.plan_id:
                raise ValidationError({"status": _("この計画の実施状況から選んでください。")})


class Indicator(models.Model):
    """An indicator (指標, 成果指標) of a measure; values live in IndicatorValue."""

    municipality_path = "measure__plan__municipality"

    class Direction(models.TextChoices):
        INCREASE = "increase", _("増やす（高いほど良い）")
        DECREASE = "decrease", _("減らす（低いほど良い）")
        MILESTONE = "milestone", _("文章で示す目標")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("取組")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    name = models.CharField(_("指標名"), max_length=300, blank=True)
    unit = models.CharField(_("単位"), max_length=30, blank=True)
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    not_settable = models.BooleanField(_("指標の設定困難"), default=False)
    description = models.TextField(_("説明"), blank=True)
    basis = models.CharField(
        _("値の基準"),
        max_length=12,
        choices=Basis.choices,
        default=Basis.SINGLE_YEAR,
        help_text=_("各年度の値がその年度だけのものか、前年度までの累計か"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["measure_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_settable=True) | ~Q(name=""),
                name="indicator_named_unless_not_settable",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("指標の設定困難"))


class IndicatorValue(models.Model):
    """A baseline, a year's target or a year's actual of an indicator.

    The number and unit are what could be read; text is the value as written (見直し・反映,
    93.45%※) and is never dropped. The final target is the target of the latest year.
    """

    municipality_path = "indicator__measure__plan__municipality"

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("現状値")
        TARGET = "target", _("目標値")
        ACTUAL = "actual", _("実績値")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("指標")
    )
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    fiscal_year = _fiscal_year_field(null=True, blank=True)
    value = models.DecimalField(_("数値"), max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("単位"), max_length=30, blank=True)
    text = models.CharField(_("記載どおりの値"), max_length=500, blank=True)
    label = models.CharField(
        _("時点の表記"), max_length=100, blank=True, help_text=_("例: H29(当初)、R2.1.15現在")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標の値")
        verbose_name_plural = _("指標の値")
        ordering = ["indicator_id", "fiscal_year", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="baseline") | Q(fiscal_year__isnull=False),
                name="indicator_value_year_unless_baseline",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="indicator_value_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__isnull=True) | _year_in_range_q("fiscal_year"),
                name="indicator_value_year_range",
            ),
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(kind="baseline"), name="one_baseline"
            ),
            models.UniqueConstraint(
                fields=["indicator", "kind", "fiscal_year"],
                condition=~Q(kind="baseline"),
                name="one_value_per_kind_and_year",
            ),
        ]

    def __str__(self) -> str:
        return str(self.quantity)

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.unit, self.text)

    @property
    def display(self) -> str:
        if self.text:
            return self.text
        return format_number(self.value, self.unit) if self.value is not None else ""

    def clean(self) -> None:
        if not self.indicator_id or self.fiscal_year is None:
            return
        plan = self.indicator.measure.plan
        if self.kind == self.Kind.TARGET:
            _check_year_in_plan(plan, self.fiscal_year)
        elif self.kind == self.Kind.ACTUAL and self.fiscal_year > plan.last_fiscal_year:
            # Actuals from before the plan are kept as history; after it they cannot exist yet.
            _check_year_in_plan(plan, self.fiscal_year)


class EvaluationQuerySet(ScopedQuerySet):
    def for_year(self, fiscal_year: int) -> "EvaluationQuerySet":
        return self.filter(fiscal_year=fiscal_year)

    def awaiting_review(self) -> "EvaluationQuerySet":
        return self.filter(review_status=Evaluation.ReviewStatus.SUBMITTED)

    def published(self) -> "EvaluationQuerySet":
        return self.filter(review_status=Evaluation.ReviewStatus.PUBLISHED)

    def outstanding(self) -> "EvaluationQuerySet":
        """Entries their department has still to submit (not started, draft, returned)."""
        return self.filter(review_status__in=Evaluation.EDITABLE_BY_DEPARTMENT)


class Evaluation(models.Model):
    """A measure's results for one fiscal year: Plan / Do / Check / Action and its grades."""

    municipality_path = "measure__plan__municipality"

    class ReviewStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("未着手")
        DRAFT = "draft", _("入力中")
        SUBMITTED = "submitted", _("提出済み")
        RETURNED = "returned", _("差戻し")
        APPROVED = "approved", _("承認済み")
        PUBLISHED = "published", _("公表済み")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("取組")
    )
    fiscal_year = _fiscal_year_field()
    plan_text = models.TextField(_("計画内容（Plan）"), blank=True)
    do_text = models.TextField(_("取組状況（Do）"), blank=True)
    check_text = models.TextField(_("評価（Check）"), blank=True)
    action_text = models.TextField(_("見直し・改善（Action）"), blank=True)
    status = models.ForeignKey(
        ImplementationStatus,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実施状況"),
    )
    proposed_grade = models.ForeignKey(
        Grade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当課の評価案"),
    )
    computed_grade = models.ForeignKey(
        Grade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指標から算出した評価"),
    )
    final_grade = models.ForeignKey(
        Grade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定した評価"),
    )
    override_reason = models.TextField(_("算出値と異なる理由"), blank=True)
    review_status = models.CharField(
        _("審査状況"),
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_STARTED,
        db_index=True,
    )
    review_comment = models.TextField(_("審査コメント"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出者"),
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("審査者"),
    )
    reviewed_at = models.DateTimeField(_("審査日時"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入力した職員"),
    )
    entered_for = models.ForeignKey(
        "municipalities.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代理入力した部署"),
        help_text=_("行政改革担当が担当課に代わって入力したとき、その担当課"),
    )
    published_at = models.DateTimeField(_("公表日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版数"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    EDITABLE_BY_DEPARTMENT = frozenset({"not_started", "draft", "returned"})

    objects = EvaluationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度評価")
        verbose_name_plural = _("年度評価")
        ordering = ["measure_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year"], name="evaluation_once_a_year"
            ),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="evaluation_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(review_status="published") | Q(published_at__isnull=False),
                name="published_evaluation_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "review_status"], name="evaluation_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {fiscal_year_display(self.fiscal_year)}"

    def record_review(self, status: str, by) -> None:
        """Move the entry to a review status as reviewer `by`. The version goes up, so a
        form opened before the review refuses to overwrite it."""
        self.review_status = status
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self.version += 1

    @property
    def editable_by_department(self) -> bool:
        return self.review_status in self.EDITABLE_BY_DEPARTMENT

    @property
    def grade_differs(self) -> bool:
        """The final grade differs from the computed one (both set)."""
        return bool(
            self.final_grade_id
            and self.computed_grade_id
            and self.final_grade_id != self.computed_grade_id
        )

    def clean(self) -> None:
        if not self.measure_id:
            return
        plan = self.measure.plan
        _check_year_in_plan(plan, self.fiscal_year)
        errors = {}
        for field in ("proposed_grade", "computed_grade", "final_grade"):
            grade = getattr(self, field)
            if grade is not None and grade.plan_id != plan.pk:
                errors[field] = _("この計画の評価区分から選んでください。")
        if self.status_id and self.status.plan_id != plan.pk:
            errors["status"] = _("この計画の実施状況から選んでください。")
        if self.entered_for_id and self.entered_for.municipality_id != plan.municipality_id:
            errors["entered_for"] = _("この自治体の部署から選んでください。")
        if errors:
            raise ValidationError(errors)


class EffectAmount(models.Model):
    """The financial effect (効果額) of a measure in one fiscal year, in yen."""

    municipality_path = "measure__plan__municipality"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="effects", verbose_name=_("取組")
    )
    fiscal_year = _fiscal_year_field()
    planned_revenue = models.BigIntegerField(_("計画 歳入増（円）"), null=True, blank=True)
    planned_saving = models.BigIntegerField(_("計画 歳出削減（円）"), null=True, blank=True)
    actual_revenue = models.BigIntegerField(_("実績 歳入増（円）"), null=True, blank=True)
    actual_saving = models.BigIntegerField(_("実績 歳出削減（円）"), null=True, blank=True)
    basis = models.CharField(
        _("効果額の基準"),
        max_length=12,
        choices=Basis.choices,
        default=Basis.SINGLE_YEAR,
        help_text=_("単年度効果額か、継続的な効果を含む累計か（両方あれば2行）"),
    )
    note = models.TextField(_("備考"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("効果額")
        verbose_name_plural = _("効果額")
        # A year's single-year figure before its cumulative one (single_year > cumulative).
        ordering = ["measure_id", "fiscal_year", "-basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "basis"], name="effect_year_basis_once"
            ),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="effect_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {fiscal_year_display(self.fiscal_year)}"

    @staticmethod
    def total_of(*amounts: int | None) -> int | None:
        present = [amount for amount in amounts if amount is not None]
        return sum(present) if present else None

    @property
    def planned_total(self) -> int | None:
        return self.total_of(self.planned_revenue, self.planned_saving)

    @property
    def actual_total(self) -> int | None:
        return self.total_of(self.actual_revenue, self.actual_saving)

    def clean(self) -> None:
        if self.measure_id:
            _check_year_in_plan(self.measure.plan, self.fiscal_year)


class PeriodResult(models.Model):
    """A measure's result over the whole plan period (計画期間の実績), reported at its end
    beside the yearly ones; public once published with the plan's last year."""

    municipality_path = "measure__plan__municipality"

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="period_result", verbose_name=_("取組")
    )
    status = models.ForeignKey(
        ImplementationStatus,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実施状況"),
    )
    grade = models.ForeignKey(
        Grade,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("評価"),
    )
    summary = models.TextField(_("計画期間の取組結果"), blank=True)
    published_at = models.DateTimeField(_("公表日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("計画期間の実績")
        verbose_name_plural = _("計画期間の実績")
        ordering = ["measure_id"]

    def __str__(self) -> str:
        return f"{self.measure} {_('計画期間の実績')}"

    def clean(self) -> None:
        if not self.measure_id:
            return
        plan_id = self.measure.plan_id
        errors = {}
        if self.grade_id and self.grade.plan_id != plan_id:
            errors["grade"] = _("この計画の評価区分から選んでください。")
        if self.status_id and self.status.plan_id != plan_id:
            errors["status"] = _("この計画の実施状況から選んでください。")
        if errors:
            raise ValidationError(errors)


class PlanGoal(models.Model):
    """A goal for the plan as a whole, above its measures (主要目標): a total effect amount,
    a floor area to reduce, a number of staff. Progress is the cumulative result over the
    target, and may exceed 100 %."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("計画")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    name = models.CharField(_("目標の項目"), max_length=300, help_text=_("例: 一般職員数の削減"))
    target_value = models.DecimalField(
        _("目標値（数値）"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    target_unit = models.CharField(_("目標値の単位"), max_length=30, blank=True)
    target_text = models.CharField(
        _("目標値（記載どおり）"), max_length=300, blank=True, help_text=_("例: 12人削減")
    )
    note = models.TextField(_("説明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("主要目標")
        verbose_name_plural = _("主要目標")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="plan_goal_name_unique"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) | ~Q(target_text=""),
                name="plan_goal_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanGoalResult(models.Model):
    """A plan-level goal's result of one fiscal year; `cumulative` is the running total when
    the city states one (otherwise the years' values are added up)."""

    municipality_path = "goal__plan__municipality"

    goal = models.ForeignKey(
        PlanGoal, on_delete=models.CASCADE, related_name="results", verbose_name=_("主要目標")
    )
    fiscal_year = _fiscal_year_field()
    value = models.DecimalField(
        _("実績（数値）"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField(_("単位"), max_length=30, blank=True)
    text = models.CharField(_("実績（記載どおり）"), max_length=300, blank=True)
    cumulative = models.DecimalField(
        _("累計（記載どおりの数値）"), max_digits=24, decimal_places=6, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("主要目標の実績")
        verbose_name_plural = _("主要目標の実績")
        ordering = ["goal_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "fiscal_year"], name="plan_goal_year_once"),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="plan_goal_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} {fiscal_year_display(self.fiscal_year)}"

    def clean(self) -> None:
        if self.goal_id:
            _check_year_in_plan(self.goal.plan, self.fiscal_year)


class RoundQuerySet(ScopedQuerySet):
    def open(self) -> "RoundQuerySet":
        return self.filter(status=Round.Status.OPEN)


class Round(models.Model):
    """A fiscal year's round of a plan: departments enter results until the deadline, the
    reform office reviews them and publishes the year's report."""

    class Status(models.TextChoices):
        OPEN = "open", _("受付中")
        CLOSED = "closed", _("受付終了")
        PUBLISHED = "published", _("公表済み")

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("計画")
    )
    fiscal_year = _fiscal_year_field()
    deadline = models.DateField(_("入力期限"))
    status = models.CharField(_("状況"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("開始した職員"),
    )
    opened_at = models.DateTimeField(_("開始日時"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度の取りまとめ")
        verbose_name_plural = _("年度の取りまとめ")
        ordering = ["plan_id", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="round_once_a_year"),
            models.CheckConstraint(
                condition=_year_in_range_q("fiscal_year"), name="round_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {fiscal_year_display(self.fiscal_year)}"

    def clean(self) -> None:
        if self.plan_id:
            _check_year_in_plan(self.plan, self.fiscal_year)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReminderSent(models.Model):
    """A reminder of one stage that went to a department for a round: each stage goes once
    (the daily command may run any number of times)."""

    municipality_path = "round__plan__municipality"

    class Stage(models.TextChoices):
        WEEK_BEFORE = "week_before", _("期限前の催促")
        DAY_BEFORE = "day_before", _("期限前日の催促")
        OVERDUE = "overdue", _("期限後の催促")
        ESCALATED = "escalated", _("所属長への催促")

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("年度の取りまとめ"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name=_("部署")
    )
    stage = models.CharField(_("段階"), max_length=12, choices=Stage.choices)
    sent_at = models.DateTimeField(_("送信日時"), auto_now_add=True)
    recipients = models.TextField(_("宛先"), blank=True)
    entry_count = models.PositiveIntegerField(_("未提出の件数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("送った催促")
        verbose_name_plural = _("送った催促")
        ordering = ["round_id", "department_id", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department", "stage"], name="reminder_stage_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.department} {self.get_stage_display()}"


class Report(models.Model):
    """A published progress report of one fiscal year: a frozen copy of what was published.

    Later edits never change it; a correction is published as a new revision with a note of
    what changed and why, and the earlier revisions stay readable."""

    municipality_path = "plan__municipality"

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("計画")
    )
    fiscal_year = _fiscal_year_field()
    revision = models.PositiveSmallIntegerField(_("版"), default=1)
    published_at = models.DateTimeField(_("公表日時"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公表した職員"),
    )
    note = models.TextField(_("訂正の内容と理由"), blank=True)
    content = models.JSONField(_("公表内容"), editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公表した進捗報告")
        verbose_name_plural = _("公表した進捗報告")
        ordering = ["plan_id", "-fiscal_year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "revision"], name="report_revision_once"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="report_revision_from_1"),
            models.CheckConstraint(
                condition=Q(revision=1) | ~Q(note=""), name="correction_has_a_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {fiscal_year_display(self.fiscal_year)} 第{self.revision}版"


class ReportLayout(models.Model):
    """How a plan's published progress report is laid out, as the reform office arranges
    it: the summary sections that lead, the measure table's columns (ReportColumn) with
    their headings and order, grouping by hierarchy levels, paper orientation, where the
    grade legend goes and where pages break. A plan may have several (a list and one
    sheet per measure); the first is shown first. Layouts change how a report looks, never
    what it says: the content is the revision's frozen copy."""

    municipality_path = "plan__municipality"

    class Style(models.TextChoices):
        TABLE = "table", _("一覧表（1行に1つの取組）")
        SHEETS = "sheets", _("取組ごとのシート（1ページに1つの取組）")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("A4横")
        PORTRAIT = "portrait", _("A4縦")

    class Legend(models.TextChoices):
        NONE = "none", _("載せない")
        BEFORE = "before", _("表の前")
        AFTER = "after", _("表の後")
        EVERY_PAGE = "every_page", _("各ページの上（印刷・PDF）")

    class Section(models.TextChoices):
        GRADE_COUNTS = "grade_counts", _("評価別の件数と割合（柱ごと）")
        STATUS_COUNTS = "status_counts", _("実施状況別の件数と割合（柱ごと）")
        EFFECTS = "effects", _("効果額（柱ごと・年度ごと）")
        GOALS = "goals", _("主要目標と進捗率")
        # The external review of the year (reviews app), printed after the measure table.
        REVIEW_OPINIONS = "review_opinions", _("意見一覧表（外部評価の意見・対応方針・反映状況）")
        REVIEW_SHEETS = "review_sheets", _("評価シート（外部評価の委員会の評価と自己評価）")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="report_layouts", verbose_name=_("計画")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    name = models.CharField(_("様式の名称"), max_length=100, help_text=_("例: 資料1 行動計画一覧"))
    title = models.CharField(
        _("表題"),
        max_length=300,
        blank=True,
        help_text=_(
            "報告の見出し。{年度} は 令和2年度、{R} は R2 になります（空欄は計画名と年度）"
        ),
    )
    style = models.CharField(_("形式"), max_length=10, choices=Style.choices, default=Style.TABLE)
    orientation = models.CharField(
        _("用紙の向き"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    sections = models.JSONField(
        _("載せる集計と外部評価"),
        default=list,
        blank=True,
        help_text=_(
            "評価別の件数、実施状況別の件数、効果額、主要目標の順に表の前に、"
            "意見一覧表と評価シートは表の後に、選んだものを載せます"
        ),
    )
    legend = models.CharField(
        _("評価区分の凡例"), max_length=12, choices=Legend.choices, default=Legend.AFTER
    )
    legend_title = models.CharField(
        _("凡例の見出し"),
        max_length=100,
        blank=True,
        help_text=_("空なら【評価の区分】。例: 【取組達成度】"),
    )
    group_levels = models.PositiveSmallIntegerField(
        _("見出し行にする階層の数"),
        default=1,
        validators=[MaxValueValidator(MAX_PILLAR_DEPTH)],
        help_text=_("0なら見出し行なし、1なら第1階層（改革の柱）ごとに見出し行"),
    )
    break_per_pillar = models.BooleanField(
        _("第1階層ごとに改ページする"),
        default=False,
        help_text=_("印刷・PDFで柱ごとに新しいページから始めます"),
    )
    footnote = models.TextField(
        _("表の注記"), blank=True, help_text=_("例: ※◎の項目は市全体での取組み")
    )
    preset = models.CharField(_("元にした様式"), max_length=50, blank=True, editable=False)

    class Meta:
        verbose_name = _("進捗報告の様式")
        verbose_name_plural = _("進捗報告の様式")
        ordering = ["plan_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="report_layout_name_unique"),
            models.CheckConstraint(
                condition=Q(group_levels__lte=MAX_PILLAR_DEPTH), name="report_layout_levels_up_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        sections = self.sections if isinstance(self.sections, list) else None
        if sections is None or any(item not in self.Section.values for item in sections):
            raise ValidationError(
                {
                    "sections": _("集計は次から選んでください: %(choices)s")
                    % {"choices": "、".join(str(label) for label in self.Section.labels)}
                }
            )
        if len(set(sections)) != len(sections):
            raise ValidationError({"sections": _("同じ集計を2回選ぶことはできません。")})


class ReportColumn(models.Model):
    """A column of a report layout's measure table (a row of a sheet): which attribute,
    of which year, under which heading. Headings may name the year: {年度} 令和2年度,
    {R} R2, {西暦} 2020. A column of several years repeats for each of them."""

    municipality_path = "layout__plan__municipality"

    class Field(models.TextChoices):
        CODE = "code", _("番号")
        TITLE = "title", _("名称")
        CODE_TITLE = "code_title", _("番号と名称")
        MARK = "mark", _("項目記号")
        MARK_TITLE = "mark_title", _("項目記号と名称")
        MARKED_TITLE = "marked_title", _("名称（市全体での取組みは◎付き）")
        CITYWIDE = "citywide", _("◎（市全体での取組み）")
        LEVEL1 = "level1", _("第1階層")
        LEVEL2 = "level2", _("第2階層")
        LEVEL3 = "level3", _("第3階層")
        LEAD = "lead", _("担当課")
        RELATED = "related", _("関係課")
        ALL_DEPARTMENTS = "all_departments", _("担当課・関係課（続けて）")
        DEPARTMENTS = "departments", _("主管課と関係課（【取組主管課】【関係課等】）")
        CONTINUITY = "continuity", _("新規・継続")
        COMPREHENSIVE_PLAN = "comprehensive_plan", _("総合計画での位置付け")
        SDGS = "sdgs", _("SDGs")
        CURRENT_SITUATION = "current_situation", _("現状と課題")
        GOAL = "goal", _("目標")
        CONTENT = "content", _("取組内容")
        CO_CREATION = "co_creation", _("協創（担い手と内容）")
        FUTURE_DIRECTION = "future_direction", _("今後の取組方向")
        RELATED_PLANS = "related_plans", _("関係する計画")
        NOTES = "notes", _("注記")
        YEAR_GOAL = "year_goal", _("年度の目標（達成目標）")
        PLANNED_STATUS = "planned_status", _("予定する実施状況")
        PLAN_TEXT = "plan_text", _("計画内容（Plan）")
        DO_TEXT = "do_text", _("取組状況（Do）")
        CHECK_TEXT = "check_text", _("評価（Check）")
        ACTION_TEXT = "action_text", _("見直し・改善（Action）")
        GRADE = "grade", _("評価（達成度）")
        STATUS = "status", _("実施状況")
        INDICATOR = "indicator", _("指標")
        BASELINE = "baseline", _("指標の現状値")
        INDICATOR_TARGET = "indicator_target", _("指標の目標値")
        INDICATOR_ACTUAL = "indicator_actual", _("指標の実績値")
        EFFECT = "effect", _("効果額（実績）")
        EFFECT_PLANNED = "effect_planned", _("効果額（計画）")
        STEPS = "steps", _("年次計画（事業ごとの計画・実績）")
        STEP_SCHEDULE = "step_schedule", _("年次計画（取組内容・担当課・年度ごとの計画）")
        STEP_PROGRESS = "step_progress", _("事業ごとの取組状況と今後の取組・課題")
        YEARLY_PLAN = "yearly_plan", _("年次計画（進捗状況・年度目標・数値）")
        INDICATOR_TABLE = "indicator_table", _("成果指標（現状値と年度ごとの目標値）")
        PERIOD_RESULT = "period_result", _("計画期間の実績")
        ENDING = "ending", _("終了・集約")

    class Year(models.TextChoices):
        REPORT = "report", _("公表する年度")
        PREVIOUS = "previous", _("前年度")
        PLAN_FIRST = "plan_first", _("計画の初年度")
        PLAN_LAST = "plan_last", _("計画の最終年度")
        UP_TO_REPORT = "up_to_report", _("初年度から公表する年度まで（年度ごとに列）")
        PLAN_YEARS = "plan_years", _("計画期間の各年度（年度ごとに列）")

    class Text(models.TextChoices):
        FULL = "full", _("全文")
        SUMMARY = "summary", _("要約（最初の一文）")

    layout = models.ForeignKey(
        ReportLayout, on_delete=models.CASCADE, related_name="columns", verbose_name=_("様式")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    field = models.CharField(_("項目"), max_length=20, choices=Field.choices)
    heading = models.CharField(
        _("見出し"),
        max_length=200,
        blank=True,
        help_text=_("空欄は項目の名称。{R} などで年度を入れられます"),
    )
    group = models.CharField(
        _("上の段の見出し"),
        max_length=300,
        blank=True,
        help_text=_("隣り合う列で同じなら1つにまとめます。「›」で区切ると段を重ねます"),
    )
    year = models.CharField(_("年度"), max_length=12, choices=Year.choices, default=Year.REPORT)
    text = models.CharField(_("文章"), max_length=10, choices=Text.choices, default=Text.FULL)

    class Meta:
        verbose_name = _("進捗報告の列")
        verbose_name_plural = _("進捗報告の列")
        ordering = ["layout_id", "order", "pk"]

    def __str__(self) -> str:
        return self.heading or self.get_field_display()


class ReportFile(models.Model):
    """A published revision's report as a file (the PDF of one layout), written once when
    the revision is published and never changed: its digest lets anyone check a copy."""

    municipality_path = "report__plan__municipality"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="files", verbose_name=_("進捗報告")
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices, default=Kind.PDF)
    layout_name = models.CharField(_("様式"), max_length=100)
    content = models.BinaryField(_("ファイル"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("大きさ（バイト）"), editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("進捗報告のファイル")
        verbose_name_plural = _("進捗報告のファイル")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "layout_name"], name="report_file_once_per_layout"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.layout_name}.{self.kind}"
