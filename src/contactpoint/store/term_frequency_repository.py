"""The sealed term-frequency tables: replaced whole by a build, opened by linkage, re-sealed by rotation.

Like the other repositories it never commits. Each table is MessagePack sealed with the record
cipher, bound to its table name, column and size, so a payload moved to another row fails to open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.store.linkage_models import TermFrequencyTableRow
from contactpoint.store.timestamps import as_utc

TERM_FREQUENCY_TABLE = "term_frequency_tables"
_DECODER = msgspec.msgpack.Decoder(dict[str, float])


@dataclass(frozen=True, slots=True)
class TermFrequencyTable:
    """One column's table as built: value -> relative frequency, and how it was made."""

    column: str
    frequencies: Mapping[str, float]
    built_at: datetime
    names_counted: int


def _context(column: str, entries: int) -> RecordContext:
    return RecordContext(TERM_FREQUENCY_TABLE, column, "built", "", entries)


class TermFrequencyRepository:
    """Reads and writes the `term_frequency_tables` table."""

    def __init__(self, session: Session, cipher: RecordCipher) -> None:
        self._session = session
        self._cipher = cipher

    def replace_all(self, tables: list[TermFrequencyTable]) -> None:
        """Store these tables in place of every table held (a build covers all columns at once)."""
        self._session.execute(delete(TermFrequencyTableRow))
        for table in tables:
            entries = len(table.frequencies)
            sealed = self._cipher.seal(
                msgspec.msgpack.encode(dict(table.frequencies)), _context(table.column, entries)
            )
            self._session.add(
                TermFrequencyTableRow(
                    column_name=table.column,
                    built_at=table.built_at,
                    names_counted=table.names_counted,
                    entries=entries,
                    key_version=sealed.key_version,
                    payload=sealed.payload,
                    wrapped_key=sealed.wrapped_key,
                )
            )
        self._session.flush()

    def _open(self, row: TermFrequencyTableRow) -> dict[str, float]:
        sealed = SealedRecord(row.payload, row.wrapped_key, row.key_version)
        return _DECODER.decode(self._cipher.open(sealed, _context(row.column_name, row.entries)))

    def all(self) -> list[TermFrequencyTable]:
        """Every stored table, opened."""
        rows = self._session.scalars(
            select(TermFrequencyTableRow).order_by(TermFrequencyTableRow.column_name)
        )
        return [
            TermFrequencyTable(row.column_name, self._open(row), as_utc(row.built_at), row.names_counted)
            for row in rows
        ]

    def reseal_not_under(self, version: int) -> int:
        """Re-seal under the current key version every table sealed under another; returns how many."""
        rows = self._session.scalars(
            select(TermFrequencyTableRow).where(TermFrequencyTableRow.key_version != version)
        ).all()
        for row in rows:
            sealed = self._cipher.seal(
                msgspec.msgpack.encode(self._open(row)), _context(row.column_name, row.entries)
            )
            row.payload, row.wrapped_key, row.key_version = (
                sealed.payload,
                sealed.wrapped_key,
                sealed.key_version,
            )
        self._session.flush()
        return len(rows)
