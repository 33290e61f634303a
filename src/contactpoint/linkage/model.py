"""The Splink 5 model: comparisons, blocking rules, training, and where the trained JSON lives.

Names carry term-frequency adjustments (a match on a rare surname says more than on a common one);
the date of birth tolerates a swapped day and month and a one-character typo; address and postcode,
gender and every source identifier the two sides share are compared. Training runs on synthetic
feeds only (`contactpoint linkage train`), and the trained model ships in the package as JSON.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from contactpoint.linkage.duck import in_memory_db_api
from contactpoint.linkage.features import IDENTIFIER_COLUMNS

MODEL_FILE = "splink_model.json"
CHART_FILE = "match_weights.png"
TERM_FREQUENCY_FILE = "term_frequencies.json"
TF_COLUMNS = ("given_name", "family_name")
MIN_TF_COUNT = 5  # rarer names are left out of every table (shipped or index-built): none singles anyone out


def _given_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.ExactMatchLevel("given_key").configure(label_for_charts="Phonetic key equal"),
            cll.JaroWinklerLevel("given_name", 0.8),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.ExactMatchLevel("family_key").configure(label_for_charts="Phonetic key equal"),
            cll.ArrayIntersectLevel("family_parts", 1).configure(
                label_for_charts="Shares a part of a double-barrelled name"
            ),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swapped_r", "Day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel("birth_year_l = birth_year_r", "Same year of birth"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.95, 0.01, 0.02, 0.01, 0.01])  # priors where the feeds show no such error


def _address_line() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address_line",
        comparison_levels=[
            cll.NullLevel("address_line"),
            cll.ExactMatchLevel("address_line"),
            cll.JaroWinklerLevel("address_line", 0.9),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.9, 0.03, 0.07])


def _identifier(column: str) -> ComparisonCreator:
    """Identifiers are rarely shared by chance; the prior u stands where random pairs never share one."""
    return cl.ExactMatch(column).configure(m_probabilities=[0.99, 0.01], u_probabilities=[1e-7, 1 - 1e-7])


BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("family_key", "dob"),
    block_on("given_key", "dob"),
    CustomRule("l.family_key = r.family_key and l.dob = r.dob_swapped"),
    CustomRule("l.given_key = r.given_key and l.dob = r.dob_swapped"),
    block_on("family_key", "given_key", "district"),
    block_on("postcode", "birth_year"),
    *(block_on(column) for column in IDENTIFIER_COLUMNS.values()),
]


def model_settings() -> SettingsCreator:
    """The untrained model: comparisons, prediction blocking rules, link type."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        comparisons=[
            _given_name(),
            _family_name(),
            _date_of_birth(),
            cl.PostcodeComparison("postcode"),
            _address_line(),
            cl.ExactMatch("gender").configure(m_probabilities=[0.98, 0.02]),
            *(_identifier(column) for column in IDENTIFIER_COLUMNS.values()),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """The model JSON and the term-frequency tables that go with it."""

    settings: dict[str, Any]
    term_frequencies: dict[str, dict[str, float]]


def term_frequencies(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Relative frequencies of each name value, leaving out values seen fewer than MIN_TF_COUNT times."""
    counters = {column: Counter[str]() for column in TF_COLUMNS}
    for row in rows:
        for column in TF_COLUMNS:
            if row[column]:
                counters[column][row[column]] += 1
    tables: dict[str, dict[str, float]] = {}
    for column, counter in counters.items():
        total = sum(counter.values()) or 1
        tables[column] = {value: n / total for value, n in counter.items() if n >= MIN_TF_COUNT}
    return tables


def train(
    datasets: Mapping[str, Sequence[dict[str, Any]]], *, label_column: str = "person_id", seed: int = 1
) -> tuple[TrainedModel, Linker]:
    """Estimate the model from feature rows of several feeds, each row labelled with its true person.

    The m probabilities come from the synthetic truth (pairs of rows about the same person), which
    is sharper than unsupervised EM here: siblings share surname, address and postcode, and EM
    takes households for people. u comes from random pairs; the prior from a deterministic rule.
    """
    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = in_memory_db_api()
    frames = [
        db_api.register(list(rows), dataset_display_name=name) for name, rows in datasets.items() if rows
    ]
    linker = Linker(frames, model_settings())
    training = linker.training
    training.estimate_probability_two_random_records_match(
        ["l.given_name = r.given_name and l.family_name = r.family_name and l.dob = r.dob"], recall=0.8
    )
    training.estimate_u_using_random_sampling(max_pairs=5_000_000, seed=seed)
    training.estimate_m_from_label_column(label_column)
    settings = linker.misc.save_model_to_json()
    all_rows = [row for rows in datasets.values() for row in rows]
    return TrainedModel(settings, term_frequencies(all_rows)), linker


def save(model: TrainedModel, linker: Linker, folder: Path) -> list[Path]:
    """Write the model JSON, its term-frequency tables and the match-weights chart into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / MODEL_FILE, folder / TERM_FREQUENCY_FILE, folder / CHART_FILE]
    paths[0].write_text(json.dumps(model.settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    paths[1].write_text(json.dumps(model.term_frequencies, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    chart = linker.visualisations.match_weights_chart()
    save_chart: Callable[[str], None] = chart.save  # Splink leaves save() unannotated; it writes the file
    save_chart(str(paths[2]))
    return paths


def shipped_model_folder() -> Path:
    """The package folder holding the trained model."""
    return Path(str(resources.files("contactpoint.linkage") / "model"))


def load(folder: Path | None = None) -> TrainedModel:
    """The trained model from `folder`, or the one shipped in the package."""
    folder = folder or shipped_model_folder()
    settings = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    frequencies = json.loads((folder / TERM_FREQUENCY_FILE).read_text(encoding="utf-8"))
    return TrainedModel(settings, frequencies)
