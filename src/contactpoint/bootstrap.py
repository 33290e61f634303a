"""The edge where a process chooses its real capabilities: key store, clock and postcode geography.

Entrypoints (the CLI, the web server, benchmarks) call `build_runtime`; use cases take the `Runtime`
it returns and never choose an implementation themselves. Tests pass stand-ins (a fixed clock, an
in-memory key store) through the same function.
"""

from __future__ import annotations

from contactpoint.app.feeds.geography import PostcodeAuthorities
from contactpoint.app.geography.lookup import FirstOf, StoredPostcodeAuthorities
from contactpoint.app.runtime import Runtime
from contactpoint.crypto.keyring import FileKeyStore, Keyring, KeyStore, StaticKeyStore
from contactpoint.domain.clock import Clock, SystemClock
from contactpoint.ingest.survivorship import LaLookup
from contactpoint.settings import Settings
from contactpoint.store.data_dir import require_private_dir


def key_store_for(settings: Settings) -> KeyStore:
    """The keyring from the environment's secret if given, else the key file."""
    if settings.keyring is not None:
        return StaticKeyStore(Keyring.from_json(settings.keyring.get_secret_value()))
    return FileKeyStore(settings.resolved_key_file())


def postcode_authorities_for(settings: Settings) -> LaLookup:
    """The store's postcode table (`contactpoint geography import`), after the settings' CSV table
    where the deployment names one."""
    stored = StoredPostcodeAuthorities(settings.resolved_database_url())
    path = settings.resolved_postcode_authorities_file()
    return FirstOf(PostcodeAuthorities.load(path), stored) if path.is_file() else stored


def build_runtime(
    settings: Settings, clock: Clock | None = None, key_store: KeyStore | None = None
) -> Runtime:
    """Wire the real implementations for a process, refusing a data directory others can open."""
    require_private_dir(settings.home)
    return Runtime.open(
        settings,
        key_store=key_store or key_store_for(settings),
        clock=clock or SystemClock(),
        la_lookup=postcode_authorities_for(settings),
    )
