"""Admin classes that keep each reform officer inside their own municipality.

The change list, its list filters, the change form, autocomplete and every foreign-key
choice go through `scope_queryset`, so an officer can neither see nor pick another
municipality's rows, and an id typed into a URL of another municipality's object gives 404.
A list filter on a related field offers only the rows the user may see, and a filter by
municipality is left out for everyone but superusers (an officer has only one).

Choice lists are evaluated once per request and shared by all rows of an inline, so a
change page's query count does not grow with its inline rows.

History pages follow the model: django-simple-history's recorded versions for the models it
tracks, Django's own change log for the others. Recorded versions are shown, never restored
from the admin: a restore would write an old review status or change a published entry past
the review actions and the lock on published years.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

from municipalities.history_display import PlainHistoryHelper
from municipalities.models import Municipality
from municipalities.scoping import is_scoped, scope_queryset


def keeps_history(model: type[models.Model]) -> bool:
    """Whether django-simple-history records the model's versions."""
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return False
    return True


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


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The admin's related-field filter, offering only the rows the user may see: for a
    model that belongs to a municipality, that municipality's; for any other (users, for
    example), those the user's own rows refer to."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        related = field.related_model
        if is_scoped(related):
            allowed = scope_queryset(related._default_manager.all(), request.user)
        else:
            referred = model_admin.get_queryset(request).values(f"{self.field_path}__pk")
            allowed = related._default_manager.filter(pk__in=referred)
        limit = models.Q(pk__in=allowed.values("pk"))
        own_limit = field.get_limit_choices_to() if hasattr(field, "get_limit_choices_to") else None
        if own_limit:
            limit &= own_limit if isinstance(own_limit, models.Q) else models.Q(**own_limit)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


def _filter_target(model: type[models.Model], entry) -> type[models.Model] | None:
    """The related model a list_filter entry filters by, if it names a related field."""
    path = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else None
    if path is None:
        return None
    field = get_fields_from_path(model, path)[-1]
    return field.related_model if field.is_relation else None


class ScopedAdmin(_ScopedFormfieldsMixin, SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.keeps_history = keeps_history(model)
        if not self.keeps_history:
            # Django's own history page (the change log) instead of the recorded versions.
            self.object_history_template = None

    def get_urls(self):
        if not self.keeps_history:
            # No page of recorded versions for a model that records none.
            return admin.ModelAdmin.get_urls(self)
        return super().get_urls()

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        """The declared filters with every related-field filter scoped to the user; the
        municipality filters only for superusers."""
        scoped = []
        for entry in super().get_list_filter(request):
            target = _filter_target(self.model, entry)
            if target is None:
                scoped.append(entry)
            elif target is Municipality and not request.user.is_superuser:
                continue
            elif isinstance(entry, str):
                scoped.append((entry, ScopedRelatedFieldListFilter))
            elif entry[1] is admin.RelatedFieldListFilter:
                scoped.append((entry[0], ScopedRelatedFieldListFilter))
            else:
                scoped.append(entry)
        return scoped

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
        if not self.keeps_history:
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method == "POST":
            # django-simple-history saves a posted version with view permission only.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        # Changes by field label, choice label and name, not by column and stored value.
        return PlainHistoryHelper(self.model, historical_record)

    def revert_disabled(self, request, obj=None) -> bool:
        # Versions are shown, never restored (see the module docstring): no Revert button.
        return True

    def get_formsets_with_inlines(self, request, obj=None):
        # Inlines narrow their choices to the object being edited.
        request._admin_parent = obj
        return super().get_formsets_with_inlines(request, obj)


class OfferedValuesFilter(admin.SimpleListFilter):
    """A list filter that accepts only the values it offers.

    A hand-edited address (?department=abc) would otherwise reach the filter's query and
    fail there as a server error; a value the filter does not offer is answered like any
    invalid lookup, with the admin's redirect to the unfiltered list (?e=1).
    """

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = self.value()
        if value not in (None, "") and value not in {str(key) for key, _ in self.lookup_choices}:
            raise IncorrectLookupParameters(f"{self.parameter_name}={value!r} is not offered")


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
