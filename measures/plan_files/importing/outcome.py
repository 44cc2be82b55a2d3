"""What an import reports: each problem with its place, and what it created, changed
and left alone."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from measures.models import (
    Plan,
)
from measures.plan_files.limits import ProblemList, ProblemReport

# Japanese names of document keys, as the spreadsheet template's column headers use them.
KEY_LABELS = {
    "fiscal_year": "年度",
    "framework_first_fiscal_year": "大綱の開始年度",
    "framework_last_fiscal_year": "大綱の終了年度",
    "first_fiscal_year": "計画の開始年度",
    "last_fiscal_year": "計画の終了年度",
    "revision_date": "改訂日",
    "published_on": "公表日",
    "baseline": "現状値",
    "target": "目標値",
    "actual": "実績値",
    "planned_revenue": "計画 歳入増（円）",
    "planned_saving": "計画 歳出削減（円）",
    "actual_revenue": "実績 歳入増（円）",
    "actual_saving": "実績 歳出削減（円）",
    "level_labels": "階層の名称",
    "plan": "計画",
    "municipality": "自治体",
    "format": "形式",
}


def key_label(key: str) -> str:
    return KEY_LABELS.get(key, key)


@dataclass(frozen=True)
class ImportIssue:
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.location} の「{self.field}」" if self.field else self.location
        return f"{place}: {self.message}"


class PlanImportError(ProblemReport):
    """Problems of a plan document: the first IMPORT_MAX_PROBLEMS, and how many more."""

    def __init__(self, issues: Iterable[ImportIssue], omitted: int = 0):
        if isinstance(issues, ProblemList):
            issues, omitted = list(issues), issues.omitted
        super().__init__(list(issues), omitted)

    @property
    def issues(self) -> list[ImportIssue]:
        return self.problems


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    plan: Plan | None = None
    dry_run: bool = False
    # Read as well as the file allowed, but worth a look (a goal's unit not known, say).
    warnings: list[ImportIssue] = field(default_factory=list)

    def count(self, outcome: str, model: type[models.Model]) -> None:
        getattr(self, outcome)[str(model._meta.verbose_name)] += 1

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())
        )

    def rows(self) -> list[dict]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            {
                "name": name,
                "created": self.created[name],
                "updated": self.updated[name],
                "unchanged": self.unchanged[name],
                "deleted": self.deleted[name],
            }
            for name in names
        ]

    def lines(self) -> list[str]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            f"{name}: 新規 {self.created[name]}・更新 {self.updated[name]}"
            f"・変更なし {self.unchanged[name]}・削除 {self.deleted[name]}"
            for name in names
        ]
