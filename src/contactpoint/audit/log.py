"""Appending to the audit log inside the caller's transaction, and signing checkpoints.

The entry is written in the same transaction as the read or change it records, before any data is
returned (invariant 5): if the append fails, the transaction fails and nothing is shown.
"""

from __future__ import annotations

from datetime import datetime

from contactpoint.audit.chain import entry_hash
from contactpoint.audit.events import AuditEvent, Detail
from contactpoint.audit.keys import AuditKeys
from contactpoint.domain.clock import Clock
from contactpoint.store.audit_repository import AuditRepository, StoredCheckpoint, StoredEntry

CHECKPOINT_EVERY = 100


class AuditLog:
    """Append-only log over the audit repository."""

    def __init__(self, repository: AuditRepository, keys: AuditKeys, clock: Clock) -> None:
        self._repository = repository
        self._keys = keys
        self._clock = clock

    def append(self, event: AuditEvent) -> int:
        """Write one event, chained to the last; returns its sequence number."""
        last_seq, last_hash = self._repository.lock_head()
        seq = last_seq + 1
        at = self._clock.now()
        kind = event.kind.value
        payload: dict[str, Detail] = {"children": list(event.children), **event.details}
        sealed = self._keys.seal(seq, kind, payload)
        subjects = tuple(sorted({self._keys.subject(cp_id) for cp_id in event.children}))
        version = self._keys.current_version
        digest = entry_hash(
            prev_hash=last_hash,
            seq=seq,
            at=at,
            kind=kind,
            actor_id=event.actor_id,
            key_version=version,
            payload=sealed,
            subjects=subjects,
        )
        self._repository.insert(
            StoredEntry(seq, at, kind, event.actor_id, version, sealed, last_hash, digest, subjects)
        )
        if seq % CHECKPOINT_EVERY == 0:
            self._sign(seq, digest, at)
        return seq

    def checkpoint(self) -> StoredCheckpoint | None:
        """Sign the current head (if it is not signed already)."""
        seq, digest = self._repository.lock_head()
        if seq == 0 or self._repository.latest_checkpoint_seq() >= seq:
            return None
        return self._sign(seq, digest, self._clock.now())

    def _sign(self, seq: int, digest: bytes, at: datetime) -> StoredCheckpoint:
        checkpoint = StoredCheckpoint(
            seq, at, digest, self._keys.current_version, self._keys.sign(seq, digest)
        )
        self._repository.add_checkpoint(checkpoint)
        return checkpoint
