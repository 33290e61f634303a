"""What every use case runs with: settings, the database, the keys, the clock and the geography.

Built once per process by `contactpoint.bootstrap.build_runtime`, which chooses the real capabilities;
nothing here reads the environment or connects at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from contactpoint.access.secret_box import PENDING_HALF, SecretBox
from contactpoint.access.tokens import TokenHasher
from contactpoint.audit.keys import AuditKeys
from contactpoint.crypto.account_tag import AccountTagger
from contactpoint.crypto.blind_index import BlindIndexer, index_bits
from contactpoint.crypto.directory_tag import DirectoryTagger
from contactpoint.crypto.keyring import Keyring, KeyStore
from contactpoint.crypto.record_cipher import RecordCipher
from contactpoint.domain.clock import Clock
from contactpoint.ingest.survivorship import LaLookup
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.settings import Settings
from contactpoint.store.engine import make_engine, make_session_factory
from contactpoint.store.unit_of_work import UnitOfWork
from contactpoint.store.writer_lock import WriterLock, guard_writes, lock_file_for


@dataclass
class Runtime:
    """Everything a use case needs, built once per process."""

    settings: Settings
    engine: Engine
    key_store: KeyStore
    clock: Clock
    la_lookup: LaLookup  # which local authority a postcode lies in, for children a feed places
    keyring: Keyring = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    cipher: RecordCipher = field(init=False)
    indexer: BlindIndexer = field(init=False)
    audit_keys: AuditKeys = field(init=False)
    secret_box: SecretBox = field(init=False)
    pending_box: SecretBox = field(init=False)
    account_tagger: AccountTagger = field(init=False)
    directory_tagger: DirectoryTagger = field(init=False)
    state_box: SecretBox = field(init=False)  # the UI's saved page states (app/accounts/page_states.py)
    device_box: SecretBox = field(init=False)  # known devices' tokens (app/accounts/devices.py)
    token_hasher: TokenHasher = field(init=False)  # session and page-state rows' keyed hashes
    write_lock: WriterLock | None = field(init=False)

    def __post_init__(self) -> None:
        self.session_factory = make_session_factory(self.engine)
        # SQLite has one writer at a time; writers of every thread and server process queue on this
        # lock (store/writer_lock.py). PostgreSQL needs none: its row locks queue writers.
        self.write_lock = None
        if self.engine.dialect.name == "sqlite":
            self.write_lock = WriterLock(lock_file_for(self.engine.url))
            guard_writes(self.engine, self.session_factory)
        self.use_keyring(self.key_store.load())

    def use_keyring(self, keyring: Keyring) -> None:
        """Switch to a new keyring (after rotation or retirement)."""
        self.keyring = keyring
        self.cipher = RecordCipher(keyring)
        self.indexer = BlindIndexer(keyring, index_bits(self.settings.planned_population))
        self.audit_keys = AuditKeys(keyring)
        self.secret_box = SecretBox(keyring)
        self.pending_box = SecretBox(keyring, PENDING_HALF)
        self.account_tagger = AccountTagger(keyring)
        self.directory_tagger = DirectoryTagger(keyring)
        self.state_box = SecretBox(keyring, purpose="page-state")
        self.device_box = SecretBox(keyring, purpose="known-device")
        self.token_hasher = TokenHasher(keyring)

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work; use it as a context manager and commit once."""
        return UnitOfWork(
            self.session_factory,
            self.cipher,
            self.indexer,
            self.clock,
            self.write_lock,
            terms_of=blocking_terms,
            account_tagger=self.account_tagger,
            directory_tagger=self.directory_tagger,
        )

    def close(self) -> None:
        """Release database connections and the writer lock file."""
        self.engine.dispose()
        if (close_lookup := getattr(self.la_lookup, "close", None)) is not None:
            close_lookup()  # the store's postcode lookup holds its own connections
        if self.write_lock is not None:
            self.write_lock.close()

    @classmethod
    def open(cls, settings: Settings, key_store: KeyStore, clock: Clock, la_lookup: LaLookup) -> Runtime:
        """Connect to the settings' database with the capabilities given."""
        return cls(
            settings=settings,
            engine=make_engine(settings.resolved_database_url(), settings.store_lock_wait_seconds),
            key_store=key_store,
            clock=clock,
            la_lookup=la_lookup,
        )
