"""Admin classes that keep each reform officer inside their own municipality.

The change list, the change form, autocomplete and every foreign-key choice go through
`scope_queryset`, so an officer can neither see nor pick another municipality's rows, and
an id typed into a URL of another municipality's object gives 404.

Choice lists are evaluated once per request and shared by all rows of an inline, so a
change page's query count does not grow with its inline rows.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from municipalities.scoping import scope_queryset


class _ScopedFormfieldsMixin:
    def _cached_choices(self, request, db_field, formfield):
        if formfield is None or not hasattr(formfield, "queryset"):
            return formfield
        cache = request.__dict__.setdefault("_admin_choice_cache", {})
        key = (db_field.model, db_field.name, type(self).__name__)
        if key not in cache:
            cache[key] = list(formfield.choices)
        formfield.choices = cache[key]
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = self.limit_choices(
                db_field, scope_queryset(queryset, request.user), request
            )
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in getattr(self, "autocomplete_fields", ()) or db_field.name in getattr(
            self, "raw_id_fields", ()
        ):
            return formfield
        return self._cached_choices(request, db_field, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = self.limit_choices(
                db_field, scope_queryset(queryset, request.user), request
            )
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in getattr(self, "autocomplete_fields", ()):
            return formfield
        return self._cached_choices(request, db_field, formfield)

    def limit_choices(self, db_field, queryset, request):
        """Narrow a choice list further (for example to the parent object's plan)."""
        return queryset


class ScopedAdmin(_ScopedFormfieldsMixin, SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def _require_visible(self, request, object_id) -> None:
        # The admin would redirect to its index with a message; answering 404 instead does
        # not tell whether another municipality's object exists.
        if object_id is not None and self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_formsets_with_inlines(self, request, obj=None):
        # Inlines narrow their choices to the object being edited.
        request._admin_parent = obj
        return super().get_formsets_with_inlines(request, obj)


def parent_object(request):
    return getattr(request, "_admin_parent", None)


class _InlineMixin(_ScopedFormfieldsMixin):
    extra = 0

    def get_queryset(self, request):
        # Each inline row shows str(row), which follows its foreign keys: load them at once.
        related = [
            field.name
            for field in self.model._meta.concrete_fields
            if field.many_to_one and field.related_model is not None
        ]
        return super().get_queryset(request).select_related(*related)


class ScopedTabularInline(_InlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(_InlineMixin, admin.StackedInline):
    pass
