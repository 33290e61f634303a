"""Use cases: merge two records found to be one child, and undo a merge.

A merge keeps both records as they were (sealed in the merge's snapshot), folds the absorbed one
into the survivor, and moves the absorbed record's feed rows to the survivor. An unmerge restores
both exactly as they were, and keeps on the survivor what arrived since the merge, and puts the
records' open review items back in the queues they were in. Sealed records never merge (DESIGN
invariant 4: nothing links a birth identity to an adoptive one), and a shielded record never merges
with another LA's: the merged record would be owned, and seen in full, by an LA that did not shield
it. Both acts, operator's commands, are audited with the records they name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import msgspec

from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.normalise import fold
from contactpoint.store.unit_of_work import UnitOfWork

MAX_NAMES = 8
MAX_CARERS = 8
_PROTECTIVE = [RecordStatus.ACTIVE, RecordStatus.DECEASED, RecordStatus.ARCHIVED, RecordStatus.SHIELDED]


@dataclass(frozen=True, slots=True)
class MergeSnapshot:
    """Both records as they were, and the merged record as first written."""

    survivor: ChildRecord
    absorbed: ChildRecord
    merged: ChildRecord
    # The open review items about either record before the merge: (item, candidate, LA, private).
    holds: tuple[tuple[int, str, str | None, bool], ...] = ()


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(MergeSnapshot)


def _name_key(name: PersonName) -> tuple[str, str]:
    return fold(name.given), fold(name.family)


def combine(survivor: ChildRecord, absorbed: ChildRecord) -> ChildRecord:
    """The survivor with everything the absorbed record knew that it did not."""
    seen = {_name_key(n) for n in survivor.names.all()}
    former = list(survivor.names.former)
    for name in absorbed.names.all():
        if _name_key(name) not in seen and len(former) < MAX_NAMES:  # a bound on names kept
            former.append(name)
            seen.add(_name_key(name))
    schemes = {i.scheme for i in survivor.identifiers}
    identifiers = (*survivor.identifiers, *(i for i in absorbed.identifiers if i.scheme not in schemes))
    keys = {(i.service, i.organisation.code) for i in survivor.involvements}
    involvements = (
        *survivor.involvements,
        *(i for i in absorbed.involvements if (i.service, i.organisation.code) not in keys),
    )[:64]
    carers = list(survivor.carers)
    for carer in absorbed.carers:
        if (
            _name_key(carer.name) not in {_name_key(c.name) for c in carers} and len(carers) < MAX_CARERS
        ):  # the record's bound
            carers.append(carer)
    status = max(survivor.status, absorbed.status, key=_PROTECTIVE.index)
    return replace(
        survivor,
        names=ChildNames(survivor.names.current, tuple(former), survivor.names.known_as),
        identifiers=identifiers,
        involvements=involvements,
        carers=tuple(carers),
        status=status,
    )


def merge_records(runtime: Runtime, survivor_id: ContactPointId, absorbed_id: ContactPointId) -> int:
    """Fold `absorbed_id` into `survivor_id`; returns the merge number for a later unmerge."""
    if survivor_id == absorbed_id:
        raise ValidationError("merge", "a record cannot merge with itself")
    with runtime.unit_of_work() as uow:
        survivor, absorbed = uow.children.get(survivor_id), uow.children.get(absorbed_id)
        statuses = (survivor.record.status, absorbed.record.status)
        if RecordStatus.SEALED in statuses:
            raise ValidationError("merge", "a sealed record never merges")
        if RecordStatus.SHIELDED in statuses and survivor.record.la_code != absorbed.record.la_code:
            raise ValidationError("merge", "a shielded record never merges with another LA's record")
        merged = combine(survivor.record, absorbed.record)
        rows = [(e.source, e.row_key, e.content_hash) for e in uow.ledger.rows_of(absorbed_id.value)]
        holds = tuple(uow.reviews.open_holds([survivor_id.value, absorbed_id.value]))
        snapshot = _encoder.encode(MergeSnapshot(survivor.record, absorbed.record, merged, holds))
        merge_id = uow.merges.add(survivor_id.value, absorbed_id.value, rows, snapshot)
        uow.children.replace(merged, survivor.version)
        uow.children.remove(absorbed_id)
        uow.ledger.move_rows(rows, survivor_id.value)
        uow.reviews.retarget(absorbed_id, survivor_id)
        if merged.status is RecordStatus.SHIELDED:
            uow.reviews.make_private(survivor_id, merged.la_code)
        uow.provenance.forget(absorbed_id.value)
        _audit(runtime, uow, AuditKind.RECORDS_MERGED, merge_id, survivor.record, absorbed.record)
        uow.commit()
    return merge_id


def _audit(  # noqa: PLR0917  # the unit, the act and the two records it names
    runtime: Runtime,
    uow: UnitOfWork,
    kind: AuditKind,
    merge_id: int,
    survivor: ChildRecord,
    absorbed: ChildRecord,
) -> None:
    """The operator's merge or unmerge (no account: the operator holds the key file), naming both
    records and their LAs, so both LAs' auditors find it."""
    audit_log(runtime, uow).append(
        AuditEvent(
            kind,
            None,
            (survivor.cp_id.value, absorbed.cp_id.value),
            {"merge": merge_id},
            owners={
                survivor.cp_id.value: survivor.la_code or "",
                absorbed.cp_id.value: absorbed.la_code or "",
            },
        )
    )


def _since(before: ChildRecord, merged: ChildRecord, now: ChildRecord) -> ChildRecord:
    """`before` plus what changed between `merged` and `now` (what arrived after the merge)."""
    result = before
    if now.names.current != merged.names.current:
        result = replace(
            result, names=ChildNames(now.names.current, (*result.names.former, result.names.current))
        )
    if now.whereabouts != merged.whereabouts:
        result = replace(result, whereabouts=now.whereabouts, la_code=now.la_code)
    if now.status != merged.status:
        result = replace(result, status=now.status)
    schemes = {i.scheme for i in result.identifiers}
    new_identifiers = [i for i in now.identifiers if i not in merged.identifiers and i.scheme not in schemes]
    arrived = [i for i in now.involvements if i not in merged.involvements]
    keys = {(i.service, i.organisation.code) for i in arrived}
    involvements = (
        *(i for i in result.involvements if (i.service, i.organisation.code) not in keys),
        *arrived,
    )
    carers = (*result.carers, *(c for c in now.carers if c not in merged.carers and c not in result.carers))
    return replace(
        result,
        identifiers=(*result.identifiers, *new_identifiers),
        involvements=involvements[:64],
        carers=carers[:8],
    )


def unmerge_records(runtime: Runtime, merge_id: int) -> tuple[ContactPointId, ContactPointId]:
    """Undo a merge: both records as they were, the survivor keeping what arrived since."""
    with runtime.unit_of_work() as uow:
        survivor_id, absorbed_id, rows, plaintext, undone = uow.merges.get(merge_id)
        if undone:
            raise ValidationError("merge", "has already been undone")
        snapshot = _decoder.decode(plaintext)
        current = uow.children.get(ContactPointId(survivor_id))
        restored = _since(snapshot.survivor, snapshot.merged, current.record)
        uow.children.replace(restored, current.version)
        uow.children.restore(snapshot.absorbed)
        uow.ledger.move_rows(rows, absorbed_id)
        uow.reviews.restore_holds(snapshot.holds)
        uow.merges.mark_unmerged(merge_id)
        _audit(runtime, uow, AuditKind.RECORDS_UNMERGED, merge_id, restored, snapshot.absorbed)
        uow.commit()
    return ContactPointId(survivor_id), ContactPointId(absorbed_id)
