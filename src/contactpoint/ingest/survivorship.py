"""Survivorship: how a linked row changes a record, and which source's value is the visible one.

The written rules:
- Each field (name, address, gender) remembers the source, row and date that gave its value.
- A row's value replaces the visible one when its source ranks higher for that field in `TRUST`,
  or ranks the same and is at least as recent. A replaced current name becomes a former name.
- Identifiers are added when the record has none of that scheme (a clash keeps the held one).
- Involvements are keyed by service and organisation: the row's version replaces the held one.
- Carers are added when no carer of that name is held.
The date of birth never changes through a feed (a correction is an administrator's job).
A partial row (FeedRow.partial) lacking a name leaves the record's names as they are, and never
makes a record (`new_record` refuses it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildNames, ChildRecord, Involvement, PersonName, Whereabouts
from contactpoint.domain.vocabulary import AddressState, Gender, RecordStatus
from contactpoint.ingest.feed_row import FeedRow
from contactpoint.linkage.normalise import fold
from contactpoint.store.provenance_repository import Provenance

# Higher is more trusted. Names: the NHS spine and benefit claims are checked against documents;
# addresses: benefit claimants and GP registrations are kept current; others are case systems.
TRUST: dict[str, dict[str, int]] = {
    "name": {
        "nhs_registrations": 6,
        "fhir_patient": 6,
        "child_benefit": 5,
        "school_census": 4,
        "la_social_care": 3,
        "community_health": 2,
        "youth_offending": 1,
    },
    "address": {
        "child_benefit": 6,
        "nhs_registrations": 5,
        "fhir_patient": 5,
        "school_census": 4,
        "la_social_care": 3,
        "community_health": 2,
        "youth_offending": 1,
    },
    "gender": {"nhs_registrations": 6, "fhir_patient": 6, "child_benefit": 5, "school_census": 4},
}
FIELDS = ("name", "address", "gender")
MAX_CARERS = 8
MAX_INVOLVEMENTS = 64
LaLookup = Callable[[str], str | None]
NOT_ENOUGH_IDENTITY = "is missing: not enough identity to create a record"


def _wins(field: str, row: FeedRow, as_of: date, held: Provenance | None) -> bool:
    if held is None:
        return True
    ranks = TRUST.get(field, {})
    new_rank, held_rank = ranks.get(row.source, 0), ranks.get(held.source, 0)
    return new_rank > held_rank or (new_rank == held_rank and as_of >= held.as_of)


def new_record(
    row: FeedRow, cp_id: ContactPointId, la_code: str, as_of: date
) -> tuple[ChildRecord, list[Provenance]]:
    """A new child from a row, and the provenance of its fields; a partial row makes none."""
    if row.partial:
        raise ValidationError(row.missing[0], NOT_ENOUGH_IDENTITY)
    record = ChildRecord(
        cp_id=cp_id,
        names=row.names,
        date_of_birth=row.date_of_birth,
        gender=row.gender,
        whereabouts=row.whereabouts or Whereabouts(AddressState.NO_KNOWN_ADDRESS),
        la_code=la_code,
        status=RecordStatus.ACTIVE,
        carers=row.carers,
        involvements=row.involvements,
        identifiers=row.identifiers,
    )
    fields = ["name", "date_of_birth"]
    if row.whereabouts is not None:
        fields.append("address")
    if row.gender is not Gender.NOT_SPECIFIED:
        fields.append("gender")
    return record, [Provenance(f, row.source, row.row_key, as_of) for f in fields]


def _same_name(a: PersonName, b: PersonName) -> bool:
    return fold(a.given) == fold(b.given) and fold(a.family) == fold(b.family)


def _swapped(a: PersonName, b: PersonName) -> bool:
    """Whether `b` is `a` with its given and family names exchanged (a slip, not another name)."""
    return fold(a.given) == fold(b.family) and fold(a.family) == fold(b.given)


def _names(names: ChildNames, incoming: PersonName) -> ChildNames:
    """The record's names after a row that wins the name: the record's own spelling is kept when
    the row's name folds equal to it (case, spaces, accents, look-alike letters) or is it with given
    and family exchanged; a name the record held before comes back in the spelling it had; a
    swapped pair is never kept as a former name."""
    current = names.current
    if _same_name(current, incoming) or _swapped(current, incoming):
        return names
    incoming = next((n for n in names.former if _same_name(n, incoming)), incoming)
    former = names.former
    if not any(_same_name(n, current) for n in former):
        former = (*former, current)
    former = tuple(n for n in former if not _same_name(n, incoming) and not _swapped(n, incoming))[-8:]
    return ChildNames(incoming, former, names.known_as)


def _involvements(
    held: tuple[Involvement, ...], incoming: tuple[Involvement, ...]
) -> tuple[Involvement, ...]:
    result = list(held)
    for involvement in incoming:
        key = (involvement.service, involvement.organisation.code)
        index = next(
            (i for i, h in enumerate(result) if (h.service, h.organisation.code) == key),
            None,
        )
        if index is None:
            if len(result) < MAX_INVOLVEMENTS:
                result.append(involvement)
        else:
            result[index] = involvement
    return tuple(result)


def apply_row(
    record: ChildRecord,
    row: FeedRow,
    held: dict[str, Provenance],
    as_of: date,
    la_for: LaLookup,
) -> tuple[ChildRecord, list[Provenance]]:
    """The record after the row, and the provenance entries that changed."""
    changed: list[Provenance] = []
    names, whereabouts, gender, la_code = record.names, record.whereabouts, record.gender, record.la_code
    if row.names_given and _wins("name", row, as_of, held.get("name")):
        names = _names(record.names, row.names.current)
        changed.append(Provenance("name", row.source, row.row_key, as_of))
    if row.whereabouts is not None and _wins("address", row, as_of, held.get("address")):
        whereabouts = row.whereabouts
        changed.append(Provenance("address", row.source, row.row_key, as_of))
        postcode = row.whereabouts.postcode
        moved_to = (row.la_code or la_for(postcode.value)) if postcode is not None else row.la_code
        if moved_to is not None and record.status is RecordStatus.ACTIVE:
            la_code = moved_to  # a shielded or sealed record stays with the LA that decided its status
    if row.gender is not Gender.NOT_SPECIFIED and (
        record.gender is Gender.NOT_SPECIFIED or _wins("gender", row, as_of, held.get("gender"))
    ):
        gender = row.gender
        changed.append(Provenance("gender", row.source, row.row_key, as_of))
    schemes = {i.scheme for i in record.identifiers}
    identifiers = (*record.identifiers, *(i for i in row.identifiers if i.scheme not in schemes))
    carers = record.carers
    for carer in row.carers:
        if len(carers) < MAX_CARERS and not any(_same_name(c.name, carer.name) for c in carers):
            carers = (*carers, carer)
    updated = replace(
        record,
        names=names,
        whereabouts=whereabouts,
        gender=gender,
        la_code=la_code,
        identifiers=identifiers,
        carers=carers,
        involvements=_involvements(record.involvements, row.involvements),
    )
    return updated, changed
