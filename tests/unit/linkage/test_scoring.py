"""The shipped Splink model scores in memory without spilling, and explains each pair by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contactpoint.domain.records import PersonName
from contactpoint.domain.vocabulary import Gender
from contactpoint.linkage.duck import no_spill_connection
from contactpoint.linkage.features import features
from contactpoint.linkage.model import CHART_FILE, load, shipped_model_folder
from contactpoint.linkage.scoring import SplinkScorer


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The model shipped in the package."""
    return SplinkScorer(load())


def _row(key: str, given: str, family: str, born: date) -> dict[str, object]:
    return features(
        f"{key}#0",
        PersonName(given, family),
        born=born,
        gender=Gender.FEMALE,
        whereabouts=None,
        identifiers=(),
    )


def test_duckdb_is_configured_never_to_write_temp_files() -> None:
    connection = no_spill_connection()

    settings = dict(
        connection.execute(
            "select name, value from duckdb_settings() "
            "where name in ('temp_directory', 'max_temp_directory_size')"
        ).fetchall()
    )

    assert settings["temp_directory"] == ""
    assert settings["max_temp_directory_size"] in {"0 bytes", "0.0 B", "0B", "0 B"}


def test_scoring_leaves_no_file_in_the_working_folder(
    scorer: SplinkScorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    index = [_row(str(i), "Amelia", f"Stone{chr(65 + i % 26)}", date(2015, 3, 4)) for i in range(200)]
    feed = [_row(f"r{i}", "Amelia", f"Stone{chr(65 + i % 26)}", date(2015, 4, 3)) for i in range(200)]

    pairs = scorer.between(index, feed, -50.0)

    assert pairs
    assert list(tmp_path.iterdir()) == []


def test_a_swapped_day_and_month_still_scores_as_a_strong_match(scorer: SplinkScorer) -> None:
    pairs = scorer.between(
        [_row("1", "Amelia", "Stonebridge", date(2015, 3, 4))],
        [_row("r", "Amelia", "Stonebridge", date(2015, 4, 3))],
        0.0,
    )

    assert len(pairs) == 1
    levels = {f.field: f.level for f in pairs[0].fields}
    assert levels["dob"] == "Day and month swapped"


def test_each_pair_is_explained_field_by_field_without_values(scorer: SplinkScorer) -> None:
    pair = scorer.between(
        [_row("1", "Amelia", "Stonebridge", date(2015, 3, 4))],
        [_row("r", "Amelia", "Stonebridge", date(2015, 3, 4))],
        0.0,
    )[0]

    assert {f.field for f in pair.fields} >= {"given_name", "family_name", "dob", "postcode", "gender"}
    assert all("Amelia" not in f.level.title() and "STONE" not in f.level for f in pair.fields)


def test_rows_of_one_batch_about_one_child_are_found_by_predict_within(scorer: SplinkScorer) -> None:
    rows = [
        _row("0", "Amelia", "Stonebridge", date(2015, 3, 4)),
        _row("1", "Amelia", "Stonebridge", date(2015, 3, 4)),
        _row("2", "Zachary", "Okonkwo", date(2011, 9, 30)),
    ]

    pairs = scorer.within(rows, 5.0)

    assert {(p.left, p.right) for p in pairs} in ({("0", "1")}, {("1", "0")})


def test_the_trained_model_ships_with_its_match_weights_chart() -> None:
    chart = shipped_model_folder() / CHART_FILE

    assert chart.is_file()
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
