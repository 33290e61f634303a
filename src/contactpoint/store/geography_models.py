"""Tables of places: postcodes to children's services authorities, and the LA directory.

Public reference data (ONS geography) and the national administrator's contact details for each
LA's ContactPoint team; nothing here is about a child.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class PostcodeAreaRow(Base):
    """A postcode unit, sector or district and the one upper-tier authority it lies in.

    Keyed by district (the outward code) first, so a lookup reads a whole district as one range of
    the key (on SQLite the rows are stored in key order).
    """

    __tablename__ = "postcode_areas"

    district: Mapped[str] = mapped_column(String(4), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    la_code: Mapped[str] = mapped_column(String(9))

    __table_args__ = ({"sqlite_with_rowid": False},)


class LocalAuthorityRow(Base):
    """A children's services authority: its name, and how to reach its ContactPoint team."""

    __tablename__ = "local_authorities"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(400))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A keyed tag over code and contact (crypto/directory_tag.py), and the key version it was made under.
    contact_tag: Mapped[bytes | None] = mapped_column(LargeBinary)
    tag_version: Mapped[int | None] = mapped_column(Integer)
