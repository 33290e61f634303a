"""An in-memory DuckDB for Splink that never spills plaintext to disk (DESIGN invariant 1).

DuckDB offloads to a temp directory (`<database>.tmp`, or `.tmp` beside an in-memory database)
when a query outgrows memory; with the directory unset and its size capped at zero, a query that
would spill fails instead of writing personal data to a file.
"""

from __future__ import annotations

import duckdb
from splink import DuckDBAPI

NO_SPILL_SETTINGS = {
    "temp_directory": "",
    "max_temp_directory_size": "0KiB",
    "preserve_insertion_order": "false",
}


def no_spill_connection(memory_limit: str | None = None, threads: int = 2) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection configured never to write temp files."""
    connection = duckdb.connect(":memory:")
    for name, value in NO_SPILL_SETTINGS.items():
        connection.execute(f"SET {name} = '{value}'")
    connection.execute(f"SET threads = {int(threads)}")
    if memory_limit is not None:
        connection.execute("SET memory_limit = ?", [memory_limit])
    return connection


def in_memory_db_api(memory_limit: str | None = None) -> DuckDBAPI:
    """Splink's DuckDB backend on a no-spill in-memory connection."""
    return DuckDBAPI(no_spill_connection(memory_limit))
