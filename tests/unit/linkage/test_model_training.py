"""Training: m and u from unlabelled rows, blended with priors, gaps filled from the shipped model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contactpoint.evaluation.training_data import training_datasets
from contactpoint.linkage.model import PRIOR_WEIGHT, load, train, with_fallback, with_priors
from contactpoint.synth.feeds import generate


def _settings(m_values: list[float | None], *, fixed: bool = False) -> dict[str, Any]:
    levels: list[dict[str, Any]] = [{"is_null_level": True, "label_for_charts": "dob is NULL"}]
    for number, m in enumerate(m_values):
        levels.append({"label_for_charts": f"level {number}", "m_probability": m, "fix_m_probability": fixed})
    return {"comparisons": [{"output_column_name": "dob", "comparison_levels": levels}]}


def _m_values(settings: dict[str, Any]) -> list[float | None]:
    levels = settings["comparisons"][0]["comparison_levels"][1:]
    return [level.get("m_probability") for level in levels]


def test_a_level_the_data_never_showed_keeps_a_share_of_its_prior() -> None:
    blended = with_priors(_settings([0.99999, 1e-11, None]), {"dob": [0.9, 0.05, 0.05]}, PRIOR_WEIGHT)

    exact, slip, unseen = _m_values(blended)
    assert slip == pytest.approx(PRIOR_WEIGHT * 0.05)
    assert unseen == pytest.approx(0.05)
    assert exact == pytest.approx((1 - PRIOR_WEIGHT) * 0.99999 + PRIOR_WEIGHT * 0.9)


def test_fixed_levels_are_left_as_they_are() -> None:
    settings = _settings([0.99, 0.01], fixed=True)

    assert _m_values(with_priors(settings, {"dob": [0.5, 0.5]}, PRIOR_WEIGHT)) == [0.99, 0.01]


def test_what_the_rows_could_not_estimate_comes_from_the_fallback_model() -> None:
    filled = with_fallback(_settings([0.9, None]), _settings([0.8, 0.2]))

    assert _m_values(filled) == [0.9, 0.2]


def _probabilities(settings: dict[str, Any]) -> list[float]:
    return [
        float(level.get(key) or 0.0)
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
        for key in ("m_probability", "u_probability")
    ] + [settings["probability_two_random_records_match"]]


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Feature rows of a small synthetic England, each labelled with its person by the truth."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 300, seed=5, generations=1, formats=("csv",))
    return training_datasets(out, generations=2)


def test_training_reads_no_labels(datasets: dict[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    shuffled = {
        name: [{**row, "person_id": f"p{i % 7}"} for i, row in enumerate(rows)]
        for name, rows in datasets.items()
    }

    labelled, _ = train(datasets)
    relabelled, _ = train(shuffled)

    assert _probabilities(labelled.settings) == pytest.approx(_probabilities(relabelled.settings), rel=1e-9)
    dob = next(c for c in labelled.settings["comparisons"] if c["output_column_name"] == "dob")
    different = dob["comparison_levels"][-1]
    assert different["m_probability"] < different["u_probability"] / 100  # strongly against a link
    assert load().settings["comparisons"]  # the shipped model loads beside a freshly trained one
