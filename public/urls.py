from django.urls import include, path
from django.views.generic import TemplateView

from public import views
from public.compare import views as compare
from public.open_data import views as open_data
from reform import converters  # noqa: F401 (registers <id:…>)

app_name = "public"

plan_patterns = [
    path("", views.plan, name="plan"),
    path("measures/", views.search, name="search"),
    path("measures/<id:measure_pk>/", views.measure, name="measure"),
    path("pillars/<id:pillar_pk>/", views.pillar, name="pillar"),
    path("reports/<int:year>/", views.report, name="report"),
    path("reports/<int:year>/table.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:year>/files/<id:file_pk>.pdf", views.report_file, name="report_file"),
    path("data.<str:file_format>", views.download, name="download"),
    path("datapackage.zip", open_data.plan_datapackage, name="datapackage"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("api/", TemplateView.as_view(template_name="public/api.html"), name="api_docs"),
    path("data/fields/", open_data.fields, name="data_fields"),
    path(
        "data/reform-plans-japan.zip", open_data.national_datapackage, name="national_datapackage"
    ),
    path("compare/grades/", compare.grades, name="compare_grades"),
    path("compare/effects/", compare.effects, name="compare_effects"),
    path("compare/measures/", compare.measures, name="compare_measures"),
    path("m/<slug:slug>/", views.municipality, name="municipality"),
    path("m/<slug:slug>/plans/<id:pk>/", include(plan_patterns)),
]
