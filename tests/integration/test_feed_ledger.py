"""The feed ledger's look-up of rows already taken: exact on both databases, and a key seek on SQLite.

A row-value `IN` list made SQLite scan a source's whole ledger for every chunk of every batch, so a
1m-row feed slowed as it went; the look-up must seek the primary key whatever the ledger's size.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.settings import Settings
from contactpoint.store.ledger_repository import LedgerEntry


def _ledger(runtime: Runtime, source: str, pairs: list[tuple[str, str]]) -> None:
    with runtime.unit_of_work() as uow:
        run = uow.feed_runs.start(source)
        uow.ledger.record(
            run, [LedgerEntry(source, key, digest, "rejected", "row", None) for key, digest in pairs]
        )
        uow.commit()


@contextmanager
def _statements(runtime: Runtime) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "feed_rows" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(runtime.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", capture)


def test_known_rows_are_exactly_the_source_key_and_hash_pairs_in_the_ledger(runtime):
    _ledger(runtime, "child_benefit", [(f"CB{n:05d}", f"h{n}") for n in range(700)])
    _ledger(runtime, "school_census", [("CB00001", "h1")])  # same key and hash, another source
    asked = [
        ("CB00001", "h1"),  # taken
        ("CB00002", "changed"),  # the key was taken with other content: a new row
        ("CB00650", "h650"),  # taken, in a later chunk
        ("CB99999", "h99999"),  # never seen
        ("CB00003", "h3"),
        ("CB00003", "older-key-version"),  # the same row hashed under another key version
    ]

    with runtime.unit_of_work() as uow:
        known = uow.ledger.known("child_benefit", asked)

    assert known == {("CB00001", "h1"), ("CB00650", "h650"), ("CB00003", "h3")}


def test_on_sqlite_the_look_up_seeks_the_primary_key_rather_than_scanning_the_source(tmp_path, clock):
    settings = Settings(home=tmp_path / "store", database_url=f"sqlite:///{tmp_path / 'store' / 'cp.db'}")
    initialise_store(settings, clock)
    runtime = build_runtime(settings, clock=clock)
    _ledger(runtime, "child_benefit", [(f"CB{n:05d}", f"h{n}") for n in range(50)])

    with _statements(runtime) as seen, runtime.unit_of_work() as uow:
        uow.ledger.known("child_benefit", [(f"CB{n:05d}", f"h{n}") for n in range(0, 50, 5)])
    with runtime.engine.connect() as connection:
        plans = [
            " ".join(
                str(step[-1]) for step in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in seen
        ]
    runtime.close()

    assert plans
    assert all("(source=? AND row_key=?)" in plan for plan in plans), plans
