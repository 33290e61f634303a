"""The chain: each entry's tag covers its predecessor's tag and every stored field.

Fields are length-prefixed so no two different entries encode the same bytes. The sequence number
is inside the tag, so moving rows (reordering), removing one (deleting) or adding one (inserting)
breaks the chain at that point; editing any field breaks that entry's own tag.

The tag is an HMAC under a key derived from the keyring, which never enters the database: someone
who can write the database can still delete or edit rows, but cannot recompute a chain that
verifies. Logs written before keyed tags used plain SHA-256 (`legacy_entry_hash`); such entries
verify only where a signed checkpoint pins them (audit/verify.py).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

_KEYED_PREFIX = b"contactpoint-audit/2"
_LEGACY_PREFIX = b"contactpoint-audit/1"


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


def canonical_time(at: datetime) -> str:
    """UTC to the microsecond, whatever the database hands back (SQLite naive, PostgreSQL aware)."""
    utc = at.astimezone(UTC) if at.tzinfo is not None else at
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds")


def _field(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def _feed(
    digest: _Digest,
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


def entry_hash(
    key: bytes,
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
    """HMAC-SHA256, under the chain key of `key_version`, over the predecessor's tag and this entry."""
    mac = hmac.new(key, _KEYED_PREFIX, hashlib.sha256)
    return _feed(
        mac,
        prev_hash=prev_hash,
        seq=seq,
        at=at,
        kind=kind,
        actor_id=actor_id,
        key_version=key_version,
        payload=payload,
        subjects=subjects,
    )


def legacy_entry_hash(
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
    """The unkeyed SHA-256 tag of logs written before keyed tags (anyone can recompute it)."""
    return _feed(
        hashlib.sha256(_LEGACY_PREFIX),
        prev_hash=prev_hash,
        seq=seq,
        at=at,
        kind=kind,
        actor_id=actor_id,
        key_version=key_version,
        payload=payload,
        subjects=subjects,
    )
