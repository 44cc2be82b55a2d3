"""Links into the comparison pages from the pages of one plan."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from public.compare.words import title_words

register = template.Library()


@register.simple_tag
def similar_measures_url(measure) -> str:
    """The search across all public plans for the words of the measure's title, those that
    share the most words first; empty when the title has no word to look for."""
    words = title_words(measure.title)
    if not words:
        return ""
    # Parameters in the order the page cache keeps them, so the link is the cached address.
    return (
        f"{reverse('public:compare_measures')}?{urlencode({'match': 'any', 'q': ' '.join(words)})}"
    )


@register.filter
def per_person(plan_effects, year) -> int | None:
    """A plan's public actual total of the year per inhabitant, in yen."""
    return plan_effects.per_person(year)
