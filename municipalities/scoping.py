"""Which rows a signed-in user may manage.

Every model that belongs to a municipality names the lookup from itself to it in
`municipality_path` ("municipality", "plan__municipality" …). Superusers span all
municipalities; everyone else sees only the municipality of their membership.
"""

from django.db.models import Model, QuerySet


def municipality_id_of(user) -> int | None:
    membership = getattr(user, "membership", None)
    return membership.municipality_id if membership is not None else None


def is_scoped(model: type[Model]) -> bool:
    return hasattr(model, "municipality_path")


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    """The part of queryset the user may see; unchanged for models that belong to no one."""
    if user.is_superuser or not is_scoped(queryset.model):
        return queryset
    municipality_id = municipality_id_of(user)
    if municipality_id is None:
        return queryset.none()
    return queryset.filter(**{queryset.model.municipality_path: municipality_id})


class ScopedQuerySet(QuerySet):
    def for_user(self, user) -> "ScopedQuerySet":
        return scope_queryset(self, user)
