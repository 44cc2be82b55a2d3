from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "行政改革推進システム"
admin.site.site_title = "行政改革推進システム"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/", include("measures.urls")),
    path("", include("municipalities.urls")),
]
