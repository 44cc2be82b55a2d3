from django.urls import path

from public import api

urlpatterns = [
    path("municipalities/", api.municipalities, name="municipalities"),
    path("municipalities/<str:code>/", api.municipality, name="municipality"),
    path("plans/<int:pk>/", api.plan, name="plan"),
    path("plans/<int:pk>/measures/", api.measures, name="measures"),
]
