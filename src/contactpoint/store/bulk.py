"""Bulk writes straight through the database driver, shared by the repositories' batch paths.

SQLAlchemy's per-row parameter processing cost more than encryption did at feed-batch sizes, and
PostgreSQL's row-at-a-time INSERTs made it slower than SQLite; so batches go to the driver as they
are: COPY on PostgreSQL, executemany on SQLite. Values must be what the driver binds directly (str,
int, bool, bytes, None, or a date or timestamp put through `bound`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def binder(session: Session, table: Table, column: str) -> Callable[[object], object]:
    """What turns a value into what the column's type binds on this dialect (SQLite stores dates as text)."""
    process = table.c[column].type.bind_processor(session.connection().dialect)
    return process if process is not None else lambda value: value


def bound(session: Session, table: Table, column: str, value: object) -> object:
    """`value` as the column's type binds it on this dialect."""
    return binder(session, table, column)(value)


def marker(session: Session) -> str:
    """The driver's positional parameter marker."""
    return "?" if session.connection().dialect.paramstyle == "qmark" else "%s"


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert rows in bulk: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver_connection: Any = connection.connection.driver_connection  # psycopg 3 Connection
        with (
            driver_connection.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    statement = (
        f"INSERT INTO {table.name} ({names}) "  # noqa: S608  # names come from our own models
        f"VALUES ({', '.join(['?'] * len(columns))})"
    )
    connection.exec_driver_sql(statement, [tuple(row) for row in rows])


def copy_binary(
    connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """COPY rows into a PostgreSQL table in the binary format, on a psycopg 3 connection.

    Binary COPY skips the text format's escaping and parsing of every value (the payloads are
    ciphertext); the columns' types are read from the catalogue, as the binary format needs them.
    """
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            (table,),
        )
        types = dict(cursor.fetchall())
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[column] for column in columns])
            for row in rows:
                copy.write_row(row)


def upsert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    key: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """Insert rows, or update their other columns where the key exists (SQLite and PostgreSQL agree)."""
    if not rows:
        return
    mark = marker(session)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "  # noqa: S608  # names come from our own models
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    session.connection().exec_driver_sql(statement, [tuple(row) for row in rows])
