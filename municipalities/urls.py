from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("ping", views.ping, name="ping"),
]
