"""The application factory: builds settings, engine, keyring and crypto once per process.

Nothing connects or reads the environment at import time; entrypoints call `build_services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from contactpoint.access.secret_box import SecretBox
from contactpoint.audit.keys import AuditKeys
from contactpoint.crypto.blind_index import BlindIndexer, index_bits
from contactpoint.crypto.keyring import FileKeyStore, Keyring, KeyStore, StaticKeyStore
from contactpoint.crypto.record_cipher import RecordCipher
from contactpoint.domain.clock import Clock, SystemClock
from contactpoint.settings import Settings
from contactpoint.store.data_dir import require_private_dir
from contactpoint.store.engine import make_engine, make_session_factory
from contactpoint.store.unit_of_work import UnitOfWork
from contactpoint.store.writer_lock import WriterLock, guard_writes, lock_file_for


def key_store_for(settings: Settings) -> KeyStore:
    """The keyring from the environment's secret if given, else the key file."""
    if settings.keyring is not None:
        return StaticKeyStore(Keyring.from_json(settings.keyring.get_secret_value()))
    return FileKeyStore(settings.resolved_key_file())


@dataclass
class Services:
    """Everything a use case needs, built once per process."""

    settings: Settings
    engine: Engine
    key_store: KeyStore
    clock: Clock
    keyring: Keyring = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    cipher: RecordCipher = field(init=False)
    indexer: BlindIndexer = field(init=False)
    audit_keys: AuditKeys = field(init=False)
    secret_box: SecretBox = field(init=False)
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

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work; use it as a context manager and commit once."""
        return UnitOfWork(self.session_factory, self.cipher, self.indexer, self.clock, self.write_lock)

    def close(self) -> None:
        """Release database connections and the writer lock file."""
        self.engine.dispose()
        if self.write_lock is not None:
            self.write_lock.close()


def build_services(
    settings: Settings, clock: Clock | None = None, key_store: KeyStore | None = None
) -> Services:
    """Wire the real implementations for a process, refusing a data directory others can open."""
    require_private_dir(settings.home)
    return Services(
        settings=settings,
        engine=make_engine(settings.resolved_database_url()),
        key_store=key_store or key_store_for(settings),
        clock=clock or SystemClock(),
    )
