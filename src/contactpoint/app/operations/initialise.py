"""Creating a store: its folder, its keys and its schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from contactpoint.crypto.account_tag import AccountTagger
from contactpoint.crypto.directory_tag import DirectoryTagger
from contactpoint.crypto.keyring import FileKeyStore, Keyring
from contactpoint.crypto.request_tag import RequestTagger
from contactpoint.domain.clock import Clock
from contactpoint.settings import Settings
from contactpoint.store import migrate
from contactpoint.store.data_dir import require_private_dir
from contactpoint.store.engine import make_engine


@dataclass(frozen=True, slots=True)
class InitReport:
    """What `init` did, for the operator."""

    home: Path
    key_file: Path | None
    keys_created: bool
    revision: str | None


def initialise_store(settings: Settings, clock: Clock) -> InitReport:
    """Create the home folder and key file if absent (never overwriting keys), then migrate.

    Safe to run again: an existing keyring is kept, since replacing it would lose every record.
    """
    settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    require_private_dir(settings.home)
    keys_created = False
    key_file: Path | None = None
    if settings.keyring is None:
        key_file = settings.resolved_key_file()
        store = FileKeyStore(key_file)
        if not store.exists():
            store.save(Keyring.create(clock.now()))
            keys_created = True
        store.load()  # refuses a key file others can read
    _create_private_sqlite_file(settings.resolved_database_url())
    revision = upgrade_database(settings)
    return InitReport(settings.home, key_file, keys_created, revision)


def _create_private_sqlite_file(url: str) -> None:
    """Create an embedded store's file readable by its owner only, before SQLite creates it world-readable."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.touch(mode=0o600)


def _keyring(settings: Settings) -> Keyring:
    """The keyring as `bootstrap.key_store_for` finds it: the environment's secret, else the key file."""
    if settings.keyring is not None:
        return Keyring.from_json(settings.keyring.get_secret_value())
    return FileKeyStore(settings.resolved_key_file()).load()


def upgrade_database(settings: Settings) -> str | None:
    """Apply pending migrations, with the keyring for those that write keyed values; returns the
    revision reached."""
    engine = make_engine(settings.resolved_database_url())
    try:
        keyring = _keyring(settings)
        migrate.upgrade(
            engine,
            account_tagger=AccountTagger(keyring),
            directory_tagger=DirectoryTagger(keyring),
            request_tagger=RequestTagger(keyring),
        )
        return migrate.current_revision(engine)
    finally:
        engine.dispose()
