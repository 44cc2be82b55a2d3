"""Plan files in and out: JSON, xlsx (the import template) and a zip of CSV tables.

Reading picks the format from the file name and returns a plan document for
measures.plan_files.importing; writing turns a plan into bytes with a content type and a file name.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from measures.models import Plan
from measures.plan_files.exporting import plan_document, plan_queryset
from measures.plan_files.limits import Deadline, OutOfTime, ProblemReport
from measures.plan_files.workbook.files import (
    WorkbookError,
    read_csv_zip,
    read_xlsx,
    write_csv_zip,
    write_xlsx,
)
from measures.plan_files.workbook.reading import tables_to_document
from measures.plan_files.workbook.writing import document_to_tables

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json; charset=utf-8",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "zip", "json": "json"}


class PlanFileError(ProblemReport):
    """The file could not be read; the problems name what, in Japanese."""

    def __init__(self, problems: str | list[str], omitted: int = 0):
        super().__init__([problems] if isinstance(problems, str) else problems, omitted)


def read_plan_file(
    filename: str, data: bytes, *, deadline: Deadline | None = None, lenient: bool = False
) -> dict:
    """The plan document in a file, read by the format its name says. Raises PlanFileError.

    With a deadline (the admin's), reading gives up with a message once it passes. With
    `lenient`, cells of a spreadsheet that cannot be read are carried in the document for
    the import to report with its own problems (a file that cannot be read as a whole still
    raises).
    """
    name = filename.lower()
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PlanFileError(
            f"ファイルが大きすぎます（{len(data):,} バイト、上限 {settings.IMPORT_MAX_BYTES:,} バイト）。"
        )
    try:
        if name.endswith(".json"):
            return _read_json(data)
        if name.endswith(".xlsx"):
            return tables_to_document(read_xlsx(data, deadline=deadline), lenient=lenient)
        if name.endswith(".zip"):
            return tables_to_document(read_csv_zip(data, deadline=deadline), lenient=lenient)
    except WorkbookError as error:
        raise PlanFileError(error.problems, error.omitted) from None
    except OutOfTime as error:
        raise PlanFileError(str(error)) from None
    raise PlanFileError(
        "xlsx・zip（CSVをまとめたもの）・json のいずれかのファイルを選んでください。"
    )


# No plan document nests deeper than about ten levels (a pillar's children's children).
_JSON_DEPTH_SHOWN = 100
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]')


def _read_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
        return json.loads(text)
    except RecursionError:
        # The parser recurses once per level; Python stops it well before the stack runs out.
        raise PlanFileError(
            f"JSONの入れ子が深すぎます（{_too_deep_at(text)}で{_JSON_DEPTH_SHOWN}段を超えています）。"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        # ValueError also covers integers too long for Python to read (over 4,300 digits).
        raise PlanFileError(f"JSONとして読めません（{error}）。") from None


def _too_deep_at(text: str) -> str:
    """The line and column where the nesting first passes _JSON_DEPTH_SHOWN levels."""
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        if token[0] in "[{":
            depth += 1
            if depth > _JSON_DEPTH_SHOWN:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - (text.rfind("\n", 0, token.start()) + 1) + 1
                return f"{line}行目{column}文字目"
        elif token[0] in "]}":
            depth -= 1
    return "ファイルのどこか"


@dataclass(frozen=True)
class PlanFile:
    content: bytes
    content_type: str
    filename: str


def write_plan_file(plan: Plan, file_format: str, *, published_only: bool = False) -> PlanFile:
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    plan = plan_queryset().get(pk=plan.pk)
    document = plan_document(plan, published_only=published_only)
    if file_format == "json":
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    elif file_format == "xlsx":
        content = write_xlsx(document_to_tables(document))
    else:
        content = write_csv_zip(document_to_tables(document))
    filename = f"{plan.municipality.code}-plan-{plan.pk}.{EXTENSIONS[file_format]}"
    return PlanFile(content, CONTENT_TYPES[file_format], filename)
