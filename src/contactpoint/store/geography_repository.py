"""Postcode areas and the LA directory: the only SQL that reads or writes them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from contactpoint.crypto.directory_tag import DirectoryTagger
from contactpoint.store.bulk import insert_rows, upsert_rows
from contactpoint.store.geography_models import LocalAuthorityRow, PostcodeAreaRow

_AREAS = cast(Table, PostcodeAreaRow.__table__)
_AUTHORITIES = cast(Table, LocalAuthorityRow.__table__)


@dataclass(frozen=True, slots=True)
class TeamContact:
    """How to reach an LA's ContactPoint team; any part may be unknown."""

    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAuthority:
    """An entry of the LA directory."""

    code: str
    name: str
    contact: TeamContact  # empty when `tampered`: a contact the application did not write is never used
    updated_at: datetime | None
    tampered: bool = False


class PostcodeAreaRepository:
    """Postcode unit, sector or district to the one authority it lies in."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def clear(self) -> None:
        """Remove every row, before a new table is written in the same transaction."""
        self._session.execute(delete(PostcodeAreaRow))

    def add_many(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Add (prefix, district, LA code) rows in bulk."""
        insert_rows(self._session, _AREAS, ("prefix", "district", "la_code"), rows)

    def in_district(self, district: str) -> dict[str, str]:
        """Every prefix of one postcode district with its LA code."""
        query = select(PostcodeAreaRow.prefix, PostcodeAreaRow.la_code).where(
            PostcodeAreaRow.district == district
        )
        return {row[0]: row[1] for row in self._session.execute(query)}

    def count(self) -> int:
        """How many prefixes the table holds."""
        return self._session.scalar(select(func.count()).select_from(PostcodeAreaRow)) or 0


class LocalAuthorityRepository:
    """The LA directory; team contacts carry a keyed tag written here and checked on every read."""

    def __init__(self, session: Session, tagger: DirectoryTagger) -> None:
        self._session = session
        self._tagger = tagger

    def put_names(self, names: Iterable[tuple[str, str]]) -> None:
        """Add authorities or rename them, keeping the contact details already held."""
        rows = sorted(names)
        upsert_rows(self._session, _AUTHORITIES, ("code", "name"), ("code",), rows)

    def get(self, code: str) -> StoredAuthority | None:
        """One authority, or None when the directory does not hold it."""
        row = self._session.get(LocalAuthorityRow, code)
        return None if row is None else self._stored(row)

    def all(self) -> list[StoredAuthority]:
        """The whole directory, by name."""
        rows = self._session.scalars(select(LocalAuthorityRow).order_by(LocalAuthorityRow.name))
        return [self._stored(row) for row in rows]

    def names(self) -> dict[str, str]:
        """Every authority's name by code."""
        query = select(LocalAuthorityRow.code, LocalAuthorityRow.name)
        return {row[0]: row[1] for row in self._session.execute(query)}

    def set_contact(self, code: str, contact: TeamContact, at: datetime) -> bool:
        """Replace an authority's team contact details; False when the directory does not hold it."""
        row = self._session.get(LocalAuthorityRow, code)
        if row is None:
            return False
        row.phone, row.email, row.address, row.updated_at = contact.phone, contact.email, contact.address, at
        row.contact_tag = self._tagger.tag(code, (contact.phone, contact.email, contact.address))
        row.tag_version = self._tagger.current_version
        self._session.flush()
        return True

    def _stored(self, row: LocalAuthorityRow) -> StoredAuthority:
        fields = (row.phone, row.email, row.address)
        if not self._tagger.intact(row.code, fields, row.tag_version, row.contact_tag):
            return StoredAuthority(row.code, row.name, TeamContact(), row.updated_at, tampered=True)
        return StoredAuthority(row.code, row.name, TeamContact(*fields), row.updated_at)
