"""Client systems' machine accounts: the `users` row they extend and their API key's hash.

A client system (a school's management system, a health visitor's record system) is bound to one
organisation through its `users` row (LA and organisation code), like that organisation's
practitioners. Only the key's SHA-256 is kept; revoking clears it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class ClientSystemRow(Base):
    """A client system's account: its key's hash, and when it was revoked."""

    __tablename__ = "client_systems"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    created_by: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # keyed tag over user, key hash, creator and revocation (crypto/account_tag.KeyTable)
    integrity_tag: Mapped[bytes | None] = mapped_column(LargeBinary)
    integrity_version: Mapped[int | None] = mapped_column(Integer)
