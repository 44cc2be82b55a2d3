from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from municipalities.forms import AdminLoginForm, LoginForm
from municipalities.views import LimitedPasswordResetView

admin.site.login_form = AdminLoginForm
admin.site.site_header = "行政改革推進システム"
admin.site.site_title = "行政改革推進システム"
admin.site.index_title = "管理メニュー"
# The change lists (review queue, measures) need the width more than the app list.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path(
        "accounts/password_reset/",
        LimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/", include("measures.round.urls")),
    path("committee/", include("reviews.urls")),
    path("api/v1/", include(("public.urls_api", "api"))),
    path("", include("municipalities.urls")),
    path("", include("reviews.urls_public")),
    path("", include("public.urls")),
]
