"""The read-only open-data API, /api/v1/: published plans only, as plan documents.

Conventions (documented in the OpenAPI document at /api/v1/openapi.json, public/openapi.py):
errors are JSON (`{"error": {"status": 404, "message": …}}`), never an HTML page; lists are
paginated with `page` and `per_page` and say where the other pages are in a `Link` header;
every answer has an ETag and Last-Modified from its municipality's content version and
answers 304 to a request that holds the current one; any origin may read (CORS for GET).
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from measures.plan_files.exporting import LICENCE
from public import published
from public.documents import dumps, public_plan_json
from public.page_cache import cached_page, of_all, of_municipality_code, of_plan

PER_PAGE = 100
MAX_PER_PAGE = 1000
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, X-Total-Count",
    "Access-Control-Max-Age": "86400",
}


class BadRequest(Exception):
    """A parameter the API cannot use; the message says which and why."""


def _json(data, status=200) -> HttpResponse:
    return _json_bytes(dumps(data), status)


def _json_bytes(body: bytes, status=200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


def error(status: int, message: str) -> HttpResponse:
    return _json({"error": {"status": status, "message": message}}, status=status)


def api_endpoint(view: Callable) -> Callable:
    """JSON errors, CORS headers on every answer, and the CORS preflight."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = error(405, "このAPIは読み取り専用です（GET のみ）。")
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                response = view(request, **kwargs)
            except Http404:
                response = error(404, "指定されたものは見つからないか、公開されていません。")
            except BadRequest as problem:
                response = error(400, str(problem))
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    early = getattr(view, "early_answer", None)
    if early is not None:
        # A cached answer given before the rest of the middleware (page_cache) carries the
        # same headers.
        def early_answer(request: HttpRequest, **kwargs) -> HttpResponse | None:
            response = early(request, **kwargs)
            if response is not None:
                for name, value in CORS_HEADERS.items():
                    response[name] = value
            return response

        wrapper.early_answer = early_answer
    return wrapper


def _page(request: HttpRequest) -> tuple[int, int]:
    values = {}
    for name, default, largest in (("page", 1, None), ("per_page", PER_PAGE, MAX_PER_PAGE)):
        raw = request.GET.get(name, "")
        if raw == "":
            values[name] = default
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= (largest or 10**9):
            limit = f"1～{largest}" if largest else "1以上"
            raise BadRequest(f"{name} は{limit}の整数にしてください（{raw[:20]!r}）。")
        values[name] = int(raw)
    return values["page"], values["per_page"]


def paginated(request: HttpRequest, items: list, name: str, extra: dict) -> HttpResponse:
    """One page of `items` as `{name: [...]}` with the other pages in the Link header."""
    page, per_page = _page(request)
    total = len(items)
    last = max(1, -(-total // per_page))
    if page > last:
        raise BadRequest(f"page は {last} までです。")
    start = (page - 1) * per_page
    response = _json(
        {
            **extra,
            name: items[start : start + per_page],
            "pagination": {"page": page, "per_page": per_page, "total": total, "pages": last},
        }
    )
    base = request.build_absolute_uri(request.path)
    links = {"first": 1, "last": last}
    if page > 1:
        links["prev"] = page - 1
    if page < last:
        links["next"] = page + 1
    response["Link"] = ", ".join(
        f'<{base}?{urlencode({"page": number, "per_page": per_page})}>; rel="{rel}"'
        for rel, number in links.items()
    )
    response["X-Total-Count"] = str(total)
    return response


def _plan_summary(request: HttpRequest, plan) -> dict:
    return {
        "id": plan.pk,
        "name": plan.name,
        "first_fiscal_year": plan.first_fiscal_year,
        "last_fiscal_year": plan.last_fiscal_year,
        "url": request.build_absolute_uri(reverse("api:plan", args=[plan.pk])),
    }


@api_endpoint
@cached_page(of_all, reads=["page", "per_page"])
def municipalities(request: HttpRequest) -> HttpResponse:
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
    return paginated(request, list(grouped.values()), "municipalities", {"licence": LICENCE})


@api_endpoint
@cached_page(of_municipality_code)
def municipality(request: HttpRequest, code: str) -> HttpResponse:
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


@api_endpoint
@cached_page(of_plan)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    # The stored bytes as they are: nothing of the request goes into a plan's document.
    return _json_bytes(public_plan_json(pk))


@api_endpoint
@cached_page(of_plan, reads=["page", "per_page"])
def measures(request: HttpRequest, pk: int) -> HttpResponse:
    document = orjson.loads(public_plan_json(pk))
    return paginated(
        request,
        document["measures"],
        "measures",
        {
            "licence": LICENCE,
            "municipality": document["municipality"],
            "plan": {"name": document["plan"]["name"]},
        },
    )


@api_endpoint
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/."""
    raise Http404
