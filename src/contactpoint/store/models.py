"""Tables. Columns hold ciphertext, blind index values and non-identifying fields only.

`issued_ids` keeps every ContactPoint ID ever issued, so an ID is never reused even after its
record is purged. `record_keys` holds each record's wrapped data key apart from the record, so that
purging can destroy the key (crypto-shredding) and the keys could live in a separate store.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations are predictable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IssuedId(Base):
    """Every ContactPoint ID ever issued; rows are never deleted."""

    __tablename__ = "issued_ids"
    __table_args__ = ({"sqlite_with_rowid": False},)  # narrow rows keyed by ID: one B-tree, not two

    cp_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChildRow(Base):
    """One child: an encrypted payload plus the fields the system must read without decrypting."""

    __tablename__ = "children"

    cp_id: Mapped[str] = mapped_column(String(12), ForeignKey("issued_ids.cp_id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    la_code: Mapped[str] = mapped_column(String(9))
    record_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_children_la_code_status", "la_code", "status"),)


class RecordKey(Base):
    """A record's data key, wrapped under one key version of the keyring."""

    __tablename__ = "record_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    cp_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("children.cp_id", ondelete="CASCADE"), primary_key=True
    )
    key_version: Mapped[int] = mapped_column(Integer, index=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)


class BlindIndexEntry(Base):
    """One truncated HMAC of a blocking term. `searchable` is false where search must not find the child."""

    __tablename__ = "blind_index"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cp_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("children.cp_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    searchable: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = ({"sqlite_with_rowid": False},)


# Later layers' tables share this metadata; importing them here lets Alembic and the migration test see them.
from contactpoint.store import (  # noqa: E402  (they need Base defined above)
    access_models,
    client_models,
    feed_models,
    geography_models,
    linkage_models,
    safeguard_models,
)

__all__ = [
    "Base",
    "BlindIndexEntry",
    "ChildRow",
    "IssuedId",
    "RecordKey",
    "access_models",
    "client_models",
    "feed_models",
    "geography_models",
    "linkage_models",
    "safeguard_models",
]
