"""Search and filters over a public plan's measures (django-filter).

The filter set builds and checks the form; its choices come from the plan's search index
(public/search_index.py), and `matching` answers it from the index, without a query.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from measures.models import Measure
from public.search_index import Entry, PlanIndex
from public.widgets import QuickBooleanSelect, QuickSelect


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("キーワード"))
    pillar = django_filters.ChoiceFilter(label=_("体系（柱）"), widget=QuickSelect)
    department = django_filters.ChoiceFilter(label=_("担当課"), widget=QuickSelect)
    year = django_filters.ChoiceFilter(
        label=_("年度"), empty_label=_("最新の公表年度"), widget=QuickSelect
    )
    grade = django_filters.ChoiceFilter(
        label=_("評価"), empty_label=_("すべて"), widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("実施状況"), empty_label=_("すべて"), widget=QuickSelect
    )
    continuity = django_filters.ChoiceFilter(
        label=_("新規・継続"),
        choices=Measure.Continuity.choices,
        empty_label=_("すべて"),
        widget=QuickSelect,
    )
    citywide = django_filters.BooleanFilter(
        label=_("市全体での取組み（◎）"), widget=QuickBooleanSelect
    )

    class Meta:
        model = Measure
        fields = ["q", "pillar", "department", "year", "grade", "status", "continuity", "citywide"]

    def __init__(self, *args, index: PlanIndex, years: list[int], year_labels: dict, **kwargs):
        super().__init__(*args, queryset=Measure.objects.none(), **kwargs)
        self.index = index
        self.years = years
        self.filters["pillar"].extra["choices"] = [(str(pk), label) for pk, label in index.pillars]
        self.filters["department"].extra["choices"] = [
            (str(pk), name) for pk, name in index.departments
        ]
        self.filters["year"].extra["choices"] = [(y, year_labels[y]) for y in reversed(years)]
        # Only what the plan uses: no grade filter for a plan without grades, and so on.
        offered = {
            "grade": index.grades,
            "status": index.statuses,
            "continuity": index.uses_continuity,
            "citywide": index.uses_citywide,
        }
        for name, used in offered.items():
            if not used:
                del self.filters[name]
        if index.grades:
            self.filters["grade"].extra["choices"] = [(code, code) for code in index.grades]
        if index.statuses:
            self.filters["status"].extra["choices"] = [(label, label) for label in index.statuses]

    @property
    def selected_year(self) -> int | None:
        try:
            year = int(self.data.get("year") or 0)
        except ValueError:
            year = 0
        return year if year in self.years else (self.years[-1] if self.years else None)

    def matching(self) -> list[Entry]:
        """The measures every valid condition holds for, in the plan's order; a value the
        form refuses (and shows as an error) filters nothing."""
        entries = list(self.index.entries)
        if not self.is_bound:
            return entries
        self.form.is_valid()  # refused values stay out of cleaned_data, shown as errors
        conditions = self.form.cleaned_data
        year = self.selected_year
        words = (conditions.get("q") or "").upper().split()
        if words:
            entries = [e for e in entries if all(word in e.text for word in words)]
        if pillar := conditions.get("pillar"):
            entries = [e for e in entries if int(pillar) in e.pillars]
        if department := conditions.get("department"):
            entries = [e for e in entries if int(department) in e.departments]
        if grade := conditions.get("grade"):
            entries = [e for e in entries if e.results.get(year, ("", ""))[0] == grade]
        if status := conditions.get("status"):
            entries = [e for e in entries if e.results.get(year, ("", ""))[1] == status]
        if continuity := conditions.get("continuity"):
            entries = [e for e in entries if e.continuity == continuity]
        if (citywide := conditions.get("citywide")) is not None:
            entries = [e for e in entries if e.is_citywide == citywide]
        return entries
