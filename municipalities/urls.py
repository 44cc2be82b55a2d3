from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
]
