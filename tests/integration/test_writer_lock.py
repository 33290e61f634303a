"""The SQLite writer lock: server processes queue their writers on a file lock beside the database,
not in SQLite's busy handler, and the lock is held only while a unit of work writes."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import stat
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.oversight.auditing import audit_log, verify_audit
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.bootstrap import build_runtime
from contactpoint.crypto.keyring import StaticKeyStore
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.errors import StoreUnavailable
from contactpoint.settings import Settings

APPENDS = 150


@pytest.fixture
def sqlite_settings(tmp_path: Path, clock: FixedClock) -> Settings:
    settings = Settings(home=tmp_path / "store", database_url=f"sqlite:///{tmp_path / 'store' / 'cp.db'}")
    initialise_store(settings, clock)
    return settings


def _no_busy_wait(connection: Any, _record: Any) -> None:
    # Any writer that reached SQLite while another held its write lock fails at once, so the test
    # shows the queue is the writer lock, not SQLite's busy handler.
    connection.execute("PRAGMA busy_timeout=0")


def _append(settings: Settings, writer: int, results: Queue[tuple[int, str]]) -> None:
    runtime = build_runtime(settings)
    event.listen(runtime.engine, "connect", _no_busy_wait)
    try:
        for n in range(APPENDS):
            with runtime.unit_of_work() as uow:
                audit_log(runtime, uow).append(
                    AuditEvent(AuditKind.SYSTEM_READ, None, details={"writer": writer, "n": n})
                )
                uow.commit()
    except Exception as error:  # noqa: BLE001  # reported to the parent, which fails the test
        results.put((writer, type(error).__name__ + ": " + str(error)[:200]))
    else:
        results.put((writer, "ok"))
    finally:
        runtime.close()


def test_two_processes_appending_at_once_all_succeed_and_the_chain_verifies(
    sqlite_settings: Settings,
) -> None:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a server worker is
    results: Queue[tuple[int, str]] = context.Queue()
    writers = [context.Process(target=_append, args=(sqlite_settings, n, results)) for n in range(2)]
    for writer in writers:
        writer.start()
    outcomes = dict(results.get(timeout=120) for _ in writers)
    for writer in writers:
        writer.join(30)
    assert outcomes == {0: "ok", 1: "ok"}
    runtime = build_runtime(sqlite_settings)
    try:
        report = verify_audit(runtime)
    finally:
        runtime.close()
    assert report.ok, report.problems
    assert report.entries >= 2 * APPENDS


def _held_elsewhere(path: Path) -> bool:
    """Whether another open file (another process, as far as flock is concerned) holds the lock."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return False
    finally:
        os.close(descriptor)


def test_the_lock_file_is_private_held_from_the_first_write_and_released_on_commit_and_rollback(
    sqlite_settings: Settings, clock: FixedClock
) -> None:
    runtime: Runtime = build_runtime(sqlite_settings, clock=clock)
    try:
        assert runtime.write_lock is not None
        path = runtime.write_lock.path
        assert path == sqlite_settings.home / "cp.db.writer-lock"
        with runtime.unit_of_work() as uow:
            uow.audit.head()  # a read takes no lock
            assert not path.exists() or not _held_elsewhere(path)
            audit_log(runtime, uow).append(AuditEvent(AuditKind.SYSTEM_READ, None))
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert _held_elsewhere(path)
            uow.commit()
            assert not _held_elsewhere(path)
        with runtime.unit_of_work() as uow:
            uow.sessions.delete(b"\x00" * 32)  # any write statement, not only the audit's
            assert _held_elsewhere(path)
        assert not _held_elsewhere(path)  # rolled back at the end of the unit
        with runtime.unit_of_work() as uow:
            audit_log(runtime, uow).append(AuditEvent(AuditKind.SYSTEM_READ, None))
            assert _held_elsewhere(path)
            uow.commit()  # the next unit could only write because this one let go
        assert verify_audit(runtime).entries == 2
    finally:
        runtime.close()


def test_an_in_memory_database_takes_only_the_thread_lock(
    clock: FixedClock, tmp_path: Path, memory_key_store: StaticKeyStore
) -> None:
    settings = Settings(home=tmp_path / "memory", database_url="sqlite://")
    runtime = build_runtime(settings, clock=clock, key_store=memory_key_store)
    try:
        assert runtime.write_lock is not None
        assert runtime.write_lock.path is None
    finally:
        runtime.close()


def test_a_write_inside_another_units_write_on_one_thread_fails_as_busy_instead_of_hanging(
    sqlite_settings: Settings, clock: FixedClock
) -> None:
    runtime = build_runtime(sqlite_settings, clock=clock)
    try:
        assert runtime.write_lock is not None
        runtime.write_lock.wait_seconds = 0.2
        with runtime.unit_of_work() as outer:
            audit_log(runtime, outer).append(AuditEvent(AuditKind.SYSTEM_READ, None))
            with runtime.unit_of_work() as inner, pytest.raises(StoreUnavailable):
                audit_log(runtime, inner).append(AuditEvent(AuditKind.SYSTEM_READ, None))
            outer.commit()
        assert verify_audit(runtime).entries == 1
    finally:
        runtime.close()
