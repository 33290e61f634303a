"""Finding personal values in raw bytes: the plaintext-at-rest checks' scanner.

Ciphertext is random, so a short string turns up in it by chance: matched without regard to case,
a 4-letter name appears about once in every 270 MB, and thousands of names over a few MB of store
give a few such hits in every run. So a value is looked for bare only when it is at least 6 bytes
long (chance hits per run, over ~6,000 values and ~5 MB: about 0.004). Shorter values (most given
names) are looked for in the delimited forms a leak would take: JSON-quoted, tab-separated
(pg_dump's COPY rows), and from 5 bytes up also as a MessagePack string (our payload format; its
one length byte is too little evidence for shorter names). Every record is also
covered by longer values (ISO date of birth, postcode, address line, contact details), so a record
stored in the clear cannot slip through.

Digits need more: the store rightly holds every 12-digit ContactPoint ID in the clear, about ten
thousand copies for 1,000 children, and an 8-digit date (YYYYMMDD) turns up among them by chance
about once in two runs. All-digit values shorter than NHS numbers (10 digits) are therefore looked
for delimited too; the same dates are still looked for bare in their ISO and DD/MM/YYYY spellings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from contactpoint.domain.records import ChildRecord

BARE_MINIMUM = 6
BARE_MINIMUM_DIGITS = 10
MSGPACK_MINIMUM = 5
_PREFIX = 4
_BYTEA_HEX = re.compile(rb"\\\\x([0-9a-f]+)")


def personal_values(records: Iterable[ChildRecord], *, other_spellings: bool = True) -> set[str]:
    """Every name, date of birth, postcode, address line and contact detail in the records.

    With `other_spellings`, also dates as DD/MM/YYYY and YYYYMMDD and postcodes without a space.
    """
    values: set[str] = set()
    for record in records:
        for name in record.names.all():
            values.update((name.given, name.family, *name.given.split(" ")))
        born = record.date_of_birth
        values.add(born.isoformat())
        if other_spellings:
            values.update((born.strftime("%d/%m/%Y"), born.strftime("%Y%m%d")))
        addresses = [record.whereabouts.address, *(c.address for c in record.carers)]
        for address in filter(None, addresses):
            values.update((address.postcode.value, *address.lines))
            if other_spellings:
                values.add(address.postcode.value.replace(" ", ""))
        for carer in record.carers:
            values.update(
                filter(None, (carer.name.given, carer.name.family, carer.contact.phone, carer.contact.email))
            )
        for involvement in record.involvements:
            if involvement.practitioner:
                values.update((involvement.practitioner.given, involvement.practitioner.family))
        values.update(i.value for i in record.identifiers)
    return {v for v in values if len(v) >= 2}


def _forms(value: str) -> list[bytes]:
    raw = value.encode().lower()
    if len(raw) >= (BARE_MINIMUM_DIGITS if raw.isdigit() else BARE_MINIMUM):
        return [raw]
    forms = [b'"' + raw + b'"', b"\t" + raw + b"\t"]
    if len(raw) >= MSGPACK_MINIMUM:
        forms.append(bytes([0xA0 | len(raw)]) + raw)
    return forms


def found_in(blob: bytes, values: Iterable[str]) -> set[str]:
    """The values present in `blob`, case-insensitively, in the forms described above."""
    owner: dict[bytes, str] = {form: value for value in values for form in _forms(value)}
    by_prefix: dict[bytes, list[bytes]] = {}
    for form in owner:
        by_prefix.setdefault(form[:_PREFIX], []).append(form)
    haystack = blob.lower()
    hits: set[str] = set()
    # One pass over the bytes, then a full comparison only for forms sharing the 4-byte prefix.
    for position in range(len(haystack) - _PREFIX + 1):
        candidates = by_prefix.get(haystack[position : position + _PREFIX])
        if candidates:
            hits.update(owner[f] for f in candidates if haystack.startswith(f, position))
    return hits


def decode_bytea(dump: bytes) -> bytes:
    r"""A pg_dump with every bytea value (printed as \\x followed by hex) turned back into its bytes."""
    return _BYTEA_HEX.sub(lambda match: bytes.fromhex(match.group(1).decode()), dump)
