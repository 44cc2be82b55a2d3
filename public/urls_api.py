from django.urls import path

from public import api, openapi
from reform import converters  # noqa: F401 (registers <id:…>)

urlpatterns = [
    path("municipalities/", api.municipalities, name="municipalities"),
    path("municipalities/<str:code>/", api.municipality, name="municipality"),
    path("plans/<id:pk>/", api.plan, name="plan"),
    path("plans/<id:pk>/measures/", api.measures, name="measures"),
    path("openapi.json", openapi.document, name="openapi"),
    # Last: every other address under /api/v1/ is a JSON 404, not the site's HTML page.
    path("<path:rest>", api.not_found, name="not_found"),
]
