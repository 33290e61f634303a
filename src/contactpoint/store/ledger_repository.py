"""Feed runs and the ledger of processed rows: what makes a re-run or a resumed run change nothing twice.

Like every repository it never commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from contactpoint.domain.clock import Clock
from contactpoint.store import bulk
from contactpoint.store.feed_models import FeedRowOutcome, FeedRun

_LEDGER: Table = FeedRowOutcome.__table__  # type: ignore[assignment]  # a declarative model's Table
LEDGER_COLUMNS = ("source", "row_key", "content_hash", "run_id", "outcome", "reason", "cp_id", "recorded_at")
_IN_CHUNK = 300


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One processed row's outcome."""

    source: str
    row_key: str
    content_hash: str
    outcome: str
    reason: str | None
    cp_id: str | None


def ledger_rows(run_id: int, entries: Iterable[LedgerEntry], now: object) -> list[tuple[object, ...]]:
    """Ledger entries as rows in `LEDGER_COLUMNS` order, recorded at `now` (as the driver binds it)."""
    return [
        (
            e.source,
            e.row_key,
            e.content_hash,
            run_id,
            str(e.outcome),
            None if e.reason is None else str(e.reason),
            e.cp_id,
            now,
        )
        for e in entries
    ]


class FeedRunRepository:
    """Feed runs: when each started and ended, and its counts."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def start(self, source: str) -> int:
        """Open a run and return its number."""
        run = FeedRun(source=source, started_at=self._clock.now(), finished_at=None, counts="{}")
        self._session.add(run)
        self._session.flush()
        return run.run_id

    def finish(self, run_id: int, counts: dict[str, int]) -> None:
        """Record a run's counts and end time."""
        self._session.execute(
            update(FeedRun)
            .where(FeedRun.run_id == run_id)
            .values(finished_at=self._clock.now(), counts=json.dumps(counts, sort_keys=True))
        )

    def reads_since(self, source: str, since: datetime) -> list[int]:
        """Rows read by each finished run of a source started since a time (probing signals)."""
        rows = self._session.scalars(
            select(FeedRun.counts).where(
                FeedRun.source == source, FeedRun.started_at >= since, FeedRun.finished_at.is_not(None)
            )
        )
        return [int(json.loads(counts).get("read", 0)) for counts in rows]


class RowLedgerRepository:
    """The ledger: each processed row's outcome, by (source, row key, content hash)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def known(self, source: str, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (row key, content hash) pairs of `source` are already in the ledger.

        Looked up by row key and matched on the hash here: SQLite plans a `(row_key, content_hash) IN
        (...)` list as a scan of the source's whole ledger, which made every batch slower as a feed
        grew, where `row_key IN (...)` seeks the primary key.
        """
        wanted = set(keys)
        row_keys = sorted({row_key for row_key, _ in wanted})
        found: set[tuple[str, str]] = set()
        for start in range(0, len(row_keys), _IN_CHUNK):
            rows = self._session.execute(
                select(FeedRowOutcome.row_key, FeedRowOutcome.content_hash).where(
                    FeedRowOutcome.source == source,
                    FeedRowOutcome.row_key.in_(row_keys[start : start + _IN_CHUNK]),
                )
            )
            found.update(pair for row in rows if (pair := (row.row_key, row.content_hash)) in wanted)
        return found

    def record(self, run_id: int, entries: Iterable[LedgerEntry]) -> None:
        """Add rows to the ledger (in the same transaction as their effects)."""
        now = bulk.bound(self._session, _LEDGER, "recorded_at", self._clock.now())
        bulk.insert_rows(self._session, _LEDGER, LEDGER_COLUMNS, ledger_rows(run_id, entries, now))

    def relink(self, source: str, row_key: str, content_hash: str, outcome: str, cp_id: str | None) -> None:
        """Change a ledger row's outcome (a review decided, a merge undone)."""
        self._session.execute(
            update(FeedRowOutcome)
            .where(
                FeedRowOutcome.source == source,
                FeedRowOutcome.row_key == row_key,
                FeedRowOutcome.content_hash == content_hash,
            )
            .values(outcome=outcome, cp_id=cp_id)
        )

    def most_versions(self, source: str, run_id: int, since: datetime) -> int:
        """The most contents any one row key of a run was recorded with since a time.

        A source resends a row key when the child's details change, now and then; the same key
        with one content after another in a short while is someone trying values on a record.
        """
        keys = select(FeedRowOutcome.row_key).where(
            FeedRowOutcome.source == source, FeedRowOutcome.run_id == run_id
        )
        versions = (
            select(func.count().label("n"))
            .where(
                FeedRowOutcome.source == source,
                FeedRowOutcome.recorded_at >= since,
                FeedRowOutcome.row_key.in_(keys),
            )
            .group_by(FeedRowOutcome.row_key)
            .subquery()
        )
        return int(self._session.scalar(select(func.max(versions.c.n))) or 0)

    def outcome_counts(self) -> dict[str, int]:
        """How many ledger rows have each outcome."""
        rows = self._session.execute(
            select(FeedRowOutcome.outcome, func.count()).group_by(FeedRowOutcome.outcome)
        )
        return {str(outcome): int(n) for outcome, n in rows}

    def links(self, source: str) -> Iterator[tuple[str, str]]:
        """(row key, ContactPoint ID) of every row of `source` that is linked to a record, by key."""
        rows = self._session.execute(
            select(FeedRowOutcome.row_key, FeedRowOutcome.cp_id)
            .where(FeedRowOutcome.source == source, FeedRowOutcome.cp_id.is_not(None))
            .order_by(FeedRowOutcome.row_key)
        )
        for row_key, cp_id in rows:
            if cp_id is not None:
                yield row_key, cp_id

    def rows_of(self, cp_id: str) -> list[LedgerEntry]:
        """Ledger rows applied to one record."""
        rows = self._session.scalars(select(FeedRowOutcome).where(FeedRowOutcome.cp_id == cp_id))
        return [LedgerEntry(r.source, r.row_key, r.content_hash, r.outcome, r.reason, r.cp_id) for r in rows]

    def move_rows(self, rows: Iterable[tuple[str, str, str]], cp_id: str) -> None:
        """Point ledger rows at another record (merge and unmerge)."""
        for source, row_key, content_hash in rows:
            self._session.execute(
                update(FeedRowOutcome)
                .where(
                    FeedRowOutcome.source == source,
                    FeedRowOutcome.row_key == row_key,
                    FeedRowOutcome.content_hash == content_hash,
                )
                .values(cp_id=cp_id)
            )
