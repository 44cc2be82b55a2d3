"""Whole-database backups that a restore reproduces exactly.

A backup is a gzip file of JSON lines. The first line says what the file is and records the
applied migrations, the content types and the permissions; then each table follows as one
line naming its columns, one line per row (a JSON array, in primary key order) and one line
with its row count; a last line closes the file, so that a cut-off file is recognised.

Tables are written and read one at a time in batches, so memory stays bounded however large
the database is. A restore writes rows with plain INSERT statements: no model signal runs,
so nothing adds history rows, many-to-many history or new content versions, and every value
(primary keys, datetimes to the microsecond, decimals, JSON) comes back as it was saved.

Content types and permissions are created by `migrate` with ids that differ between
databases, so they are not restored: rows that refer to them (user and group permissions,
the admin log) are pointed at the target database's rows of the same natural key.
"""

import base64
import datetime
import decimal
import json
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import BinaryField, Field, JSONField, Model
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "reform-backup"
VERSION = 1
# Rows per read and per INSERT batch; tables with JSON or binary columns hold whole published
# reports or their PDFs (hundreds of kilobytes each), so they are read in smaller batches, and
# an INSERT batch is also ended when its lines reach BATCH_BYTES.
BATCH_SIZE = 1000
JSON_BATCH_SIZE = 10
BATCH_BYTES = 4 * 1024 * 1024

# Left out of a backup (docs/deployment.md, "Backup and restore", says why): content types
# and permissions are rebuilt by `migrate` and referred to by natural key; a restore ends
# every sign-in rather than bringing sessions back; login lockout counters last minutes;
# stored open-data documents are rebuilt from the plans on the first request.
LEFT_OUT = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "public.storeddocument",
}

# Reference lists that a data migration fills (measures/migrations/0002_reference_rows.py):
# a freshly migrated database already holds their rows, so a restore replaces those with
# the backup's rather than counting them as data it would overwrite.
FILLED_BY_MIGRATIONS = {"measures.sustainabledevelopmentgoal", "measures.cocreationactor"}


class BackupError(Exception):
    """A backup cannot be restored here; nothing was written."""


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[Model]]:
    """Every model whose table a backup holds: the apps' models, many-to-many tables and
    the history models, in the app registry's order."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in LEFT_OUT
        and model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def write_backup(target: TextIO, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write every table of the database `using` to target (a text stream), in the format
    described at the top of this module, from one consistent snapshot of the database."""
    connection = connections[using]
    summary = Summary()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every table, so that rows written while the backup runs
            # cannot leave a row pointing at one the backup does not hold.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _write_line(
            target,
            {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "migrations": applied_migrations(using),
                "content_types": list(
                    ContentType.objects.using(using)
                    .order_by("pk")
                    .values_list("pk", "app_label", "model")
                ),
                "permissions": list(
                    Permission.objects.using(using)
                    .order_by("pk")
                    .values_list("pk", "content_type_id", "codename", "name")
                ),
            },
        )
        for model in backed_up_models(using):
            fields = model._meta.concrete_fields
            encoders = [_encoder(field) for field in fields]
            _write_line(
                target,
                {
                    "table": model._meta.db_table,
                    "model": model._meta.label_lower,
                    "columns": [field.column for field in fields],
                },
            )
            rows = (
                model._base_manager.using(using)
                .order_by("pk")
                .values_list(*(field.attname for field in fields))
                .iterator(chunk_size=_read_batch_size(fields))
            )
            count = 0
            for row in rows:
                _write_line(
                    target, [encode(value) for encode, value in zip(encoders, row, strict=True)]
                )
                count += 1
            _write_line(target, {"end_of_table": model._meta.db_table, "rows": count})
            summary.tables += 1
            summary.rows += count
        _write_line(target, {"end_of_backup": True, "tables": summary.tables})
    return summary


def restore_backup(
    source: TextIO, *, name: str, replace: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Summary:
    """Restore a backup written by write_backup into the database `using`, in one
    transaction: every table or, on any problem, nothing.

    The database must be migrated to exactly the migrations the backup records, and hold no
    rows in the tables a backup covers but the reference lists migrations fill, which are
    replaced; with replace every covered table's rows (and every session) are deleted
    first, in the same transaction. Raises BackupError naming the problem and,
    for a damaged file, the line of source (called name in messages) where it was found.
    """
    reader = _Reader(source, name)
    header = reader.header()
    _check_schema(header, name, using)
    models = {model._meta.db_table: model for model in backed_up_models(using)}
    seeded = [
        table for table, model in models.items() if model._meta.label_lower in FILLED_BY_MIGRATIONS
    ]
    if not replace:
        holding = [
            table
            for table, model in models.items()
            if table not in seeded and _has_rows(model, using)
        ]
        if holding:
            raise BackupError(
                "データベースにデータが残っています（"
                + "、".join(holding[:5])
                + (" ほか" if len(holding) > 5 else "")
                + "）。空のデータベースに戻すか、--force を付けて置き換えてください。"
            )
    connection = connections[using]
    references = _References(header, name, using)
    summary = Summary()
    with transaction.atomic(using=using):
        _delete_rows(connection, [*models, *_session_tables(using)] if replace else seeded)
        restored = set()
        for table, columns, rows in reader.tables():
            model = models.get(table)
            if model is None or table in restored:
                raise BackupError(
                    f"{name} の {reader.line_number} 行目: 表 {table} はこのデータベースの"
                    "バックアップ対象にありません（別のシステムのバックアップです）。"
                )
            summary.rows += _insert_table(connection, model, columns, rows, reader, references)
            restored.add(table)
            summary.tables += 1
        missing = sorted(set(models) - restored)
        if missing:
            raise BackupError(
                f"{name}: 表 {'、'.join(missing)} がバックアップにありません"
                "（別のシステムのバックアップです）。"
            )
        try:
            connection.check_constraints(table_names=sorted(restored))
        except DatabaseError as error:
            raise BackupError(f"{name}: 戻した行の参照が合いません（{error}）。") from error
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                cursor.execute(statement)
    return summary


def _read_batch_size(fields: Sequence[Field]) -> int:
    # Published reports (JSON) and their PDF files (binary) are hundreds of kilobytes a row.
    if any(isinstance(field, JSONField | BinaryField) for field in fields):
        return JSON_BATCH_SIZE
    return BATCH_SIZE


def _write_line(target: TextIO, value: Any) -> None:
    target.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    target.write("\n")


def _encoder(field: Field) -> Callable[[Any], Any]:
    if isinstance(field, JSONField):
        return _same  # already made of JSON values
    return _plain


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    """A database value as JSON, for the field's to_python() to read back exactly."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # microseconds and the UTC offset included
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"no backup form for {type(value).__name__} values")


class _Reader:
    """The lines of a backup file, read one at a time, with the line number for messages."""

    def __init__(self, source: TextIO, name: str):
        self.source = source
        self.name = name
        self.line_number = 0
        self.line_size = 0

    def where(self) -> str:
        return f"{self.name} の {self.line_number} 行目"

    def next(self) -> Any:
        try:
            line = self.source.readline()
        except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
            if self.line_number == 0:
                raise BackupError(
                    f"{self.name}: backup_data のバックアップファイルではありません"
                    "（gzip で圧縮された UTF-8 のファイルではありません）。"
                ) from error
            raise BackupError(
                f"{self.name} の {self.line_number + 1} 行目で読めなくなりました"
                f"（ファイルが壊れているか、途中で切れています: {error}）。"
            ) from error
        self.line_number += 1
        self.line_size = len(line)
        if not line:
            if self.line_number == 1:
                raise BackupError(
                    f"{self.name}: backup_data のバックアップファイルではありません（空です）。"
                )
            raise BackupError(
                f"{self.name} は {self.line_number - 1} 行目で終わっています"
                "（書き出しが終わらなかったか、切れたファイルです）。"
            )
        try:
            return json.loads(line)
        except json.JSONDecodeError as error:
            if self.line_number == 1:
                raise BackupError(
                    f"{self.name}: backup_data のバックアップファイルではありません"
                    "（1 行目がバックアップの見出しではありません）。"
                ) from error
            raise BackupError(f"{self.where()}: JSON として読めません（{error.msg}）。") from error

    def header(self) -> dict:
        header = self.next()
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise BackupError(
                f"{self.name}: backup_data のバックアップファイルではありません"
                "（1 行目がバックアップの見出しではありません）。"
            )
        if header.get("version") != VERSION:
            raise BackupError(
                f"{self.name}: このバックアップの形式（版 {header.get('version')}）は"
                f"このシステムの restore_data（版 {VERSION}）では読めません。"
            )
        return header

    def tables(self) -> Iterator[tuple[str, list[str], Iterator[list]]]:
        """Each table's name, its columns and an iterator over its rows; each table's rows
        must be read before the next table is asked for."""
        while True:
            line = self.next()
            if isinstance(line, dict) and line.get("end_of_backup"):
                return
            if not isinstance(line, dict) or "table" not in line:
                raise BackupError(f"{self.where()}: 表の見出しがあるはずの行です。")
            yield line["table"], line["columns"], self._rows(line["table"])

    def _rows(self, table: str) -> Iterator[list]:
        count = 0
        while True:
            line = self.next()
            if isinstance(line, list):
                count += 1
                yield line
                continue
            if isinstance(line, dict) and line.get("end_of_table") == table:
                if line.get("rows") != count:
                    raise BackupError(
                        f"{self.where()}: 表 {table} は {line.get('rows')} 行のはずが"
                        f" {count} 行しかありません。"
                    )
                return
            raise BackupError(f"{self.where()}: 表 {table} の行か、その終わりがあるはずの行です。")


class _References:
    """The target database's ids for the backup's content types and permissions, matched
    by natural key; one the target lacks (a removed model's, a permission added by hand)
    is created, so that the rows that refer to it keep their meaning."""

    def __init__(self, header: dict, name: str, using: str):
        self.name = name
        self.using = using
        self.content_types = {row[0]: row[1:] for row in header.get("content_types", [])}
        self.permissions = {row[0]: row[1:] for row in header.get("permissions", [])}
        self.content_type_ids: dict[int, int] = {}
        self.permission_ids: dict[int, int] = {}

    def content_type(self, source_id: int) -> int:
        if source_id not in self.content_type_ids:
            if source_id not in self.content_types:
                raise BackupError(
                    f"{self.name}: コンテンツタイプ {source_id} が見出しにありません。"
                )
            app_label, model = self.content_types[source_id]
            found, _ = ContentType.objects.using(self.using).get_or_create(
                app_label=app_label, model=model
            )
            self.content_type_ids[source_id] = found.pk
        return self.content_type_ids[source_id]

    def permission(self, source_id: int) -> int:
        if source_id not in self.permission_ids:
            if source_id not in self.permissions:
                raise BackupError(f"{self.name}: 権限 {source_id} が見出しにありません。")
            content_type_id, codename, label = self.permissions[source_id]
            found, _ = Permission.objects.using(self.using).get_or_create(
                content_type_id=self.content_type(content_type_id),
                codename=codename,
                defaults={"name": label},
            )
            self.permission_ids[source_id] = found.pk
        return self.permission_ids[source_id]

    def mapper(self, field: Field) -> Callable[[int], int] | None:
        related = field.related_model if field.is_relation else None
        if related is ContentType:
            return self.content_type
        if related is Permission:
            return self.permission
        return None


def _check_schema(header: dict, name: str, using: str) -> None:
    here = {tuple(migration) for migration in applied_migrations(using)}
    if not here:
        raise BackupError(
            "このデータベースはまだ migrate されていません。"
            "先に python manage.py migrate を実行してください。"
        )
    there = {tuple(migration) for migration in header.get("migrations", [])}
    if there == here:
        return
    newer = sorted(f"{app}.{migration}" for app, migration in there - here)
    older = sorted(f"{app}.{migration}" for app, migration in here - there)
    problems = []
    if newer:
        problems.append(
            "バックアップにはこのデータベースに適用されていないマイグレーションがあります"
            f"（{'、'.join(newer)}）。新しい版のシステムのバックアップです"
        )
    if older:
        problems.append(
            "このデータベースにはバックアップの時に適用されていなかったマイグレーションがあります"
            f"（{'、'.join(older)}）。古い版のシステムのバックアップです"
        )
    raise BackupError(
        f"{name}: "
        + "。".join(problems)
        + "。バックアップを書き出した版のシステムで migrate したデータベースに戻してください。"
    )


def _has_rows(model: type[Model], using: str) -> bool:
    return model._base_manager.using(using).exists()


def _session_tables(using: str) -> list[str]:
    if not apps.is_installed("django.contrib.sessions"):
        return []
    from django.contrib.sessions.models import Session

    table = Session._meta.db_table
    return [table] if table in connections[using].introspection.table_names() else []


def _delete_rows(connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    # Foreign keys are checked at commit, so the order of the tables does not matter.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")


def _insert_table(
    connection: BaseDatabaseWrapper,
    model: type[Model],
    columns: list[str],
    rows: Iterator[list],
    reader: _Reader,
    references: _References,
) -> int:
    """Insert one table's rows in batches; return how many there were."""
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    if columns != [field.column for field in fields]:
        raise BackupError(
            f"{reader.where()}: 表 {table} の列（{'、'.join(columns)}）が"
            f"このデータベースの列（{'、'.join(field.column for field in fields)}）と違います。"
        )
    decoders = [_decoder(field, connection, references) for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    batch: list[list] = []
    batch_bytes = 0
    first_line = 0
    with connection.cursor() as cursor:
        for row in rows:
            if not batch:
                first_line = reader.line_number
            batch.append(_decode_row(row, columns, decoders, table, reader))
            batch_bytes += reader.line_size
            if len(batch) == BATCH_SIZE or batch_bytes >= BATCH_BYTES:
                _insert_batch(cursor, sql, batch, table, first_line, reader)
                count += len(batch)
                batch, batch_bytes = [], 0
        if batch:
            _insert_batch(cursor, sql, batch, table, first_line, reader)
            count += len(batch)
    return count


def _decoder(
    field: Field, connection: BaseDatabaseWrapper, references: _References
) -> Callable[[Any], Any]:
    """How a backed-up value of field becomes the value to insert."""
    if isinstance(field, JSONField):
        # A JSON value of None is JSON null unless the column may be NULL (the two cannot
        # be told apart once read; only nullable JSON columns store SQL NULL).
        if field.null:
            return lambda value: field.get_db_prep_save(value, connection)
        return lambda value: field.get_db_prep_value(value, connection)
    mapped = references.mapper(field)

    def decode(value: Any) -> Any:
        if value is None:
            return None
        if mapped is not None:
            value = mapped(value)
        return field.get_db_prep_save(field.to_python(value), connection)

    return decode


def _decode_row(
    row: list, columns: list[str], decoders: list[Callable], table: str, reader: _Reader
) -> list:
    if len(row) != len(columns):
        raise BackupError(
            f"{reader.where()}: 表 {table} の行に値が {len(row)} 個あります"
            f"（列は {len(columns)} 個です）。"
        )
    values = []
    for column, decode, value in zip(columns, decoders, row, strict=True):
        try:
            values.append(decode(value))
        except (ValidationError, ValueError, TypeError) as error:
            reason = "、".join(error.messages) if isinstance(error, ValidationError) else error
            raise BackupError(
                f"{reader.where()}: 表 {table} の列 {column} の値 {value!r} を読めません"
                f"（{reason}）。"
            ) from error
    return values


def _insert_batch(
    cursor: CursorWrapper, sql: str, batch: list[list], table: str, first_line: int, reader: _Reader
) -> None:
    try:
        cursor.executemany(sql, batch)
    except DatabaseError as error:
        raise BackupError(
            f"{reader.name} の {first_line}〜{reader.line_number} 行目: 表 {table} に"
            f"書き込めません（{error}）。"
        ) from error
