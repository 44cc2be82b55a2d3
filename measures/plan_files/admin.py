"""Plan import and export in the admin: upload, dry-run preview, confirm; template download;
export of one plan as xlsx, CSV (zip) or JSON.

The uploaded file waits between preview and confirmation in the default file storage
(measures/plan_files/uploads.py), so any app server can finish the import; confirming or
cancelling removes it, and files left waiting are removed after IMPORT_UPLOAD_MAX_AGE_HOURS.

An upload is never read past IMPORT_MAX_BYTES: reform.uploads stops it while it streams and
the form refuses it by its size before anything reads it. Preview and import each stop with
a message before the worker's timeout (IMPORT_ADMIN_SECONDS).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from measures.models import Plan
from measures.plan_files import uploads as import_uploads
from measures.plan_files.formats import FORMATS, PlanFileError, read_plan_file, write_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.plan_files.limits import admin_deadline
from measures.plan_files.workbook.files import empty_template
from municipalities.scoping import scope_queryset
from reform.uploads import upload_was_stopped

ACCEPT = ".xlsx,.zip,.json"


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("計画ファイル"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    publish = forms.BooleanField(
        label=_("年度評価を公表済みとして取り込む"),
        required=False,
        help_text=_("すでに公表した資料を取り込むときだけ選んでください。"),
    )

    def __init__(self, *args, upload_stopped: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_stopped = upload_stopped
        if upload_stopped:
            # The upload handler stopped reading the file, so there is none: the reason is
            # the error to show.
            self.fields["file"].required = False
        self.fields["file"].help_text = _(
            "取り込み用テンプレート（xlsx）、CSVをまとめたzip、またはJSON。%(size)sまで。"
        ) % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # UploadedFile.size, before anything reads the file into memory.
        if self.upload_stopped or (upload is not None and upload.size > settings.IMPORT_MAX_BYTES):
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(limit)s バイト）。"),
                params={"limit": f"{settings.IMPORT_MAX_BYTES:,}"},
            )
        return upload


class PlanConfirmForm(forms.Form):
    token = forms.RegexField(regex=f"^{import_uploads.TOKEN.pattern}$", widget=forms.HiddenInput)
    filename = forms.CharField(max_length=255, widget=forms.HiddenInput)
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _officer_municipality(request):
    """None for a superuser (any municipality); the officer's own municipality otherwise."""
    if request.user.is_superuser:
        return None
    membership = getattr(request.user, "membership", None)
    if membership is None or not membership.is_reform_office:
        raise PermissionDenied
    return membership.municipality


def _require_import_permission(request) -> None:
    if not (
        request.user.has_perm("measures.add_plan") and request.user.has_perm("measures.change_plan")
    ):
        raise PermissionDenied


def import_view(model_admin, request):
    _require_import_permission(request)
    municipality = _officer_municipality(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Plan._meta,
        "title": _("計画ファイルの取り込み"),
        "template_url": reverse("admin:measures_plan_import_template"),
    }
    if request.method == "POST" and "token" in request.POST:
        return _confirm(model_admin, request, municipality)
    if request.method == "POST":
        form = PlanUploadForm(
            request.POST, request.FILES, upload_stopped=upload_was_stopped(request)
        )
    else:
        form = PlanUploadForm()
    if form.is_bound and form.is_valid():
        deadline = admin_deadline()
        upload = form.cleaned_data["file"]
        data = upload.read()
        publish = form.cleaned_data["publish"]
        try:
            document = read_plan_file(upload.name, data, deadline=deadline, lenient=True)
            summary = import_plan_document(
                document,
                publish=publish,
                dry_run=True,
                municipality=municipality,
                deadline=deadline,
            )
        except (PlanFileError, PlanImportError) as error:
            context.update(problems=error.lines(), problem_count=error.total)
        else:
            token = import_uploads.store(data)
            context.update(
                summary=summary,
                confirm_form=PlanConfirmForm(
                    initial={"token": token, "filename": upload.name, "publish": publish}
                ),
                filename=upload.name,
                publish=publish,
            )
            return TemplateResponse(request, "admin/measures/plan/import_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/measures/plan/import.html", context)


def _confirm(model_admin, request, municipality):
    form = PlanConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("取り込みの確認情報が正しくありません。もう一度ファイルを選んでください。")
        )
        return redirect("admin:measures_plan_import")
    token = form.cleaned_data["token"]
    if "cancel" in request.POST:
        import_uploads.discard(token)
        messages.info(
            request, _("取り込みを取り消しました。アップロードしたファイルは削除しました。")
        )
        return redirect("admin:measures_plan_import")
    try:
        data = import_uploads.read(token)
    except OSError:  # FileNotFoundError among them: confirmed already, or removed as stale
        messages.error(
            request, _("確認待ちのファイルが見つかりません。もう一度ファイルを選んでください。")
        )
        return redirect("admin:measures_plan_import")
    deadline = admin_deadline()
    try:
        document = read_plan_file(
            form.cleaned_data["filename"], data, deadline=deadline, lenient=True
        )
        summary = import_plan_document(
            document,
            publish=form.cleaned_data["publish"],
            municipality=municipality,
            deadline=deadline,
        )
    except (PlanFileError, PlanImportError) as error:
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Plan._meta,
            "title": _("計画ファイルの取り込み"),
            "template_url": reverse("admin:measures_plan_import_template"),
            "form": PlanUploadForm(),
            "problems": error.lines(),
            "problem_count": error.total,
        }
        return TemplateResponse(request, "admin/measures/plan/import.html", context)
    finally:
        import_uploads.discard(token)
    messages.success(
        request,
        _("「%(plan)s」を取り込みました（%(lines)s）。")
        % {"plan": summary.plan, "lines": "、".join(summary.lines()) or "変更なし"},
    )
    return redirect("admin:measures_plan_change", summary.plan.pk)


def template_view(model_admin, request):
    response = HttpResponse(
        empty_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="plan-import-template.xlsx"'
    return response


def export_view(model_admin, request, pk, file_format):
    if file_format not in FORMATS:
        raise Http404
    if not request.user.has_perm("measures.view_plan"):
        raise PermissionDenied
    plan = scope_queryset(Plan.objects.all(), request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    plan_file = write_plan_file(plan, file_format)
    response = HttpResponse(plan_file.content, content_type=plan_file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan_file.filename}"'
    return response
