"""Plan files in and out: JSON, xlsx (the import template) and a zip of CSV tables.

Reading picks the format from the file name and returns a plan document for
measures.importing; writing turns a plan into bytes with a content type and a file name.
"""

import json
from dataclasses import dataclass

from django.conf import settings

from measures.exporting import plan_document, plan_queryset
from measures.models import Plan
from measures.workbook import (
    WorkbookError,
    document_to_tables,
    read_csv_zip,
    read_xlsx,
    tables_to_document,
    write_csv_zip,
    write_xlsx,
)

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json; charset=utf-8",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "zip", "json": "json"}


class PlanFileError(Exception):
    """The file could not be read; the message names the problem in Japanese."""


def read_plan_file(filename: str, data: bytes) -> dict:
    name = filename.lower()
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PlanFileError(
            f"ファイルが大きすぎます（{len(data):,} バイト、上限 {settings.IMPORT_MAX_BYTES:,} バイト）。"
        )
    try:
        if name.endswith(".json"):
            try:
                return json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise PlanFileError(f"JSONとして読めません（{error}）。") from None
        if name.endswith(".xlsx"):
            return tables_to_document(read_xlsx(data))
        if name.endswith(".zip"):
            return tables_to_document(read_csv_zip(data))
    except WorkbookError as error:
        raise PlanFileError(str(error)) from None
    raise PlanFileError(
        "xlsx・zip（CSVをまとめたもの）・json のいずれかのファイルを選んでください。"
    )


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
