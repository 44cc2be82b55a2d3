"""The citizens' pages: published plans, pillars, measures, reports and open data."""

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from measures.fiscal_years import fiscal_year_display
from measures.models import IndicatorValue, Measure, Pillar, ReportFile
from measures.plan_files.formats import FORMATS, write_plan_file
from public import published, search_index, statistics
from public.charts import indicator_chart
from public.filters import MeasureFilter
from public.page_cache import cached_page, choices_understood, of_all, of_municipality
from public.reports import layouts as report_layouts
from public.reports import pdf as report_pdf
from public.reports.listing import layout_links, reports_by_year
from public.reports.page import report_context
from public.reports.xlsx import table_workbook

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"


@cached_page(of_all, reads=["q"])
def home(request: HttpRequest) -> HttpResponse:
    """Municipalities with a public plan, by prefecture in code order; `q` narrows them by
    name or reading."""
    query = request.GET.get("q", "").strip()
    municipalities = published.public_municipalities().order_by("code")
    if query:
        municipalities = municipalities.filter(Q(name__contains=query) | Q(kana__contains=query))
    prefectures: dict[str, dict] = {}
    for city in municipalities:
        group = prefectures.setdefault(
            city.prefecture,
            {"name": city.prefecture, "anchor": f"pref-{city.code[:2]}", "cities": []},
        )
        group["cities"].append(city)
    return render(
        request,
        "public/home.html",
        {"prefectures": list(prefectures.values()), "query": query},
    )


@cached_page(of_municipality)
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(published.public_municipalities(), slug=slug)
    plans = published.public_plans().filter(municipality=city).order_by("-last_fiscal_year", "name")
    return render(request, "public/municipality.html", {"city": city, "plans": plans})


def _plan_context(request: HttpRequest, slug: str, pk: int) -> dict:
    plan = published.get_public_plan(slug, pk)
    return _context_of(plan, published.published_years(plan))


def _context_of(plan, published_years: published.PublishedYears) -> dict:
    years = published_years.years
    return {
        "plan": plan,
        "city": plan.municipality,
        "years": years,
        "reported": published_years.reported,
        "year_labels": {year: fiscal_year_display(year) for year in years},
    }


def _chosen_year(request: HttpRequest, years: list[int]) -> int | None:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if year in years else (years[-1] if years else None)


@cached_page(of_municipality, reads=["year"], choices=["year"])
def plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _plan_context(request, slug, pk)
    plan, years, reported = context["plan"], context["years"], context["reported"]
    year = _chosen_year(request, years)
    previous = years[years.index(year) - 1] if year and years.index(year) > 0 else None
    measures = published.measure_outlines(plan, reported)
    pillars, roots, root_of = published.pillar_roots(plan)
    places = plan.share_decimal_places
    grade_list = list(plan.grades.all())
    grades = statistics.grade_categories(grade_list)
    statuses = statistics.status_categories(plan)

    def tally(categories, of_year):
        if not (year and categories):
            return []
        return statistics.tally_rows(
            measures, categories, roots, root_of, of_year, year, previous, places
        )

    context.update(
        year=year,
        year_display=fiscal_year_display(year) if year else "",
        previous_display=fiscal_year_display(previous) if previous else "",
        tree=_tree_html(_tree(pillars, measures), context["city"].slug, plan.pk),
        grades=grade_list,
        grade_rows=tally(grades, lambda m, y: m.grades.get(y)),
        status_rows=tally(statuses, lambda m, y: m.statuses.get(y)),
        grade_categories=grades,
        status_categories=statuses,
        effect_tables=_effect_tables(plan, measures, roots, root_of),
        effect_parts=dict(statistics.PARTS),
        goals=published.goals_for_public(plan, reported),
        plan_years=[(y, fiscal_year_display(y)) for y in plan.fiscal_years],
        sections=plan.sections.all(),
        report_years=reports_by_year(plan),
        report_layouts=layout_links(plan),
        pdf_unavailable=report_pdf.unavailable(),
        formats=FORMATS,
        licence=LICENCE,
        licence_url=LICENCE_URL,
    )
    return choices_understood(
        render(request, "public/plan.html", context),
        request.GET.get("year", str(year)) == str(year),
    )


def _tree(pillars: list[Pillar], measures: list[published.MeasureOutline]) -> list[dict]:
    counts: dict[int, int] = {}
    for measure in measures:
        if measure.pillar_id:
            counts[measure.pillar_id] = counts.get(measure.pillar_id, 0) + 1
    children: dict[int | None, list[Pillar]] = {}
    for pillar in pillars:
        children.setdefault(pillar.parent_id, []).append(pillar)

    def build(parent_id):
        return [
            {"pillar": p, "count": counts.get(p.pk, 0), "children": build(p.pk)}
            for p in children.get(parent_id, [])
        ]

    return build(None)


def _tree_html(nodes: list[dict], slug: str, plan_pk: int) -> str:
    """The plan's pillars as nested lists of links, each with its count of measures."""
    # One reversal for every pillar's address instead of one per pillar.
    address = reverse("public:pillar", args=[slug, plan_pk, 0]).removesuffix("0/")

    def items(nodes):
        return format_html_join(
            "",
            '<li><a href="{}{}/">{}</a>{}{}</li>',
            (
                (
                    address,
                    node["pillar"].pk,
                    str(node["pillar"]),
                    format_html(' <span class="muted">（{}件）</span>', node["count"])
                    if node["count"]
                    else "",
                    format_html("<ul>{}</ul>", items(node["children"])) if node["children"] else "",
                )
                for node in nodes
            ),
        )

    return format_html("<ul>{}</ul>", items(nodes))


def _effect_tables(plan, measures, roots, root_of) -> list[statistics.EffectTable]:
    years = list(plan.fiscal_years)
    tables = statistics.effect_tables(measures, roots, root_of, years)
    for table in tables:
        for row in table.rows:
            row.texts = row.cells(years, plan.effect_unit, plan.saving_mark)
    return tables


def _latest(measure: Measure):
    return measure.published[-1] if measure.published else None


@cached_page(of_municipality)
def pillar(request: HttpRequest, slug: str, pk: int, pillar_pk: int) -> HttpResponse:
    context = _plan_context(request, slug, pk)
    plan = context["plan"]
    node = get_object_or_404(Pillar, plan=plan, pk=pillar_pk)
    measures = list(
        published.with_published(published.measures_for_list(plan), plan).filter(
            pillar__in=[
                node.pk,
                *node.children.values_list("pk", flat=True),
                *Pillar.objects.filter(parent__parent=node).values_list("pk", flat=True),
            ]
        )
    )
    for measure in measures:
        measure.latest = _latest(measure)
    context.update(
        node=node,
        measures=measures,
        uses_grades=plan.grades.exists(),
        uses_statuses=plan.statuses.exists(),
    )
    return render(request, "public/pillar.html", context)


@cached_page(of_municipality)
def measure(request: HttpRequest, slug: str, pk: int, measure_pk: int) -> HttpResponse:
    context = _plan_context(request, slug, pk)
    plan, reported = context["plan"], context["reported"]
    item = get_object_or_404(published.measures_for_public(plan, reported), pk=measure_pk)
    steps = published.steps_for_public(item, plan, reported)
    step_years = sorted({y.fiscal_year for step in steps for y in step.years.all()})
    indicators = []
    for index, indicator in enumerate(item.indicators.all()):
        values = list(indicator.values.all())
        baseline = next((v for v in values if v.kind == IndicatorValue.Kind.BASELINE), None)
        table_years = sorted(
            {v.fiscal_year for v in values if v.fiscal_year and v.kind != "baseline"}
        )
        rows = []
        for year in table_years:
            target = next((v for v in values if v.kind == "target" and v.fiscal_year == year), None)
            actual = next((v for v in values if v.kind == "actual" and v.fiscal_year == year), None)
            rows.append(
                {
                    "fiscal_year": year,
                    "label": fiscal_year_display(year),
                    "target": target,
                    "actual": actual,
                }
            )
        chart = indicator_chart(
            indicator.name,
            indicator.unit,
            [
                {
                    "fiscal_year": r["fiscal_year"],
                    "target": r["target"].value if r["target"] else None,
                    "actual": r["actual"].value if r["actual"] else None,
                }
                for r in rows
            ],
            f"chart-{index}",
        )
        indicators.append(
            {"indicator": indicator, "baseline": baseline, "rows": rows, "chart": chart}
        )
    context.update(
        measure=item,
        effects=[
            (effect, fiscal_year_display(effect.fiscal_year))
            for effect in published.effects_for_public(item, plan, reported)
        ],
        steps=steps,
        step_years=[(y, fiscal_year_display(y)) for y in step_years],
        indicators=indicators,
        evaluations=[(e, fiscal_year_display(e.fiscal_year)) for e in item.published],
        period_result=published.published_period_result(item),
        targets=[
            (t, fiscal_year_display(t.fiscal_year)) for t in item.targets.select_related("status")
        ],
    )
    return render(request, "public/measure.html", context)


@cached_page(of_municipality, reads=MeasureFilter.base_filters)
def search(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    index = search_index.plan_index(request, slug, pk)
    context = _context_of(index.plan, index.published_years)
    years = context["years"]
    filterset = MeasureFilter(
        request.GET or None,
        index=index,
        years=years,
        year_labels=context["year_labels"],
    )
    year = filterset.selected_year
    measures = filterset.matching()
    context.update(
        rows=[(entry, entry.results.get(year, ("", ""))) for entry in measures],
        filter=filterset,
        uses_grades="grade" in filterset.filters,
        uses_statuses="status" in filterset.filters,
        measures=measures,
        year=year,
        year_display=fiscal_year_display(year) if year else "",
    )
    return render(request, "public/search.html", context)


def _report_revision(request: HttpRequest, plan, year: int):
    """The year's revisions (without content), the chosen one (with its content) and the
    one it corrects."""
    revisions = list(published.latest_reports(plan).filter(fiscal_year=year).defer("content"))
    if not revisions:
        raise Http404
    try:
        wanted = int(request.GET.get("revision") or revisions[-1].revision)
    except ValueError:
        wanted = revisions[-1].revision
    chosen = next((r for r in revisions if r.revision == wanted), revisions[-1])
    chosen.refresh_from_db(fields=["content"])
    previous = None
    if chosen.revision > 1:
        previous = (
            published.latest_reports(plan)
            .filter(fiscal_year=year, revision=chosen.revision - 1)
            .only("content")
            .first()
        )
    return revisions, chosen, previous


@cached_page(of_municipality, reads=["revision", "layout"], choices=["revision", "layout"])
def report(request: HttpRequest, slug: str, pk: int, year: int) -> HttpResponse:
    context = _plan_context(request, slug, pk)
    plan = context["plan"]
    revisions, chosen, previous = _report_revision(request, plan, year)
    layouts = report_layouts.layouts_of(plan)
    layout = report_layouts.chosen(layouts, request.GET.get("layout"))
    context.update(report_context(chosen, layout, previous))
    context.update(
        revisions=revisions,
        layouts=layouts,
        files=list(chosen.files.defer("content")),
        pdf_unavailable=report_pdf.unavailable(),
    )
    return choices_understood(
        render(request, "public/report.html", context),
        request.GET.get("revision", str(chosen.revision)) == str(chosen.revision)
        and request.GET.get("layout", layout.key) == layout.key,
    )


@cached_page(of_municipality, reads=["revision", "layout"])
def report_xlsx(request: HttpRequest, slug: str, pk: int, year: int) -> HttpResponse:
    """The report's table in the chosen layout and revision, as xlsx."""
    plan = published.get_public_plan(slug, pk)
    _revisions, chosen, previous = _report_revision(request, plan, year)
    layout = report_layouts.chosen(report_layouts.layouts_of(plan), request.GET.get("layout"))
    context = report_context(chosen, layout, previous)
    title = context["report_title"] or f"{plan.name} {context['year_display']}"
    response = HttpResponse(
        table_workbook(context["table"], f"{title} 第{chosen.revision}版"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"report-{plan.municipality.code}-{year}-r{chosen.revision}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Licence"] = LICENCE
    return response


def report_file(request: HttpRequest, slug: str, pk: int, year: int, file_pk: int) -> HttpResponse:
    """A revision's PDF exactly as it was written when the revision was published."""
    plan = published.get_public_plan(slug, pk)
    item = get_object_or_404(
        ReportFile.objects.select_related("report"),
        pk=file_pk,
        report__plan=plan,
        report__fiscal_year=year,
    )
    response = HttpResponse(bytes(item.content), content_type="application/pdf")
    filename = f"report-{plan.municipality.code}-{year}-r{item.report.revision}-{item.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-SHA256"] = item.sha256
    response["X-Licence"] = LICENCE
    return response


@cached_page(of_municipality)
def download(request: HttpRequest, slug: str, pk: int, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404
    plan = published.get_public_plan(slug, pk)
    plan_file = write_plan_file(plan, file_format, published_only=True)
    response = HttpResponse(plan_file.content, content_type=plan_file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan_file.filename}"'
    response["X-Licence"] = LICENCE
    return response
