"""Tables of the safeguards workflows: shielding and adoption requests with their four-eyes decisions,
contact requests.

Codes and IDs only; nothing about the child's circumstances. Registered on the shared metadata.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class ShieldingRequestRow(Base):
    """A request to shield or unshield one child, and the second administrator's decision on it."""

    __tablename__ = "shielding_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cp_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("children.cp_id", ondelete="CASCADE"), index=True
    )
    la_code: Mapped[str] = mapped_column(String(9))
    change: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[str] = mapped_column(String(32))
    review_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decider_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A keyed tag over the columns fixed at the request (crypto/request_tag.py, migration 0023)
    integrity_tag: Mapped[bytes | None] = mapped_column(LargeBinary)
    integrity_version: Mapped[int | None] = mapped_column(Integer)

    # The LA team's queue (pending requests) and review reminders (approved shieldings by date).
    __table_args__ = (Index("ix_shielding_requests_la_state", "la_code", "state"),)


class ContactRequestRow(Base):
    """A practitioner's request that the owning LA's team broker contact about a shielded child."""

    __tablename__ = "contact_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cp_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("children.cp_id", ondelete="CASCADE"), index=True
    )
    la_code: Mapped[str] = mapped_column(String(9))
    purpose: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    handler_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_contact_requests_la_outcome", "la_code", "outcome"),)


class AdoptionRequestRow(Base):
    """A request to seal a birth record for an adoption, awaiting a second administrator.

    The adoptive identity is sealed (its own data key) while the request waits, and erased when it
    is decided, so no row ever holds the birth ID beside the adoptive identity or its new ID.
    """

    __tablename__ = "adoption_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    birth_cp_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("children.cp_id", ondelete="CASCADE"), index=True
    )
    la_code: Mapped[str] = mapped_column(String(9))
    state: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decider_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer)
    integrity_tag: Mapped[bytes | None] = mapped_column(LargeBinary)  # as on shielding requests
    integrity_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_adoption_requests_la_state", "la_code", "state"),)
