"""The few statements every cached answer runs, prepared once per database connection.

Django's PostgreSQL backend binds parameters on the client, so the server parses and plans
each statement anew; for the short lookups a cached answer makes (its content version, its
stored page), planning costs the server about ten times what running them does. A cursor
that binds on the server lets psycopg prepare a statement after its fifth run on a
connection, and run it from then on without planning. The cursor is wrapped as Django
wraps its own, so query logging, and the tests that count queries, see these statements.
"""

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper


def rows(connection: BaseDatabaseWrapper, sql: str, params: list) -> list[tuple]:
    """The rows of one short, often-run statement with %s placeholders."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.ensure_connection()
    with connection._prepare_cursor(psycopg.Cursor(connection.connection)) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
