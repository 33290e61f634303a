"""The hash chain: each entry's hash covers its predecessor's hash and every stored field.

Fields are length-prefixed so no two different entries encode the same bytes. The sequence number
is inside the hash, so moving rows (reordering), removing one (deleting) or adding one (inserting)
breaks the chain at that point; editing any field breaks that entry's own hash.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from datetime import UTC, datetime


def canonical_time(at: datetime) -> str:
    """UTC to the microsecond, whatever the database hands back (SQLite naive, PostgreSQL aware)."""
    utc = at.astimezone(UTC) if at.tzinfo is not None else at
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds")


def _field(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def entry_hash(
    *,
    prev_hash: bytes,
    seq: int,
    at: datetime,
    kind: str,
    actor_id: int | None,
    key_version: int,
    payload: bytes,
    subjects: Iterable[bytes],
) -> bytes:
    """SHA-256 over the predecessor's hash and this entry's fields."""
    digest = hashlib.sha256(b"contactpoint-audit/1")
    digest.update(_field(prev_hash))
    digest.update(struct.pack(">Q", seq))
    digest.update(_field(canonical_time(at).encode()))
    digest.update(_field(kind.encode()))
    digest.update(_field(b"" if actor_id is None else str(actor_id).encode()))
    digest.update(struct.pack(">I", key_version))
    digest.update(_field(payload))
    for subject in sorted(subjects):
        digest.update(_field(subject))
    return digest.digest()
