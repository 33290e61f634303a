"""The Splink 5 model: comparisons, blocking rules, training, and where the trained JSON lives.

Names and the postcode carry term-frequency adjustments (a match on a rare surname says more than
on a common one); given and family names swapped, a given name that is the other's middle name, and
middle names or initials where both have one are compared; the date of birth is exact, swapped,
one character out, one field out, the same year, or different. Address, gender and every source
identifier the two sides share are compared. `contactpoint linkage train` estimates the model from
unlabelled rows, and the trained model ships in the package as JSON.
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
from contactpoint.linkage.features import FEATURE_COLUMNS, IDENTIFIER_COLUMNS

MODEL_FILE = "splink_model.json"
CHART_FILE = "match_weights.png"
TERM_FREQUENCY_FILE = "term_frequencies.json"
TF_COLUMNS = ("given_name", "family_name", "postcode")
MIN_TF_COUNT = 5  # rarer names are left out of every table (shipped or index-built): none singles anyone out


SWAPPED = "Given and family names swapped"
# Swapped allowing a slip in either name, as a row that swaps the names often misspells one too.
NAMES_SWAPPED_SQL = (
    "jaro_winkler_similarity(given_name_l, family_name_r) >= 0.92"
    " and jaro_winkler_similarity(family_name_l, given_name_r) >= 0.92"
)
SWAPPED_U = 1e-6  # random pairs almost never show it, so sampling may not see it once
INITIAL_U = 1e-3  # likewise where no source writes initials: about one pair in 26 of those with one
# m from expectation maximisation is blended with a prior of this weight: EM on one population learns
# only the errors that population makes, and a level it never saw would come out as impossible (a
# one-digit slip in a date of birth weighing -25), which the first feed from another source refutes.
PRIOR_WEIGHT = 0.1


def _given_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
            cll.CustomLevel(NAMES_SWAPPED_SQL, SWAPPED).configure(u_probability=SWAPPED_U),
            cll.DamerauLevenshteinLevel("given_name", 1),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.ExactMatchLevel("given_key").configure(label_for_charts="Phonetic key equal"),
            cll.CustomLevel(
                "given_name_l = middle_name_r or middle_name_l = given_name_r",
                "Given name is the other's middle name",
            ),
            cll.JaroWinklerLevel("given_name", 0.8),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.9, 0.01, 0.03, 0.015, 0.01, 0.01, 0.01, 0.005])


def _middle_name() -> ComparisonCreator:
    """Only where both rows have a middle name: its absence says nothing, many sources drop it."""
    return cl.CustomComparison(
        output_column_name="middle_name",
        comparison_levels=[
            cll.NullLevel("middle_name"),
            cll.ExactMatchLevel("middle_name"),
            cll.CustomLevel(
                "(length(middle_name_l) = 1 or length(middle_name_r) = 1)"
                " and substr(middle_name_l, 1, 1) = substr(middle_name_r, 1, 1)",
                "Middle initial of the other's middle name",
            ).configure(u_probability=INITIAL_U),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.85, 0.1, 0.05])


def _family_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
            cll.CustomLevel(NAMES_SWAPPED_SQL, SWAPPED).configure(u_probability=SWAPPED_U),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.ExactMatchLevel("family_key").configure(label_for_charts="Phonetic key equal"),
            cll.ArrayIntersectLevel("family_parts", 1).configure(
                label_for_charts="Shares a part of a double-barrelled name"
            ),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.9, 0.01, 0.04, 0.01, 0.01, 0.03])


def _date_of_birth() -> ComparisonCreator:
    """Exact, day and month swapped, one character, one of day, month and year, the year, or different.

    Trained on name blocks (see `train`), a wholly different date comes out strongly against: a child's
    records rarely disagree on the whole date, while siblings at one address always do.
    """
    one_field = (
        "(birth_year_l = birth_year_r and birth_month_l = birth_month_r)"
        " or (birth_year_l = birth_year_r and birth_day_l = birth_day_r)"
        " or (birth_month_l = birth_month_r and birth_day_l = birth_day_r)"
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swapped_r", "Day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel(one_field, "Only one of day, month and year differs"),
            cll.CustomLevel("birth_year_l = birth_year_r", "Same year of birth"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.93, 0.01, 0.03, 0.02, 0.005, 0.005])


def _postcode() -> ComparisonCreator:
    """A postcode shared by many children (a block of flats, a children's home) says less than a rare one."""
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(
                tf_adjustment_column="postcode", label_for_charts="Exact match on full postcode"
            ),
            cll.ExactMatchLevel("sector").configure(label_for_charts="Exact match on sector"),
            cll.ExactMatchLevel("district").configure(label_for_charts="Exact match on district"),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.8, 0.03, 0.04, 0.13])


def _address_line() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address_line",
        comparison_levels=[
            cll.NullLevel("address_line"),
            cll.ExactMatchLevel("address_line"),
            cll.JaroWinklerLevel("address_line", 0.9),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.8, 0.05, 0.15])


def _identifier(column: str) -> ComparisonCreator:
    """Fixed, not estimated: within one feed no two rows share an identifier, so EM cannot see it, and
    random pairs never share one."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(
                m_probability=0.99, u_probability=1e-7, fix_m_probability=True, fix_u_probability=True
            ),
            cll.ElseLevel().configure(
                m_probability=0.01, u_probability=1 - 1e-7, fix_m_probability=True, fix_u_probability=True
            ),
        ],
    )


BLOCKING_RULES: list[BlockingRuleCreator | dict[str, Any]] = [
    block_on("family_key", "dob"),
    block_on("given_key", "dob"),
    CustomRule("l.family_key = r.family_key and l.dob = r.dob_swapped"),
    CustomRule("l.given_key = r.given_key and l.dob = r.dob_swapped"),
    block_on("family_key", "given_key", "district"),
    block_on("postcode", "birth_year"),
    # Names swapped (the blind-index probe swaps them too), and a postcode with either name's key in
    # either place: the `postcode_name` index, which finds a row whose date and other name are wrong.
    CustomRule("l.given_key = r.family_key and l.family_key = r.given_key"),
    CustomRule("l.dob = r.dob and (l.given_key = r.family_key or l.family_key = r.given_key)"),
    block_on("postcode", "family_key"),
    block_on("postcode", "given_key"),
    CustomRule("l.postcode = r.postcode and (l.given_key = r.family_key or l.family_key = r.given_key)"),
    *(block_on(column) for column in IDENTIFIER_COLUMNS.values()),
]
# Expectation maximisation never trains a comparison on pairs blocked by its own field. Names are
# trained on pairs sharing a date of birth and dates on pairs sharing both names, so a household
# (one surname, one postcode, several dates of birth) never passes for one child's records.
TRAINING_BLOCKS: list[BlockingRuleCreator] = [
    block_on("dob"),
    block_on("given_name", "family_name"),
]


def model_settings() -> SettingsCreator:
    """The untrained model: comparisons, prediction blocking rules, link type."""
    return SettingsCreator(
        link_type="link_and_dedupe",
        comparisons=[
            _given_name(),
            _middle_name(),
            _family_name(),
            _date_of_birth(),
            _postcode(),
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


def train(datasets: Mapping[str, Sequence[dict[str, Any]]], *, seed: int = 1) -> tuple[TrainedModel, Linker]:
    """Estimate the model from unlabelled feature rows of several feeds (and the index, as a feed).

    u comes from random pairs; m by expectation maximisation on blocks chosen so that no comparison
    is trained on pairs its own field selected (see TRAINING_BLOCKS); the prior from a deterministic
    rule. Nothing is learnt from any truth: labels, where a data set has them, serve only to evaluate.
    """
    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = in_memory_db_api()
    named = {name: rows for name, rows in datasets.items() if rows}
    single = len(named) == 1  # one table: Splink then reads each row's dataset from a column
    frames = [
        db_api.register(
            [_unlabelled(row) | ({"source_dataset": name} if single else {}) for row in rows],
            dataset_display_name=name,
        )
        for name, rows in named.items()
    ]
    linker = Linker(frames, model_settings())
    training = linker.training
    training.estimate_probability_two_random_records_match(
        ["l.given_name = r.given_name and l.family_name = r.family_name and l.dob = r.dob"], recall=0.8
    )
    training.estimate_u_using_random_sampling(max_pairs=5_000_000, seed=seed)
    for rule in TRAINING_BLOCKS:
        training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0, max_pairs=2_000_000
        )
    settings = with_priors(linker.misc.save_model_to_json(), _prior_m(), PRIOR_WEIGHT)
    settings = with_fallback(settings, load().settings)
    all_rows = [row for rows in datasets.values() for row in rows]
    charted = Linker(frames, settings)
    return TrainedModel(settings, term_frequencies(all_rows)), charted


def _prior_m() -> dict[str, list[float]]:
    """Each comparison's prior m probabilities, by level from the top (null level left out)."""
    priors: dict[str, list[float]] = {}
    for comparison in model_settings().get_settings("duckdb").comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        given = [float(m) for level in levels if (m := level.m_probability) is not None]
        if len(given) == len(levels):
            priors[comparison.output_column_name] = given
    return priors


def with_priors(
    settings: dict[str, Any], priors: Mapping[str, Sequence[float]], weight: float
) -> dict[str, Any]:
    """The settings with every estimated, unfixed m blended with its prior: (1 - weight) m + weight prior."""
    blended: dict[str, Any] = json.loads(json.dumps(settings))
    for comparison in blended["comparisons"]:
        prior = priors.get(comparison["output_column_name"])
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        if prior is None or len(prior) != len(levels):
            continue
        for level, m_prior in zip(levels, prior, strict=True):
            if level.get("fix_m_probability"):
                continue
            estimated = level.get("m_probability")
            level["m_probability"] = (
                m_prior if estimated is None else (1 - weight) * estimated + weight * m_prior
            )
    return blended


def _unlabelled(row: dict[str, Any]) -> dict[str, Any]:
    """The row's comparison columns only: whatever else a caller's row carries never reaches training."""
    return {column: row.get(column) for column in FEATURE_COLUMNS}


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


def with_fallback(settings: dict[str, Any], fallback: dict[str, Any]) -> dict[str, Any]:
    """The settings with every m or u the data could not estimate taken from the fallback model's
    level of the same label: a level no row showed (a sector match where sectors never differ, a
    gender no feed records) says what the shipped model says, not nothing."""
    known = {
        (comparison["output_column_name"], level.get("label_for_charts")): level
        for comparison in fallback["comparisons"]
        for level in comparison["comparison_levels"]
    }
    filled: dict[str, Any] = json.loads(json.dumps(settings))
    for comparison in filled["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            other = known.get((comparison["output_column_name"], level.get("label_for_charts")), {})
            for probability in ("m_probability", "u_probability"):
                if level.get(probability) is None and other.get(probability) is not None:
                    level[probability] = other[probability]
    return filled


def with_current_blocking(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings with this version's prediction blocking rules: a feed batch is blocked within
    itself exactly as the blind indexes find its candidates, whenever its model was trained."""
    as_dict: Callable[[], dict[str, Any]] = model_settings().get_settings("duckdb").as_dict  # unannotated
    rules = as_dict()["blocking_rules_to_generate_predictions"]
    return {**settings, "blocking_rules_to_generate_predictions": rules}


def shipped_model_folder() -> Path:
    """The package folder holding the trained model."""
    return Path(str(resources.files("contactpoint.linkage") / "model"))


def load(folder: Path | None = None) -> TrainedModel:
    """The trained model from `folder`, or the one shipped in the package."""
    folder = folder or shipped_model_folder()
    settings = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    frequencies = json.loads((folder / TERM_FREQUENCY_FILE).read_text(encoding="utf-8"))
    return TrainedModel(settings, frequencies)
