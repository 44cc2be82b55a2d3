"""Public pages kept, as rendered, in the database.

The page cache (public/page_cache.py) holds each worker's own renderings in its memory: it
is empty after every release and every restart, and each worker of each app server renders
a page once for itself. Stored pages are the layer under it. A page's rendering, as an
anonymous visitor is served it, is kept in the database under the same content versions
and code fingerprint as the cache, so that every worker everywhere finds it, and a page is
rendered once per change to its municipality rather than once per worker.

What is stored:
- every public page at its canonical address (no query), the first time it is rendered;
- when a year is published or corrected, the plan's main pages, rendered as soon as the
  publication commits, so that its first visitors are served as fast as the next
  (`render_on_commit`);
- after a release, all of them, by `manage.py render_pages`, before visitors ask.

Addresses with a query are rendered and cached as before, and stored only where every
parameter is one the view names as a closed choice and every value is among its choices
(another published year of a plan, a report's other revision or layout, a comparison
filtered by prefecture, population and order): a search's words, another page of a list or
a made-up value are never stored, so that nobody can fill the database with made-up
queries.

Bodies are kept compressed (zlib), which makes a whole country's pages fit in well under a
gigabyte. A stored page is served only while its versions are current, so it is never
stale, and it holds only what an anonymous visitor is shown: the same rule as the page cache (GET, no
signed-in user, status 200, no cookies), and a page that is not public has no version, so
nothing of it is stored.
"""

import io
import json
import logging
import zlib
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, connections, router, transaction
from django.http import Http404
from django.urls import resolve, reverse
from django.utils import timezone, translation

from public.models import StoredPage
from reform import prepared

logger = logging.getLogger(__name__)
# zlib's default level: pages shrink 5 to 25 times (a measure page from 17 to 3 KB, a plan's
# API answer from 500 to 19 KB), and reading one back costs 0.02 to 0.3 ms.
COMPRESSION = 6


def storable(request, choices: frozenset[str] = frozenset()) -> bool:
    """Whether the answer to request may be read from and written to the stored pages: one
    at its canonical address, or with only the view's `choices` in its query (which is
    written only once the view has found every value among them)."""
    if not settings.STORED_PAGES:
        return False
    return getattr(request, "store_page", False) or all(name in choices for name in request.GET)


def read(address: str, version: str) -> tuple[bytes, dict] | None:
    """The stored page at `address` if it was rendered from `version`. Every answer that
    misses the page cache asks this, so it is one statement written out."""
    table = StoredPage._meta.db_table
    connection = connections[router.db_for_read(StoredPage)]
    found = prepared.rows(
        connection,
        f"SELECT body, headers FROM {table} WHERE address = %s AND version = %s",
        [address, version],
    )
    if not found:
        return None
    [(body, headers)] = found
    return zlib.decompress(body), headers if isinstance(headers, dict) else json.loads(headers)


def write(request, address: str, version: str, stored: tuple[bytes, dict]) -> None:
    """Keep the rendering `stored` of request's page, replacing the address's older one. A
    database that refuses the write costs the next visitor a rendering, never this answer."""
    body, headers = stored
    row = StoredPage(
        address=address,
        version=version,
        path=request.path[: StoredPage._meta.get_field("path").max_length],
        language=request.LANGUAGE_CODE,
        body=zlib.compress(body, COMPRESSION),
        headers=headers,
        built_at=timezone.now(),
    )
    database = router.db_for_write(StoredPage)
    try:
        with transaction.atomic(using=database):
            StoredPage.objects.using(database).bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["address"],
                update_fields=["version", "path", "language", "body", "headers", "built_at"],
            )
    except DatabaseError:
        logger.warning("The rendering of %s could not be stored", request.path, exc_info=True)


def site_request(path: str, language: str) -> WSGIRequest:
    """An anonymous visitor's GET of `path` on the public site (SITE_URL), in `language`."""
    site = urlsplit(settings.SITE_URL)
    secure = site.scheme == "https"
    port = str(site.port or (443 if secure else 80))
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": site.hostname or "localhost",
            "SERVER_PORT": port,
            "HTTP_HOST": site.netloc,
            "HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}={language}",
            "wsgi.url_scheme": site.scheme or "http",
            "wsgi.input": io.BytesIO(b""),
        }
    )
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    request.store_page = True
    return request


def render(paths: Iterable[str], *, languages: Iterable[str] | None = None) -> int:
    """Render the public pages at `paths` in every language (or those given) and store them;
    the number stored. A page that is not public is skipped; so is everything when the
    public site's address (SITE_URL) is not one this deployment answers for."""
    if not settings.STORED_PAGES:
        return 0
    languages = list(languages or (code for code, _name in settings.LANGUAGES))
    count = 0
    for path in paths:
        match = resolve(path)
        for language in languages:
            request = site_request(path, language)
            try:
                request.get_host()
            except DisallowedHost:
                logger.warning(
                    "Pages are not stored ahead: SITE_URL (%s) is not in ALLOWED_HOSTS",
                    settings.SITE_URL,
                )
                return count
            with translation.override(language):
                try:
                    response = match.func(request, *match.args, **match.kwargs)
                except Http404:
                    break
            count += response.status_code == 200
    return count


def plan_paths(plan_id: int, *, measures: bool = True) -> list[str]:
    """The canonical addresses of a public plan's pages: its municipality's page, the plan,
    its pillars, its measures (unless measures is False), its reports, its search page and
    its API answers."""
    from measures.models import Measure, Pillar, Plan, Report

    plan = Plan.objects.select_related("municipality").filter(pk=plan_id, is_public=True).first()
    if plan is None:
        return []
    slug, code = plan.municipality.slug, plan.municipality.code
    paths = [
        reverse("public:municipality", args=[slug]),
        reverse("public:plan", args=[slug, plan.pk]),
        reverse("public:search", args=[slug, plan.pk]),
        reverse("api:plan", args=[plan.pk]),
        reverse("api:measures", args=[plan.pk]),
        reverse("api:municipality", args=[code]),
    ]
    years = Report.objects.filter(plan=plan).values_list("fiscal_year", flat=True).distinct()
    paths += [reverse("public:report", args=[slug, plan.pk, year]) for year in sorted(years)]
    pillars = Pillar.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)
    paths += [reverse("public:pillar", args=[slug, plan.pk, pk]) for pk in pillars]
    if measures:
        rows = Measure.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)
        paths += [reverse("public:measure", args=[slug, plan.pk, pk]) for pk in rows]
    return paths


def render_on_commit(plan_id: int) -> None:
    """Store the plan's main pages (not each measure's) once the transaction that published
    or corrected its year commits."""

    def store():
        try:
            render(plan_paths(plan_id, measures=False))
        except Exception:
            # The publication has committed; a page not stored ahead is rendered on its
            # first visit instead.
            logger.exception("The pages of plan %s could not be stored ahead", plan_id)

    if settings.STORED_PAGES:
        transaction.on_commit(store)
