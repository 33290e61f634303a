"""One transaction per request or command, committed once at the edge (DESIGN practice 2)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from contactpoint.crypto.account_tag import AccountTagger
from contactpoint.crypto.blind_index import BlindIndexer
from contactpoint.crypto.directory_tag import DirectoryTagger
from contactpoint.crypto.record_cipher import RecordCipher
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import StoreBusy, StoreUnavailable
from contactpoint.domain.index_terms import TermsOf
from contactpoint.store.access_repository import (
    OrganisationRepository,
    SessionRepository,
    ThrottleRepository,
    UserRepository,
)
from contactpoint.store.adoption_repository import AdoptionRepository
from contactpoint.store.audit_repository import AuditRepository
from contactpoint.store.client_repository import ClientSystemRepository
from contactpoint.store.engine import waited_for_a_lock
from contactpoint.store.geography_repository import LocalAuthorityRepository, PostcodeAreaRepository
from contactpoint.store.key_usage import key_version_usage
from contactpoint.store.ledger_repository import FeedRunRepository, RowLedgerRepository
from contactpoint.store.load_repository import InitialLoadRepository
from contactpoint.store.merge_repository import MergeRepository
from contactpoint.store.notification_repository import NotificationRepository
from contactpoint.store.page_state_repository import PageStateRepository
from contactpoint.store.provenance_repository import ProvenanceRepository
from contactpoint.store.repository import ChildRepository
from contactpoint.store.review_repository import ReviewQueueRepository
from contactpoint.store.shielding_repository import ContactRequestRepository, ShieldingRepository
from contactpoint.store.source_repository import SourceAccountRepository
from contactpoint.store.term_frequency_repository import TermFrequencyRepository
from contactpoint.store.writer_lock import BEFORE_WRITE, WriterLock

FEED_BATCH_LOCK = 0x6370_6665_6564  # PostgreSQL advisory lock key of feed batches ("cpfeed")


class UnitOfWork:
    """Opens a session, exposes the repositories, and rolls back anything not committed."""

    children: ChildRepository
    users: UserRepository
    organisations: OrganisationRepository
    postcode_areas: PostcodeAreaRepository
    authorities: LocalAuthorityRepository
    sessions: SessionRepository
    page_states: PageStateRepository
    throttle: ThrottleRepository
    audit: AuditRepository
    shielding: ShieldingRepository
    adoptions: AdoptionRepository
    contact_requests: ContactRequestRepository
    feed_runs: FeedRunRepository
    ledger: RowLedgerRepository
    reviews: ReviewQueueRepository
    provenance: ProvenanceRepository
    merges: MergeRepository
    sources: SourceAccountRepository
    clients: ClientSystemRepository
    term_frequencies: TermFrequencyRepository
    loads: InitialLoadRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        cipher: RecordCipher,
        indexer: BlindIndexer,
        clock: Clock,
        write_lock: WriterLock | None,
        *,
        terms_of: TermsOf,
        account_tagger: AccountTagger,
        directory_tagger: DirectoryTagger,
    ) -> None:
        self._account_tagger = account_tagger
        self._directory_tagger = directory_tagger
        self._session_factory = session_factory
        self._terms_of = terms_of
        self._write_lock = write_lock
        self._holding = False
        self._cipher = cipher
        self._indexer = indexer
        self._clock = clock

    def __enter__(self) -> UnitOfWork:
        self._session = self._session_factory()
        if self._write_lock is not None:
            self._session.info[BEFORE_WRITE] = self._hold_write_lock
        self.children = ChildRepository(
            self._session, self._cipher, self._indexer, self._clock, self._terms_of
        )
        self.users = UserRepository(self._session, self._account_tagger, self._hold_write_lock)
        self.organisations = OrganisationRepository(self._session)
        self.postcode_areas = PostcodeAreaRepository(self._session)
        self.authorities = LocalAuthorityRepository(self._session, self._directory_tagger)
        self.sessions = SessionRepository(self._session, self._account_tagger)
        self.page_states = PageStateRepository(self._session)
        self.throttle = ThrottleRepository(self._session)
        self.audit = AuditRepository(self._session, self._hold_write_lock)
        self.shielding = ShieldingRepository(self._session)
        self.adoptions = AdoptionRepository(self._session, self._cipher)
        self.contact_requests = ContactRequestRepository(self._session)
        self.notifications = NotificationRepository(self._session)
        self.feed_runs = FeedRunRepository(self._session, self._clock)
        self.ledger = RowLedgerRepository(self._session, self._clock)
        self.reviews = ReviewQueueRepository(self._session, self._cipher, self._clock)
        self.provenance = ProvenanceRepository(self._session, self._clock)
        self.merges = MergeRepository(self._session, self._cipher, self._clock)
        self.sources = SourceAccountRepository(self._session, self._account_tagger, self._hold_write_lock)
        self.clients = ClientSystemRepository(self._session, self._account_tagger, self._hold_write_lock)
        self.term_frequencies = TermFrequencyRepository(self._session, self._cipher)
        self.loads = InitialLoadRepository(self._session, self._clock)
        return self

    def _hold_write_lock(self) -> None:
        """Queue writers (threads and server processes) on a lock rather than in SQLite's busy handler,
        which sleeps in steps of up to 100 ms; taken before the unit's first write statement (see
        store/writer_lock.py), released at commit or at the end."""
        if self._write_lock is not None and not self._holding:
            self._write_lock.acquire()
            self._holding = True

    def lock_for_feed_batch(self) -> None:
        """Make this the only feed batch writing until it commits, before it reads what it will decide on.

        On SQLite this is the store's writer lock, so nobody at all writes meanwhile; on PostgreSQL,
        a transaction-level advisory lock that feed batches queue on (other writers are caught by the
        records' version checks, as they are for a batch run alone).
        """
        if self._write_lock is not None:
            self._hold_write_lock()
        elif self._session.get_bind().dialect.name == "postgresql":
            # Batches queue here as long as the batch ahead takes, beyond the store's lock wait.
            self._session.execute(text("SET LOCAL lock_timeout = 0"))
            self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_BATCH_LOCK})

    def _release_write_lock(self) -> None:
        if self._holding and self._write_lock is not None:
            self._holding = False
            self._write_lock.release()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._release_write_lock()
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            raise StoreUnavailable("the database connection was lost") from error
        if isinstance(error, OperationalError) and waited_for_a_lock(error):
            raise StoreBusy from error

    def key_usage(self, version: int) -> dict[str, int]:
        """What still depends on a key version, by kind (see store/key_usage.py)."""
        return key_version_usage(self._session, version)

    def commit(self) -> None:
        """Make everything done in this unit permanent, or nothing of it."""
        try:
            self._session.commit()
        except (OperationalError, InterfaceError) as error:
            if isinstance(error, OperationalError) and waited_for_a_lock(error):
                raise StoreBusy from error
            raise StoreUnavailable("the database could not complete the change") from error
        finally:
            self._release_write_lock()
