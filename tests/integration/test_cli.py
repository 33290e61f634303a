"""The operator's commands, run through Typer against a real store in a temporary folder."""

import json

import pytest
from typer.testing import CliRunner

from contactpoint.app.children.records import register_children
from contactpoint.bootstrap import build_runtime
from contactpoint.console import app
from contactpoint.settings import Settings
from contactpoint.store import migrate

runner = CliRunner()


def invoke(home, *arguments):
    return runner.invoke(app, ["--data-dir", str(home), *arguments])


@pytest.fixture
def home(tmp_path):
    return tmp_path / "store"


def test_init_creates_private_keys_apart_from_the_database(home):
    result = invoke(home, "init")
    assert result.exit_code == 0, result.output
    key_file, database = home / "keyring.json", home / "contactpoint.db"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    secret = json.loads(key_file.read_text())["versions"][0]["secret"]
    assert secret.encode() not in database.read_bytes()
    assert f"Schema at revision {migrate.head_revision()}" in result.output


def test_init_again_keeps_the_keys(home):
    invoke(home, "init")
    before = (home / "keyring.json").read_bytes()
    result = invoke(home, "init")
    assert result.exit_code == 0
    assert "kept" in result.output
    assert (home / "keyring.json").read_bytes() == before


def test_commands_before_init_say_what_to_do(home):
    result = invoke(home, "stats")
    assert result.exit_code == 3
    assert "contactpoint init" in result.output


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o701])
def test_a_data_directory_open_to_others_stops_every_command_and_the_server(home, mode):
    invoke(home, "init")
    home.chmod(mode)
    for command in (["stats"], ["audit", "verify"], ["serve", "--port", "8765"], ["init"]):
        result = invoke(home, *command)
        assert result.exit_code == 4, (command, result.output)
        assert "chmod 700" in result.output
    home.chmod(0o700)
    assert invoke(home, "stats").exit_code == 0


def test_a_key_file_open_to_others_stops_every_command(home):
    invoke(home, "init")
    (home / "keyring.json").chmod(0o644)
    result = invoke(home, "stats")
    assert result.exit_code == 3
    assert "chmod 600" in result.output


def test_stats_counts_by_la_and_status(home, factory):
    invoke(home, "init")
    runtime = build_runtime(Settings(home=home))
    register_children(runtime, range(12), lambda _i, cp_id: factory.child(cp_id, la_code="873"))
    runtime.close()
    result = invoke(home, "stats")
    assert result.exit_code == 0, result.output
    assert "873" in result.output
    assert "12" in result.output


def test_rotate_resume_and_retire_through_the_cli(home, factory):
    invoke(home, "init")
    runtime = build_runtime(Settings(home=home))
    register_children(runtime, range(30), lambda _i, cp_id: factory.child(cp_id))
    runtime.close()

    partial = invoke(home, "keys", "rotate", "--batch-size", "10", "--max-batches", "1")
    assert partial.exit_code == 0, partial.output
    assert "New key version 2" in partial.output
    assert "20 remain" in partial.output

    refused = invoke(home, "keys", "retire", "1")
    assert refused.exit_code == 3
    assert "still protects 20 records" in refused.output

    resumed = invoke(home, "keys", "rotate")
    assert "Resumed the rotation to key version 2" in resumed.output
    assert "0 remain" in resumed.output
    assert invoke(home, "keys", "retire", "1").exit_code == 0
    assert [v["number"] for v in json.loads((home / "keyring.json").read_text())["versions"]] == [2]
    assert "30" in invoke(home, "keys", "status").output


def test_db_upgrade_is_idempotent(home):
    invoke(home, "init")
    result = invoke(home, "db", "upgrade")
    assert result.exit_code == 0
    assert migrate.head_revision() in result.output


def test_demo_ingests_a_synthetic_populations_feeds_once(home):
    result = invoke(home, "demo", "--children", "300", "--seed", "5", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "Feeds ingested" in result.output
    assert "Demo store ready" in result.output
    runtime = build_runtime(Settings(home=home))
    with runtime.unit_of_work() as uow:
        stored = uow.children.count()
        assert uow.ledger.outcome_counts()["linked"] > 300  # later feeds found the children the first made
    runtime.close()
    assert 285 <= stored <= 315  # one record per child, give or take the rows held for review
    again = invoke(home, "demo", "--children", "300", "--seed", "5", "--no-serve")
    assert f"already holds {stored} children; nothing loaded" in again.output
