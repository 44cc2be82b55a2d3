"""The admin index's list of rounds, each leading to its dashboard."""

from django import template

from measures.models import Round
from municipalities.scoping import scope_queryset

register = template.Library()


@register.simple_tag
def rounds_for(user) -> list[Round]:
    """The rounds of the officer's municipality still being entered or reviewed."""
    if not (user.has_perm("measures.view_round") or user.has_perm("measures.change_round")):
        return []
    rounds = scope_queryset(Round.objects.exclude(status=Round.Status.PUBLISHED), user)
    return list(rounds.select_related("plan").order_by("deadline", "plan_id")[:20])
