"""The reform office's review of entries and rounds in the admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, Grade, MeasureDepartment, Pillar, Plan, Round
from measures.round import services
from measures.round.dashboard import NO_DEPARTMENT, disagreeing, overdue, round_dashboard
from measures.round.review_summary import review_summary
from municipalities.admin_base import OfferedValuesFilter
from municipalities.models import Department
from municipalities.scoping import scope_queryset


class DepartmentFilter(OfferedValuesFilter):
    title = _("担当課")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        departments = scope_queryset(Department.objects.all(), request.user).order_by("name")
        return [(d.pk, d.name) for d in departments] + [(NO_DEPARTMENT, _("（担当課なし）"))]

    def queryset(self, request, queryset):
        lead = MeasureDepartment.objects.filter(
            measure_id=OuterRef("measure_id"), role=MeasureDepartment.Role.LEAD
        )
        if self.value() == NO_DEPARTMENT:
            return queryset.filter(~Exists(lead))
        if self.value():
            return queryset.filter(Exists(lead.filter(department_id=self.value())))
        return queryset


class PlanFilter(OfferedValuesFilter):
    title = _("計画")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        plans = scope_queryset(Plan.objects.all(), request.user).select_related("municipality")
        return [(p.pk, f"{p.municipality.name} {p.name}") for p in plans]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(measure__plan_id=self.value())
        return queryset


class OverdueFilter(OfferedValuesFilter):
    title = _("入力期限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("期限を過ぎて未提出のもの"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return overdue(queryset, timezone.localdate())
        return queryset


class PillarFilter(OfferedValuesFilter):
    title = _("体系（柱）")
    parameter_name = "pillar"

    def lookups(self, request, model_admin):
        pillars = scope_queryset(Pillar.objects.filter(level=1), request.user).select_related(
            "plan"
        )
        return [(p.pk, f"{p.plan.name} {p}") for p in pillars.order_by("plan", "order")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # A measure belongs to a top pillar directly or through one or two levels below it.
        pillar_id = self.value()
        return queryset.filter(
            Q(measure__pillar_id=pillar_id)
            | Q(measure__pillar__parent_id=pillar_id)
            | Q(measure__pillar__parent__parent_id=pillar_id)
        )


class GradeFilter(OfferedValuesFilter):
    title = _("確定した評価")
    parameter_name = "grade"

    def lookups(self, request, model_admin):
        codes = scope_queryset(Grade.objects.all(), request.user).values_list("code", flat=True)
        return [(code, code) for code in sorted(set(codes))] + [("none", _("なし"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(final_grade__isnull=True)
        if self.value():
            return queryset.filter(final_grade__code=self.value())
        return queryset


class DisagreementFilter(OfferedValuesFilter):
    title = _("評価の食い違い")
    parameter_name = "disagreement"

    def lookups(self, request, model_admin):
        return [("yes", _("評価案・算出値・確定値が異なるもの"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return disagreeing(queryset)
        return queryset


class EvaluationReviewForm(forms.ModelForm):
    """The review of an entry. Its review status is not a field: it changes only through the
    review actions (approve, return, publish in measures.round.services), which record who and
    when; the measure and year are fixed once the entry exists (see get_readonly_fields).

    The form carries the version it was opened with: a save after someone else changed the
    entry (the department, another officer) is refused instead of overwriting it."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Evaluation
        fields = [
            "measure",
            "fiscal_year",
            "status",
            "plan_text",
            "do_text",
            "check_text",
            "action_text",
            "proposed_grade",
            "final_grade",
            "override_reason",
            "review_comment",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
            self.fields["opened_version"].required = True
            self.fields["opened_version"].error_messages["required"] = _(
                "開いたときの版数がありません。入力を開き直してください。"
            )

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened is not None and opened != self.instance.version:
            # A form-wide error: the field is hidden, so its own error would not be seen.
            raise ValidationError(
                _(
                    "この入力は、開いた後に他の人が変更しました（版数 %(opened)s → %(current)s）。"
                    "開き直して、変更を確かめてから保存してください。"
                )
                % {"opened": opened, "current": self.instance.version}
            )
        final, computed = cleaned.get("final_grade"), self.instance.computed_grade
        if final and computed and final != computed and not cleaned.get("override_reason"):
            self.add_error(
                "override_reason",
                _(
                    "確定した評価（%(final)s）が算出した評価（%(computed)s）と異なります。理由を書いてください。"
                )
                % {"final": final, "computed": computed},
            )
        return cleaned


def fiscal_year_choices(user) -> list[tuple[int, str]]:
    """The years of the user's plans, as 令和3年度（2021年度）."""
    span = scope_queryset(Plan.objects.all(), user).aggregate(
        first=Min("first_fiscal_year"), last=Max("last_fiscal_year")
    )
    if span["first"] is None:
        return []
    return [(year, fiscal_year_display(year)) for year in range(span["first"], span["last"] + 1)]


class FiscalYearFilter(OfferedValuesFilter):
    """The change list's filter by year, naming each year 令和3年度（2021年度）."""

    title = _("年度")
    parameter_name = "fiscal_year__exact"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by().values_list("fiscal_year", flat=True)
        return [(year, fiscal_year_display(year)) for year in sorted(set(years.distinct()))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(fiscal_year=self.value())
        return queryset


class FiscalYearColumn:
    """Years shown as 令和2年度（2020年度）: a change-list column sortable by the year, the
    read-only year of a change form, and a choice of the plans' years where one is entered."""

    @admin.display(description=_("年度"), ordering="fiscal_year")
    def year(self, obj) -> str:
        return fiscal_year_display(obj.fiscal_year) if obj and obj.fiscal_year else "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fiscal_year":
            return forms.TypedChoiceField(
                label=db_field.verbose_name,
                coerce=int,
                choices=[("", "---------"), *fiscal_year_choices(request.user)],
                help_text=_("計画の期間の年度から選びます。"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @staticmethod
    def _year_shown(fields):
        """Field names with a read-only year shown as 令和N年度（YYYY年度）."""
        return [
            "year"
            if name == "fiscal_year"
            else tuple("year" if n == "fiscal_year" else n for n in name)
            if isinstance(name, tuple)
            else name
            for name in fields
        ]


class EvaluationReviewMixin(FiscalYearColumn):
    """Review actions on the evaluation admin: approve, return with a comment, bulk approve."""

    form = EvaluationReviewForm
    change_form_template = "admin/measures/evaluation/change_form.html"
    actions = ["approve_selected"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["review_status"] + (["measure", "year"] if obj is not None else [])
        return [*super().get_readonly_fields(request, obj), *fixed]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": self._year_shown(options["fields"])})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if change:
            # A form the department opened before this save no longer matches (EditConflict).
            obj.version += 1
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        evaluation = self.get_object(request, unquote(object_id)) if object_id else None
        if evaluation is not None:
            extra_context = {**(extra_context or {}), "summary": review_summary(evaluation)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "measure__department_links",
                    queryset=MeasureDepartment.objects.select_related("department"),
                )
            )
        )

    @admin.display(description=_("担当課"))
    def lead_departments(self, obj: Evaluation) -> str:
        return "、".join(
            link.department.name
            for link in obj.measure.department_links.all()
            if link.role == "lead"
        )

    @admin.display(description=_("評価（案／算出／確定）"))
    def grades(self, obj: Evaluation):
        proposed = obj.proposed_grade.code if obj.proposed_grade else "—"
        computed = obj.computed_grade.code if obj.computed_grade else "—"
        final = obj.final_grade.code if obj.final_grade else "—"
        differs = (
            {proposed, final} - {"—"}
            and computed != "—"
            and (
                (obj.proposed_grade_id and obj.proposed_grade_id != obj.computed_grade_id)
                or (obj.final_grade_id and obj.final_grade_id != obj.computed_grade_id)
            )
        )
        flag = (
            format_html(' <strong class="grade-flag">⚠ {}</strong>', _("食い違い"))
            if differs
            else ""
        )
        return format_html("{} ／ {} ／ {}{}", proposed, computed, final, flag)

    def has_change_permission(self, request, obj=None):
        # A published entry is locked until the office reopens the year.
        if obj is not None and obj.review_status == Evaluation.ReviewStatus.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("選んだ提出済みの入力を承認する"), permissions=["change"])
    def approve_selected(self, request, queryset):
        submitted = queryset.filter(review_status=Evaluation.ReviewStatus.SUBMITTED).select_related(
            "proposed_grade", "computed_grade", "final_grade"
        )
        approved, skipped = services.bulk_approve(evaluations=submitted, by=request.user)
        self.message_user(request, _("%(count)d件を承認しました。") % {"count": approved})
        for line in skipped:
            self.message_user(request, line, level=messages.WARNING)
        ignored = queryset.count() - submitted.count()
        if ignored:
            self.message_user(
                request,
                _("提出済みでない%(count)d件は対象外です。") % {"count": ignored},
                messages.INFO,
            )

    def response_change(self, request, obj):
        try:
            if "_approve" in request.POST:
                services.approve_entry(evaluation=obj, by=request.user)
                self.message_user(request, _("「%(entry)s」を承認しました。") % {"entry": obj})
                return HttpResponseRedirect(request.path)
            if "_return" in request.POST:
                services.return_entry(evaluation=obj, by=request.user, comment=obj.review_comment)
                self.message_user(
                    request, _("「%(entry)s」を担当課へ差し戻しました。") % {"entry": obj}
                )
                return HttpResponseRedirect(request.path)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


def opening_message(opening: services.RoundOpening) -> str:
    parts = [
        _("%(round)sを開始し、入力を%(created)d件作りました。")
        % {"round": opening.round, "created": opening.created}
    ]
    if opening.skipped_inactive:
        parts.append(
            _("この年度に行わない取組（開始前・終了・集約）%(count)d件は対象外です。")
            % {"count": opening.skipped_inactive}
        )
    if opening.existing:
        parts.append(_("既にあった入力%(count)d件はそのままです。") % {"count": opening.existing})
    return "".join(str(part) for part in parts)


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["plan", "fiscal_year", "deadline", "status"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}


class RoundAdminMixin(FiscalYearColumn):
    form = RoundForm
    list_display = ["plan", "year", "deadline", "status", "dashboard_link"]
    list_filter = ["status", "plan__municipality"]
    list_select_related = ["plan"]
    readonly_fields = ["overview"]
    actions = ["remind_departments", "publish_reports", "reopen_years"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="measures_round_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request, object_id):
        """The round at a glance: counts per department and status linking to the queue,
        overdue entries, disagreeing grades, and the way to preview and publish."""
        round_ = self.get_object(request, unquote(object_id))
        if round_ is None or not self.has_view_or_change_permission(request, round_):
            raise Http404
        dashboard = round_dashboard(round_, today=timezone.localdate())
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(round)s の状況") % {"round": round_},
            "opts": self.model._meta,
            "original": round_,
            "dashboard": dashboard,
        }
        return TemplateResponse(request, "admin/measures/round/dashboard.html", context)

    @admin.display(description=_("取りまとめの状況"))
    def dashboard_link(self, obj: Round):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:measures_round_dashboard", args=[obj.pk]),
            _("状況を見る"),
        )

    def get_readonly_fields(self, request, obj=None):
        # The plan and year of an opened round do not change; its entries hang on them.
        return ["overview", "plan", "year"] if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["plan", "fiscal_year", "deadline"]
        return ["plan", "year", "deadline", "status", "overview"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # Opening a round creates the entries of every measure carried that year.
        opening = services.open_year(
            plan=obj.plan, fiscal_year=obj.fiscal_year, deadline=obj.deadline, by=request.user
        )
        obj.pk = opening.round.pk
        self.message_user(request, opening_message(opening), messages.SUCCESS)

    @admin.display(description=_("部署ごとの状況"))
    def overview(self, obj: Round):
        if obj is None or obj.pk is None:
            return "—"
        statuses = Evaluation.ReviewStatus
        header = format_html_join(
            "", "<th scope='col'>{}</th>", ((label,) for label in statuses.labels)
        )
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>{}</tr>",
            (
                (
                    row["department"],
                    format_html_join(
                        "", "<td>{}</td>", ((row[value],) for value in statuses.values)
                    ),
                )
                for row in services.round_overview(obj)
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th>{}</tr></thead><tbody>{}</tbody></table>",
            _("担当課"),
            header,
            rows,
        )

    @admin.action(description=_("未入力の部署へ催促メールを送る"), permissions=["change"])
    def remind_departments(self, request, queryset):
        for round_ in queryset.select_related("plan"):
            sent = services.send_reminders(round_=round_, today=timezone.localdate())
            self.message_user(
                request,
                _("%(round)s: %(count)d件のメールを送りました。")
                % {"round": round_, "count": sent},
            )

    @admin.action(description=_("この年度の進捗報告を公表する（初回）"), permissions=["change"])
    def publish_reports(self, request, queryset):
        for round_ in queryset.select_related("plan"):
            try:
                report = services.publish_year(
                    plan=round_.plan, fiscal_year=round_.fiscal_year, by=request.user
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{round_}: {' '.join(error.messages)}", level=messages.ERROR
                )
            else:
                self.message_user(request, _("%(report)s を公表しました。") % {"report": report})

    @admin.action(description=_("公表済みの年度を訂正のために再開する"), permissions=["change"])
    def reopen_years(self, request, queryset):
        for round_ in queryset.select_related("plan"):
            count = services.reopen_year(
                plan=round_.plan, fiscal_year=round_.fiscal_year, by=request.user
            )
            self.message_user(
                request,
                _("%(round)s: %(count)d件を訂正できる状態にしました。")
                % {"round": round_, "count": count},
            )


class ReportForm(forms.ModelForm):
    class Meta:
        model = services.Report
        fields = ["plan", "fiscal_year", "note"]


class ReportAdminMixin(FiscalYearColumn):
    """Published reports are read-only; adding one publishes the year (a correction when the
    year was published before, which needs a note)."""

    form = ReportForm
    list_display = ["plan", "year", "revision", "published_at", "published_by"]
    list_select_related = ["plan", "published_by"]
    list_filter = ["plan__municipality"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        report = services.publish_year(
            plan=obj.plan, fiscal_year=obj.fiscal_year, by=request.user, note=obj.note
        )
        obj.pk = report.pk

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.path)
