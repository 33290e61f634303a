"""Merges of two records found to be one child, each with a sealed snapshot so it can be undone.

Like every repository it never commits.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import NotFound
from contactpoint.store.feed_models import Merge

MERGE_TABLE = Merge.__tablename__


class MergeRepository:
    """Merges and their sealed snapshots."""

    def __init__(self, session: Session, cipher: RecordCipher, clock: Clock) -> None:
        self._session = session
        self._cipher = cipher
        self._clock = clock

    def add(self, survivor: str, absorbed: str, rows: list[tuple[str, str, str]], snapshot: bytes) -> int:
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

    def get(self, merge_id: int) -> tuple[str, str, list[tuple[str, str, str]], bytes, bool]:
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

    def forget(self, cp_id: str) -> None:
        """Drop merges involving a purged child: their snapshots carry the records sealed."""
        self._session.execute(
            delete(Merge).where((Merge.survivor_cp_id == cp_id) | (Merge.absorbed_cp_id == cp_id))
        )
