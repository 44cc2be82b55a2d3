"""Includes of the external review in the citizens' pages (a measure, a pillar, a plan)."""

from django import template

from reviews import public_view

register = template.Library()


@register.inclusion_tag("reviews/_committee_view.html")
def committee_view_of_measure(plan, measure):
    views = public_view.unit_views(plan, public_view.measure_about(measure))
    return {"plan": plan, "views": views}


@register.inclusion_tag("reviews/_committee_view.html")
def committee_view_of_pillar(plan, pillar):
    views = public_view.unit_views(plan, public_view.pillar_about(pillar))
    return {"plan": plan, "views": views}


@register.inclusion_tag("reviews/_plan_links.html")
def review_year_links(plan):
    return {"plan": plan, "years": public_view.public_round_years(plan)}
