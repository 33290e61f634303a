"""`audit verify`: recompute the chain and check every signed checkpoint.

Detects an edited entry (its hash no longer matches), a deleted one (a gap in the sequence, a
broken link, orphaned subject rows), an inserted one (a broken link), reordered ones (the sequence
number is inside the hash), and a truncated tail up to the last checkpoint (the checkpoint names an
entry that is gone or the head disagrees).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contactpoint.audit.chain import entry_hash
from contactpoint.audit.keys import AuditKeys
from contactpoint.store.audit_repository import GENESIS_HASH, AuditRepository

MAX_PROBLEMS = 20


@dataclass
class VerifyReport:
    """What verification found; problems name sequence numbers, never content."""

    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the log is intact."""
        return not self.problems


def verify_log(repository: AuditRepository, keys: AuditKeys) -> VerifyReport:
    """Walk the whole chain and the checkpoints."""
    report = VerifyReport()
    hashes: dict[int, bytes] = {}
    expected_seq = 1
    running = GENESIS_HASH
    for entry in repository.iter_entries():
        report.entries += 1
        if entry.seq != expected_seq:
            report.problems.append(f"entry {expected_seq}: missing (next entry found is {entry.seq})")
        if entry.prev_hash != running:
            report.problems.append(f"entry {entry.seq}: does not follow its predecessor")
        recomputed = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            at=entry.at,
            kind=entry.kind,
            actor_id=entry.actor_id,
            key_version=entry.key_version,
            payload=entry.payload,
            subjects=entry.subjects,
        )
        if recomputed != entry.entry_hash:
            report.problems.append(f"entry {entry.seq}: contents do not match its hash")
        hashes[entry.seq] = entry.entry_hash
        running = entry.entry_hash
        expected_seq = entry.seq + 1
        if len(report.problems) >= MAX_PROBLEMS:
            break
    head_seq, head_hash = repository.head()
    if head_seq != expected_seq - 1 or head_hash != running:
        report.problems.append(f"the head says entry {head_seq}, the chain ends at entry {expected_seq - 1}")
    orphans = repository.orphan_subject_count()
    if orphans:
        report.problems.append(f"{orphans} subject rows belong to no entry")
    for checkpoint in repository.checkpoints():
        report.checkpoints += 1
        if not keys.signature_valid(
            checkpoint.seq, checkpoint.entry_hash, checkpoint.key_version, checkpoint.signature
        ):
            report.problems.append(f"checkpoint {checkpoint.seq}: bad signature")
        elif hashes.get(checkpoint.seq) != checkpoint.entry_hash:
            report.problems.append(f"checkpoint {checkpoint.seq}: the entry it signed is changed or gone")
    return report
