"""New records as the rows the store holds: sealed payload, wrapped key and blind-index rows.

Shared by the child repository and the initial load's producer processes, so a record is sealed and
indexed one way whichever process does it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from contactpoint.crypto.blind_index import BlindIndexer
from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.index_terms import BlockingTerm, IndexKind, TermsOf
from contactpoint.domain.records import ChildRecord
from contactpoint.store import codec

CHILDREN_TABLE = "children"
# Stored as small integers; append new kinds, never renumber.
KIND_CODES: dict[IndexKind, int] = {
    IndexKind.FAMILY_DOB: 1,
    IndexKind.GIVEN_DOB: 2,
    IndexKind.FAMILY_GIVEN_DISTRICT: 3,
    IndexKind.POSTCODE_BIRTH_YEAR: 4,
    IndexKind.SOURCE_ID: 5,
    IndexKind.POSTCODE_NAME: 6,
}


@dataclass(slots=True)
class NewRows:
    """The rows of new records, table by table, in the column order of `repository`'s constants."""

    issued: list[tuple[object, ...]] = field(default_factory=list)
    children: list[tuple[object, ...]] = field(default_factory=list)
    keys: list[tuple[object, ...]] = field(default_factory=list)
    index: list[tuple[int, int, str, bool]] = field(default_factory=list)


class RecordSealer:
    """Seals records under the current key and builds their blind-index entries."""

    def __init__(self, cipher: RecordCipher, indexer: BlindIndexer, terms_of: TermsOf) -> None:
        self._cipher = cipher
        self._indexer = indexer
        self._terms_of = terms_of

    def seal(self, record: ChildRecord, version: int) -> SealedRecord:
        """The record's encoding sealed under its own data key, bound to its plaintext columns."""
        return self._cipher.seal(codec.encode(record), context_of(record, version))

    def index_entries(self, record: ChildRecord) -> dict[tuple[int, int], bool]:
        """(kind code, value) to searchable, for every index entry of a record under the current key."""
        return self.entries_of(self._terms_of(record))

    def terms(self, record: ChildRecord) -> list[BlockingTerm]:
        """The record's index terms in the clear (in memory only), before they are HMACed."""
        return self._terms_of(record)

    def entries_of(
        self, terms: Sequence[BlockingTerm], values: dict[tuple[IndexKind, str], int] | None = None
    ) -> dict[tuple[int, int], bool]:
        """(kind code, value) to searchable for these terms; `values` keeps HMACs already computed
        (by term), so a record's terms before and after a change are each HMACed once."""
        known = {} if values is None else values
        entries: dict[tuple[int, int], bool] = {}
        for term in terms:
            value = known.get((term.kind, term.term))
            if value is None:
                value = known[term.kind, term.term] = self._indexer.value(term.kind, term.term)
            key = (KIND_CODES[term.kind], value)
            entries[key] = entries.get(key, False) or term.searchable
        return entries

    def index_rows(self, record: ChildRecord) -> list[tuple[int, int, str, bool]]:
        """The record's blind-index rows."""
        cp_id = record.cp_id.value
        entries = self.index_entries(record)
        return [(kind, value, cp_id, searchable) for (kind, value), searchable in entries.items()]

    def new_rows(self, records: Sequence[ChildRecord], now: object, *, issued: bool = False) -> NewRows:
        """Rows for records stored for the first time at `now` (as the driver binds it); with `issued`,
        their `issued_ids` rows too (IDs not reserved beforehand)."""
        rows = NewRows()
        for record in records:
            sealed = self.seal(record, 1)
            cp_id = record.cp_id.value
            if issued:
                rows.issued.append((cp_id, now))
            rows.children.append((cp_id, record.status.value, record.la_code, 1, sealed.payload, now, now))
            rows.keys.append((cp_id, sealed.key_version, sealed.wrapped_key))
            rows.index.extend(self.index_rows(record))
        return rows


def context_of(record: ChildRecord, version: int) -> RecordContext:
    """What a record's ciphertext is bound to: table, ID, status, LA and version."""
    return RecordContext(CHILDREN_TABLE, record.cp_id.value, record.status.value, record.la_code, version)
