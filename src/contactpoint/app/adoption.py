"""Recording an adoption (DESIGN invariant 4): the birth identity is sealed and a new one is issued.

No link between the two is kept anywhere: not in a column, not in an index value, not in either
record. The new record takes the date of birth and gender (they do not change) and nothing else
of the birth identity: no identifiers (sources issue new ones), no involvements, no former names.
The second administrator's approval and the audit event arrive with access control (issue 6.1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from contactpoint.app.services import Services
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import Carer, ChildNames, ChildRecord, Whereabouts
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.normalise import family_name_keys

_ADOPTABLE = frozenset({RecordStatus.ACTIVE, RecordStatus.SHIELDED})


@dataclass(frozen=True, slots=True)
class AdoptiveIdentity:
    """What the LA records for the child's new identity."""

    names: ChildNames
    whereabouts: Whereabouts
    la_code: str
    carers: tuple[Carer, ...] = ()


def _family_keys(names: ChildNames) -> frozenset[str]:
    return frozenset(key for name in names.all() for key in family_name_keys(name.family))


def adoption_records(
    birth: ChildRecord, adoptive: AdoptiveIdentity, new_id: ContactPointId
) -> tuple[ChildRecord, ChildRecord]:
    """The sealed birth record and the new adoptive record; refuses what would let them be linked."""
    if birth.status not in _ADOPTABLE:
        raise ValidationError("status", "only an active or shielded record can be sealed for an adoption")
    if _family_keys(birth.names) & _family_keys(adoptive.names):
        # Family name and date of birth index both identities under one value otherwise.
        raise ValidationError(
            "family_name", "the adoptive names must not share a family name with the birth names"
        )
    sealed = replace(birth, status=RecordStatus.SEALED)
    new = ChildRecord(
        cp_id=new_id,
        names=adoptive.names,
        date_of_birth=birth.date_of_birth,
        gender=birth.gender,
        whereabouts=adoptive.whereabouts,
        la_code=adoptive.la_code,
        carers=adoptive.carers,
        adoptive_identity=True,
    )
    return sealed, new


def record_adoption(
    services: Services, birth_id: ContactPointId, adoptive: AdoptiveIdentity
) -> ContactPointId:
    """Seal the birth record and create the adoptive one in one transaction; returns the new ID."""
    with services.unit_of_work() as uow:
        stored = uow.children.get(birth_id)
        new_id = uow.children.reserve_ids(1)[0]
        sealed, new = adoption_records(stored.record, adoptive, new_id)
        uow.children.replace(sealed, stored.version)
        uow.children.add_many([new])
        uow.commit()
    return new_id
