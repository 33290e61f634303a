"""Adoption requests: the only SQL about them. Never commits.

The adoptive identity waits sealed under the record cipher, bound to its request, and is erased
(payload, wrapped key and key version set to NULL) in the same statement that records the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.crypto.request_tag import TAGGED
from contactpoint.domain.errors import ConcurrentUpdate, NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import RequestState
from contactpoint.store.safeguard_models import AdoptionRequestRow
from contactpoint.store.timestamps import as_utc

ADOPTION_TABLE = "adoption_requests"


@dataclass(frozen=True, slots=True)
class StoredAdoptionRequest:
    """A request as stored (codes and IDs; the adoptive identity is opened separately)."""

    id: int
    birth_cp_id: ContactPointId
    la_code: str
    state: RequestState
    requester_id: int
    requested_at: datetime
    decider_id: int | None
    decided_at: datetime | None


def _stored(row: AdoptionRequestRow) -> StoredAdoptionRequest:
    return StoredAdoptionRequest(
        row.id,
        ContactPointId(row.birth_cp_id),
        row.la_code,
        RequestState(row.state),
        row.requester_id,
        as_utc(row.requested_at),
        row.decider_id,
        as_utc(row.decided_at) if row.decided_at else None,
    )


def _context(request_id: int) -> RecordContext:
    return RecordContext(ADOPTION_TABLE, str(request_id), "pending", "", 1)


class AdoptionRepository:
    """Requests by LA and state; the sealed identity is readable only while the request is pending."""

    def __init__(self, session: Session, cipher: RecordCipher) -> None:
        self._session = session
        self._cipher = cipher

    def add(
        self, birth_id: ContactPointId, la_code: str, identity: bytes, requester_id: int, at: datetime
    ) -> int:
        """Record a pending request with its sealed adoptive identity; returns its number."""
        row = AdoptionRequestRow(
            birth_cp_id=birth_id.value,
            la_code=la_code,
            state=RequestState.PENDING.value,
            requester_id=requester_id,
            requested_at=at,
        )
        self._session.add(row)
        self._session.flush()  # the number the ciphertext is bound to
        sealed = self._cipher.seal(identity, _context(row.id))
        row.payload, row.wrapped_key, row.key_version = sealed.payload, sealed.wrapped_key, sealed.key_version
        self._session.flush()
        return row.id

    def get(self, request_id: int) -> StoredAdoptionRequest:
        """One request; NotFound if there is none."""
        row = self._session.get(AdoptionRequestRow, request_id)
        if row is None:
            raise NotFound("no such adoption request")
        return _stored(row)

    def identity(self, request_id: int) -> bytes:
        """The pending request's adoptive identity, unsealed (still encoded)."""
        row = self._session.get(AdoptionRequestRow, request_id)
        if row is None or row.payload is None or row.wrapped_key is None or row.key_version is None:
            raise NotFound("no pending adoption request with that number")
        return self._cipher.open(
            SealedRecord(row.payload, row.wrapped_key, row.key_version), _context(row.id)
        )

    def tagged(self, request_id: int) -> tuple[dict[str, object], bytes | None, int | None]:
        """The request's tagged columns (crypto/request_tag.TAGGED), its tag and the tag's key version."""
        row = self._session.get(AdoptionRequestRow, request_id)
        if row is None:
            raise NotFound("no such adoption request")
        columns = {name: getattr(row, name) for name in TAGGED["adoption_requests"]}
        return columns, row.integrity_tag, row.integrity_version

    def set_tag(self, request_id: int, tag: bytes, version: int) -> None:
        """Record the request's integrity tag (made by the use case that recorded the request)."""
        self._session.execute(
            update(AdoptionRequestRow)
            .where(AdoptionRequestRow.id == request_id)
            .values(integrity_tag=tag, integrity_version=version)
            .execution_options(synchronize_session=False)
        )

    def pending_for_child(self, birth_id: ContactPointId) -> int:
        """How many requests about this child await a decision."""
        query = select(func.count()).where(
            AdoptionRequestRow.birth_cp_id == birth_id.value,
            AdoptionRequestRow.state == RequestState.PENDING.value,
        )
        return self._session.scalar(query) or 0

    def pending_in(self, la_code: str) -> list[StoredAdoptionRequest]:
        """The LA team's queue, oldest first."""
        rows = self._session.scalars(
            select(AdoptionRequestRow)
            .where(
                AdoptionRequestRow.la_code == la_code,
                AdoptionRequestRow.state == RequestState.PENDING.value,
            )
            .order_by(AdoptionRequestRow.requested_at, AdoptionRequestRow.id)
        )
        return [_stored(row) for row in rows]

    def decide(self, request_id: int, state: RequestState, decider_id: int, at: datetime) -> None:
        """Record the decision on a pending request and erase its adoptive identity."""
        result = self._session.execute(
            update(AdoptionRequestRow)
            .where(
                AdoptionRequestRow.id == request_id,
                AdoptionRequestRow.state == RequestState.PENDING.value,
            )
            .values(
                state=state.value,
                decider_id=decider_id,
                decided_at=at,
                payload=None,
                wrapped_key=None,
                key_version=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrentUpdate("the adoption request has already been decided")
