"""A measure's yearly targets (sheet 年度目標)."""

from measures.models import (
    YearlyTarget,
)


class TargetPart:
    """Reads a measure's yearly targets."""

    def read_targets(self, measure, targets: list, location: str) -> None:
        existing = self.existing.children("targets", measure)
        kept = set()
        for data in targets:
            fiscal_year = self.fiscal_year(data, self.where(data, location + " の年度目標"))
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            target_location = self.where(data, f"{location} の{fiscal_year}年度目標")
            status = self.status(data, target_location)
            if status is False:
                continue
            self.sync(
                YearlyTarget,
                target_location,
                {"measure": measure, "fiscal_year": fiscal_year},
                {"status": status, "goal": self.text(data, "goal")},
                existing.get(fiscal_year),
            )
        self.delete_stale(existing, kept)
