"""A measure's indicators and their baseline, targets and actuals (sheets 指標 and
指標の値)."""

from typing import Any

from measures.models import (
    Basis,
    Indicator,
    IndicatorValue,
)
from measures.plan_files.importing.base import value_part
from measures.text_cleaning import clean_text


class IndicatorPart:
    """Reads a measure's indicators and their values."""

    def read_indicators(self, measure, indicators: list, location: str) -> list[tuple]:
        existing = self.existing.children("indicators", measure)
        read = []
        for order, data in enumerate(indicators):
            name = self.text(data, "name")
            indicator_location = self.where(
                data, f"{location} の指標「{name or '指標の設定困難'}」"
            )
            direction = data.get("direction") or Indicator.Direction.INCREASE
            if direction not in Indicator.Direction.values:
                self.problem(
                    indicator_location,
                    "方向",
                    f"{direction!r} は increase・decrease・milestone のいずれかにしてください。",
                )
                continue
            values = {
                "name": name,
                "unit": self.text(data, "unit"),
                "direction": direction,
                "not_settable": bool(data.get("not_settable")),
                "description": self.text(data, "description"),
            }
            if "basis" in data:
                words = {label: value for value, label in Basis.choices}
                basis = self.text(data, "basis") or Basis.SINGLE_YEAR
                values["basis"] = words.get(basis, basis)
                if values["basis"] not in Basis.values:
                    self.problem(
                        indicator_location,
                        "値の基準",
                        f"「{basis}」は {'・'.join(words)} のいずれかにしてください。",
                    )
                    continue
            indicator = self.sync(
                Indicator,
                indicator_location,
                {"measure": measure, "order": order},
                values,
                existing.get(order),
            )
            if indicator is not None:
                read.append((indicator, data, indicator_location))
        self.delete_stale(existing, range(len(indicators)))
        return read

    def read_indicator_values(self, indicator: Indicator, data: dict, location: str) -> None:
        existing = self.existing.children("values", indicator)
        kept = set()

        def put(kind: str, fiscal_year: int | None, raw: Any, label: str, where: str) -> None:
            quantity = self.quantity(raw, where, kind)
            if quantity is None:
                return
            # An indicator has one baseline whatever its year; other values one per year.
            key = (kind, None if kind == IndicatorValue.Kind.BASELINE else fiscal_year)
            kept.add(key)
            lookup = {"indicator": indicator, "kind": kind}
            values = {
                "value": quantity.value,
                "unit": quantity.unit,
                "text": quantity.text,
                "label": label,
                "fiscal_year": fiscal_year,
            }
            if kind != IndicatorValue.Kind.BASELINE:
                lookup["fiscal_year"] = values.pop("fiscal_year")
            self.sync(IndicatorValue, where, lookup, values, existing.get(key))

        baseline = data.get("baseline")
        if isinstance(baseline, dict):
            put(
                IndicatorValue.Kind.BASELINE,
                self.fiscal_year(baseline, location, required=False),
                value_part(baseline),
                clean_text(str(baseline.get("label") or "")),
                location + " の現状値",
            )
        elif baseline is not None:
            put(IndicatorValue.Kind.BASELINE, None, baseline, "", location + " の現状値")
        for year in data.get("years") or []:
            fiscal_year = self.fiscal_year(year, location)
            if fiscal_year is None:
                continue
            for kind, key, word in (
                (IndicatorValue.Kind.TARGET, "target", "目標値"),
                (IndicatorValue.Kind.ACTUAL, "actual", "実績値"),
            ):
                if key in year:
                    put(
                        kind,
                        fiscal_year,
                        year[key],
                        "",
                        self.where(year, f"{location} の{fiscal_year}年度{word}"),
                    )
        self.delete_stale(existing, kept)
