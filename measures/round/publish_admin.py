"""Preview, then publish: the reform office sees a year's report exactly as it will be
published, as the page and as the PDF, then confirms on a page that says what will become
public and, for a correction, takes the note of what changed and why.

The preview is the revision `services.publish_year` writes, made inside a transaction that
is rolled back: the same code, so the same content, and nothing written (no revision, no
locked entries, no new content version, no PDF).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, Plan, Report
from measures.round import services
from municipalities.scoping import scope_queryset

PREVIEW_NOTE = "（公表前の確認）"


class _Preview(Exception):
    def __init__(self, report: Report):
        self.report = report


def preview_revision(*, plan: Plan, fiscal_year: int, by) -> Report:
    """The revision publishing the year would write now, unsaved. Raises ValidationError
    when the year cannot be published (entries not approved, nothing to publish)."""
    try:
        with transaction.atomic():
            report = services.publish_year(
                plan=plan, fiscal_year=fiscal_year, by=by, note=PREVIEW_NOTE
            )
            raise _Preview(report)
    except _Preview as preview:
        report = preview.report
    report.pk = None
    report.note = ""
    return report


def _plan_for(request: HttpRequest, plan_pk: int) -> Plan:
    if not request.user.has_perm("measures.add_report"):
        raise PermissionDenied
    return get_object_or_404(scope_queryset(Plan.objects.all(), request.user), pk=plan_pk)


def _last_revision(plan: Plan, fiscal_year: int) -> Report | None:
    return Report.objects.filter(plan=plan, fiscal_year=fiscal_year).order_by("-revision").first()


def _chosen_layout(request: HttpRequest, plan: Plan):
    from public.reports.layouts import chosen, layouts_of

    layouts = layouts_of(plan)
    return layouts, chosen(layouts, request.GET.get("layout"))


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("訂正の内容と理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("訂正して公表するときは必ず書きます。公表した報告の履歴に載ります。"),
    )

    def __init__(self, *args, correction: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = correction
        self.fields["note"].required = correction
        self.fields["note"].error_messages["required"] = _(
            "訂正の内容と理由: 何をなぜ直したかを書いてください。"
        )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if self.correction and not note:
            raise ValidationError(_("訂正の内容と理由: 何をなぜ直したかを書いてください。"))
        return note


def entry_list(model_admin, request: HttpRequest) -> TemplateResponse:
    """The officer's plans and their years, each with its preview and confirmation."""
    if not request.user.has_perm("measures.add_report"):
        raise PermissionDenied
    plans = scope_queryset(Plan.objects.select_related("municipality"), request.user)
    published = {
        (plan_id, year): revision
        for plan_id, year, revision in Report.objects.filter(plan__in=plans)
        .order_by("revision")
        .values_list("plan_id", "fiscal_year", "revision")
    }
    rows = [
        {
            "plan": plan,
            "year": year,
            "label": fiscal_year_display(year),
            "revision": published.get((plan.pk, year)),
        }
        for plan in plans
        for year in plan.fiscal_years
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("進捗報告の確認と公表"),
        "rows": rows,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/measures/publication/entry_list.html", context)


def preview(model_admin, request: HttpRequest, plan_pk: int, year: int) -> HttpResponse:
    """The year's report as citizens will read it once published."""
    from public.reports.page import report_context

    plan = _plan_for(request, plan_pk)
    if not plan.contains_fiscal_year(year):
        raise Http404
    try:
        report = preview_revision(plan=plan, fiscal_year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin:measures_report_publication")
    layouts, layout = _chosen_layout(request, plan)
    context = report_context(report, layout, _last_revision(plan, year))
    context.update(
        plan=plan,
        city=plan.municipality,
        layouts=layouts,
        preview=True,
        confirm_url=reverse("admin:measures_report_confirm", args=[plan.pk, year]),
        pdf_url=reverse("admin:measures_report_preview_pdf", args=[plan.pk, year]),
    )
    return TemplateResponse(request, "admin/measures/publication/preview.html", context)


def preview_pdf(model_admin, request: HttpRequest, plan_pk: int, year: int) -> HttpResponse:
    """The PDF the year's publication would write, in the chosen layout."""
    from public.reports.pdf import render_pdf, unavailable

    plan = _plan_for(request, plan_pk)
    reason = unavailable()
    if reason:
        messages.error(request, reason)
        return redirect("admin:measures_report_preview", plan.pk, year)
    try:
        report = preview_revision(plan=plan, fiscal_year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin:measures_report_publication")
    _layouts, layout = _chosen_layout(request, plan)
    content = render_pdf(report, layout, _last_revision(plan, year))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{plan.pk}-{year}.pdf"'
    return response


def confirm(model_admin, request: HttpRequest, plan_pk: int, year: int) -> HttpResponse:
    """What publishing the year makes public, and the button that does it."""
    from public.reports.layouts import layouts_of
    from public.reports.page import report_context

    plan = _plan_for(request, plan_pk)
    if not plan.contains_fiscal_year(year):
        raise Http404
    last = _last_revision(plan, year)
    form = ConfirmForm(request.POST or None, correction=last is not None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.publish_year(
                plan=plan, fiscal_year=year, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(year)sの進捗報告を第%(revision)s版として公表しました。")
                % {"year": fiscal_year_display(year), "revision": report.revision},
            )
            return redirect("admin:measures_report_change", report.pk)
    try:
        revision = preview_revision(plan=plan, fiscal_year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin:measures_report_publication")
    layout = layouts_of(plan)[0]
    context = report_context(revision, layout, last)
    entries = Evaluation.objects.filter(measure__plan=plan, fiscal_year=year)
    context.update(
        **model_admin.admin_site.each_context(request),
        title=_("進捗報告を公表する"),
        opts=model_admin.model._meta,
        plan=plan,
        form=form,
        last=last,
        revision=revision,
        year_display=fiscal_year_display(year),
        to_publish=entries.filter(review_status=Evaluation.ReviewStatus.APPROVED).count(),
        already_published=entries.filter(review_status=Evaluation.ReviewStatus.PUBLISHED).count(),
        measure_count=len(context["table"].rows),
        is_public=plan.is_public,
        preview_url=reverse("admin:measures_report_preview", args=[plan.pk, year]),
        pdf_url=reverse("admin:measures_report_preview_pdf", args=[plan.pk, year]),
    )
    return TemplateResponse(request, "admin/measures/publication/confirm.html", context)
