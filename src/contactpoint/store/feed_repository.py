"""The feeds repository: the ledger of processed rows, feed runs, the review queue and provenance.

Like the child repository it never commits. The review queue's copy of a feed row is sealed with
the record cipher (its own data key, the item's identity bound as associated data).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.store import bulk
from contactpoint.store.feed_models import FeedRowOutcome, FeedRun, FieldProvenance, Merge, ReviewItem

REVIEW_TABLE = ReviewItem.__tablename__
_LEDGER: Table = FeedRowOutcome.__table__  # type: ignore[assignment]  # a declarative model's Table
_LEDGER_COLUMNS = ("source", "row_key", "content_hash", "run_id", "outcome", "reason", "cp_id", "recorded_at")
_PROVENANCE: Table = FieldProvenance.__table__  # type: ignore[assignment]  # a declarative model's Table
_PROVENANCE_COLUMNS = ("cp_id", "field", "source", "row_key", "as_of")
_PROVENANCE_OF = select(
    FieldProvenance.cp_id,
    FieldProvenance.field,
    FieldProvenance.source,
    FieldProvenance.row_key,
    FieldProvenance.as_of,
).where(FieldProvenance.cp_id.in_(bindparam("cp_ids", expanding=True)))
MERGE_TABLE = Merge.__tablename__
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


@dataclass(frozen=True, slots=True)
class NewReview:
    """A row to hold for review, with what the administrator will see; `plaintext` is the encoded row."""

    source: str
    row_key: str
    content_hash: str
    plaintext: bytes
    la_code: str | None
    private: bool
    candidate_cp_id: str | None
    match_weight: float | None
    reason: str
    explanation: list[dict[str, object]]


@dataclass(frozen=True, slots=True)
class OpenReview:
    """A review item as listed (the row itself stays sealed until an action needs it)."""

    item_id: int
    source: str
    row_key: str
    la_code: str | None
    private: bool
    candidate_cp_id: str | None
    match_weight: float | None
    reason: str
    explanation: list[dict[str, object]]
    status: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who gave a field its visible value."""

    field: str
    source: str
    row_key: str
    as_of: date


def _queue(la_code: str | None, *, include_private: bool) -> list[ColumnElement[bool]]:
    """The open items of one LA's queue (the national queue when `la_code` is None)."""
    conditions = [
        ReviewItem.status == "open",
        ReviewItem.la_code == la_code if la_code else ReviewItem.la_code.is_(None),
    ]
    if not include_private:
        conditions.append(ReviewItem.private.is_(False))
    return conditions


class FeedRepository:
    """SQL of the feeds pipeline."""

    def __init__(self, session: Session, cipher: RecordCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    # Runs and the ledger ------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        """Open a run and return its number."""
        run = FeedRun(source=source, started_at=self._clock.now(), finished_at=None, counts="{}")
        self._session.add(run)
        self._session.flush()
        return run.run_id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        """Record a run's counts and end time."""
        self._session.execute(
            update(FeedRun)
            .where(FeedRun.run_id == run_id)
            .values(finished_at=self._clock.now(), counts=json.dumps(counts, sort_keys=True))
        )

    def known(self, source: str, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (row key, content hash) pairs of `source` are already in the ledger.

        Looked up by row key and matched on the hash here: SQLite plans a `(row_key, content_hash) IN
        (...)` list as a scan of the source's whole ledger, which made every batch slower as a feed
        grew (a fifth of the time of a 1m-row feed), where `row_key IN (...)` seeks the primary key.
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
        rows = [
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
        bulk.insert_rows(self._session, _LEDGER, _LEDGER_COLUMNS, rows)

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

    # Review queue -------------------------------------------------------------------------------

    @staticmethod
    def _context(source: str, row_key: str, content_hash: str) -> RecordContext:
        return RecordContext(REVIEW_TABLE, f"{source}|{row_key}|{content_hash}", "review", "", 1)

    def hold(self, reviews: Iterable[NewReview]) -> None:
        """Add rows to the review queue, each sealed."""
        now = self._clock.now()
        for review in reviews:
            row = review
            sealed = self._cipher.seal(
                row.plaintext, self._context(row.source, row.row_key, row.content_hash)
            )
            self._session.add(
                ReviewItem(
                    source=row.source,
                    row_key=row.row_key,
                    content_hash=row.content_hash,
                    la_code=review.la_code,
                    private=review.private,
                    candidate_cp_id=review.candidate_cp_id,
                    match_weight=review.match_weight,
                    reason=review.reason,
                    explanation=json.dumps(review.explanation),
                    status="open",
                    payload=sealed.payload,
                    wrapped_key=sealed.wrapped_key,
                    key_version=sealed.key_version,
                    created_at=now,
                    resolved_at=None,
                    resolved_cp_id=None,
                )
            )
        self._session.flush()

    def open_reviews(
        self, la_code: str | None, *, include_private: bool, limit: int = 100
    ) -> list[OpenReview]:
        """Open items of one LA's queue (or the national queue when `la_code` is None)."""
        query = select(ReviewItem).where(*_queue(la_code, include_private=include_private))
        items = self._session.scalars(query.order_by(ReviewItem.item_id).limit(limit))
        return [self._open(item) for item in items]

    def count_open(self, la_code: str | None, *, include_private: bool) -> int:
        """How many items wait in one LA's queue (the lists show the oldest 100)."""
        query = select(func.count()).select_from(ReviewItem)
        return self._session.scalar(query.where(*_queue(la_code, include_private=include_private))) or 0

    def all_open(self) -> list[OpenReview]:
        """Every open item (for counts and tests; the CLI asks per LA)."""
        items = self._session.scalars(select(ReviewItem).where(ReviewItem.status == "open"))
        return [self._open(item) for item in items]

    @staticmethod
    def _open(item: ReviewItem) -> OpenReview:
        return OpenReview(
            item.item_id,
            item.source,
            item.row_key,
            item.la_code,
            item.private,
            item.candidate_cp_id,
            item.match_weight,
            item.reason,
            json.loads(item.explanation),
            item.status,
        )

    def review(self, item_id: int) -> tuple[OpenReview, bytes]:
        """One item and its unsealed (still encoded) row."""
        item = self._session.get(ReviewItem, item_id)
        if item is None:
            raise NotFound("no such review item")
        plaintext = self._cipher.open(
            SealedRecord(item.payload, item.wrapped_key, item.key_version),
            self._context(item.source, item.row_key, item.content_hash),
        )
        return self._open(item), plaintext

    def retarget_reviews(self, absorbed: ContactPointId, survivor: ContactPointId) -> None:
        """A merge folded `absorbed` into `survivor`: open items about it now name the survivor."""
        self._session.execute(
            update(ReviewItem)
            .where(ReviewItem.candidate_cp_id == absorbed.value, ReviewItem.status == "open")
            .values(candidate_cp_id=survivor.value)
            .execution_options(synchronize_session=False)
        )

    def make_private(self, cp_id: ContactPointId, la_code: str) -> int:
        """A record became shielded or sealed: its open review items move to its LA's private queue
        (invariant 3 holds for rows held before the change too). Returns how many moved."""
        result = self._session.execute(
            update(ReviewItem)
            .where(ReviewItem.candidate_cp_id == cp_id.value, ReviewItem.status == "open")
            .values(private=True, la_code=la_code)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount

    def resolve(self, item_id: int, status: str, cp_id: str | None) -> bool:
        """Close an open item with the administrator's decision; False if it was no longer open
        (another administrator decided it first)."""
        result = self._session.execute(
            update(ReviewItem)
            .where(ReviewItem.item_id == item_id, ReviewItem.status == "open")
            .values(status=status, resolved_cp_id=cp_id, resolved_at=self._clock.now())
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount

    # Provenance ---------------------------------------------------------------------------------

    def provenance(self, cp_ids: Iterable[str]) -> dict[str, dict[str, Provenance]]:
        """Field provenance of several records (a prebuilt statement on the connection: feed batches
        read it for every linked record, and the ORM's per-statement work cost more than the query)."""
        wanted = sorted(set(cp_ids))
        found: dict[str, dict[str, Provenance]] = {}
        connection = self._session.connection()
        for start in range(0, len(wanted), _IN_CHUNK):
            rows = connection.execute(_PROVENANCE_OF, {"cp_ids": wanted[start : start + _IN_CHUNK]})
            for cp_id, name, source, row_key, as_of in rows:
                found.setdefault(cp_id, {})[name] = Provenance(name, source, row_key, as_of)
        return found

    def set_provenance(self, entries: dict[str, Iterable[Provenance]]) -> None:
        """Replace the provenance of several records (every field of each), in bulk."""
        wanted = sorted(entries)
        for start in range(0, len(wanted), _IN_CHUNK):
            self._session.execute(
                delete(FieldProvenance).where(FieldProvenance.cp_id.in_(wanted[start : start + _IN_CHUNK]))
            )
        rows = [
            {"cp_id": cp_id, "field": p.field, "source": p.source, "row_key": p.row_key, "as_of": p.as_of}
            for cp_id, provenance in entries.items()
            for p in provenance
        ]
        if rows:
            self._session.execute(insert(FieldProvenance), rows)

    def update_provenance(self, entries: dict[str, Iterable[Provenance]]) -> None:
        """Set the provenance of the given fields of several records, leaving their other fields' as
        they are (a feed row changes a few fields; rewriting every field's row cost more than the change)."""
        as_of = bulk.binder(self._session, _PROVENANCE, "as_of")
        rows = [
            (cp_id, p.field, p.source, p.row_key, as_of(p.as_of))
            for cp_id, provenance in entries.items()
            for p in provenance
        ]
        bulk.upsert_rows(self._session, _PROVENANCE, _PROVENANCE_COLUMNS, ("cp_id", "field"), rows)

    def forget_provenance(self, cp_id: str) -> None:
        """Drop a record's provenance (its record is gone into another)."""
        self._session.execute(delete(FieldProvenance).where(FieldProvenance.cp_id == cp_id))

    def forget_child(self, cp_id: str) -> None:
        """Everything of a purged child the feed tables hold: provenance, merge snapshots (they carry
        the records sealed) and review items about it. The ledger keeps its rows (IDs and keyed
        hashes only), so a row already applied is still recognised and never recreates the child."""
        self.forget_provenance(cp_id)
        self._session.execute(
            delete(Merge).where((Merge.survivor_cp_id == cp_id) | (Merge.absorbed_cp_id == cp_id))
        )
        self._session.execute(
            delete(ReviewItem).where(
                (ReviewItem.candidate_cp_id == cp_id) | (ReviewItem.resolved_cp_id == cp_id)
            )
        )

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

    # Merges -------------------------------------------------------------------------------------

    def add_merge(
        self, survivor: str, absorbed: str, rows: list[tuple[str, str, str]], snapshot: bytes
    ) -> int:
        """Record a merge with its sealed snapshot; returns the merge number."""
        merge = Merge(
            survivor_cp_id=survivor,
            absorbed_cp_id=absorbed,
            merged_at=self._clock.now(),
            unmerged_at=None,
            absorbed_rows=json.dumps(rows),
            payload=b"",
            wrapped_key=b"",
            key_version=0,
        )
        self._session.add(merge)
        self._session.flush()
        sealed = self._cipher.seal(snapshot, RecordContext(MERGE_TABLE, str(merge.merge_id), "merge", "", 1))
        merge.payload, merge.wrapped_key, merge.key_version = (
            sealed.payload,
            sealed.wrapped_key,
            sealed.key_version,
        )
        self._session.flush()
        return merge.merge_id

    def merge(self, merge_id: int) -> tuple[str, str, list[tuple[str, str, str]], bytes, bool]:
        """A merge: survivor, absorbed, the absorbed rows, the unsealed snapshot, and whether it is undone."""
        merge = self._session.get(Merge, merge_id)
        if merge is None:
            raise NotFound("no such merge")
        snapshot = self._cipher.open(
            SealedRecord(merge.payload, merge.wrapped_key, merge.key_version),
            RecordContext(MERGE_TABLE, str(merge.merge_id), "merge", "", 1),
        )
        rows = [(str(a), str(b), str(c)) for a, b, c in json.loads(merge.absorbed_rows)]
        return merge.survivor_cp_id, merge.absorbed_cp_id, rows, snapshot, merge.unmerged_at is not None

    def mark_unmerged(self, merge_id: int) -> None:
        """Note that a merge was undone."""
        self._session.execute(
            update(Merge).where(Merge.merge_id == merge_id).values(unmerged_at=self._clock.now())
        )

    def now(self) -> datetime:
        """The clock's time (for callers that stamp provenance)."""
        return self._clock.now()
