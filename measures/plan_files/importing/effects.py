"""A measure's effect amounts (sheet 効果額)."""

from measures.models import (
    EffectAmount,
)


class EffectPart:
    """A measure's effect amounts (sheet 効果額)."""

    def read_effects(self, measure, effects: list, location: str) -> None:
        existing = self.existing.children("effects", measure)
        kept = set()
        for data in effects:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の効果額"))
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            where = self.where(data, f"{location} の{fiscal_year}年度の効果額")
            self.sync(
                EffectAmount,
                where,
                {"measure": measure, "fiscal_year": fiscal_year},
                {
                    "planned_revenue": self.yen(data, "planned_revenue", where),
                    "planned_saving": self.yen(data, "planned_saving", where),
                    "actual_revenue": self.yen(data, "actual_revenue", where),
                    "actual_saving": self.yen(data, "actual_saving", where),
                    "note": self.text(data, "note"),
                },
                existing.get(fiscal_year),
            )
        self.delete_stale(existing, kept)
