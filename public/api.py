"""The read-only open-data API, /api/v1/: published plans only, as plan documents."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from measures.plan_files.exporting import LICENCE, plan_document, plan_queryset
from public import published
from public.page_cache import cached_page, of_all, of_municipality_code, of_plan


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _plan_summary(request: HttpRequest, plan) -> dict:
    return {
        "id": plan.pk,
        "name": plan.name,
        "first_fiscal_year": plan.first_fiscal_year,
        "last_fiscal_year": plan.last_fiscal_year,
        "url": request.build_absolute_uri(reverse("api:plan", args=[plan.pk])),
    }


@cached_page(of_all)
def municipalities(request: HttpRequest) -> JsonResponse:
    plans = published.public_plans().order_by("municipality__code", "pk")
    grouped: dict[int, dict] = {}
    for plan in plans:
        city = plan.municipality
        entry = grouped.setdefault(
            city.pk,
            {
                "code": city.code,
                "name": city.name,
                "prefecture": city.prefecture,
                "url": request.build_absolute_uri(reverse("api:municipality", args=[city.code])),
                "plans": [],
            },
        )
        entry["plans"].append(_plan_summary(request, plan))
    return _json({"licence": LICENCE, "municipalities": list(grouped.values())})


@cached_page(of_municipality_code)
def municipality(request: HttpRequest, code: str) -> JsonResponse:
    city = get_object_or_404(published.public_municipalities(), code=code)
    plans = published.public_plans().filter(municipality=city).order_by("pk")
    return _json(
        {
            "licence": LICENCE,
            "code": city.code,
            "name": city.name,
            "kana": city.kana,
            "prefecture": city.prefecture,
            "plans": [_plan_summary(request, plan) for plan in plans],
        }
    )


def _document(pk: int) -> dict:
    plan = get_object_or_404(plan_queryset().filter(is_public=True), pk=pk)
    return plan_document(plan, published_only=True)


@cached_page(of_plan)
def plan(request: HttpRequest, pk: int) -> JsonResponse:
    return _json(_document(pk))


@cached_page(of_plan)
def measures(request: HttpRequest, pk: int) -> JsonResponse:
    document = _document(pk)
    return _json(
        {
            "licence": LICENCE,
            "municipality": document["municipality"],
            "plan": {"name": document["plan"]["name"]},
            "measures": document["measures"],
        }
    )
