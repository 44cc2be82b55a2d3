from django.urls import path

from reform import converters  # noqa: F401 (registers <id:…>)
from reviews import views_public

app_name = "reviews_public"

urlpatterns = [
    path("m/<slug:slug>/plans/<id:pk>/reviews/<int:year>/", views_public.review_year, name="year"),
]
