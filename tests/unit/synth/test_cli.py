from typer.testing import CliRunner

from contactpoint.synth.cli import synth_app
from contactpoint.synth.sources import SOURCES

runner = CliRunner()


def test_population_writes_feeds_and_truth_and_prints_a_summary(tmp_path):
    out = tmp_path / "set"
    result = runner.invoke(
        synth_app,
        [
            "population",
            "--children",
            "300",
            "--seed",
            "4",
            "--out",
            str(out),
            "--generations",
            "2",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "children at generation 0" in result.output
    assert "malformed" in result.output
    for spec in SOURCES:
        assert (out / "feeds" / spec.name / "gen2.csv").is_file()
        assert not (out / "feeds" / spec.name / "gen0.jsonl").exists()
    assert (out / "truth" / "manifest.json").is_file()


def test_an_existing_data_set_is_replaced_only_when_forced(tmp_path):
    arguments = ["population", "--children", "100", "--out", str(tmp_path), "--generations", "1"]
    assert runner.invoke(synth_app, arguments).exit_code == 0
    refused = runner.invoke(synth_app, arguments)
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert runner.invoke(synth_app, [*arguments, "--force"]).exit_code == 0


def test_help_explains_every_option():
    result = runner.invoke(synth_app, ["population", "--help"])
    assert result.exit_code == 0
    for option in ("--children", "--seed", "--out", "--generations", "--format", "--workers", "--force"):
        assert option in result.output


def test_sources_lists_every_source():
    result = runner.invoke(synth_app, ["sources"])
    assert result.exit_code == 0
    for spec in SOURCES:
        assert spec.name in result.output


def test_bad_options_are_refused(tmp_path):
    result = runner.invoke(synth_app, ["population", "--children", "0", "--out", str(tmp_path)])
    assert result.exit_code != 0
    result = runner.invoke(synth_app, ["population", "--format", "xml", "--out", str(tmp_path)])
    assert result.exit_code != 0
