"""What the search page of a plan searches and shows, gathered once per content version.

The search page filters a plan's measures by words, pillar, department, year's grade or
status, new or continued and citywide. Asking the database each time cost ten queries and
24 ms of CPU for a plan of 60 measures; the answer depends only on the plan's published data,
so it is gathered once into an index (about the size of the plan's measure texts) and kept
in the cache under the municipality's content version and the code's fingerprint, as the
pages are: never stale, and nothing to delete. Each search then filters the index in Python.

Only what citizens may read goes in: the texts of published evaluations, their grades and
statuses, the measures of a public plan.
"""

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass

from django.http import Http404, HttpRequest

from measures.models import Measure, Pillar, Plan
from municipalities.models import Department
from public import published
from public.page_cache import code_fingerprint, of_municipality, page_cache, request_tokens

# Kept in the cache for a day at most: the key changes with the data anyway.
INDEX_SECONDS = 24 * 60 * 60
# The indexes last searched are also kept in each process as they are, since reading one
# back from the cache (unpickling a plan's texts) cost more than the search itself.
RECENT_INDEXES = 32
_recent: OrderedDict[str, "PlanIndex"] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One measure as the search page filters and lists it."""

    pk: int
    code: str
    display_code: str
    title: str
    leads: tuple[str, ...]  # the names of its lead departments, in order
    departments: frozenset[int]  # every department linked to it, lead or related
    pillars: frozenset[int]  # its pillar and that pillar's ancestors
    continuity: str
    is_citywide: bool
    text: str  # title, content and published Plan/Do/Check/Action, upper-cased, one per line
    results: dict[int, tuple[str, str]]  # fiscal year → (grade code, status label), published


@dataclass(frozen=True)
class PlanIndex:
    plan: Plan  # with its municipality
    entries: tuple[Entry, ...]
    pillars: tuple[tuple[int, str], ...]  # (pk, label) in the plan's order
    departments: tuple[tuple[int, str], ...]  # (pk, name) of the departments of its measures
    grades: tuple[str, ...]
    statuses: tuple[str, ...]
    uses_continuity: bool
    uses_citywide: bool
    published_years: published.PublishedYears


def plan_index(request: HttpRequest, slug: str, pk: int) -> PlanIndex:
    """The index of the public plan, from the cache or gathered now (and kept); 404 when
    there is no such public plan.

    The key holds the municipality's content version, which the page cache has looked up
    already for an anonymous visitor; a hit needs no query, the plan itself being kept in
    the index."""
    tokens = request_tokens(request)
    if tokens is None:
        tokens = [token for token, _changed in of_municipality(slug=slug)]
    if not tokens:
        raise Http404
    key = f"search-index:{code_fingerprint()}:{slug}:{pk}:{tokens[0]}"
    with _lock:
        index = _recent.get(key)
        if index is not None:
            _recent.move_to_end(key)
            return index
    index = page_cache().get(key)
    if index is None:
        index = build(published.get_public_plan(slug, pk))
        page_cache().set(key, index, INDEX_SECONDS)
    with _lock:
        _recent[key] = index
        while len(_recent) > RECENT_INDEXES:
            _recent.popitem(last=False)
    return index


def build(plan) -> PlanIndex:
    """Seven queries, whatever the size of the plan."""
    parent_of: dict[int, int | None] = {}
    pillars = []
    for pillar in Pillar.objects.filter(plan=plan).order_by("order", "pk"):
        parent_of[pillar.pk] = pillar.parent_id
        pillars.append((pillar.pk, str(pillar)))
    texts: dict[int, list[str]] = defaultdict(list)
    results: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    for measure_id, year, plan_text, do, check, action, grade, status in (
        published.published_evaluations(plan)
        .order_by("measure_id", "fiscal_year")
        .values_list(
            "measure_id",
            "fiscal_year",
            "plan_text",
            "do_text",
            "check_text",
            "action_text",
            "final_grade__code",
            "status__label",
        )
    ):
        texts[measure_id].extend((plan_text, do, check, action))
        results[measure_id][year] = (grade or "", status or "")
    measures = (
        Measure.objects.filter(plan=plan)
        .only(
            "pk", "code", "sub_number", "title", "content", "pillar_id", "continuity", "is_citywide"
        )
        .prefetch_related(published.department_links())
        .order_by("order", "pk")
    )
    entries = []
    for measure in measures:
        links = list(measure.department_links.all())
        ancestors = []
        pillar_id = measure.pillar_id
        while pillar_id is not None and pillar_id not in ancestors:
            ancestors.append(pillar_id)
            pillar_id = parent_of.get(pillar_id)
        text = "\n".join((measure.title, measure.content, *texts[measure.pk]))
        entries.append(
            Entry(
                pk=measure.pk,
                code=measure.code,
                display_code=measure.display_code,
                title=measure.title,
                leads=tuple(link.department.name for link in links if link.role == link.Role.LEAD),
                departments=frozenset(link.department_id for link in links),
                pillars=frozenset(ancestors),
                continuity=measure.continuity,
                is_citywide=measure.is_citywide,
                text=text.upper(),
                results=results.get(measure.pk, {}),
            )
        )
    departments = tuple(
        Department.objects.filter(measure_links__measure__plan=plan)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    return PlanIndex(
        plan=plan,
        entries=tuple(entries),
        pillars=tuple(pillars),
        departments=departments,
        grades=tuple(plan.grades.values_list("code", flat=True)),
        statuses=tuple(plan.statuses.values_list("label", flat=True)),
        uses_continuity=any(entry.continuity for entry in entries),
        uses_citywide=any(entry.is_citywide for entry in entries),
        published_years=published.published_years(plan),
    )


def forget() -> None:
    """Drop the indexes kept in this process (tests do, with the page cache)."""
    with _lock:
        _recent.clear()
