"""Shared fixtures: a store on SQLite and on PostgreSQL for every integration test.

PostgreSQL tests skip when no server answers on a developer's laptop, but fail under CI=true.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.crypto.keyring import Keyring, StaticKeyStore
from contactpoint.domain.clock import FixedClock
from contactpoint.evaluation.synthetic_geography import write_synthetic_postcode_authorities
from contactpoint.settings import Settings
from contactpoint.store import migrate
from contactpoint.store.engine import make_engine
from tests.factories import ChildFactory

PG_ADMIN_URL = os.environ.get(  # noqa: TID251  # test infrastructure, not application configuration
    "CONTACTPOINT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"  # noqa: TID251  # CI=true makes skipped backends failures
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _require(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required because CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The admin URL of a reachable PostgreSQL, or skip (fail in CI)."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError:
        _require("PostgreSQL is not reachable on 127.0.0.1:5432")
    finally:
        engine.dispose()
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str) -> Iterator[str]:
    """A PostgreSQL database migrated once per test process, copied for each test (CREATE ... TEMPLATE)."""
    name = f"cp_template_{secrets.token_hex(6)}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()  # a template must have no connections when it is copied
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(pg_admin_url: str, pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the current schema for one test, dropped afterwards."""
    name = f"cp_test_{secrets.token_hex(6)}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    try:
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store file migrated once per test process, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "contactpoint.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each integration test runs once on SQLite and once on PostgreSQL, on a copy of a migrated store."""
    if request.param == "sqlite":
        path = tmp_path / "store" / "contactpoint.db"
        path.parent.mkdir(mode=0o700)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        path.chmod(0o600)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def clock() -> FixedClock:
    """A frozen clock."""
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def postcode_authorities_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic England's postcode-to-LA table, where settings can name it."""
    return write_synthetic_postcode_authorities(
        tmp_path_factory.mktemp("geography") / "postcode-authorities.csv"
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str, postcode_authorities_file: Path) -> Settings:
    """Settings for a store in a temporary folder, with a file keyring and Synthetic England's geography."""
    return Settings(
        home=tmp_path / "store",
        database_url=database_url,
        postcode_authorities_file=postcode_authorities_file,
    )


@pytest.fixture
def runtime(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """An initialised store (keys and schema) with real engine, crypto and repository."""
    initialise_store(settings, clock)
    built = build_runtime(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def memory_keyring() -> Keyring:
    """A keyring that lives only in memory."""
    return Keyring.create(NOW)


@pytest.fixture
def memory_key_store(memory_keyring: Keyring) -> StaticKeyStore:
    """A key store that lives only in memory."""
    return StaticKeyStore(memory_keyring)


@pytest.fixture
def factory() -> ChildFactory:
    """A seeded factory of synthetic records."""
    return ChildFactory(seed=7)
