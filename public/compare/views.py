"""The pages where citizens compare municipalities: grade and status distributions of the
latest published year, effect amounts per year, and measures like a given one."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from measures.fiscal_years import fiscal_year_label
from measures.models import Basis
from municipalities.models import PREFECTURES
from municipalities.population import SOURCE, size_class_of
from public import published
from public.compare import charts
from public.compare.distribution import distribution_rows, scheme_groups
from public.compare.effects import plan_effects
from public.compare.forms import CompareForm, EffectForm, MeasureSearchForm
from public.compare.rows import result_rows
from public.compare.similar import add_results, add_urls
from public.compare.word_index import word_index
from public.page_cache import cached_page, choices_understood, of_all

PLANS_PER_PAGE = 50
EFFECT_PLANS_PER_PAGE = 20
MEASURES_PER_PAGE = 50


def _prefectures() -> list[str]:
    """The prefectures with a public plan (the filter offers only those)."""
    return list(
        published.public_plans()
        .order_by()
        .values_list("municipality__prefecture", flat=True)
        .distinct()
    )


def _page(request: HttpRequest, items, per_page: int):
    # get_page answers any page number (a word, 0, past the end) with a page that exists.
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _common(form, page) -> dict:
    return {
        "form": form,
        "page": page,
        "ignored": form.ignored,
        "population_source": SOURCE,
    }


@cached_page(of_all, reads=["pref", "size", "sort", "page"], choices=["pref", "size", "sort"])
def grades(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET, prefectures=_prefectures())
    page = _page(request, form.filter_plans(published.public_plans()), PLANS_PER_PAGE)
    rows = distribution_rows(list(page.object_list))
    for row in rows:
        row.size_class = size_class_of(row.plan.municipality.population)
    context = _common(form, page)
    context.update(
        rows=rows,
        groups=scheme_groups(rows),
        chart=charts.distribution_chart(
            rows, _("各計画の評価・実施状況の割合（評価対象を100%とする。区分は計画ごとに異なる）")
        ),
    )
    return choices_understood(
        render(request, "public/compare_grades.html", context), not form.errors
    )


@cached_page(
    of_all,
    reads=["pref", "size", "sort", "basis", "year", "page"],
    choices=["pref", "size", "sort", "basis"],
)
def effects(request: HttpRequest) -> HttpResponse:
    form = EffectForm(request.GET, prefectures=_prefectures())
    page = _page(request, form.filter_plans(published.public_plans()), EFFECT_PLANS_PER_PAGE)
    basis = form.value("basis") or Basis.SINGLE_YEAR
    year = form.value("year")
    found = plan_effects(list(page.object_list), basis=basis, year=year)
    bars = []
    for item in found:
        latest = item.latest_actual
        if latest is not None:
            label = f"{item.plan.municipality.name} {fiscal_year_label(latest.fiscal_year)}"
            bars.append((label, latest.actual["total"]))
    context = _common(form, page)
    context.update(
        plans=found,
        basis_label=Basis(basis).label,
        year=year,
        chart=charts.amount_chart(
            bars, _("各計画の最新の公表年度の効果額（実績・計、千円）"), "effect-chart"
        ),
    )
    return choices_understood(
        render(request, "public/compare_effects.html", context), not form.errors
    )


@cached_page(of_all, reads=["q", "match", "pref", "size", "page"])
def measures(request: HttpRequest) -> HttpResponse:
    index = word_index(request)
    form = MeasureSearchForm(request.GET, prefectures=index.prefectures)
    query = form.value("q") or ""
    words = form.words()
    pref = form.value("pref")
    found = index.search(
        words,
        any_word=form.value("match") == "any",
        within=index.of_municipalities(
            prefecture=PREFECTURES[int(pref) - 1] if pref else None, size=form.value("size")
        ),
    )
    page = _page(request, found, MEASURES_PER_PAGE)
    items = list(page.object_list)
    add_results(items)
    add_urls(items)
    context = _common(form, page)
    context.update(query=query, words=words, measures=items, rows=result_rows(items))
    return render(request, "public/compare_measures.html", context)
