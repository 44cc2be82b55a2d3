"""Small builders for plan data in tests."""

from measures.models import (
    Evaluation,
    Grade,
    ImplementationStatus,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    Pillar,
    Plan,
)

GRADES_001 = [
    ("A", "達成状況が100%以上", "1.00"),
    ("B", "達成状況が75%以上100%未満", "0.75"),
    ("C", "達成状況が50%以上75%未満", "0.50"),
    ("D", "達成状況が50%未満", None),
]


def make_plan(municipality, name="行政改革実施計画", first=2020, last=2024, **fields) -> Plan:
    return Plan.objects.create(
        municipality=municipality,
        name=name,
        first_fiscal_year=first,
        last_fiscal_year=last,
        **fields,
    )


def make_grades(plan, scheme=GRADES_001) -> dict[str, Grade]:
    return {
        code: Grade.objects.create(plan=plan, order=order, code=code, label=label, min_ratio=ratio)
        for order, (code, label, ratio) in enumerate(scheme)
    }


def make_status(plan, label="実施", order=0) -> ImplementationStatus:
    return ImplementationStatus.objects.create(plan=plan, label=label, order=order)


def make_pillar(plan, code="Ⅰ", title="経営資源の適正配分", parent=None, order=0) -> Pillar:
    return Pillar.objects.create(plan=plan, code=code, title=title, parent=parent, order=order)


def make_measure(plan, code="1", title="行政評価の見直し", *, pillar=None, lead=None, **fields):
    measure = Measure.objects.create(plan=plan, code=code, title=title, pillar=pillar, **fields)
    if lead is not None:
        MeasureDepartment.objects.create(measure=measure, department=lead)
    return measure


def make_indicator(measure, name="未収債権額", unit="百万円", **fields) -> Indicator:
    return Indicator.objects.create(measure=measure, name=name, unit=unit, **fields)


def make_value(indicator, kind, fiscal_year, value, unit="", text="") -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, kind=kind, fiscal_year=fiscal_year, value=value, unit=unit, text=text
    )


def make_evaluation(measure, fiscal_year=2020, **fields) -> Evaluation:
    return Evaluation.objects.create(measure=measure, fiscal_year=fiscal_year, **fields)
