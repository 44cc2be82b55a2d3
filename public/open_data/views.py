"""The open-data package's downloads and its field reference."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from public import published
from public.open_data.package import NATIONAL_NAME, national_package_info, plan_package
from public.open_data.tables import MISSING_VALUES, TABLES
from public.page_cache import cached_page, of_municipality


@cached_page(of_municipality)
def plan_datapackage(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One public plan's published content as a Frictionless Data Package (zip)."""
    plan = published.get_public_plan(slug, pk)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(plan_package(plan, base_url), content_type="application/zip")
    filename = f"{plan.municipality.code}-plan-{plan.pk}-datapackage.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Licence"] = "CC BY 4.0"
    return response


def national_datapackage(request: HttpRequest) -> FileResponse:
    """Every public plan in one package, as last built by `build_open_data`."""
    if not default_storage.exists(NATIONAL_NAME):
        raise Http404("全国のデータパッケージはまだ作成されていません。")
    response = FileResponse(
        default_storage.open(NATIONAL_NAME, "rb"),
        as_attachment=True,
        filename="reform-plans-japan-datapackage.zip",
        content_type="application/zip",
    )
    response["X-Licence"] = "CC BY 4.0"
    return response


def fields(request: HttpRequest) -> HttpResponse:
    """The tables and fields of the package, in Japanese and English, from the schemas."""
    return render(
        request,
        "public/data_fields.html",
        {"tables": TABLES, "missing_values": MISSING_VALUES, "national": national_package_info()},
    )
