"""Appending to the audit log inside the caller's transaction, and signing checkpoints.

The entry is written in the same transaction as the read or change it records, before any data is
returned (invariant 5): if the append fails, the transaction fails and nothing is shown.

A checkpoint is signed by the append that finds the last one `CheckpointRule.entries` entries or
`CheckpointRule.interval` behind, so the unsigned tail of the log (what a truncation could remove
unseen) never exceeds either; verification holds the log to the same rule. Events an insider would
most want gone (alerts, overrides, account and safeguard decisions) sign one at once. Checkpoints go to the
witness file once their transaction commits, and so does the head each transaction leaves
(`witness.py`), so that erasing the unsigned tail shows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contactpoint.audit.chain import entry_hash
from contactpoint.audit.events import OWNERS, AuditEvent, AuditKind, Detail
from contactpoint.audit.keys import AuditKeys
from contactpoint.audit.witness import CheckpointFile, WitnessedHead
from contactpoint.domain.clock import Clock
from contactpoint.store.audit_repository import AuditRepository, StoredCheckpoint, StoredEntry

# What an insider would most want to erase is never left in the unsigned tail: each of these signs a
# checkpoint at once (they are rare), so removing it, or anything before it, shows in the witness.
SIGN_AT_ONCE = frozenset(
    {
        AuditKind.ALERT_RAISED,
        AuditKind.ALERT_STATE_CHANGED,
        AuditKind.OVERRIDE,
        AuditKind.ACCOUNT_CREATED,
        AuditKind.ACCOUNT_APPROVED,
        AuditKind.ACCOUNT_RESET,
        AuditKind.ACCOUNT_SUSPENDED,
        AuditKind.ACCOUNT_REINSTATED,
        AuditKind.SHIELDING_APPROVED,
        AuditKind.SHIELDING_REJECTED,
        AuditKind.ADOPTION_APPROVED,
        AuditKind.ADOPTION_REJECTED,
        AuditKind.SOURCE_REVOKED,
    }
)


@dataclass(frozen=True, slots=True)
class CheckpointRule:
    """How far the newest signed checkpoint may lag the head: entries, and time."""

    entries: int = 100
    interval: timedelta = timedelta(minutes=5)

    def due(self, seq: int, at: datetime, last_seq: int, last_at: datetime | None) -> bool:
        """Whether appending entry `seq` at `at` must sign a checkpoint."""
        return last_at is None or seq - last_seq >= self.entries or at - last_at >= self.interval


class AuditLog:
    """Append-only log over the audit repository."""

    def __init__(
        self,
        repository: AuditRepository,
        keys: AuditKeys,
        clock: Clock,
        rule: CheckpointRule | None = None,
        witness: CheckpointFile | None = None,
    ) -> None:
        self._repository = repository
        self._keys = keys
        self._clock = clock
        self._rule = rule or CheckpointRule()
        self._witness = witness

    def append(self, event: AuditEvent) -> int:
        """Write one event, chained to the last; returns its sequence number."""
        return self._append(event, self._clock.now())

    def _append(self, event: AuditEvent, at: datetime) -> int:
        head = self._repository.lock_head()
        seq = head.seq + 1
        kind = event.kind.value
        payload: dict[str, Detail] = {"children": list(event.children), **event.details}
        if event.children:
            # The owning LA of each child, inside the tagged payload: the plaintext column that
            # scopes LA auditors' queries is checked against it by `audit verify`.
            payload[OWNERS] = [event.owners.get(cp_id, "") for cp_id in event.children]
        sealed = self._keys.seal(seq, kind, payload)
        owners = {self._keys.subject(cp_id): event.owners.get(cp_id) for cp_id in event.children}
        subjects = tuple(sorted(owners))
        version = self._keys.current_version
        digest = entry_hash(
            self._keys.chain_key(version),
            prev_hash=head.entry_hash,
            seq=seq,
            at=at,
            kind=kind,
            actor_id=event.actor_id,
            key_version=version,
            payload=sealed,
            subjects=subjects,
        )
        self._repository.insert(
            StoredEntry(seq, at, kind, event.actor_id, version, sealed, head.entry_hash, digest, subjects),
            {subject: la for subject, la in owners.items() if la is not None},
        )
        if event.kind in SIGN_AT_ONCE or self._rule.due(seq, at, head.checkpoint_seq, head.checkpoint_at):
            self._sign(seq, digest, at)
        if (witness := self._witness) is not None:
            newest = WitnessedHead(seq, at, digest, version)
            self._repository.after_commit_latest("witness-head", lambda: witness.append_head(newest))
        return seq

    def record_alert(
        self, *, user_id: int, la_code: str | None, signal: str, score: int, trigger_seq: int | None
    ) -> int:
        """Raise a misuse alert and record it in the chain, every column of it, so deleting it,
        downgrading it or moving it out of its LA auditors' sight shows."""
        at = self._clock.now()
        seq = self._append(
            AuditEvent(
                AuditKind.ALERT_RAISED,
                user_id,
                (),
                {"signal": signal, "score": score, "trigger": trigger_seq, "la": la_code},
            ),
            at,
        )
        self._repository.add_alert(
            at=at,
            user_id=user_id,
            la_code=la_code,
            kind=signal,
            score=score,
            audit_seq=trigger_seq,
            entry_seq=seq,
        )
        return seq

    def record_alert_state(
        self, *, alert_id: int, alert_ref: str, state: str, outcome: str | None, by: int
    ) -> int:
        """Record an auditor's handling of an alert in the chain (who, when, state, outcome) and set
        the alert row's handling columns to exactly that, so `audit verify` shows an alert closed,
        reopened or re-attributed in the database by anyone but the application."""
        at = self._clock.now()
        seq = self._append(
            AuditEvent(
                AuditKind.ALERT_STATE_CHANGED,
                by,
                (),
                {"alert": alert_ref, "alert_id": alert_id, "state": state, "outcome": outcome},
            ),
            at,
        )
        self._repository.set_alert_state(alert_id, state=state, outcome=outcome, by=by, at=at)
        return seq

    def checkpoint(self) -> StoredCheckpoint | None:
        """Sign the current head (if it is not signed already), and export whatever the witness lacks."""
        head = self._repository.lock_head()
        if head.seq == 0 or self._repository.latest_checkpoint_seq() >= head.seq:
            self._export()
            return None
        return self._sign(head.seq, head.entry_hash, self._clock.now())

    def _sign(self, seq: int, digest: bytes, at: datetime) -> StoredCheckpoint:
        checkpoint = StoredCheckpoint(
            seq, at, digest, self._keys.current_version, self._keys.sign(seq, digest, at)
        )
        self._repository.add_checkpoint(checkpoint)
        self._export()
        return checkpoint

    def _export(self) -> None:
        """After commit, append to the witness every checkpoint it does not hold yet (this one, and any
        a crash or an older version of the log left behind)."""
        witness = self._witness
        if witness is None:
            return
        pending = self._repository.checkpoints(after=witness.last_seq())
        if pending:
            self._repository.after_commit(lambda: witness.append(pending))
