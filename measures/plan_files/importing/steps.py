"""A measure's schedule rows and their years (sheet 年次計画)."""

import re

from measures.models import (
    Step,
    StepYear,
)


class StepPart:
    """Reads the schedule rows of a measure and their years."""

    def read_steps(self, measure, steps: list, location: str) -> list[tuple]:
        existing = self.existing.children("steps", measure)
        read = []
        for order, data in enumerate(steps):
            step_location = self.where(data, f"{location} の年次計画 {order + 1}行目")
            step = self.sync(
                Step,
                step_location,
                {"measure": measure, "order": order},
                {"title": self.text(data, "title")},
                existing.get(order),
            )
            if step is not None:
                read.append((step, data, step_location))
        self.delete_stale(existing, range(len(steps)))
        return read

    def read_step_years(self, step: Step, data: dict, step_location: str) -> None:
        names = data.get("department") or data.get("departments") or []
        if isinstance(names, str):
            names = [name for name in re.split(r"[、,]", names) if name.strip()]
        departments = [self.department(name, step_location, "担当課") for name in names]
        self.set_many(
            step,
            "departments",
            [d for d in departments if d is not None],
            self.existing.step_departments.get(step.pk, set()),
        )
        years = self.existing.children("step_years", step)
        kept = set()
        for year in data.get("years") or []:
            fiscal_year = self.fiscal_year(year, step_location)
            if fiscal_year is None:
                continue
            kept.add(fiscal_year)
            self.sync(
                StepYear,
                self.where(year, f"{step_location} {fiscal_year}年度"),
                {"step": step, "fiscal_year": fiscal_year},
                {
                    "planned": self.text(year, "planned"),
                    "actual": self.text(year, "actual"),
                    "progress": self.text(year, "progress"),
                    "next_steps": self.text(year, "next"),
                },
                years.get(fiscal_year),
            )
        self.delete_stale(years, kept)
