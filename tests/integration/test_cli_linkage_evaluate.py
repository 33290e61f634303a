"""`contactpoint linkage evaluate`: labelled feeds through the real ingest into a throwaway store, scored
pair by pair against the truth, so anyone can measure the matching on data they hold the answers for."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

import contactpoint.ingest as ingest_package
from contactpoint.console import app
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit

BOX = str.maketrans(dict.fromkeys("│┃┏┓┗┛━┡┩┣┫╇─└┘┬┴┼┳┻╋┯┷", " "))
SHIPPED = Path(ingest_package.__file__).parent / "mappings" / "child_benefit.toml"


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    """Child benefit's shipped mapping, with every row in LA 201 (the factory's postcodes are in no LA)."""
    text = SHIPPED.read_text(encoding="utf-8").replace('key = "RECORD_ID"', 'key = "RECORD_ID"\nla = "LA"', 1)
    path = tmp_path / "child_benefit.toml"
    path.write_text(text + '\n[constants]\nLA = "201"\n', encoding="utf-8")
    return path


def _truth(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("row_key", "entity"))
        writer.writerows(rows)
    return path


def test_evaluate_scores_the_ingest_pair_by_pair_and_lists_the_misses(
    factory: ChildFactory, tmp_path: Path, mapping: Path
) -> None:
    first, second, third = (factory.child(la_code="201") for _ in range(3))
    feed = write_child_benefit(
        tmp_path / "cb.csv",
        [
            child_benefit_row("CB1", first),
            child_benefit_row("CB2", first),  # the same child again: linked
            child_benefit_row("CB3", second),
            child_benefit_row("CB4", third),  # a different child the truth calls the same: missed
        ],
    )
    truth = _truth(tmp_path / "truth.csv", [("CB1", "a"), ("CB2", "a"), ("CB3", "b"), ("CB4", "b")])
    errors = tmp_path / "errors.csv"

    result = CliRunner().invoke(
        app,
        [
            "linkage",
            "evaluate",
            str(feed),
            "--mapping",
            str(mapping),
            "--truth",
            str(truth),
            "--errors",
            str(errors),
        ],
    )

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.translate(BOX).split())
    assert "true pairs linked 1" in output
    assert "pairs linked wrongly 0" in output
    assert "true pairs missed 1" in output
    assert "precision 1.0000" in output
    assert "recall 0.5000" in output
    assert "F1 0.6667" in output
    with errors.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1:] == [["child_benefit", "CB3", "child_benefit", "CB4", "missed"]]


def test_evaluate_refuses_a_truth_file_without_its_columns(
    factory: ChildFactory, tmp_path: Path, mapping: Path
) -> None:
    feed = write_child_benefit(tmp_path / "cb.csv", [child_benefit_row("CB1", factory.child(la_code="201"))])
    truth = tmp_path / "truth.csv"
    truth.write_text("key,person\nCB1,a\n", encoding="utf-8")

    result = CliRunner().invoke(
        app, ["linkage", "evaluate", str(feed), "--mapping", str(mapping), "--truth", str(truth)]
    )

    assert result.exit_code != 0
    assert "row_key and entity" in " ".join(result.output.split())


def test_rows_placed_in_no_local_authority_get_a_hint_at_the_mapping(
    factory: ChildFactory, tmp_path: Path
) -> None:
    feed = write_child_benefit(tmp_path / "cb.csv", [child_benefit_row("CB1", factory.child(la_code="201"))])
    truth = _truth(tmp_path / "truth.csv", [("CB1", "a")])

    result = CliRunner().invoke(
        app, ["linkage", "evaluate", str(feed), "--mapping", str(SHIPPED), "--truth", str(truth)]
    )

    assert result.exit_code == 0, result.output
    assert "give the mapping an `la` column, or a constant" in " ".join(result.output.split())
