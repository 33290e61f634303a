"""Shielding requests and contact requests: the only SQL about them. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from contactpoint.crypto.request_tag import TAGGED
from contactpoint.domain.errors import ConcurrentUpdate, NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    RequestState,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.store.safeguard_models import ContactRequestRow, ShieldingRequestRow
from contactpoint.store.timestamps import as_utc


@dataclass(frozen=True, slots=True)
class StoredShieldingRequest:
    """A request as stored, with its decision if made."""

    id: int
    cp_id: ContactPointId
    la_code: str
    details: ShieldingRequestDetails
    state: RequestState
    requester_id: int
    requested_at: datetime
    decider_id: int | None
    decided_at: datetime | None


def _stored(row: ShieldingRequestRow) -> StoredShieldingRequest:
    return StoredShieldingRequest(
        row.id,
        ContactPointId(row.cp_id),
        row.la_code,
        ShieldingRequestDetails(
            ShieldingChange(row.change),
            ShieldingReason(row.reason),
            RequestedBy(row.requested_by),
            row.review_on,
        ),
        RequestState(row.state),
        row.requester_id,
        as_utc(row.requested_at),
        row.decider_id,
        as_utc(row.decided_at) if row.decided_at else None,
    )


class ShieldingRepository:
    """Requests by LA and state; a decision is recorded only on a request still pending."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        cp_id: ContactPointId,
        la_code: str,
        details: ShieldingRequestDetails,
        requester_id: int,
        at: datetime,
    ) -> int:
        """Record a pending request; returns its number."""
        row = ShieldingRequestRow(
            cp_id=cp_id.value,
            la_code=la_code,
            change=details.change.value,
            reason=details.reason.value,
            requested_by=details.requested_by.value,
            review_on=details.review_on,
            state=RequestState.PENDING.value,
            requester_id=requester_id,
            requested_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, request_id: int) -> StoredShieldingRequest:
        """One request; NotFound if there is none."""
        row = self._session.get(ShieldingRequestRow, request_id)
        if row is None:
            raise NotFound("no such shielding request")
        return _stored(row)

    def tagged(self, request_id: int) -> tuple[dict[str, object], bytes | None, int | None]:
        """The request's tagged columns (crypto/request_tag.TAGGED), its tag and the tag's key version."""
        row = self._session.get(ShieldingRequestRow, request_id)
        if row is None:
            raise NotFound("no such shielding request")
        columns = {name: getattr(row, name) for name in TAGGED["shielding_requests"]}
        return columns, row.integrity_tag, row.integrity_version

    def set_tag(self, request_id: int, tag: bytes, version: int) -> None:
        """Record the request's integrity tag (made by the use case that recorded the request)."""
        self._session.execute(
            update(ShieldingRequestRow)
            .where(ShieldingRequestRow.id == request_id)
            .values(integrity_tag=tag, integrity_version=version)
            .execution_options(synchronize_session=False)
        )

    def pending_for_child(self, cp_id: ContactPointId) -> int:
        """How many requests about this child await a decision."""
        query = select(func.count()).where(
            ShieldingRequestRow.cp_id == cp_id.value, ShieldingRequestRow.state == RequestState.PENDING.value
        )
        return self._session.scalar(query) or 0

    def pending_in(self, la_code: str) -> list[StoredShieldingRequest]:
        """The LA team's queue, oldest first."""
        rows = self._session.scalars(
            select(ShieldingRequestRow)
            .where(
                ShieldingRequestRow.la_code == la_code,
                ShieldingRequestRow.state == RequestState.PENDING.value,
            )
            .order_by(ShieldingRequestRow.requested_at, ShieldingRequestRow.id)
        )
        return [_stored(row) for row in rows]

    def current_shieldings(self, la_code: str) -> list[StoredShieldingRequest]:
        """Per child of the LA, its latest approved request where that was to shield; by review date."""
        latest = (
            select(func.max(ShieldingRequestRow.id).label("id"))
            .where(
                ShieldingRequestRow.la_code == la_code,
                ShieldingRequestRow.state == RequestState.APPROVED.value,
            )
            .group_by(ShieldingRequestRow.cp_id)
            .subquery()
        )
        rows = self._session.scalars(
            select(ShieldingRequestRow)
            .join(latest, latest.c.id == ShieldingRequestRow.id)
            .where(ShieldingRequestRow.change == ShieldingChange.SHIELD.value)
            .order_by(ShieldingRequestRow.review_on, ShieldingRequestRow.id)
        )
        return [_stored(row) for row in rows]

    def decide(self, request_id: int, state: RequestState, decider_id: int, at: datetime) -> None:
        """Approve or reject; ConcurrentUpdate if someone decided it first."""
        result = self._session.execute(
            update(ShieldingRequestRow)
            .where(
                ShieldingRequestRow.id == request_id, ShieldingRequestRow.state == RequestState.PENDING.value
            )
            .values(state=state.value, decider_id=decider_id, decided_at=at)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrentUpdate("the request was decided already")


@dataclass(frozen=True, slots=True)
class StoredContactRequest:
    """A practitioner's request for contact to be brokered, and its outcome."""

    id: int
    cp_id: ContactPointId
    la_code: str
    purpose: ContactPurpose
    outcome: ContactOutcome
    requester_id: int
    requested_at: datetime


def _contact(row: ContactRequestRow) -> StoredContactRequest:
    return StoredContactRequest(
        row.id,
        ContactPointId(row.cp_id),
        row.la_code,
        ContactPurpose(row.purpose),
        ContactOutcome(row.outcome),
        row.requester_id,
        as_utc(row.requested_at),
    )


class ContactRequestRepository:
    """The LA team's brokering queue."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, cp_id: ContactPointId, la_code: str, purpose: ContactPurpose, requester_id: int, at: datetime
    ) -> int:
        """Record an open request; returns its number."""
        row = ContactRequestRow(
            cp_id=cp_id.value,
            la_code=la_code,
            purpose=purpose.value,
            outcome=ContactOutcome.OPEN.value,
            requester_id=requester_id,
            requested_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, request_id: int) -> StoredContactRequest:
        """One request; NotFound if there is none."""
        row = self._session.get(ContactRequestRow, request_id)
        if row is None:
            raise NotFound("no such contact request")
        return _contact(row)

    def open_in(self, la_code: str) -> list[StoredContactRequest]:
        """Open requests about the LA's children, oldest first."""
        rows = self._session.scalars(
            select(ContactRequestRow)
            .where(
                ContactRequestRow.la_code == la_code, ContactRequestRow.outcome == ContactOutcome.OPEN.value
            )
            .order_by(ContactRequestRow.requested_at, ContactRequestRow.id)
        )
        return [_contact(row) for row in rows]

    def close(self, request_id: int, outcome: ContactOutcome, handler_id: int, at: datetime) -> None:
        """Record the outcome; ConcurrentUpdate if the request was closed already."""
        result = self._session.execute(
            update(ContactRequestRow)
            .where(ContactRequestRow.id == request_id, ContactRequestRow.outcome == ContactOutcome.OPEN.value)
            .values(outcome=outcome.value, handler_id=handler_id, handled_at=at)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrentUpdate("the request was closed already")
