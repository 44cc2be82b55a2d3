from django.contrib.auth import views as auth_views
from django.urls import path

from municipalities.forms import LoginForm
from reform import converters  # noqa: F401 (registers <id:…>)
from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.home, name="home"),
    # Members sign in here to land on their own pages rather than the staff pages.
    path(
        "login/",
        auth_views.LoginView.as_view(form_class=LoginForm, next_page="reviews:home"),
        name="login",
    ),
    path("self-evaluations/", views.self_evaluation_list, name="self_evaluation_list"),
    path("rounds/<id:round_pk>/units/<id:unit_pk>/", views.sheet, name="sheet"),
    path(
        "rounds/<id:round_pk>/units/<id:unit_pk>/conclusion/",
        views.conclusion,
        name="conclusion",
    ),
    path("rounds/<id:round_pk>/conclude/", views.conclude, name="conclude"),
    path(
        "rounds/<id:round_pk>/units/<id:unit_pk>/self-evaluation/",
        views.self_evaluation,
        name="self_evaluation",
    ),
]
