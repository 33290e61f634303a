"""Which records a practitioner's search may find, by record status (DESIGN section 2, invariant 2).

Decided here, once, and applied where index entries are written, so that a record a practitioner
must not find has no searchable entry at all rather than one filtered out later.
"""

from contactpoint.domain.records import ChildNames, PersonName
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


def names_search_may_match(status: RecordStatus, names: ChildNames) -> tuple[PersonName, ...]:
    """The names a practitioner's search may find a record by.

    A shielded child is found only by the name everyone sees, the current one. A former name or a
    name known by would let a search on the old name find the child after a change of name, and
    show the new name beside it: the very link the family may have changed it to break. Linkage
    still matches feed rows on every name, so rows in the old name keep reaching the record.
    """
    return (names.current,) if status is RecordStatus.SHIELDED else names.all()
