"""Crypto-shredding: after a purge, no copy of a purged record's wrapped key or ciphertext stays on disk."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from contactpoint.app.operations.retention import run_retention
from contactpoint.store.models import ChildRow, RecordKey

ADULT_SINCE = date(2000, 1, 1)


def _store_files(runtime) -> list[Path]:
    folder = Path(str(make_url(runtime.settings.resolved_database_url()).database)).parent
    return [p for p in folder.iterdir() if p.is_file() and p.name.startswith("contactpoint.db")]


def _secrets_of(runtime, cp_ids) -> list[bytes]:
    with runtime.engine.connect() as connection:
        keys = connection.scalars(select(RecordKey.wrapped_key).where(RecordKey.cp_id.in_(cp_ids)))
        payloads = connection.scalars(select(ChildRow.payload).where(ChildRow.cp_id.in_(cp_ids)))
        return [bytes(v) for v in keys] + [bytes(v)[:64] for v in payloads]


def _found(runtime, secrets) -> set[bytes]:
    blobs = [p.read_bytes() for p in _store_files(runtime)]
    return {s for s in secrets if any(s in blob for blob in blobs)}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_purged_keys_and_ciphertext_leave_the_sqlite_files(runtime, factory):
    adults = [replace(factory.child(), date_of_birth=ADULT_SINCE) for _ in range(40)]
    with runtime.unit_of_work() as uow:
        ids = uow.children.reserve_ids(len(adults))
        uow.children.add_many([replace(r, cp_id=i) for r, i in zip(adults, ids, strict=True)])
        uow.commit()
    runtime.clock.at = datetime(2026, 11, 23, tzinfo=UTC)
    assert run_retention(runtime).archived == len(adults)  # rewritten: new data keys, old ones zeroed
    secrets = _secrets_of(runtime, [i.value for i in ids])
    assert len(secrets) == 2 * len(adults)
    with runtime.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    assert _found(runtime, secrets) == set(secrets)  # control: the scan sees them while they exist

    runtime.clock.at = datetime(2032, 11, 23, tzinfo=UTC)
    assert run_retention(runtime).purged == len(adults)
    assert _found(runtime, secrets) == set()
