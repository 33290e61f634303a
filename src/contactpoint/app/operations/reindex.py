"""Re-index protected records under today's visibility rules.

Shielding, sealing and any later change to a protected record rewrite all its index entries, so a
record protected today is right at once. A store whose records were protected under an older rule
(a shielded child's former names were once searchable) keeps those entries until this runs once
after the upgrade: every record that is not plainly active is re-indexed in place, keeping its
version, in batches of one transaction each. A shielded record from before identities were sealed
at shielding (`domain/visibility.with_status`) has its identity sealed now, as it stands.
"""

from __future__ import annotations

from contactpoint.app.runtime import Runtime
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.visibility import with_status
from contactpoint.domain.vocabulary import RecordStatus

BATCH = 500


def seal_identity(record: ChildRecord) -> ChildRecord:
    """A shielded record without a sealed identity gets one; any other record is unchanged."""
    if record.status is RecordStatus.SHIELDED and record.shielded_identity is None:
        return with_status(record, RecordStatus.SHIELDED)
    return record


def reindex_protected(runtime: Runtime, *, batch_size: int = BATCH) -> int:
    """Rewrite the index entries of every shielded, sealed, archived or deceased record; returns how many."""
    done, after = 0, ""
    while True:
        with runtime.unit_of_work() as uow:
            ids = uow.children.protected_ids_after(after, batch_size)
            if not ids:
                return done
            for cp_id in ids:
                uow.children.reseal(cp_id, seal_identity)
            uow.commit()
        done += len(ids)
        after = ids[-1].value
