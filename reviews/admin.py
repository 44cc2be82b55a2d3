"""The reform office's admin pages for the external review, scoped to its municipality."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_display
from measures.models import Measure, Pillar
from municipalities.admin_base import (
    ScopedAdmin,
    ScopedTabularInline,
    parent_object,
)
from municipalities.models import Department
from reviews import services
from reviews.models import (
    Conclusion,
    Opinion,
    OpinionProgress,
    ReviewBody,
    ReviewGrade,
    ReviewMember,
    ReviewRound,
    ReviewUnit,
    SelfCheckAnswer,
    SelfCheckQuestion,
    SelfEvaluation,
    SelfGrade,
    Viewpoint,
)
from reviews.publication import published_plan_years, round_is_public


class ViewpointInline(ScopedTabularInline):
    model = Viewpoint
    fields = ["order", "label", "description"]


class ReviewGradeInline(ScopedTabularInline):
    model = ReviewGrade
    fields = ["order", "code", "label", "definition"]


class ReviewUnitInline(ScopedTabularInline):
    model = ReviewUnit
    fields = ["order", "measure", "pillar", "department"]

    def limit_choices(self, db_field, queryset, request):
        body = parent_object(request)
        if queryset.model in (Measure, Pillar):
            return queryset.filter(plan_id=body.plan_id) if body else queryset.none()
        if queryset.model is Department:
            return queryset.filter(municipality_id=body.plan.municipality_id) if body else queryset
        return queryset


class ReviewMemberForm(forms.ModelForm):
    """A member with their sign-in account: a login id (new, or one already used only for
    this municipality's committees) and, for a new account, its password. The account is
    given neither admin access nor a staff membership. Without a login id the member is a
    name alone, who never signs in (a past committee's member, as a plan file imports)."""

    username = forms.CharField(
        label=_("ログインID"),
        max_length=150,
        required=False,
        help_text=_("空欄なら、サインインしない委員（過去の委員会の記録）になります"),
    )
    password = forms.CharField(
        label=_("パスワード"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("新しいアカウントのとき、または変えるときだけ"),
    )

    class Meta:
        model = ReviewMember
        fields = ["order", "display_name", "username", "password", "is_chair"]

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The body, possibly not yet saved (an inline of its add page).
        self.parent = parent
        self._user = None
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.username

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username:
            return data
        user = get_user_model().objects.filter(username=username).first()
        body = self.parent
        if user is not None:
            others = user.review_memberships.exclude(
                body__plan__municipality_id=body.plan.municipality_id
            )
            if user.is_staff or user.is_superuser or hasattr(user, "membership") or others.exists():
                raise ValidationError({"username": _("このログインIDは委員には使えません。")})
        elif not data.get("password"):
            raise ValidationError({"password": _("新しいアカウントにはパスワードが要ります。")})
        if data.get("password"):
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(data["password"], user)
            except ValidationError as error:
                self.add_error("password", error)
        self._user = user
        return data

    def save(self, commit=True):
        if not self.cleaned_data.get("username"):
            self.instance.user = None
            return super().save(commit)
        user = self._user
        if user is None:
            user = get_user_model()(username=self.cleaned_data["username"])
        user.last_name = self.cleaned_data["display_name"]
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        user.is_staff = False
        user.save()
        self.instance.user = user
        return super().save(commit)


class _MemberFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "parent": self.instance}


class ReviewMemberInline(ScopedTabularInline):
    model = ReviewMember
    form = ReviewMemberForm
    formset = _MemberFormSet


@admin.register(ReviewBody)
class ReviewBodyAdmin(ScopedAdmin):
    list_display = ["name", "plan", "unit_kind", "aggregation"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    fields = ["plan", "name", "unit_kind", "aggregation", "order"]
    inlines = [ViewpointInline, ReviewGradeInline, ReviewUnitInline, ReviewMemberInline]


@admin.register(SelfCheckQuestion)
class SelfCheckQuestionAdmin(ScopedAdmin):
    list_display = ["text", "plan", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class ConclusionInline(ScopedTabularInline):
    model = Conclusion
    fields = ["unit", "viewpoint", "aggregated_grade", "grade", "set_by_chair", "member_count"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewRound)
class ReviewRoundAdmin(ScopedAdmin):
    list_display = ["body", "fiscal_year", "status", "concluded_at"]
    list_filter = ["status", "body"]
    list_select_related = ["body"]
    fields = ["body", "fiscal_year", "status", "concluded_at"]
    readonly_fields = ["status", "concluded_at"]
    inlines = [ConclusionInline]
    actions = ["conclude", "reopen"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["body", "fiscal_year", *self.readonly_fields]
        return self.readonly_fields

    @admin.action(description=_("選んだ年度の外部評価を確定する"))
    def conclude(self, request, queryset):
        for round_ in queryset.open():
            try:
                services.conclude_round(round_=round_, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{round_}: {'、'.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(round)sを確定しました。") % {"round": round_})

    @admin.action(description=_("選んだ年度の外部評価を再開する"))
    def reopen(self, request, queryset):
        for round_ in queryset.concluded():
            try:
                services.reopen_round(round_=round_)
            except ValidationError as error:
                self.message_user(request, f"{round_}: {'、'.join(error.messages)}", messages.ERROR)


class _OpenRoundOnlyMixin:
    """Rows of a concluded round are shown, not changed: what the body concluded on, and
    what is published with the year, stays as it was."""

    def _round_of(self, obj):
        return obj.round if obj is not None else None

    def has_change_permission(self, request, obj=None):
        round_ = self._round_of(obj)
        return super().has_change_permission(request, obj) and (round_ is None or round_.is_open)

    def has_delete_permission(self, request, obj=None):
        round_ = self._round_of(obj)
        return super().has_delete_permission(request, obj) and (round_ is None or round_.is_open)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, InlineModelAdmin) else (request,)
        round_ = self._round_of(obj)
        return super().has_add_permission(*args) and (round_ is None or round_.is_open)


class SelfGradeInline(_OpenRoundOnlyMixin, ScopedTabularInline):
    model = SelfGrade
    fields = ["viewpoint", "grade"]

    def limit_choices(self, db_field, queryset, request):
        evaluation = parent_object(request)
        if queryset.model in (Viewpoint, ReviewGrade):
            return (
                queryset.filter(body_id=evaluation.round.body_id) if evaluation else queryset.none()
            )
        return queryset


class SelfCheckAnswerInline(_OpenRoundOnlyMixin, ScopedTabularInline):
    model = SelfCheckAnswer
    fields = ["question", "text"]

    def limit_choices(self, db_field, queryset, request):
        evaluation = parent_object(request)
        if queryset.model is SelfCheckQuestion:
            return (
                queryset.filter(plan_id=evaluation.round.body.plan_id)
                if evaluation
                else queryset.none()
            )
        return queryset


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(_OpenRoundOnlyMixin, ScopedAdmin):
    list_display = ["unit", "round", "updated_at"]
    list_filter = ["round"]
    list_select_related = ["unit__measure", "unit__pillar", "unit__department", "round__body"]
    fields = ["round", "unit"]
    inlines = [SelfGradeInline, SelfCheckAnswerInline]


class _ProgressForm(forms.ModelForm):
    """A 反映状況 of a published year is shown, not changed, and none is added for such a
    year: it was published with the year (reopening the year for correction lifts this)."""

    published_years: frozenset[int] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_published():
            for field in self.fields.values():
                field.disabled = True

    def is_published(self) -> bool:
        return self.instance.pk is not None and self.instance.fiscal_year in self.published_years

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("fiscal_year")
        if year in self.published_years and not self.is_published():
            raise ValidationError(
                _(
                    "%(year)sは公表済みです。公表した年度の反映状況は、その年度を訂正のために"
                    "再開してから書いてください。"
                ),
                params={"year": fiscal_year_display(year)},
            )
        return cleaned


class _ProgressFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields and form.is_published():
            form.fields["DELETE"].disabled = True


class OpinionProgressInline(ScopedTabularInline):
    model = OpinionProgress
    fields = ["fiscal_year", "status", "text"]
    formset = _ProgressFormSet

    def get_formset(self, request, obj=None, **kwargs):
        years = published_plan_years(obj.round.body.plan) if obj is not None else frozenset()
        kwargs["form"] = type("ProgressForm", (_ProgressForm,), {"published_years": years})
        return super().get_formset(request, obj, **kwargs)


@admin.register(Opinion)
class OpinionAdmin(ScopedAdmin):
    list_display = ["__str__", "unit", "round", "responsible_department"]
    list_filter = ["round"]
    list_select_related = [
        "unit__measure",
        "unit__pillar",
        "unit__department",
        "round__body",
        "responsible_department",
    ]
    search_fields = ["text", "response"]
    fields = [
        "round",
        "unit",
        "viewpoint",
        "order",
        "text",
        "response",
        "responsible_department",
    ]
    inlines = [OpinionProgressInline]

    def get_readonly_fields(self, request, obj=None):
        # A published opinion and its response change only after the year is reopened for
        # correction, as the year's other published content does.
        if obj is not None and round_is_public(obj.round):
            return ["round", "unit", "viewpoint", "order", "text", "response"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and round_is_public(obj.round):
            return False
        return super().has_delete_permission(request, obj)

    def limit_choices(self, db_field, queryset, request):
        opinion = self.get_object(request, request.resolver_match.kwargs.get("object_id"))
        if opinion is not None and queryset.model in (ReviewUnit, Viewpoint):
            return queryset.filter(body_id=opinion.round.body_id)
        return queryset
