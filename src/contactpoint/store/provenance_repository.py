"""Provenance: which source gave each field of a record its visible value, and when.

Like every repository it never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from contactpoint.domain.clock import Clock
from contactpoint.store import bulk
from contactpoint.store.feed_models import FieldProvenance

_PROVENANCE: Table = FieldProvenance.__table__  # type: ignore[assignment]  # a declarative model's Table
PROVENANCE_COLUMNS = ("cp_id", "field", "source", "row_key", "as_of")
_PROVENANCE_OF = select(
    FieldProvenance.cp_id,
    FieldProvenance.field,
    FieldProvenance.source,
    FieldProvenance.row_key,
    FieldProvenance.as_of,
).where(FieldProvenance.cp_id.in_(bindparam("cp_ids", expanding=True)))
_IN_CHUNK = 300


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who gave a field its visible value."""

    field: str
    source: str
    row_key: str
    as_of: date


class ProvenanceRepository:
    """Field provenance of records."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def of(self, cp_ids: Iterable[str]) -> dict[str, dict[str, Provenance]]:
        """Field provenance of several records (a prebuilt statement on the connection: feed batches
        read it for every linked record, and the ORM's per-statement work cost more than the query)."""
        wanted = sorted(set(cp_ids))
        found: dict[str, dict[str, Provenance]] = {}
        connection = self._session.connection()
        for start in range(0, len(wanted), _IN_CHUNK):
            rows = connection.execute(_PROVENANCE_OF, {"cp_ids": wanted[start : start + _IN_CHUNK]})
            for cp_id, name, source, row_key, as_of in rows:
                found.setdefault(cp_id, {})[name] = Provenance(name, source, row_key, as_of)
        return found

    def set(self, entries: dict[str, Iterable[Provenance]]) -> None:
        """Replace the provenance of several records (every field of each), in bulk."""
        wanted = sorted(entries)
        for start in range(0, len(wanted), _IN_CHUNK):
            self._session.execute(
                delete(FieldProvenance).where(FieldProvenance.cp_id.in_(wanted[start : start + _IN_CHUNK]))
            )
        rows = [
            {"cp_id": cp_id, "field": p.field, "source": p.source, "row_key": p.row_key, "as_of": p.as_of}
            for cp_id, provenance in entries.items()
            for p in provenance
        ]
        if rows:
            self._session.execute(insert(FieldProvenance), rows)

    def update(self, entries: dict[str, Iterable[Provenance]]) -> None:
        """Set the provenance of the given fields of several records, leaving their other fields' as
        they are (a feed row changes a few fields; rewriting every field's row cost more than the change)."""
        as_of = bulk.binder(self._session, _PROVENANCE, "as_of")
        rows = [
            (cp_id, p.field, p.source, p.row_key, as_of(p.as_of))
            for cp_id, provenance in entries.items()
            for p in provenance
        ]
        bulk.upsert_rows(self._session, _PROVENANCE, PROVENANCE_COLUMNS, ("cp_id", "field"), rows)

    def forget(self, cp_id: str) -> None:
        """Drop a record's provenance (its record is gone into another)."""
        self._session.execute(delete(FieldProvenance).where(FieldProvenance.cp_id == cp_id))

    def now(self) -> datetime:
        """The clock's time (for callers that stamp provenance)."""
        return self._clock.now()
