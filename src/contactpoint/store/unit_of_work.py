"""One transaction per request or command, committed once at the edge (DESIGN practice 2)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from contactpoint.crypto.blind_index import BlindIndexer
from contactpoint.crypto.record_cipher import RecordCipher
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import StoreUnavailable
from contactpoint.store.feed_repository import FeedRepository
from contactpoint.store.repository import ChildRepository


class UnitOfWork:
    """Opens a session, exposes the repositories, and rolls back anything not committed."""

    children: ChildRepository
    feeds: FeedRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        cipher: RecordCipher,
        indexer: BlindIndexer,
        clock: Clock,
    ) -> None:
        self._session_factory = session_factory
        self._cipher = cipher
        self._indexer = indexer
        self._clock = clock

    def __enter__(self) -> UnitOfWork:
        self._session = self._session_factory()
        self.children = ChildRepository(self._session, self._cipher, self._indexer, self._clock)
        self.feeds = FeedRepository(self._session, self._cipher, self._clock)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._session.rollback()
        finally:
            self._session.close()
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            raise StoreUnavailable("the database connection was lost") from error

    def commit(self) -> None:
        """Make everything done in this unit permanent, or nothing of it."""
        try:
            self._session.commit()
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailable("the database could not complete the change") from error
