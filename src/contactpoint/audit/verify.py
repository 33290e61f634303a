"""`audit verify`: recompute the keyed chain, and check it against signed checkpoints kept in the
database and in the witness file outside it.

Detects an edited entry (its tag no longer matches, and only the keyring can make a new one), a
deleted one (a gap in the sequence, a broken link, orphaned subject rows), an inserted one (a broken
link), reordered ones (the sequence number is inside the tag), a truncated tail (a checkpoint, in
the database or the witness file, names an entry that is gone; alerts, overrides and account and
safeguard decisions sign one at once, so they are never in the unsigned tail), an owning LA edited
beside an entry (the tagged payload names it), deleted checkpoints (the witness
holds them), a log whose newest checkpoint lags the head by more than the checkpoint rule allows
(checkpoints stopped, or were removed with the tail they signed), and misuse alerts deleted, made
up or changed in any column (each is recorded in the chain), their handling (state, outcome,
auditor, time) edited (each change is an `alerts:state` entry), and an erased unsigned tail (the
witness file's head lines saw further than the log now goes, or saw another entry there).

Entries tagged with plain SHA-256 (logs written before keyed tags) are accepted only at or before a
signed checkpoint, whose signature pins them; after it, only a keyed tag will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contactpoint.audit.chain import entry_hash, legacy_entry_hash
from contactpoint.audit.events import OWNERS, AuditKind
from contactpoint.audit.keys import AuditKeys
from contactpoint.audit.log import CheckpointRule
from contactpoint.audit.witness import CheckpointFile, WitnessRead
from contactpoint.domain.errors import IntegrityFailure
from contactpoint.store.audit_repository import GENESIS_HASH, AuditRepository, StoredCheckpoint, StoredEntry

MAX_PROBLEMS = 20


@dataclass
class VerifyReport:
    """What verification found; problems name sequence numbers, never content."""

    entries: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not tampering: the log could be, unseen

    @property
    def ok(self) -> bool:
        """True when the log is intact."""
        return not self.problems


@dataclass(frozen=True, slots=True)
class _Signed:
    seq: int
    entry_hash: bytes
    at: datetime | None  # None: an older checkpoint that signed no time


def _check_signatures(
    keys: AuditKeys, checkpoints: list[StoredCheckpoint], where: str, report: VerifyReport
) -> dict[int, _Signed]:
    signed: dict[int, _Signed] = {}
    for checkpoint in checkpoints:
        valid, timed = keys.signed_time(
            checkpoint.seq, checkpoint.entry_hash, checkpoint.at, checkpoint.key_version, checkpoint.signature
        )
        if not valid:
            report.problems.append(f"checkpoint {checkpoint.seq}{where}: bad signature")
            continue
        signed[checkpoint.seq] = _Signed(
            checkpoint.seq, checkpoint.entry_hash, checkpoint.at if timed else None
        )
    return signed


def _tag_matches(keys: AuditKeys, entry: StoredEntry, pinned_through: int) -> bool:
    keyed = entry_hash(
        keys.chain_key(entry.key_version),
        prev_hash=entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        kind=entry.kind,
        actor_id=entry.actor_id,
        key_version=entry.key_version,
        payload=entry.payload,
        subjects=entry.subjects,
    )
    if keyed == entry.entry_hash:
        return True
    if entry.seq > pinned_through:
        return False
    legacy = legacy_entry_hash(
        prev_hash=entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        kind=entry.kind,
        actor_id=entry.actor_id,
        key_version=entry.key_version,
        payload=entry.payload,
        subjects=entry.subjects,
    )
    return legacy == entry.entry_hash


def verify_log(
    repository: AuditRepository,
    keys: AuditKeys,
    rule: CheckpointRule | None = None,
    witness: CheckpointFile | None = None,
) -> VerifyReport:
    """Walk the whole chain, the checkpoints of the database and of the witness file, and the alerts."""
    report = VerifyReport()
    read = witness.read() if witness is not None else None
    signed = _gather_checkpoints(repository, keys, read, report)
    walk = _walk_chain(repository, keys, max(signed, default=0), report)
    if walk is None:
        return report
    if read is not None:
        _check_witnessed_heads(read, walk, report)
    head_seq, head_hash = repository.head()
    if head_seq != walk.last_seq or head_hash != walk.last_hash:
        report.problems.append(f"the head says entry {head_seq}, the chain ends at entry {walk.last_seq}")
    orphans = repository.orphan_subject_count()
    if orphans:
        report.problems.append(f"{orphans} subject rows belong to no entry")
    for seq, checkpoint in sorted(signed.items()):
        if walk.hashes.get(seq) != checkpoint.entry_hash:
            report.problems.append(f"checkpoint {seq}: the entry it signed is changed or gone")
    if walk.last_at is not None:
        _check_fresh(rule or CheckpointRule(), signed, walk.last_seq, walk.last_at, report)
    _check_alerts(repository, keys, walk.alert_entries, report)
    _check_alert_states(repository, keys, walk.state_entries, report)
    return report


def _gather_checkpoints(
    repository: AuditRepository, keys: AuditKeys, read: WitnessRead | None, report: VerifyReport
) -> dict[int, _Signed]:
    """Validly signed checkpoints of the database and the witness file, which must agree."""
    stored = _check_signatures(keys, repository.checkpoints(), "", report)
    witnessed: dict[int, _Signed] = {}
    if read is not None:
        for line in read.unreadable:
            report.problems.append(f"witness file line {line}: unreadable")
        witnessed = _check_signatures(keys, read.checkpoints, " (witness file)", report)
        report.witnessed = len(witnessed)
        for seq, signed in witnessed.items():
            if seq not in stored:
                report.problems.append(f"checkpoint {seq}: in the witness file, gone from the database")
            elif stored[seq].entry_hash != signed.entry_hash:
                report.problems.append(f"checkpoint {seq}: the database and the witness file disagree")
        if stored and not witnessed:
            report.problems.append("the witness file holds no checkpoint (run `audit checkpoint` to export)")
    signed_all = {**stored, **witnessed}
    report.checkpoints = len(signed_all)
    return signed_all


def _check_witnessed_heads(read: WitnessRead, walk: _Walk, report: VerifyReport) -> None:
    """The log reaches at least as far as the witness saw it, with the same entries on the way."""
    furthest = read.furthest
    if furthest is not None and furthest.seq > walk.last_seq:
        report.problems.append(
            f"the witness file saw entry {furthest.seq}, the log ends at entry {walk.last_seq}: "
            "its newest entries are gone"
        )
    for head in read.heads:
        if head.seq <= walk.last_seq and walk.hashes.get(head.seq) != head.entry_hash:
            report.problems.append(f"entry {head.seq}: differs from what the witness file saw")
            if len(report.problems) >= MAX_PROBLEMS:
                return


@dataclass
class _Walk:
    last_seq: int = 0
    last_hash: bytes = GENESIS_HASH
    last_at: datetime | None = None
    hashes: dict[int, bytes] = field(default_factory=dict)
    alert_entries: list[StoredEntry] = field(default_factory=list)
    state_entries: list[StoredEntry] = field(default_factory=list)


def _walk_chain(
    repository: AuditRepository, keys: AuditKeys, pinned_through: int, report: VerifyReport
) -> _Walk | None:
    """Every entry in order: sequence, link and tag. None when too many problems to go on."""
    walk = _Walk()
    for entry in repository.iter_entries():
        report.entries += 1
        if entry.seq != walk.last_seq + 1:
            report.problems.append(f"entry {walk.last_seq + 1}: missing (next entry found is {entry.seq})")
        if entry.prev_hash != walk.last_hash:
            report.problems.append(f"entry {entry.seq}: does not follow its predecessor")
        if not _tag_matches(keys, entry, pinned_through):
            report.problems.append(f"entry {entry.seq}: contents do not match its tag")
        if entry.kind == AuditKind.ALERT_RAISED.value:
            walk.alert_entries.append(entry)
        elif entry.kind == AuditKind.ALERT_STATE_CHANGED.value:
            walk.state_entries.append(entry)
        if entry.subjects:
            _check_owners(keys, entry, report)
        walk.hashes[entry.seq] = entry.entry_hash
        walk.last_seq, walk.last_hash, walk.last_at = entry.seq, entry.entry_hash, entry.at
        if len(report.problems) >= MAX_PROBLEMS:
            return None
    return walk


def _check_owners(keys: AuditKeys, entry: StoredEntry, report: VerifyReport) -> None:
    """The LA recorded beside each child (which scopes LA auditors' queries) is the one the tagged
    payload names: moving entries out of an LA auditor's sight by editing that column shows."""
    try:
        payload = keys.open(entry.seq, entry.kind, entry.key_version, entry.payload)
    except IntegrityFailure:
        report.problems.append(f"entry {entry.seq}: its contents cannot be read")
        return
    children, owners = payload.get("children"), payload.get(OWNERS)
    if not isinstance(children, list) or not isinstance(owners, list):
        return  # written before owners were recorded in the payload: its tag still covers the subjects
    named = {
        keys.subject(cp_id, entry.key_version): la or None
        for cp_id, la in zip(children, owners, strict=False)
    }
    stored = dict(zip(entry.subjects, entry.subject_las, strict=False))
    if named != stored:
        report.problems.append(f"entry {entry.seq}: the local authorities recorded beside it were changed")


def _check_fresh(
    rule: CheckpointRule, signed: dict[int, _Signed], head_seq: int, head_at: datetime, report: VerifyReport
) -> None:
    """The newest timed checkpoint is at most `rule.entries` entries and `rule.interval` behind the head."""
    timed = [s for s in signed.values() if s.at is not None and s.seq <= head_seq]
    if not timed:
        report.problems.append(f"no signed checkpoint covers the log (head at entry {head_seq})")
        return
    newest = max(timed, key=lambda s: s.seq)
    assert newest.at is not None  # noqa: S101  # filtered above; narrows the type for mypy
    if head_seq - newest.seq > rule.entries or head_at - newest.at > rule.interval:
        report.problems.append(
            f"the newest checkpoint (entry {newest.seq}) lags the head (entry {head_seq}) by more than "
            f"{rule.entries} entries or {int(rule.interval.total_seconds() // 60)} minutes"
        )


def _check_alerts(
    repository: AuditRepository, keys: AuditKeys, entries: list[StoredEntry], report: VerifyReport
) -> None:
    """Every alert the chain records is in the alerts table, unchanged, and every recorded alert row
    names such an entry."""
    recorded: dict[int, tuple[object, ...]] = {}
    full: set[int] = set()  # entries that record every column of their alert
    for entry in entries:
        try:
            payload = keys.open(entry.seq, entry.kind, entry.key_version, entry.payload)
        except IntegrityFailure:
            report.problems.append(f"entry {entry.seq}: the alert it records cannot be read")
            continue
        score = payload.get("score")
        recorded[entry.seq] = (
            entry.actor_id,
            str(payload.get("signal")),
            score if isinstance(score, int) else -1,
            payload.get("la"),
            payload.get("trigger"),
            entry.at,
        )
        if "la" in payload:
            full.add(entry.seq)
    seen: set[int] = set()
    for alert in repository.all_alerts():
        if alert.entry_seq is None:
            report.problems.append(f"alert {alert.id}: recorded in no audit entry")
            continue
        seen.add(alert.entry_seq)
        row: tuple[object, ...] = (
            alert.user_id,
            alert.kind,
            alert.score,
            alert.la_code,
            alert.audit_seq,
            alert.at,
        )
        expected = recorded.get(alert.entry_seq)
        width = 6 if alert.entry_seq in full else 3  # older entries recorded user, signal and score
        if expected is None or expected[:width] != row[:width]:
            report.problems.append(f"alert {alert.id}: differs from audit entry {alert.entry_seq}")
    for seq in sorted(set(recorded) - seen):
        report.problems.append(f"entry {seq}: records an alert that is gone")


def _check_alert_states(
    repository: AuditRepository, keys: AuditKeys, entries: list[StoredEntry], report: VerifyReport
) -> None:
    """Each alert's handling (state, outcome, who, when) is the one its latest `alerts:state` entry
    records, or untouched ("new") when the chain records none: closing an alert, reopening it or
    naming another auditor in the database shows. Entries from before the row's time was taken
    from the entry (no `alert_id` in them) are compared on state, outcome and auditor only."""
    latest: dict[str, tuple[StoredEntry, dict[str, object]]] = {}
    for entry in entries:
        try:
            payload = keys.open(entry.seq, entry.kind, entry.key_version, entry.payload)
        except IntegrityFailure:
            report.problems.append(f"entry {entry.seq}: the alert handling it records cannot be read")
            continue
        latest[str(payload.get("alert"))] = (entry, dict(payload))
    for alert in repository.all_alerts():
        ref = str(alert.entry_seq or f"id:{alert.id}")
        handled = latest.get(ref)
        row: tuple[object, ...] = (alert.state, alert.outcome, alert.state_by, alert.state_at)
        if handled is None:
            expected: tuple[object, ...] = ("new", None, None, None)
        else:
            entry, opened = handled
            expected = (opened.get("state"), opened.get("outcome"), entry.actor_id, entry.at)
            if "alert_id" not in opened:
                row, expected = row[:3], expected[:3]
        if row != expected:
            report.problems.append(f"alert {alert.id}: its handling differs from the audit trail")
