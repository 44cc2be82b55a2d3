"""What an import reports: each problem with its place, and what it created, changed
and left alone."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.db import models
from django.utils.translation import get_language

from measures.models import (
    Plan,
)
from measures.plan_files.limits import ProblemList, ProblemReport
from measures.plan_files.workbook.template import SHEETS

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
    "recorded_fiscal_year": "記録した年度",
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


_SHEET_ROW = re.compile(r"^シート「(?P<sheet>[^」]+)」(?P<row>\d+)行目")


def in_file_order(issues: Iterable[ImportIssue]) -> list[ImportIssue]:
    """Problems of a spreadsheet in the order of its sheets and rows, so that a clerk can
    work down the file once; problems without a sheet (a JSON document's) come first, as
    found."""
    order = {sheet.name: index for index, sheet in enumerate(SHEETS)}

    def key(numbered: tuple[int, ImportIssue]) -> tuple:
        index, issue = numbered
        match = _SHEET_ROW.match(issue.location)
        if match is None:
            return (0, 0, 0, index)
        return (1, order.get(match["sheet"], len(order)), int(match["row"]), index)

    return [issue for _index, issue in sorted(enumerate(issues), key=key)]


# What the importer calls a field, as each sheet heads its column.
SHEET_COLUMNS = {
    ("担当課", "担当課"): "部署",
    ("部署", "部署"): "名称",
    ("取組", "体系"): "第1階層の番号",
    ("取組", "名称"): "名称",
    ("指標の値", "数値"): "目標値",
    ("主要目標", "目標値（数値）"): "目標",
    ("主要目標", "目標値（記載どおり）"): "目標",
    ("主要目標の実績", "実績（数値）"): "実績",
    ("主要目標の実績", "実績（記載どおり）"): "実績",
}


def column_of(location: str, field_name: str) -> str:
    """The field as the sheet of `location` heads its column (a problem in the 部署 column of
    the 担当課 sheet is named 部署, not 担当課)."""
    match = _SHEET_ROW.match(location)
    if match is None:
        return field_name
    return SHEET_COLUMNS.get((match["sheet"], field_name), field_name)


class PlanImportError(ProblemReport):
    """Problems of a plan document: the first IMPORT_MAX_PROBLEMS, and how many more."""

    def __init__(self, issues: Iterable[ImportIssue], omitted: int = 0):
        if isinstance(issues, ProblemList):
            issues, omitted = list(issues), issues.omitted
        super().__init__(list(issues), omitted)

    @property
    def issues(self) -> list[ImportIssue]:
        return self.problems


MAX_CHANGES_LISTED = 1000


@dataclass(frozen=True)
class RowChange:
    location: str
    kind: str  # the model's name: 取組, 指標の値 …
    outcome: str  # created | updated
    fields: list[tuple[str, str, str]]  # (field, old, new) of an update

    @property
    def outcome_label(self) -> str:
        return "新規" if self.outcome == "created" else "変更"


@cache
def _name(model: type[models.Model], language: str | None) -> str:
    """The model's name in the language, translated once rather than once per row."""
    return str(model._meta.verbose_name)


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
    # The rows that will be created or changed, with each changed field's old and new value
    # (the first MAX_CHANGES_LISTED; the counts above cover all).
    changes: list["RowChange"] = field(default_factory=list)
    changes_omitted: int = 0

    def note(self, location: str, model, outcome: str, fields: list[tuple[str, str, str]]):
        if len(self.changes) < MAX_CHANGES_LISTED:
            self.changes.append(RowChange(location, _name(model, get_language()), outcome, fields))
        else:
            self.changes_omitted += 1

    def changes_by_sheet(self) -> list[tuple[str, list["RowChange"]]]:
        """The changes grouped by the sheet they come from (or the part of a JSON document),
        in file order."""
        groups: dict[str, list[RowChange]] = {}
        for change in self.changes:
            match = _SHEET_ROW.match(change.location)
            groups.setdefault(match["sheet"] if match else change.kind, []).append(change)
        order = {sheet.name: index for index, sheet in enumerate(SHEETS)}
        return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))

    def count(self, outcome: str, model: type[models.Model]) -> None:
        getattr(self, outcome)[_name(model, get_language())] += 1

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
