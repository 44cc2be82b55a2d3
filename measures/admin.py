from functools import partial

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_short_label
from measures.models import (
    CoCreationActor,
    EffectAmount,
    Evaluation,
    Grade,
    ImplementationStatus,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    PeriodResult,
    Pillar,
    Plan,
    PlanGoal,
    PlanGoalResult,
    PlanSection,
    Report,
    ReportColumn,
    ReportLayout,
    Round,
    Step,
    StepYear,
    SustainableDevelopmentGoal,
    YearlyTarget,
)
from measures.plan_files import admin as plan_files_admin
from measures.round import publish_admin
from measures.round.review_admin import (
    DepartmentFilter,
    DisagreementFilter,
    EvaluationReviewMixin,
    FiscalYearFilter,
    GradeFilter,
    OverdueFilter,
    PillarFilter,
    PlanFilter,
    ReportAdminMixin,
    RoundAdminMixin,
)
from municipalities.admin_base import (
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    parent_object,
)


class _PlanChildInline(ScopedTabularInline):
    """Inline of a plan's part whose choices are narrowed to that plan."""

    def limit_choices(self, db_field, queryset, request):
        plan = parent_object(request)
        model = queryset.model
        if model in (Pillar, Grade, ImplementationStatus):
            return queryset.filter(plan=plan) if plan else queryset.none()
        if model._meta.model_name == "department":
            return queryset.filter(municipality_id=plan.municipality_id) if plan else queryset
        return queryset


class PlanSectionInline(ScopedStackedInline):
    model = PlanSection
    fields = ["order", "heading", "body"]


class GradeInline(_PlanChildInline):
    model = Grade
    fields = ["order", "code", "label", "definition", "min_ratio", "is_rated"]


class ImplementationStatusInline(_PlanChildInline):
    model = ImplementationStatus
    fields = ["order", "label", "description"]


class PlanGoalInline(ScopedStackedInline):
    """Plan-level goals (主要目標); their yearly results are edited on the goal's own page."""

    model = PlanGoal
    fields = ["order", "name", ("target_text", "target_value", "target_unit"), "note"]
    show_change_link = True


class PillarInline(_PlanChildInline):
    model = Pillar
    fields = ["order", "parent", "code", "title", "aim"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = [
        "name",
        "municipality",
        "period",
        "revision_label",
        "is_public",
        "measure_count",
    ]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "framework_name", "municipality__name"]
    autocomplete_fields = ["municipality", "reform_office"]
    inlines = [
        PlanSectionInline,
        GradeInline,
        ImplementationStatusInline,
        PlanGoalInline,
        PillarInline,
    ]
    fieldsets = [
        (
            None,
            {"fields": ["municipality", "name", "document_title", "reform_office", "is_public"]},
        ),
        (
            _("期間と版"),
            {
                "fields": [
                    ("first_fiscal_year", "last_fiscal_year"),
                    "framework_name",
                    ("framework_first_fiscal_year", "framework_last_fiscal_year"),
                    ("revision_label", "revision_date"),
                    "published_on",
                ]
            },
        ),
        (_("目指す姿と視点"), {"fields": ["vision", "viewpoints"]}),
        (
            _("計画で使う名称"),
            {
                "fields": [
                    ("level1_label", "level2_label", "level3_label"),
                    ("measure_label", "goal_label"),
                    "grade_note",
                ]
            },
        ),
        (
            _("集計と効果額の表示"),
            {"fields": [("share_decimal_places", "effect_unit", "saving_mark"), "count_note"]},
        ),
    ]

    def get_queryset(self, request):
        # A grouped query leaves out the model's ordering; autocomplete pages need one.
        return (
            super()
            .get_queryset(request)
            .annotate(_measure_count=Count("measures"))
            .order_by(*Plan._meta.ordering)
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(partial(plan_files_admin.import_view, self)),
                name="measures_plan_import",
            ),
            path(
                "import/template.xlsx",
                wrap(partial(plan_files_admin.template_view, self)),
                name="measures_plan_import_template",
            ),
            path(
                "<int:pk>/export/<str:file_format>/",
                wrap(partial(plan_files_admin.export_view, self)),
                name="measures_plan_export",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("計画期間"), ordering="first_fiscal_year")
    def period(self, obj: Plan) -> str:
        return obj.period_display

    @admin.display(description=_("取組数"), ordering="_measure_count")
    def measure_count(self, obj: Plan) -> int:
        return obj._measure_count


@admin.register(Pillar)
class PillarAdmin(ScopedAdmin):
    list_display = ["__str__", "plan", "level", "parent"]
    list_filter = ["level", "plan__municipality"]
    list_select_related = ["plan", "parent"]
    search_fields = ["code", "title", "plan__name"]
    autocomplete_fields = ["plan", "parent"]


class MeasureDepartmentInline(ScopedTabularInline):
    model = MeasureDepartment
    fields = ["order", "department", "role", "is_primary"]

    def limit_choices(self, db_field, queryset, request):
        measure = parent_object(request)
        if measure is not None and db_field.name == "department":
            return queryset.filter(municipality_id=measure.plan.municipality_id)
        return queryset


class IndicatorInline(ScopedTabularInline):
    """Indicators of a measure with their values by year; values are edited on the
    indicator's own page (the link on each row), since the admin does not nest inlines."""

    model = Indicator
    fields = ["order", "name", "unit", "direction", "basis", "not_settable", "values_by_year"]
    readonly_fields = ["values_by_year"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("values")

    @admin.display(description=_("現状値・目標値・実績値"))
    def values_by_year(self, obj: Indicator) -> str:
        parts = []
        for value in obj.values.all():
            year = fiscal_year_short_label(value.fiscal_year) if value.fiscal_year else ""
            parts.append(f"{value.get_kind_display()} {year} {value.display}".replace("  ", " "))
        return " / ".join(parts) or "—"


class StepInline(ScopedTabularInline):
    model = Step
    fields = ["order", "title"]
    show_change_link = True


class _MeasurePlanChoicesMixin:
    def limit_choices(self, db_field, queryset, request):
        measure = parent_object(request)
        if measure is not None and queryset.model in (Grade, ImplementationStatus):
            return queryset.filter(plan_id=measure.plan_id)
        return queryset


class YearlyTargetInline(_MeasurePlanChoicesMixin, ScopedTabularInline):
    model = YearlyTarget
    fields = ["fiscal_year", "status", "goal"]


class EffectAmountInline(ScopedTabularInline):
    model = EffectAmount
    fields = [
        "fiscal_year",
        "basis",
        "planned_revenue",
        "planned_saving",
        "actual_revenue",
        "actual_saving",
        "note",
    ]


class PeriodResultInline(_MeasurePlanChoicesMixin, ScopedStackedInline):
    model = PeriodResult
    fields = [("grade", "status"), "summary", "published_at"]
    readonly_fields = ["published_at"]


@admin.register(Measure)
class MeasureAdmin(ScopedAdmin):
    list_display = ["display_code", "title", "plan", "pillar", "continuity", "is_citywide"]
    list_display_links = ["display_code", "title"]
    list_filter = ["continuity", "is_citywide", "plan__municipality", "plan"]
    list_select_related = ["plan", "pillar"]
    search_fields = ["code", "title", "plan__name", "departments__name"]
    autocomplete_fields = ["plan", "pillar", "merged_into"]
    filter_horizontal = ["sdgs", "co_creation_actors"]
    inlines = [
        MeasureDepartmentInline,
        IndicatorInline,
        StepInline,
        YearlyTargetInline,
        EffectAmountInline,
        PeriodResultInline,
    ]
    fieldsets = [
        (None, {"fields": ["plan", "pillar", ("code", "sub_number", "mark", "order"), "title"]}),
        (
            _("区分"),
            {"fields": [("continuity", "is_citywide"), "comprehensive_plan_position", "sdgs"]},
        ),
        (
            _("内容"),
            {
                "fields": [
                    "current_situation",
                    "goal",
                    "content",
                    "future_direction",
                    "related_plans",
                    "notes",
                ]
            },
        ),
        (_("協創"), {"fields": ["co_creation_actors", "co_creation_text"]}),
        (
            _("取組の期間と終了"),
            {
                "fields": [
                    ("first_fiscal_year", "last_fiscal_year"),
                    ("ending", "merged_into"),
                    "ending_note",
                ]
            },
        ),
    ]

    @admin.display(description=_("番号"), ordering="code")
    def display_code(self, obj: Measure) -> str:
        return obj.display_code


class IndicatorValueInline(ScopedTabularInline):
    model = IndicatorValue
    fields = ["kind", "fiscal_year", "text", "value", "unit", "label"]


class PlanGoalResultInline(ScopedTabularInline):
    model = PlanGoalResult
    fields = ["fiscal_year", "text", "value", "unit", "cumulative"]


@admin.register(PlanGoal)
class PlanGoalAdmin(ScopedAdmin):
    list_display = ["name", "plan", "target_text", "order"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__name"]
    autocomplete_fields = ["plan"]
    inlines = [PlanGoalResultInline]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    list_display = ["__str__", "measure", "unit", "direction", "not_settable"]
    list_filter = ["direction", "not_settable", "measure__plan__municipality"]
    list_select_related = ["measure"]
    search_fields = ["name", "measure__title", "measure__code"]
    autocomplete_fields = ["measure"]
    inlines = [IndicatorValueInline]


class StepYearInline(ScopedTabularInline):
    model = StepYear
    fields = ["fiscal_year", "planned", "actual", "progress", "next_steps"]


@admin.register(Step)
class StepAdmin(ScopedAdmin):
    list_display = ["title", "measure", "order"]
    list_filter = ["measure__plan__municipality"]
    list_select_related = ["measure"]
    search_fields = ["title", "measure__title", "measure__code"]
    autocomplete_fields = ["measure", "departments"]
    inlines = [StepYearInline]


@admin.register(Evaluation)
class EvaluationAdmin(EvaluationReviewMixin, ScopedAdmin):
    """The review queue: filter to 提出済み to see what waits for review."""

    list_display = [
        "measure",
        "lead_departments",
        "year",
        "review_status",
        "grades",
        "updated_at",
    ]
    list_filter = [
        "review_status",
        FiscalYearFilter,
        PlanFilter,
        DepartmentFilter,
        PillarFilter,
        GradeFilter,
        DisagreementFilter,
        OverdueFilter,
        "measure__plan__municipality",
    ]
    list_select_related = [
        "measure",
        "measure__plan",
        "proposed_grade",
        "computed_grade",
        "final_grade",
    ]
    search_fields = ["measure__title", "measure__code", "do_text", "check_text"]
    autocomplete_fields = ["measure"]
    readonly_fields = [
        "computed_grade",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "published_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["measure", "fiscal_year", "status"]}),
        (_("PDCA"), {"fields": ["plan_text", "do_text", "check_text", "action_text"]}),
        (
            _("評価"),
            {"fields": [("proposed_grade", "computed_grade", "final_grade"), "override_reason"]},
        ),
        (
            _("審査"),
            {
                "fields": [
                    "review_status",
                    "review_comment",
                    ("submitted_by", "submitted_at"),
                    ("reviewed_by", "reviewed_at"),
                    "published_at",
                    ("version", "opened_version"),
                ]
            },
        ),
    ]

    def limit_choices(self, db_field, queryset, request):
        # Grades and statuses of the entry's own plan only.
        evaluation = self.get_object(request, request.resolver_match.kwargs.get("object_id"))
        if evaluation is not None and queryset.model in (Grade, ImplementationStatus):
            return queryset.filter(plan_id=evaluation.measure.plan_id)
        return queryset


@admin.register(Round)
class RoundAdmin(RoundAdminMixin, ScopedAdmin):
    pass


@admin.register(Report)
class ReportAdmin(ReportAdminMixin, ScopedAdmin):
    pass


@admin.register(Grade)
class GradeAdmin(ScopedAdmin):
    list_display = ["code", "label", "plan", "min_ratio", "is_rated", "order"]
    list_filter = ["plan__municipality"]
    list_select_related = ["plan"]
    search_fields = ["code", "label", "plan__name"]
    autocomplete_fields = ["plan"]


@admin.register(ImplementationStatus)
class ImplementationStatusAdmin(ScopedAdmin):
    list_display = ["label", "plan", "order"]
    list_select_related = ["plan"]
    search_fields = ["label", "plan__name"]
    autocomplete_fields = ["plan"]


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name"]


@admin.register(CoCreationActor)
class CoCreationActorAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]


class ReportColumnInline(ScopedTabularInline):
    model = ReportColumn
    fields = ["order", "field", "heading", "group", "year", "text"]
    extra = 1


class ReportLayoutForm(forms.ModelForm):
    """Summary sections as checkboxes (printed in this order), and, when a layout is added,
    the city document whose table it starts from."""

    sections = forms.MultipleChoiceField(
        label=_("載せる集計と外部評価"),
        choices=ReportLayout.Section.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "集計は表の前に、意見一覧表と評価シートは表の後に載せます。外部評価は、"
            "その年度の評価が公表されているときだけ載ります"
        ),
    )
    start_from = forms.ChoiceField(
        label=_("元にする様式"),
        required=False,
        help_text=_(
            "選ぶと、その自治体の公表資料と同じ列・見出し・設定で作ります（列は後から変えられます）"
        ),
    )

    class Meta:
        model = ReportLayout
        fields = [
            "plan",
            "order",
            "name",
            "title",
            "style",
            "orientation",
            "legend",
            "legend_title",
            "break_per_pillar",
            "footnote",
            "sections",
            "group_levels",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from public.reports.presets import PRESET_CHOICES

        self.fields["start_from"].choices = [("", "—"), *PRESET_CHOICES]

    def clean_sections(self) -> list[str]:
        chosen = self.cleaned_data["sections"]
        return [value for value in ReportLayout.Section.values if value in chosen]


@admin.register(ReportLayout)
class ReportLayoutAdmin(ScopedAdmin):
    """The reform office's layouts of its plans' reports; the report page and its PDF use
    them for every revision, whose content stays as it was published."""

    form = ReportLayoutForm
    inlines = [ReportColumnInline]
    list_display = ["name", "plan", "style", "orientation", "order"]
    list_select_related = ["plan"]
    list_filter = ["plan__municipality"]
    fieldsets = [
        (None, {"fields": ["plan", "order", "name", "title", "start_from"]}),
        (
            _("印刷とページ"),
            {
                "fields": [
                    "style",
                    "orientation",
                    "legend",
                    "legend_title",
                    "break_per_pillar",
                    "footnote",
                ]
            },
        ),
        (_("集計と見出し行"), {"fields": ["sections", "group_levels"]}),
    ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        year = "publish/<int:plan_pk>/<int:year>/"
        return [
            path(
                "publish/",
                wrap(partial(publish_admin.entry_list, self)),
                name="measures_report_publication",
            ),
            path(
                year,
                wrap(partial(publish_admin.preview, self)),
                name="measures_report_preview",
            ),
            path(
                f"{year}report.pdf",
                wrap(partial(publish_admin.preview_pdf, self)),
                name="measures_report_preview_pdf",
            ),
            path(
                f"{year}confirm/",
                wrap(partial(publish_admin.confirm, self)),
                name="measures_report_confirm",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # A layout that exists is changed column by column, not restarted from a preset.
        first = dict(fieldsets[0][1])
        first["fields"] = [name for name in first["fields"] if name != "start_from"]
        return [(fieldsets[0][0], first), *fieldsets[1:]]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        key = form.cleaned_data.get("start_from")
        layout = form.instance
        if key and not change and not layout.columns.exists():
            from public.reports.presets import copy_preset

            copy_preset(layout=layout, key=key)
