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

Under the cache lie the stored pages (public/stored_pages.py): a page at its canonical
address that the cache misses is looked up there, under the same versions, before it is
rendered, and a page rendered there is stored for every other worker.

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
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from municipalities.models import Municipality
from public import stored_pages
from reform import prepared
from reform.middleware import chosen_language

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


@dataclass
class _Page:
    """What a cached answer is looked up by, worked out once per request."""

    tokens: list[str]
    key: str
    etag: str
    last_modified: int
    looked_up: bool = False  # the cache and the stored pages were asked already, and missed


def cached_page(
    versions: Callable[..., list[tuple[str, datetime.datetime]]], *, reads=(), choices=()
):
    """Cache the view's answers under the content versions `versions(**view_kwargs)` names
    (each municipality's token and when it last changed).

    `reads` are the query parameters the view reads; the others are dropped before the view
    runs. An empty list of versions (no such municipality) leaves the answer to the view,
    uncached.

    `choices` are those of `reads` whose values come from a closed list (a year of the plan,
    a prefecture). An address whose query holds only those is stored among the stored pages
    too, when the view marks its answer with `choices_understood(response)` because every
    value was one of the choices: so the stored pages stay as few as the choices allow,
    whatever addresses anyone makes up.

    The view also gets `early_answer(request, **kwargs)`, which EarlyAnswerMiddleware calls
    before the rest of the middleware runs: the answer from the cache or the stored pages,
    or None when the view has to run.
    """
    parameters = frozenset(reads)
    closed = frozenset(choices)

    def prepare(request: HttpRequest, kwargs: dict) -> _Page | None:
        if hasattr(request, "_cached_page"):
            return request._cached_page
        _keep_only(request, parameters)
        found = versions(**kwargs)
        page = None
        if found:
            tokens = [token for token, _changed in found]
            key = page_key(request, tokens)
            page = _Page(
                tokens=tokens,
                key=key,
                etag=quote_etag(hashlib.blake2b(key.encode(), digest_size=16).hexdigest()),
                last_modified=int(max(changed for _token, changed in found).timestamp()),
            )
        request._cached_page = page
        return page

    def kept(request: HttpRequest, page: _Page) -> tuple[bytes, dict] | None:
        """The answer kept in the page cache, or else among the stored pages."""
        if page.looked_up:
            return None
        page.looked_up = True
        cached = bool(settings.PAGE_CACHE_SECONDS)
        stored = page_cache().get(page.key) if cached else None
        if stored is None and stored_pages.storable(request, closed):
            stored = stored_pages.read(*stored_key(request, page.tokens))
            if stored is not None and cached:
                page_cache().set(page.key, stored, settings.PAGE_CACHE_SECONDS)
        return stored

    def served(request: HttpRequest, page: _Page, stored: tuple[bytes, dict]) -> HttpResponse:
        content, headers = stored
        response = HttpResponse(content, headers=headers)
        return _validated(_with_token(request, response), page.etag, page.last_modified)

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                return view(request, **kwargs)
            page = prepare(request, kwargs)
            if page is None:
                return view(request, **kwargs)
            etag, last_modified = page.etag, page.last_modified
            unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if unchanged is not None:
                return _validated(unchanged, etag, last_modified)
            cached = bool(settings.PAGE_CACHE_SECONDS)
            store = stored_pages.storable(request, closed)
            if not cached and not store:
                return _validated(view(request, **kwargs), etag, last_modified)
            # Rendering ahead (stored_pages.render) renders whatever is kept.
            ahead = getattr(request, "store_page", False)
            stored = None if ahead else kept(request, page)
            if stored is not None:
                return served(request, page, stored)
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
            if cached:
                page_cache().set(page.key, stored, settings.PAGE_CACHE_SECONDS)
            if store and (not request.GET or getattr(response, CHOICES_UNDERSTOOD, False)):
                stored_pages.write(request, *stored_key(request, page.tokens), stored)
            return served(request, page, stored)

        def early_answer(request: HttpRequest, **kwargs) -> HttpResponse | None:
            page = prepare(request, kwargs)
            if page is None:
                return None
            unchanged = get_conditional_response(
                request, etag=page.etag, last_modified=page.last_modified
            )
            if unchanged is not None:
                return _validated(unchanged, page.etag, page.last_modified)
            stored = kept(request, page)
            return None if stored is None else served(request, page, stored)

        wrapper.early_answer = early_answer
        return wrapper

    return decorator


class EarlyAnswerMiddleware:
    """Answer an anonymous visitor's GET of a public page from the page cache or the stored
    pages before the session, language, CSRF, authentication, message, history and lockout
    layers run, which such an answer needs nothing of.

    Only a request without a session cookie is answered here (a signed-in user always has
    one), and only for a view made with cached_page whose answer is kept; anything else goes
    on through the stack as before. What those layers add to a cached answer is added here
    in the same way: the visitor's language from the language switch's cookie and
    Content-Language, the CSRF cookie for the token in the page, Vary: Cookie,
    X-Frame-Options and Content-Length. A test compares both answers header by header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.frame = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            response = self.answer(request)
            if response is not None:
                return response
        return self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        early_answer = getattr(match.func, "early_answer", None)
        if early_answer is None:
            return None
        language = chosen_language(request)
        request.LANGUAGE_CODE = language
        self.csrf.process_request(request)
        response = early_answer(request, *match.args, **match.kwargs)
        if response is None:
            return None
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        self.csrf.process_response(request, response)
        self.frame.process_response(request, response)
        if "Content-Length" not in response:
            response["Content-Length"] = str(len(response.content))
        return response


CHOICES_UNDERSTOOD = "choices_understood"


def choices_understood(response: HttpResponse, understood: bool = True) -> HttpResponse:
    """Mark the view's answer as one whose query held only values from the view's choices
    (cached_page), so that it may be stored."""
    setattr(response, CHOICES_UNDERSTOOD, understood)
    return response


def _validated(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    """An answer with the validators of its content; clients revalidate before reuse."""
    if response.status_code in (200, 304):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "no-cache"
    return response


def request_tokens(request: HttpRequest) -> list[str] | None:
    """The content versions the page cache looked up for this request, if it did."""
    page = getattr(request, "_cached_page", None)
    return page.tokens if page is not None else None


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


def stored_key(request: HttpRequest, tokens: list[str]) -> tuple[str, str]:
    """The page's row among the stored pages (its language and absolute address) and the
    version it must have been rendered from (the content versions and the code)."""
    address = f"{request.LANGUAGE_CODE}:{request.build_absolute_uri()}"
    return _digest([address]), _digest([code_fingerprint(), ":", *tokens])


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
    found = prepared.rows(connections[router.db_for_read(Municipality)], sql, [value])
    return [(token, _aware(changed)) for token, changed in found]


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
    and the latest change. The database sums them up, so that a cached answer reads one row
    instead of one per municipality (1,741 of them nationally).

    On PostgreSQL the digest is the number of municipalities and the sum of a 64-bit hash of
    each one's token: it changes with any token (two states share it with a chance of one
    in 2**64), and it needs neither sorting the rows nor sending them all, which joining the
    tokens in order cost every answer (0.5 ms of the server's time against 0.3 ms)."""
    table = Municipality._meta.db_table
    connection = connections[router.db_for_read(Municipality)]
    if connection.vendor == "postgresql":
        joined = "count(*) || ':' || sum(hashtextextended(content_version, 0))"
        source = table
    else:
        # SQLite's group_concat keeps the order of the rows it is given.
        joined = "group_concat(content_version, ',')"
        source = f"(SELECT content_version, content_changed_at FROM {table} ORDER BY id)"
    [(versions, changed)] = prepared.rows(
        connection, f"SELECT {joined}, max(content_changed_at) FROM {source}", []
    )
    if changed is None:
        return []
    return [(_digest([versions]), _aware(changed))]
