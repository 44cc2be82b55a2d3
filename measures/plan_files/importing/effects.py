"""A measure's effect amounts (sheet 効果額)."""

from measures.models import Basis, EffectAmount


class EffectPart:
    """Reads a measure's effect amounts."""

    def read_effects(self, measure, effects: list, location: str) -> None:
        existing = self.existing.children("effects", measure)
        kept = set()
        words = {label: value for value, label in Basis.choices}
        for data in effects:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の効果額"))
            if fiscal_year is None:
                continue
            where = self.where(data, f"{location} の{fiscal_year}年度の効果額")
            basis = self.text(data, "basis") or Basis.SINGLE_YEAR
            basis = words.get(basis, basis)
            if basis not in Basis.values:
                self.problem(
                    where,
                    "効果額の基準",
                    f"「{basis}」は {'・'.join(words)} のいずれかにしてください。",
                )
                continue
            kept.add((fiscal_year, basis))
            self.sync(
                EffectAmount,
                where,
                {"measure": measure, "fiscal_year": fiscal_year, "basis": basis},
                {
                    "planned_revenue": self.yen(data, "planned_revenue", where),
                    "planned_saving": self.yen(data, "planned_saving", where),
                    "actual_revenue": self.yen(data, "actual_revenue", where),
                    "actual_saving": self.yen(data, "actual_saving", where),
                    "note": self.text(data, "note"),
                },
                existing.get((fiscal_year, basis)),
            )
        self.delete_stale(existing, kept)
