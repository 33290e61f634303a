"""The match-review queue: rows held for an administrator, each sealed under the record cipher.

Like every repository it never commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.store.feed_models import ReviewItem

REVIEW_TABLE = ReviewItem.__tablename__


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
    candidate_sealed: bool = False  # set by the use case, which then leaves out `candidate_cp_id`


def _queue(la_code: str | None, *, include_private: bool) -> list[ColumnElement[bool]]:
    """The open items of one LA's queue (the national queue when `la_code` is None)."""
    conditions = [
        ReviewItem.status == "open",
        ReviewItem.la_code == la_code if la_code else ReviewItem.la_code.is_(None),
    ]
    if not include_private:
        conditions.append(ReviewItem.private.is_(False))
    return conditions


class ReviewQueueRepository:
    """The review queue's items, by LA (private items about shielded or sealed records apart)."""

    def __init__(self, session: Session, cipher: RecordCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

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

    def get(self, item_id: int) -> tuple[OpenReview, bytes]:
        """One item and its unsealed (still encoded) row."""
        item = self._session.get(ReviewItem, item_id)
        if item is None:
            raise NotFound("no such review item")
        plaintext = self._cipher.open(
            SealedRecord(item.payload, item.wrapped_key, item.key_version),
            self._context(item.source, item.row_key, item.content_hash),
        )
        return self._open(item), plaintext

    def retarget(self, absorbed: ContactPointId, survivor: ContactPointId) -> None:
        """A merge folded `absorbed` into `survivor`: open items about it now name the survivor."""
        self._session.execute(
            update(ReviewItem)
            .where(ReviewItem.candidate_cp_id == absorbed.value, ReviewItem.status == "open")
            .values(candidate_cp_id=survivor.value)
            .execution_options(synchronize_session=False)
        )

    def open_holds(self, cp_ids: Sequence[str]) -> list[tuple[int, str, str | None, bool]]:
        """The open items about these records, each as (item, candidate, LA, private): what a merge
        changes and an unmerge puts back."""
        rows = self._session.execute(
            select(ReviewItem.item_id, ReviewItem.candidate_cp_id, ReviewItem.la_code, ReviewItem.private)
            .where(ReviewItem.candidate_cp_id.in_(list(cp_ids)), ReviewItem.status == "open")
            .order_by(ReviewItem.item_id)
        )
        return [(r.item_id, r.candidate_cp_id or "", r.la_code, bool(r.private)) for r in rows]

    def restore_holds(self, holds: Sequence[tuple[int, str, str | None, bool]]) -> None:
        """Put items still open back on the record, in the queue and privacy they had."""
        for item_id, candidate, la_code, private in holds:
            self._session.execute(
                update(ReviewItem)
                .where(ReviewItem.item_id == item_id, ReviewItem.status == "open")
                .values(candidate_cp_id=candidate, la_code=la_code, private=private)
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

    def resolved_beside_another(self, cp_ids: Sequence[str]) -> dict[str, str]:
        """Of these records, those a decided item put its row into although it was held against
        another record: each with that candidate (what `$match` checks for sealed candidates)."""
        if not cp_ids:
            return {}
        rows = self._session.execute(
            select(ReviewItem.resolved_cp_id, ReviewItem.candidate_cp_id).where(
                ReviewItem.resolved_cp_id.in_(list(cp_ids)),
                ReviewItem.candidate_cp_id.is_not(None),
                ReviewItem.candidate_cp_id != ReviewItem.resolved_cp_id,
                ReviewItem.status != "open",
            )
        )
        return {str(r.resolved_cp_id): str(r.candidate_cp_id) for r in rows}

    def forget(self, cp_id: str) -> None:
        """Drop review items about a purged child."""
        self._session.execute(
            delete(ReviewItem).where(
                (ReviewItem.candidate_cp_id == cp_id) | (ReviewItem.resolved_cp_id == cp_id)
            )
        )
