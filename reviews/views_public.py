"""The citizens' page of a plan year's external review: the body's grades beside the
departments' own, and the 意見一覧表."""

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from measures.fiscal_years import fiscal_year_display
from public import published
from public.page_cache import cached_page, of_municipality
from reviews import public_view


@cached_page(of_municipality)
def review_year(request: HttpRequest, slug: str, pk: int, year: int) -> HttpResponse:
    plan = published.get_public_plan(slug, pk)
    if year not in public_view.public_round_years(plan):
        raise Http404
    return render(
        request,
        "reviews/public_year.html",
        {
            "plan": plan,
            "city": plan.municipality,
            "year": year,
            "year_display": fiscal_year_display(year),
            "views": public_view.unit_views(plan, Q(), fiscal_year=year),
            **public_view.opinion_table(plan, year),
        },
    )
