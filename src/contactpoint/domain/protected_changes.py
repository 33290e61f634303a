"""Which changes a feed may make to a shielded or sealed record on its own.

A source's key is a credential that leaks, and a source may simply be wrong. For an ordinary record
that costs a correction; for a shielded child the address is what the LA team brokers contact from,
and the carers and names are what the limited view shows, so a row that moved them would let
whoever holds a key move a hidden child silently (and a sealed record carries a birth identity that
must not drift towards the adoptive one). Such a change is held in the owning LA's private review
queue for its team to accept or reject. What a source records about its own work with the child (its
involvement, dated within the child's life) is applied as for any record.
"""

from __future__ import annotations

from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus

PROTECTED = frozenset({RecordStatus.SHIELDED, RecordStatus.SEALED})


def needs_owning_team(before: ChildRecord, after: ChildRecord) -> bool:
    """Whether a feed's change from `before` to `after` must wait for the owning LA team: the record
    is shielded or sealed and the change touches its identity (names, date of birth, gender,
    identifiers), whereabouts or carers."""
    if before.status not in PROTECTED:
        return False
    return (
        before.names != after.names
        or before.date_of_birth != after.date_of_birth
        or before.gender != after.gender
        or before.identifiers != after.identifiers
        or before.whereabouts != after.whereabouts
        or before.carers != after.carers
    )
