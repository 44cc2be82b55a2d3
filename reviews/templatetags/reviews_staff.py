"""The staff entry form's include of the external review: the opinions still open for the
entry's measure and year, so the department answers them in its Action.

Use in the entry form: {% load reviews_staff %}{% open_opinions evaluation %}
"""

from django import template

from reviews.services import open_opinions_for

register = template.Library()


@register.inclusion_tag("reviews/_open_opinions.html")
def open_opinions(evaluation):
    return {"opinions": open_opinions_for(evaluation.measure, evaluation.fiscal_year)}
