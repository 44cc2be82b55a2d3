from django.urls import path

from measures.round import views

app_name = "measures"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("entries/<int:pk>/", views.entry_form, name="entry"),
    path("entries/<int:pk>/history/", views.entry_history, name="entry_history"),
]
