from django.urls import path

from public import api
from reform import converters  # noqa: F401 (registers <id:…>)

urlpatterns = [
    path("municipalities/", api.municipalities, name="municipalities"),
    path("municipalities/<str:code>/", api.municipality, name="municipality"),
    path("plans/<id:pk>/", api.plan, name="plan"),
    path("plans/<id:pk>/measures/", api.measures, name="measures"),
]
