"""Search and filters over a public plan's measures (django-filter)."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from measures.models import Evaluation, Measure, Pillar
from municipalities.models import Department


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("キーワード"), method="search")
    pillar = django_filters.ModelChoiceFilter(
        label=_("体系（柱）"), queryset=Pillar.objects.none(), method="in_pillar"
    )
    department = django_filters.ModelChoiceFilter(
        label=_("担当課"), queryset=Department.objects.none(), method="with_department"
    )
    year = django_filters.ChoiceFilter(
        label=_("年度"), method="noop", empty_label=_("最新の公表年度")
    )
    grade = django_filters.ChoiceFilter(
        label=_("評価"), method="with_grade", empty_label=_("すべて")
    )
    status = django_filters.ChoiceFilter(
        label=_("実施状況"), method="with_status", empty_label=_("すべて")
    )
    continuity = django_filters.ChoiceFilter(
        label=_("新規・継続"), choices=Measure.Continuity.choices, empty_label=_("すべて")
    )
    citywide = django_filters.BooleanFilter(
        field_name="is_citywide",
        label=_("市全体での取組み（◎）"),
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Measure
        fields = ["q", "pillar", "department", "year", "grade", "status", "continuity", "citywide"]

    def __init__(self, *args, plan, years: list[int], year_labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.years = years
        self.filters["pillar"].queryset = Pillar.objects.filter(plan=plan).order_by("order", "pk")
        self.filters["department"].queryset = (
            Department.objects.filter(measure_links__measure__plan=plan).distinct().order_by("name")
        )
        self.filters["year"].extra["choices"] = [(y, year_labels[y]) for y in reversed(years)]
        grades = [(g.code, g.code) for g in plan.grades.all()]
        statuses = [(s.label, s.label) for s in plan.statuses.all()]
        used = Measure.objects.filter(plan=plan).aggregate(
            continuity=Count("pk", filter=~Q(continuity="")),
            citywide=Count("pk", filter=Q(is_citywide=True)),
        )
        # Only what the plan uses: no grade filter for a plan without grades, and so on.
        offered = {
            "grade": grades,
            "status": statuses,
            "continuity": used["continuity"],
            "citywide": used["citywide"],
        }
        for name, choices in offered.items():
            if not choices:
                del self.filters[name]
        if grades:
            self.filters["grade"].extra["choices"] = grades
        if statuses:
            self.filters["status"].extra["choices"] = statuses

    @property
    def selected_year(self) -> int | None:
        try:
            year = int(self.data.get("year") or 0)
        except ValueError:
            year = 0
        return year if year in self.years else (self.years[-1] if self.years else None)

    def _published(self):
        return Evaluation.objects.filter(
            measure__plan=self.plan, review_status=Evaluation.ReviewStatus.PUBLISHED
        )

    def noop(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            texts = self._published().filter(
                Q(plan_text__icontains=word)
                | Q(do_text__icontains=word)
                | Q(check_text__icontains=word)
                | Q(action_text__icontains=word)
            )
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(content__icontains=word)
                | Q(pk__in=texts.values("measure_id"))
            )
        return queryset

    def in_pillar(self, queryset, name, pillar):
        return queryset.filter(
            Q(pillar=pillar) | Q(pillar__parent=pillar) | Q(pillar__parent__parent=pillar)
        )

    def with_department(self, queryset, name, department):
        return queryset.filter(department_links__department=department).distinct()

    def with_grade(self, queryset, name, code):
        graded = self._published().filter(fiscal_year=self.selected_year, final_grade__code=code)
        return queryset.filter(pk__in=graded.values("measure_id"))

    def with_status(self, queryset, name, label):
        rows = self._published().filter(fiscal_year=self.selected_year, status__label=label)
        return queryset.filter(pk__in=rows.values("measure_id"))
