"""What keeps one import bounded whatever the file holds: a problem list that keeps the first
IMPORT_MAX_PROBLEMS problems and counts the rest, and the deadline of an import run inside a
web request.

The sizes a file may have (IMPORT_MAX_BYTES, IMPORT_MAX_UNPACKED_BYTES, IMPORT_MAX_ROWS,
IMPORT_MAX_CELLS) are checked where the file is read: measures/plan_files/workbook/files.py while it streams
the sheets, measures/plan_files/shape.py while it walks a document.
"""

import time
from collections.abc import Iterator
from typing import Generic, TypeVar

from django.conf import settings

# Excel's own limit for one cell; longer text cannot have come from a spreadsheet.
MAX_CELL_CHARACTERS = 32_767

Problem = TypeVar("Problem")


# A problem quotes what the file held; a cell may hold 32,767 characters.
MAX_PROBLEM_CHARACTERS = 300


def more_problems_line(omitted: int) -> str:
    return f"ほか {omitted:,} 件の問題があります。"


def clipped(text: str) -> str:
    """A problem's text, cut short enough that a list of them stays readable and small."""
    if len(text) <= MAX_PROBLEM_CHARACTERS:
        return text
    return text[: MAX_PROBLEM_CHARACTERS - 1] + "…"


class ProblemList(Generic[Problem]):
    """Problems in the order found: the first `limit` (IMPORT_MAX_PROBLEMS) are kept, the
    rest only counted, so that a file with a problem in each of a million rows costs no
    more memory, and prints no more lines, than one with a few hundred."""

    def __init__(self, limit: int | None = None):
        self.limit = settings.IMPORT_MAX_PROBLEMS if limit is None else limit
        self.kept: list[Problem] = []
        self.omitted = 0

    def append(self, problem: Problem) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.kept) or self.omitted > 0

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.kept)

    def __len__(self) -> int:
        return len(self.kept)

    @property
    def total(self) -> int:
        return len(self.kept) + self.omitted


class ProblemReport(Exception):
    """An error that lists problems: the kept ones as lines, then how many more there were."""

    def __init__(self, problems: list, omitted: int = 0):
        self.problems = list(problems)
        self.omitted = omitted
        super().__init__("\n".join(self.lines()))

    @property
    def total(self) -> int:
        return len(self.problems) + self.omitted

    def lines(self) -> list[str]:
        lines = [str(problem) for problem in self.problems]
        if self.omitted:
            lines.append(more_problems_line(self.omitted))
        return lines


class OutOfTime(Exception):
    """Raised where an import notices that its deadline has passed."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(
            f"この画面では{seconds}秒以内に終わらないため、中止しました（何も書き込んでいません）。"
            "大きなファイルは、サーバーで manage.py import_plan を使って取り込んでください。"
        )


class Deadline:
    """The moment an import run inside a web request must give up, so that it answers with
    a message before the server's worker timeout (gunicorn.conf.py) kills it."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self.at:
            raise OutOfTime(self.seconds)


def admin_deadline() -> Deadline:
    return Deadline(settings.IMPORT_ADMIN_SECONDS)
