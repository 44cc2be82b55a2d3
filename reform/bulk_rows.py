"""Writing many new rows at once, without a model instance per row where a row is all that is
needed: the plan import and the data generator.

Django's bulk_create prepares every value of every row through its field (1.4 million calls
for a plan file of 50,000 rows), and simple-history's bulk history builds a historical model
instance per row before doing the same again: a third of the import's time. Here, on
PostgreSQL, the keys are drawn from the table's sequence first and the rows written with
COPY; elsewhere a bulk insert returns the keys. Values that need their field (dates,
decimals and JSON on SQLite, auto_now) are prepared as a save would; plain ones are written
as they are.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models

# Fields whose Python value is already what the database stores.
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _prepared(field: models.Field) -> bool:
    return (
        getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or (
            field.get_internal_type() not in PLAIN_TYPES
            and (connection.vendor != "postgresql" or field.get_internal_type() == "JSONField")
        )
    )


def _plain(value):
    # A choices member (TextChoices) is written as its value.
    return str(value) if isinstance(value, str) and type(value) is not str else value


def insert(objs: Iterable[models.Model], model: type[models.Model]) -> list:
    """Write new rows and give each its key."""
    objs = list(objs)
    if not objs or connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=2000)
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key
        fields = meta.concrete_fields
        prepared = [_prepared(f) for f in fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for obj in objs:
                copy.write_row(
                    [
                        f.get_db_prep_save(f.pre_save(obj, True), connection)
                        if prepare
                        else _plain(getattr(obj, f.attname))
                        for f, prepare in zip(fields, prepared, strict=True)
                    ]
                )
    return objs


def insert_rows(model: type[models.Model], names: Sequence[str], rows) -> None:
    """Write rows given as sequences of the named fields' Python values (the key left to the
    database). Every other column gets its field's default, as a save would give it."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    rest = [f for f in meta.concrete_fields if f not in fields and not f.primary_key]
    filled = [f.get_db_prep_save(f.pre_save(model(), True), connection) for f in rest]
    prepare = [f if _prepared(f) else None for f in fields]
    columns = [connection.ops.quote_name(f.column) for f in [*fields, *rest]]
    table = connection.ops.quote_name(meta.db_table)

    def values(row):
        return [
            _plain(value) if field is None else field.get_db_prep_save(value, connection)
            for field, value in zip(prepare, row, strict=True)
        ] + filled

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [values(row) for row in rows],
            )


def insert_history(objs: Sequence[models.Model], model: type[models.Model], *, user, date) -> None:
    """The creation records (history_type "+") of rows just written, as simple-history's
    bulk history would write them, by `user` at `date`."""
    history = model.history.model
    names = [f.attname for f in history.tracked_fields]
    marks = ["history_date", "history_change_reason", "history_type", "history_user"]
    user_id = getattr(user, "pk", None)
    insert_rows(
        history,
        [*(f.name for f in history.tracked_fields), *marks],
        ([*(getattr(obj, name) for name in names), date, None, "+", user_id] for obj in objs),
    )
