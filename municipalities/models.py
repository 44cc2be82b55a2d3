from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.codes import validate_code
from municipalities.content_version import new_token
from municipalities.scoping import ScopedQuerySet

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
]  # fmt: skip


class Municipality(models.Model):
    municipality_path = "pk"
    code = models.CharField(
        _("地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_code],
        help_text=_("全国地方公共団体コード（検査数字を含む6桁）"),
    )
    name = models.CharField(_("名称"), max_length=50)
    kana = models.CharField(_("よみがな"), max_length=100, blank=True)
    prefecture = models.CharField(
        _("都道府県"), max_length=4, choices=[(p, p) for p in PREFECTURES]
    )
    slug = models.SlugField(_("URL名"), max_length=50, unique=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    # From the census file the project ships (municipalities/data/population.csv), set by
    # `manage.py load_population`; empty for a code the file does not know.
    population = models.PositiveIntegerField(
        _("人口"),
        null=True,
        blank=True,
        help_text=_("令和2年国勢調査（人口速報集計、総務省統計局）の人口"),
    )
    # Changes with every change to the municipality's data (municipalities.content_version),
    # and when it last did (Last-Modified of its pages and API answers).
    content_version = models.CharField(max_length=32, default=new_token, editable=False)
    content_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自治体")
        verbose_name_plural = _("自治体")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="municipality_code_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The prefecture is the code's first two digits (01 北海道 … 47 沖縄県).
        if self.code and self.prefecture and self.code[:2].isdigit():
            index = int(self.code[:2]) - 1
            if 0 <= index < len(PREFECTURES) and PREFECTURES[index] != self.prefecture:
                raise ValidationError(
                    {
                        "prefecture": _(
                            "コード %(code)s は%(expected)sの団体です。都道府県が一致しません。"
                        )
                        % {"code": self.code, "expected": PREFECTURES[index]}
                    }
                )


class Department(models.Model):
    """A 課 or similar unit of a municipality; names keep their bracketed section."""

    municipality_path = "municipality"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("自治体")
    )
    name = models.CharField(_("名称"), max_length=100)
    kana = models.CharField(_("よみがな"), max_length=200, blank=True)
    email = models.EmailField(_("連絡先メール"), blank=True)
    head_email = models.EmailField(
        _("所属長の連絡先メール"),
        blank=True,
        help_text=_("入力期限を過ぎても未提出の入力が残るとき、催促がこの宛先にも送られます"),
    )
    is_reform_office = models.BooleanField(
        _("行政改革担当"), default=False, help_text=_("計画を所管し、各課の入力を審査する部署")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("部署")
        verbose_name_plural = _("部署")
        ordering = ["municipality_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="department_name_unique_in_municipality"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Ties a user to one municipality, as reform-office member or as department staff."""

    municipality_path = "municipality"

    class Role(models.TextChoices):
        REFORM_OFFICE = "reform_office", _("行政改革担当")
        DEPARTMENT_STAFF = "department_staff", _("各課職員")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("ユーザー"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("自治体")
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="members", verbose_name=_("所属部署")
    )

    class Meta:
        verbose_name = _("職員の所属")
        verbose_name_plural = _("職員の所属")
        ordering = ["municipality", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.municipality} / {self.get_role_display()})"

    @property
    def is_reform_office(self) -> bool:
        return self.role == self.Role.REFORM_OFFICE

    def check_departments(self, departments) -> None:
        """Raise ValidationError unless the departments fit the role and municipality.

        Many-to-many values are not visible to clean(), so forms and services call this.
        """
        others = [d for d in departments if d.municipality_id != self.municipality_id]
        if others:
            raise ValidationError(
                _("他の自治体の部署は選べません: %(names)s")
                % {"names": "、".join(d.name for d in others)}
            )
        if self.role == self.Role.DEPARTMENT_STAFF and not departments:
            raise ValidationError(_("各課職員には所属部署を1つ以上選んでください。"))
