"""Which records a practitioner's search may find, by record status, and which identity of a
shielded child they may see (DESIGN section 2, invariant 2).

Decided here, once, and applied where index entries are written, so that a record a practitioner
must not find has no searchable entry at all rather than one filtered out later; and where any
limited surface is built (view, search hits, FHIR, a third party's subject access report), so none
of them shows what a source changed after the child was shielded.
"""

from dataclasses import replace
from datetime import date

from contactpoint.domain.records import Carer, ChildRecord, PersonName, ShieldedIdentity
from contactpoint.domain.vocabulary import RecordStatus

_SEARCHABLE = frozenset({RecordStatus.ACTIVE, RecordStatus.SHIELDED, RecordStatus.DECEASED})


def search_may_match(status: RecordStatus, *, uses_hidden_fields: bool) -> bool:
    """True when a search term built from these fields may find a record of this status.

    Sealed and archived records are never found by practitioners. A shielded child is found only
    through the fields every user may see (name, date of birth, gender), never through address,
    postcode or identifiers.
    """
    if status not in _SEARCHABLE:
        return False
    return not (status is RecordStatus.SHIELDED and uses_hidden_fields)


def identity_now(record: ChildRecord, on: date | None = None) -> ShieldedIdentity:
    """The record's identity as it stands: names, date of birth, gender, carers' names."""
    carers = tuple(Carer(c.name, c.relationship, c.parental_responsibility) for c in record.carers)
    return ShieldedIdentity(record.names, record.date_of_birth, record.gender, carers, on)


def with_status(record: ChildRecord, status: RecordStatus, *, on: date | None = None) -> ChildRecord:
    """The record with a new status; becoming shielded seals the identity it has now, and leaving
    shielding (other than into the archive) drops it.

    This is the one place a shielding decision touches the record, so every path that shields a
    child (the LA's decision, the demo) keeps the identity others may see from then on.
    """
    if status is RecordStatus.SHIELDED:
        kept = record.shielded_identity if record.status is RecordStatus.SHIELDED else None
        sealed = kept or identity_now(record, on)
        return replace(record, status=status, shielded_identity=sealed)
    if status is RecordStatus.ARCHIVED:
        return replace(record, status=status)
    return replace(record, status=status, shielded_identity=None)


def is_shielded(record: ChildRecord) -> bool:
    """Shielded now, or archived while shielded (the archive keeps the child known as one)."""
    archival = record.archival
    return record.status is RecordStatus.SHIELDED or (
        archival is not None and archival.previous_status is RecordStatus.SHIELDED
    )


def shielded_identity(record: ChildRecord) -> ShieldedIdentity:
    """What users outside the owning LA's team may know of a shielded child: the identity sealed
    when it was shielded, or, for a record shielded before identities were sealed, its own now."""
    return record.shielded_identity or identity_now(record)


def as_limited(record: ChildRecord) -> ChildRecord:
    """A shielded record as those outside its LA team may see it: the sealed identity in place of
    the names, date of birth, gender and carers a source may have changed since.

    A new family name, a former name beside it, a carer who came later, or a corrected birthday
    would each tell someone who knew the child then where to look now. Other statuses unchanged.
    """
    if not is_shielded(record):
        return record
    identity = shielded_identity(record)
    return replace(
        record,
        names=identity.names,
        date_of_birth=identity.date_of_birth,
        gender=identity.gender,
        carers=identity.carers,
    )


def names_search_may_match(record: ChildRecord) -> tuple[PersonName, ...]:
    """The names a practitioner's search may find a record by.

    A shielded child is found only by the name sealed when it was shielded. A later name, a former
    name or a name known by would let a search on one name find the child under another: the very
    link the family may have changed it to break; and a search on the old name answers as it did
    before the change. Linkage still matches feed rows on every name, so rows in any name keep
    reaching the record.
    """
    if record.status is RecordStatus.SHIELDED:
        return (shielded_identity(record).names.current,)
    return record.names.all()
