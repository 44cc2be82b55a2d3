from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from municipalities.admin_base import ScopedAdmin
from municipalities.models import Department, Membership, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    list_display = ["code", "name", "kana", "prefecture", "slug", "population"]
    list_filter = ["prefecture"]
    # The census figure from the file the project ships (manage.py load_population).
    readonly_fields = ["population"]
    search_fields = ["code", "name", "kana", "slug"]
    prepopulated_fields = {}
    ordering = ["code"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "municipality", "is_reform_office", "email", "head_email"]
    list_filter = ["is_reform_office", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "kana", "municipality__name"]
    autocomplete_fields = ["municipality"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "municipality", "role", "departments"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("municipality") and cleaned.get("role"):
            probe = Membership(municipality=cleaned["municipality"], role=cleaned["role"])
            try:
                probe.check_departments(list(cleaned.get("departments") or []))
            except ValidationError as error:
                self.add_error("departments", error)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "municipality", "role", "department_names"]
    list_filter = ["role", "municipality"]
    list_select_related = ["user", "municipality"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "departments__name"]
    autocomplete_fields = ["user", "municipality", "departments"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description=_("所属部署"))
    def department_names(self, obj: Membership) -> str:
        return "、".join(department.name for department in obj.departments.all())

    form = MembershipForm
