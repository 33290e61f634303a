"""National-size term-frequency tables register and score in memory, still without spilling."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from contactpoint.domain.records import PersonName
from contactpoint.domain.vocabulary import Gender
from contactpoint.linkage.features import features
from contactpoint.linkage.model import TF_COLUMNS, load
from contactpoint.linkage.scoring import ScoredPair, SplinkScorer

VALUES = 300_000  # more distinct names than England's index would keep (each seen 5 times or more)


def _letters(i: int) -> str:
    """A made-up name for a number: names hold letters only."""
    return "".join(chr(65 + (i // 26**place) % 26) for place in range(4))


def _made_up_table() -> dict[str, float]:
    return {f"NAME{_letters(i)}": 1 / VALUES for i in range(VALUES)}


def _given_weight(pair: ScoredPair) -> float:
    return next(f.weight for f in pair.fields if f.field == "given_name")


def test_large_tables_are_scored_under_a_tight_memory_limit_without_a_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    model = replace(load(), term_frequencies={column: _made_up_table() for column in TF_COLUMNS})
    scorer = SplinkScorer(model, memory_limit="256MB")

    def row(key: str, i: int) -> dict[str, object]:
        name = PersonName(f"Name{_letters(i).lower()}", f"Stone{_letters(i).lower()}")
        return features(
            f"{key}{i}#0", name, born=date(2015, 3, 4), gender=Gender.FEMALE, whereabouts=None, identifiers=()
        )

    pairs = scorer.between([row("i", i) for i in range(300)], [row("r", i) for i in range(300)], None)

    assert len(pairs) >= 300
    settings = dict(
        scorer.duckdb_connection.execute(
            "select name, value from duckdb_settings() "
            "where name in ('temp_directory', 'max_temp_directory_size')"
        ).fetchall()
    )
    assert settings["temp_directory"] == ""
    assert settings["max_temp_directory_size"] in {"0 bytes", "0.0 B", "0B", "0 B"}
    # Every made-up name is rare in these tables (absent from the shipped ones): the adjustment applies.
    shipped = SplinkScorer(load()).between([row("i", 7)], [row("r", 7)], None)
    (with_tables,) = [p for p in pairs if (p.left, p.right) == ("i7", "r7")]
    assert _given_weight(with_tables) > _given_weight(shipped[0])
    assert list(tmp_path.iterdir()) == []
