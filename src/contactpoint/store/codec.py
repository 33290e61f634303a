"""The record payload: a child record as compact JSON, before encryption and after decryption.

Written out field by field rather than through a generic serialiser so the stored shape is
explicit and versioned (`v`), and so decoding re-runs every domain validation.
The ID, status and LA code are columns (bound to the ciphertext), not part of the payload.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ChildRecord,
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    SourceIdentifier,
    Whereabouts,
)
from contactpoint.domain.vocabulary import (
    AddressState,
    Gender,
    IdentifierScheme,
    IntentToReturn,
    RecordStatus,
    Relationship,
    SensitiveBasis,
    ServiceType,
)

PAYLOAD_VERSION = 1
Json = dict[str, Any]


def _name(name: PersonName) -> list[str]:
    return [name.given, name.family]


def _address(address: PostalAddress | None) -> Json | None:
    if address is None:
        return None
    return {"lines": list(address.lines), "town": address.town, "postcode": address.postcode.value}


def _contact(contact: ContactDetails) -> Json:
    return {"phone": contact.phone, "email": contact.email}


def _involvement(involvement: Involvement) -> Json:
    return {
        "service": involvement.service.value,
        "org": [involvement.organisation.code, involvement.organisation.name],
        "start": involvement.start.isoformat(),
        "end": involvement.end.isoformat() if involvement.end else None,
        "practitioner": _name(involvement.practitioner) if involvement.practitioner else None,
        "contact": _contact(involvement.contact),
        "lead": involvement.lead_professional,
        "caf": involvement.caf_exists,
        "basis": involvement.sensitive_basis.value if involvement.sensitive_basis else None,
    }


def encode(record: ChildRecord) -> bytes:
    """The payload bytes for a record."""
    document = {
        "v": PAYLOAD_VERSION,
        "names": {
            "current": _name(record.names.current),
            "former": [_name(n) for n in record.names.former],
            "known_as": [_name(n) for n in record.names.known_as],
        },
        "dob": record.date_of_birth.isoformat(),
        "gender": record.gender.value,
        "where": {
            "state": record.whereabouts.state.value,
            "address": _address(record.whereabouts.address),
            "return": record.whereabouts.intent_to_return.value if record.whereabouts.intent_to_return else None,
        },
        "carers": [
            {
                "name": _name(c.name),
                "rel": c.relationship.value,
                "pr": c.parental_responsibility,
                "contact": _contact(c.contact),
                "address": _address(c.address),
            }
            for c in record.carers
        ],
        "involvements": [_involvement(i) for i in record.involvements],
        "ids": [[i.scheme.value, i.value] for i in record.identifiers],
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _read_name(pair: list[str]) -> PersonName:
    return PersonName(pair[0], pair[1])


def _read_address(data: Json | None) -> PostalAddress | None:
    if data is None:
        return None
    return PostalAddress(tuple(data["lines"]), Postcode(data["postcode"]), data["town"])


def _read_contact(data: Json) -> ContactDetails:
    return ContactDetails(data["phone"], data["email"])


def _read_involvement(data: Json) -> Involvement:
    return Involvement(
        service=ServiceType(data["service"]),
        organisation=Organisation(*data["org"]),
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]) if data["end"] else None,
        practitioner=_read_name(data["practitioner"]) if data["practitioner"] else None,
        contact=_read_contact(data["contact"]),
        lead_professional=data["lead"],
        caf_exists=data["caf"],
        sensitive_basis=SensitiveBasis(data["basis"]) if data["basis"] else None,
    )


def decode(payload: bytes, cp_id: ContactPointId, status: RecordStatus, la_code: str) -> ChildRecord:
    """Rebuild the record from payload bytes and its columns, validating every field again."""
    document = json.loads(payload)
    if document.get("v") != PAYLOAD_VERSION:
        raise ValueError(f"unknown payload version {document.get('v')!r}")
    names = document["names"]
    where = document["where"]
    return ChildRecord(
        cp_id=cp_id,
        names=ChildNames(
            _read_name(names["current"]),
            tuple(_read_name(n) for n in names["former"]),
            tuple(_read_name(n) for n in names["known_as"]),
        ),
        date_of_birth=date.fromisoformat(document["dob"]),
        gender=Gender(document["gender"]),
        whereabouts=Whereabouts(
            AddressState(where["state"]),
            _read_address(where["address"]),
            IntentToReturn(where["return"]) if where["return"] else None,
        ),
        la_code=la_code,
        status=status,
        carers=tuple(
            Carer(
                _read_name(c["name"]), Relationship(c["rel"]), c["pr"], _read_contact(c["contact"]),
                _read_address(c["address"]),
            )
            for c in document["carers"]
        ),
        involvements=tuple(_read_involvement(i) for i in document["involvements"]),
        identifiers=tuple(SourceIdentifier(IdentifierScheme(s), v) for s, v in document["ids"]),
    )
