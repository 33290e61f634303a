"""`contactpoint linkage term-frequencies` through Typer against a real store."""

from dataclasses import replace

from typer.testing import CliRunner

from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.linker import build_linker
from contactpoint.bootstrap import build_runtime
from contactpoint.console import app
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.settings import Settings

runner = CliRunner()


def test_a_dry_run_stores_nothing_and_a_real_run_stores_tables_linkage_then_uses(tmp_path, factory):
    home = tmp_path / "store"
    assert runner.invoke(app, ["--data-dir", str(home), "init"]).exit_code == 0
    runtime = build_runtime(Settings(home=home))
    names = ChildNames(PersonName("Harriet", "Okonkwo"))
    register_children(runtime, range(6), lambda _i, cp_id: replace(factory.child(cp_id), names=names))
    command = ["--data-dir", str(home), "linkage", "term-frequencies"]

    dry = runner.invoke(app, [*command, "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing stored" in dry.output
    assert "names counted" in dry.output
    with runtime.unit_of_work() as uow:
        assert uow.term_frequencies.all() == []
    assert (
        build_linker(runtime).term_frequencies
        == "family_name: shipped, given_name: shipped, postcode: shipped"
    )

    built = runner.invoke(app, command)

    assert built.exit_code == 0, built.output
    assert "Stored, sealed" in built.output
    assert "HARRIET" not in built.output.upper()  # counts only, never a name
    assert "OKONKWO" not in built.output.upper()
    with runtime.unit_of_work() as uow:
        assert {t.column: dict(t.frequencies) for t in uow.term_frequencies.all()} == {
            "given_name": {"HARRIET": 1.0},
            "family_name": {"OKONKWO": 1.0},
            "postcode": {},  # each child at its own postcode
        }
    assert (
        build_linker(runtime).term_frequencies.count("index (built ") == 2
    )  # an empty postcode table is not used
    runtime.close()
