"""The department staff's entry form for one measure and fiscal year."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from measures.fiscal_years import fiscal_year_label
from measures.models import Evaluation, Indicator, IndicatorValue
from measures.round.services import EntryData
from measures.values import YEN_MULTIPLIERS, Quantity, parse_value

# What the database keeps of an indicator value; a number beyond it would fail to save or be
# rounded, and the office's next export would then not import again.
_VALUE_FIELD = IndicatorValue._meta.get_field("value")
_TEXT_LENGTH = IndicatorValue._meta.get_field("text").max_length
_UNIT_LENGTH = IndicatorValue._meta.get_field("unit").max_length


def _check_quantity(quantity: Quantity) -> None:
    """Raise ValidationError unless the value can be stored exactly as entered."""
    if len(quantity.text) > _TEXT_LENGTH:
        raise ValidationError(
            _("%(max)d文字以内で書いてください（いまは%(length)d文字です）。"),
            params={"max": _TEXT_LENGTH, "length": len(quantity.text)},
        )
    if len(quantity.unit) > _UNIT_LENGTH:
        raise ValidationError(_("単位が長すぎます。"))
    if quantity.value is None:
        return
    whole_digits = _VALUE_FIELD.max_digits - _VALUE_FIELD.decimal_places
    exponent = quantity.value.normalize().as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if abs(quantity.value) >= Decimal(10) ** whole_digits:
        raise ValidationError(
            _("数値が大きすぎます。整数部分は%(digits)d桁までです。"),
            params={"digits": whole_digits},
        )
    if decimals > _VALUE_FIELD.decimal_places:
        raise ValidationError(
            _("小数点以下は%(places)d桁までにしてください。"),
            params={"places": _VALUE_FIELD.decimal_places},
        )


def _reference_values(indicator: Indicator, fiscal_year: int) -> str:
    """現状値 982百万円（H29(当初)） → 目標値 700百万円（令和4年度）, from prefetched values."""
    values = list(indicator.values.all())
    baseline = next((v for v in values if v.kind == IndicatorValue.Kind.BASELINE), None)
    targets = sorted(
        (v for v in values if v.kind == IndicatorValue.Kind.TARGET), key=lambda v: v.fiscal_year
    )
    target = next((v for v in targets if v.fiscal_year == fiscal_year), None) or (
        targets[-1] if targets else None
    )
    parts = []
    if baseline:
        label = f"（{baseline.label}）" if baseline.label else ""
        parts.append(f"現状値 {baseline.display}{label}")
    if target:
        parts.append(f"目標値 {target.display}（{fiscal_year_label(target.fiscal_year)}）")
    return " → ".join(parts)


class EntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    do_text = forms.CharField(
        label=_("取組状況（Do）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("この年度に実施したことと、その成果"),
    )
    check_text = forms.CharField(
        label=_("評価（Check）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("計画に対してどうだったか、課題は何か"),
    )
    proposed_grade = forms.ModelChoiceField(
        label=_("評価案"), queryset=None, required=False, widget=forms.RadioSelect, empty_label=None
    )
    action_text = forms.CharField(
        label=_("見直し・改善（Action）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("次年度に向けて見直すこと"),
    )
    actual_revenue = forms.CharField(
        label=_("効果額 実績 歳入増"),
        required=False,
        help_text=_("円単位、または「1,200千円」のように単位付きで"),
    )
    actual_saving = forms.CharField(
        label=_("効果額 実績 歳出削減"),
        required=False,
        help_text=_("円単位、または「1,200千円」のように単位付きで"),
    )

    # Fields a department may copy from last year's entry of the same measure.
    COPYABLE = ("do_text", "check_text", "action_text")

    def __init__(
        self,
        *args,
        evaluation: Evaluation,
        indicators,
        steps,
        grades,
        proxy_departments=None,
        **kwargs,
    ):
        """`proxy_departments`: when the reform office enters on a department's behalf, the
        departments to choose from (a list, in order); None for the department's own staff."""
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        self.indicators = [i for i in indicators if not i.not_settable]
        self.steps = list(steps)
        self.fields["proposed_grade"].queryset = grades
        self.grades = list(grades)
        if not self.grades:
            del self.fields["proposed_grade"]
        for indicator in self.indicators:
            unit = f"（単位: {indicator.unit}）" if indicator.unit else ""
            help_text = (
                _("達成状況を文章で")
                if indicator.direction == Indicator.Direction.MILESTONE
                else _("数値で。単位を付けても構いません") + unit
            )
            reference = _reference_values(indicator, evaluation.fiscal_year)
            if reference:
                help_text = f"{reference}。{help_text}"
            self.fields[f"indicator_{indicator.pk}"] = forms.CharField(
                label=_("%(name)s の実績値") % {"name": indicator.name},
                required=False,
                help_text=help_text,
            )
        for step in self.steps:
            self.fields[f"step_{step.pk}_actual"] = forms.CharField(
                label=_("%(title)s の実績") % {"title": step.title}, required=False
            )
            self.fields[f"step_{step.pk}_progress"] = forms.CharField(
                label=_("%(title)s の取組状況") % {"title": step.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"step_{step.pk}_next"] = forms.CharField(
                label=_("%(title)s の今後の取組・課題") % {"title": step.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.proxy_departments = (
            {d.pk: d for d in proxy_departments} if proxy_departments is not None else None
        )
        if self.proxy_departments is not None:
            self.fields["entered_for"] = forms.TypedChoiceField(
                label=_("代わりに入力する部署"),
                choices=[(pk, d.name) for pk, d in self.proxy_departments.items()],
                coerce=int,
                help_text=_("行政改革担当が、この部署に代わって入力します"),
            )
        # The order the page shows them in, which the error summary follows.
        self.order_fields(
            ["version", "entered_for", "do_text"]
            + [f"indicator_{i.pk}" for i in self.indicators]
            + [f"step_{s.pk}_{part}" for s in self.steps for part in ("actual", "progress", "next")]
            + ["actual_revenue", "actual_saving", "check_text", "proposed_grade", "action_text"]
        )

    _STEP_PARTS = {"actual": "actual", "progress": "progress", "next": "next_steps"}

    def last_year_text(self, name: str, last_year) -> str | None:
        """Last year's text of a field that can be copied (Do, Check, Action, a step's
        texts), or None for any other name."""
        if name in self.COPYABLE:
            return getattr(last_year.evaluation, name)
        for step in self.steps:
            for part, attribute in self._STEP_PARTS.items():
                if name == f"step_{step.pk}_{part}":
                    row = last_year.step_by_id.get(step.pk)
                    return getattr(row, attribute) if row else ""
        return None

    def indicator_fields(self):
        return [(i, self[f"indicator_{i.pk}"]) for i in self.indicators]

    def step_fields(self):
        return [
            (
                s,
                self[f"step_{s.pk}_actual"],
                self[f"step_{s.pk}_progress"],
                self[f"step_{s.pk}_next"],
            )
            for s in self.steps
        ]

    def _clean_yen(self, name: str) -> int | None:
        raw = self.cleaned_data.get(name, "").strip()
        if not raw:
            return None
        quantity = parse_value(raw)
        multiplier = YEN_MULTIPLIERS.get(quantity.unit or "円")
        if quantity.value is None or multiplier is None:
            raise forms.ValidationError(
                _(
                    "「%(raw)s」を金額として読めません。1200000 や 1,200千円 のように書いてください。"
                ),
                params={"raw": raw},
            )
        yen = quantity.value * multiplier
        if yen != yen.to_integral_value():
            raise forms.ValidationError(
                _("「%(raw)s」には1円未満の端数があります。円単位で書いてください。"),
                params={"raw": raw},
            )
        low, high = connection.ops.integer_field_range("BigIntegerField")
        if not low <= yen <= high:
            raise forms.ValidationError(
                _("「%(raw)s」は大きすぎて金額として扱えません。"), params={"raw": raw}
            )
        return int(yen)

    def clean_entered_for(self):
        return self.proxy_departments[self.cleaned_data["entered_for"]]

    def clean_actual_revenue(self):
        return self._clean_yen("actual_revenue")

    def clean_actual_saving(self):
        return self._clean_yen("actual_saving")

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            name = f"indicator_{indicator.pk}"
            raw = cleaned.get(name, "")
            quantity = parse_value(raw)
            if (
                raw
                and indicator.direction != Indicator.Direction.MILESTONE
                and quantity.value is None
            ):
                self.add_error(
                    name,
                    _(
                        "「%(raw)s」を数値として読めません。数値で書いてください（例: 835%(unit)s）。"
                    )
                    % {"raw": raw, "unit": indicator.unit},
                )
            else:
                try:
                    _check_quantity(quantity)
                except ValidationError as error:
                    self.add_error(name, error)
            cleaned[name] = quantity
        return cleaned

    def check_complete(self) -> bool:
        """For submission: add an error to each field a complete entry needs (after
        is_valid(), also when it found other errors, so that all are named at once)."""
        required = [
            ("do_text", _("取組状況（Do）を書いてください。")),
            ("check_text", _("評価（Check）を書いてください。")),
        ]
        if self.grades:
            required.append(("proposed_grade", _("評価案を選んでください。")))
        for name, message in required:
            if name not in self.errors and not self.cleaned_data.get(name):
                self.add_error(name, message)
        for indicator in self.indicators:
            name = f"indicator_{indicator.pk}"
            quantity = self.cleaned_data.get(name)
            if name not in self.errors and (quantity is None or quantity.is_empty):
                self.add_error(
                    name,
                    _("実績値を入力してください（未確定なら「未確定」と書けます）。")
                    if indicator.direction == Indicator.Direction.MILESTONE
                    else _("実績値を入力してください。"),
                )
        return not self.errors

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            do_text=data["do_text"].strip(),
            check_text=data["check_text"].strip(),
            action_text=data["action_text"].strip(),
            proposed_grade=data.get("proposed_grade"),
            indicator_actuals={i.pk: data[f"indicator_{i.pk}"] for i in self.indicators},
            step_actuals={
                s.pk: (data[f"step_{s.pk}_actual"].strip(), data[f"step_{s.pk}_progress"].strip())
                for s in self.steps
            },
            step_next={s.pk: data[f"step_{s.pk}_next"].strip() for s in self.steps},
            actual_revenue=data.get("actual_revenue"),
            actual_saving=data.get("actual_saving"),
        )
