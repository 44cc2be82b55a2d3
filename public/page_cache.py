"""Whole-page caching of what citizens read.

A public page is built from one municipality's data, so it is cached under that
municipality's content version (municipalities.content_version), which changes in the same
transaction as any change to the data: a cached page is never stale, and nothing has to be
deleted when data changes. The key also holds the language, the full address and a
fingerprint of the code that renders pages, so a deployment never serves pages rendered by
the code it replaced.

Only anonymous GET and HEAD requests use the cache (signed-in staff see their own
navigation), and only answers with status 200 are kept. The language switch's CSRF token
differs per visitor: the cached page holds a placeholder, and every answer gets the
visitor's own token.

Each view names the query parameters it reads. Any other parameter (a tracking tag, a
crawler's random string) is dropped before the page is rendered, so it neither makes a new
cache entry nor ends up in a page that other visitors are served.

The same versions validate conditional requests: every answer carries an ETag (a digest of
the cache key) and Last-Modified (when its municipality's content last changed), and a
request that already holds the current one is answered 304 without rendering anything,
whether or not the page cache is on.
"""

import datetime
import hashlib
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from municipalities.models import Municipality

CSRF_PLACEHOLDER = "csrf-token-of-this-visitor"
# Headers a view sets that belong to the page (and not to one visitor or the middleware).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "X-Licence",
    "Link",
    "X-Total-Count",
)


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


@cache
def code_fingerprint() -> str:
    """A digest of the templates, translations and Python code that render the pages."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    sources = [
        *base.glob("templates/**/*.html"),
        *base.glob("locale/**/*.mo"),
        *(
            path
            for app in ("reform", "municipalities", "measures", "public", "reviews")
            for path in base.glob(f"{app}/**/*.py")
            if "tests" not in path.parts
        ),
    ]
    for path in sorted(sources):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: pages being rendered for the cache get a placeholder token."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, "for_page_cache", False) else {}


def cached_page(versions: Callable[..., list[tuple[str, datetime.datetime]]], *, reads=()):
    """Cache the view's answers under the content versions `versions(**view_kwargs)` names
    (each municipality's token and when it last changed).

    `reads` are the query parameters the view reads; the others are dropped before the view
    runs. An empty list of versions (no such municipality) leaves the answer to the view,
    uncached.
    """
    parameters = frozenset(reads)

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                return view(request, **kwargs)
            _keep_only(request, parameters)
            found = versions(**kwargs)
            if not found:
                return view(request, **kwargs)
            tokens = [token for token, _changed in found]
            key = page_key(request, tokens)
            etag = quote_etag(hashlib.blake2b(key.encode(), digest_size=16).hexdigest())
            last_modified = int(max(changed for _token, changed in found).timestamp())
            unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if unchanged is not None:
                return _validated(unchanged, etag, last_modified)
            if not settings.PAGE_CACHE_SECONDS:
                return _validated(view(request, **kwargs), etag, last_modified)
            stored = page_cache().get(key)
            if stored is None:
                request.for_page_cache = True
                try:
                    response = view(request, **kwargs)
                finally:
                    # An error page rendered after the view raised gets a real token.
                    request.for_page_cache = False
                if response.status_code != 200 or response.streaming or response.cookies:
                    return _with_token(request, response)
                stored = (
                    response.content,
                    {name: response[name] for name in KEPT_HEADERS if name in response},
                )
                page_cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            return _validated(_with_token(request, response), etag, last_modified)

        return wrapper

    return decorator


def _validated(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    """An answer with the validators of its content; clients revalidate before reuse."""
    if response.status_code in (200, 304):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "no-cache"
    return response


def _keep_only(request: HttpRequest, parameters: frozenset[str]) -> None:
    """Reduce the request's query to the parameters the view reads, in a canonical order, so
    that the page, its links and its cache key depend on nothing else."""
    kept = QueryDict(mutable=True)
    for name in sorted(name for name in request.GET if name in parameters):
        kept.setlist(name, request.GET.getlist(name))
    query = kept.urlencode()
    if query != request.META.get("QUERY_STRING", ""):
        kept._mutable = False
        request.GET = kept
        request.META["QUERY_STRING"] = query


def page_key(request: HttpRequest, tokens: list[str]) -> str:
    # The whole address with scheme and host: the API's answers hold absolute links.
    address = hashlib.blake2b(request.build_absolute_uri().encode(), digest_size=16).hexdigest()
    versions = tokens[0] if len(tokens) == 1 else _digest(tokens)
    return f"page:{code_fingerprint()}:{request.LANGUAGE_CODE}:{versions}:{address}"


def _digest(tokens: list[str]) -> str:
    return hashlib.blake2b("".join(tokens).encode(), digest_size=16).hexdigest()


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the visitor's own CSRF token where the page holds the placeholder (pages only:
    downloads and API answers carry data, never a form)."""
    placeholder = CSRF_PLACEHOLDER.encode()
    if response["Content-Type"].startswith("text/html") and placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response


# The content versions each kind of page depends on.


def _versions(where: str, value, *, plan_id: bool = False) -> list[tuple[str, datetime.datetime]]:
    """The version of the municipality a public page of it belongs to; none for what is not
    public, so that neither the cache nor a conditional request tells it exists.

    Every cached answer asks this, so it is one short statement written out rather than
    compiled by the ORM on each request (which cost as much as the rest of a cached answer).
    `where` names a column of the municipality (m) or, with plan_id, the plan (p)."""
    municipality = Municipality._meta.db_table
    plan = apps.get_model("measures", "Plan")._meta.db_table
    plan_where = " AND p.id = %s" if plan_id else ""
    municipality_where = "" if plan_id else f" AND m.{where} = %s"
    sql = (
        f"SELECT m.content_version, m.content_changed_at FROM {municipality} m WHERE EXISTS ("
        f"SELECT 1 FROM {plan} p WHERE p.municipality_id = m.id AND p.is_public{plan_where})"
        f"{municipality_where}"
    )
    with connections[router.db_for_read(Municipality)].cursor() as cursor:
        cursor.execute(sql, [value])
        return [(token, _aware(changed)) for token, changed in cursor.fetchall()]


def _aware(value) -> datetime.datetime:
    # SQLite hands back the stored text, in UTC; PostgreSQL an aware datetime.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def of_municipality(*, slug: str, **kwargs) -> list[tuple[str, datetime.datetime]]:
    return _versions("slug", slug)


def of_municipality_code(*, code: str, **kwargs) -> list[tuple[str, datetime.datetime]]:
    return _versions("code", code)


def of_plan(*, pk: int, **kwargs) -> list[tuple[str, datetime.datetime]]:
    return _versions("id", pk, plan_id=True)


def of_all(**kwargs) -> list[tuple[str, datetime.datetime]]:
    """One version for pages that list every municipality: a digest of all their versions,
    and the latest change. The database joins the versions, so that a cached answer reads one
    row instead of one per municipality (1,741 of them nationally)."""
    table = Municipality._meta.db_table
    connection = connections[router.db_for_read(Municipality)]
    if connection.vendor == "postgresql":
        joined = "string_agg(content_version, ',' ORDER BY id)"
        source = table
    else:
        # SQLite's group_concat keeps the order of the rows it is given.
        joined = "group_concat(content_version, ',')"
        source = f"(SELECT content_version, content_changed_at FROM {table} ORDER BY id)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {joined}, max(content_changed_at) FROM {source}")
        versions, changed = cursor.fetchone()
    if versions is None:
        return []
    return [(_digest([versions]), _aware(changed))]
