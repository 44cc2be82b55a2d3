from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:round_pk>/units/<int:unit_pk>/", views.sheet, name="sheet"),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/conclusion/",
        views.conclusion,
        name="conclusion",
    ),
    path("rounds/<int:round_pk>/conclude/", views.conclude, name="conclude"),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/self-evaluation/",
        views.self_evaluation,
        name="self_evaluation",
    ),
]
