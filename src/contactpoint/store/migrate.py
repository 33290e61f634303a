"""Bringing a database to the current schema, programmatically (used by the CLI and tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from contactpoint.crypto.account_tag import AccountTagger
from contactpoint.crypto.directory_tag import DirectoryTagger
from contactpoint.crypto.request_tag import RequestTagger

SCRIPT_LOCATION = "contactpoint.store:migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(
    engine: Engine,
    revision: str = "head",
    account_tagger: AccountTagger | None = None,
    directory_tagger: DirectoryTagger | None = None,
    request_tagger: RequestTagger | None = None,
) -> None:
    """Apply every migration up to `revision` in one transaction; migrations that write keyed values
    (account, directory and safeguard request tags) take the keyring's taggers from here."""
    with engine.begin() as connection:
        config = _config(connection)
        config.attributes["account_tagger"] = account_tagger
        config.attributes["directory_tagger"] = directory_tagger
        config.attributes["request_tagger"] = request_tagger
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to `revision` in one transaction."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()
