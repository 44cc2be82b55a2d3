"""The comparison pages' GET parameters. A value that is not one of the choices is left out
(the page shows what it would without it, and says which was ignored), never an error."""

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import PREFECTURES
from municipalities.population import SIZE_CLASS_BY_KEY, SIZE_CLASSES
from public.widgets import QuickSelect

SORTS = {
    "code": (_("地方公共団体コード順"), ("municipality__code", "pk")),
    "population-desc": (
        _("人口の多い順"),
        (F("municipality__population").desc(nulls_last=True), "municipality__code", "pk"),
    ),
    "population-asc": (
        _("人口の少ない順"),
        (F("municipality__population").asc(nulls_last=True), "municipality__code", "pk"),
    ),
    "kana": (_("よみがな順"), ("municipality__kana", "municipality__code", "pk")),
}


def prefecture_code(name: str) -> str:
    return f"{PREFECTURES.index(name) + 1:02d}"


class CompareForm(forms.Form):
    pref = forms.ChoiceField(label=_("都道府県"), required=False, widget=QuickSelect)
    size = forms.ChoiceField(
        label=_("人口規模"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("すべて"))] + [(size.key, size.label) for size in SIZE_CLASSES],
    )
    sort = forms.ChoiceField(
        label=_("並び順"),
        required=False,
        widget=QuickSelect,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
    )

    def __init__(self, data, *, prefectures: list[str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["pref"].choices = [("", _("すべて"))] + [
            (prefecture_code(name), name) for name in sorted(prefectures, key=PREFECTURES.index)
        ]

    @property
    def ignored(self) -> list[str]:
        """The labels of the parameters whose values were not understood."""
        return [str(self.fields[name].label) for name in self.errors]

    def value(self, name: str):
        self.is_valid()  # cleans once; a field whose value is not understood is left out
        return self.cleaned_data.get(name) or None

    def municipality_q(self, prefix: str) -> Q:
        """The chosen prefecture and population class, as a filter on the municipality the
        lookup `prefix` leads to (`municipality__`, `plan__municipality__`)."""
        condition = Q()
        if pref := self.value("pref"):
            condition &= Q(**{f"{prefix}prefecture": PREFECTURES[int(pref) - 1]})
        if size := self.value("size"):
            condition &= SIZE_CLASS_BY_KEY[size].q(f"{prefix}population")
        return condition

    def filter_plans(self, plans):
        """Plans of the chosen prefecture and population class, in the chosen order."""
        return plans.filter(self.municipality_q("municipality__")).order_by(
            *SORTS[self.value("sort") or "code"][1]
        )


class EffectForm(CompareForm):
    basis = forms.ChoiceField(
        label=_("効果額の基準"),
        required=False,
        widget=QuickSelect,
        choices=[("single_year", _("単年度")), ("cumulative", _("累計"))],
    )
    year = forms.IntegerField(
        label=_("年度（西暦）"), required=False, min_value=1989, max_value=2100
    )


# Each word is a scan of every measure the first time it is asked; a title gives at most 8.
MAX_SEARCH_WORDS = 10


class MeasureSearchForm(CompareForm):
    q = forms.CharField(label=_("取組の名称・目標の語"), required=False, max_length=200)
    match = forms.ChoiceField(
        label=_("語の扱い"),
        required=False,
        widget=QuickSelect,
        choices=[("all", _("すべての語を含む")), ("any", _("いずれかの語を含む（多く含む順）"))],
    )
    field_order = ["q", "match", "pref", "size"]

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["sort"]

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if len(set(query.split())) > MAX_SEARCH_WORDS:
            raise forms.ValidationError(
                _("語は%(count)d個までです。"), params={"count": MAX_SEARCH_WORDS}
            )
        return query

    def words(self) -> list[str]:
        """The words searched for, each once, in the order given."""
        return list(dict.fromkeys((self.value("q") or "").split()))
