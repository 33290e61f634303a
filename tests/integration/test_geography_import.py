"""The ONS geography from the installed packages, in the store (SQLite and PostgreSQL): the lookup by
unit, sector and district, the LA directory's names, and a real feed row placed in its real authority."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from random import Random

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.geography.directory import all_authorities, set_team_contact
from contactpoint.app.geography.importing import import_geography
from contactpoint.app.geography.lookup import StoredPostcodeAuthorities
from contactpoint.app.geography.ons import postcode_units
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.console import app
from contactpoint.domain.clock import FixedClock
from contactpoint.settings import Settings
from contactpoint.store.geography_repository import TeamContact
from contactpoint.store.models import ChildRow
from contactpoint.synth.places import england, random_address
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit

# Camden and Westminster share NW1; Leeds holds LS1 whole; CH5 and SY10 straddle the Welsh border.
DISTRICTS = {"NW1", "NW3", "LS1", "CH5", "SY10"}
CAMDEN, LEEDS, SHROPSHIRE = "E09000007", "E08000035", "E06000051"


@pytest.fixture(scope="module")
def units() -> list[tuple[str, str | None]]:
    """The packages' real units of a few districts (the whole country is the benchmark's)."""
    return [(unit, la) for unit, la in postcode_units() if unit.partition(" ")[0] in DISTRICTS]


@pytest.fixture
def imported(runtime: Runtime, units: list[tuple[str, str | None]]) -> Runtime:
    import_geography(runtime, units)
    return runtime


@pytest.fixture
def lookup(imported: Runtime) -> Iterator[StoredPostcodeAuthorities]:
    """The store's table as the bootstrap reads it."""
    stored = StoredPostcodeAuthorities(imported.settings.resolved_database_url())
    yield stored
    stored.close()


def test_units_lie_in_their_authority_and_unknown_units_fall_back_only_where_unambiguous(
    lookup: StoredPostcodeAuthorities, units: list[tuple[str, str | None]]
) -> None:
    assert lookup("NW1 2DB") == CAMDEN
    assert lookup("nw3  2qg") == CAMDEN
    assert lookup("LS1 1UR") == LEEDS
    assert lookup("LS1 9ZZ") == LEEDS  # not a unit: Leeds holds its sector and district whole
    sectors_of_nw1 = {unit[:5] for unit, la in units if unit.startswith("NW1 ") and la == "E09000033"}
    shared = sorted(
        sectors_of_nw1 & {unit[:5] for unit, la in units if unit.startswith("NW1 ") and la == CAMDEN}
    )
    assert shared, "NW1 has a sector shared by Camden and Westminster"
    assert lookup(f"{shared[0]}ZZ") is None  # an unknown unit of a shared sector is not guessed
    assert lookup("CH5 9ZZ") is None  # a district on the Welsh border
    assert lookup("ZZ9 9ZZ") is None  # no such district
    assert lookup("EH1 1AA") is None  # Scotland


def test_the_directory_names_the_authorities_and_a_new_import_keeps_team_contacts(
    imported: Runtime, units: list[tuple[str, str | None]]
) -> None:
    set_team_contact(
        imported, None, CAMDEN, TeamContact("020 7974 1234", "contactpoint@camden.example", None)
    )
    import_geography(imported, units)
    directory = {a.code: a for a in all_authorities(imported)}
    assert directory[CAMDEN].name == "Camden"
    assert directory[LEEDS].name == "Leeds"
    assert directory[SHROPSHIRE].name == "Shropshire"
    assert directory[CAMDEN].contact.email == "contactpoint@camden.example"


@pytest.fixture
def store_table_only(
    imported: Runtime, settings: Settings, clock: FixedClock, tmp_path: Path
) -> Iterator[Runtime]:
    """The bootstrap's runtime when the deployment names no CSV table: the store's table alone."""
    real = settings.model_copy(update={"postcode_authorities_file": tmp_path / "none.csv"})
    runtime = build_runtime(real, clock=clock)
    yield runtime
    runtime.close()


@pytest.mark.parametrize(("postcode", "authority"), [("NW1 2DB", CAMDEN), ("LS1 1UR", LEEDS)])
def test_a_feed_row_at_a_real_english_postcode_gets_that_authority_through_the_real_ingest(
    store_table_only: Runtime, factory: ChildFactory, tmp_path: Path, postcode: str, authority: str
) -> None:
    runtime = store_table_only
    row = {**child_benefit_row("CB1", factory.child()), "POSTCODE": postcode}
    feed = write_child_benefit(tmp_path / "cb.csv", [row])

    report = ingest_feed(runtime, feed, "child_benefit", build_linker(runtime))

    assert report.outcomes["new"] == 1
    with runtime.engine.connect() as connection:
        assert connection.execute(select(ChildRow.la_code)).scalars().all() == [authority]


def _cli(runtime: Runtime, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        ["--data-dir", str(runtime.settings.home), "geography", *args],
        env={"CONTACTPOINT_DATABASE_URL": runtime.settings.resolved_database_url()},
    )


def test_the_cli_lists_the_directory_and_sets_a_team_contact(runtime: Runtime) -> None:
    listed = _cli(runtime, "authorities")
    assert listed.exit_code == 0
    assert listed.output == ""
    import_geography(runtime, [("NW1 2DB", CAMDEN)])
    refused = _cli(runtime, "set-contact", CAMDEN, "--email", "not an email")
    assert refused.exit_code != 0
    done = _cli(
        runtime, "set-contact", CAMDEN, "--phone", "020 7974 1234", "--address", "Town Hall, Judd Street"
    )
    assert done.exit_code == 0, done.output
    listed = _cli(runtime, "authorities")
    assert listed.output.split("\t") == [CAMDEN, "Camden", "020 7974 1234", "", "Town Hall, Judd Street\n"]


def test_synth_geography_puts_the_rows_placing_synthetic_postcodes_and_the_real_names_in_the_store(
    runtime: Runtime,
) -> None:
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(runtime.settings.home), "synth", "geography"],
        env={"CONTACTPOINT_DATABASE_URL": runtime.settings.resolved_database_url()},
    )
    assert result.exit_code == 0, result.output
    names = {a.code: a.name for a in all_authorities(runtime)}
    assert len(names) == 153
    assert names[LEEDS] == "Leeds"
    rng = Random(3)
    lookup = StoredPostcodeAuthorities(runtime.settings.resolved_database_url())
    try:
        for la in england().authorities:
            address = random_address(la, rng)
            assert lookup(address.postcode) == la.code
    finally:
        lookup.close()
