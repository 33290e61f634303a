"""Scoring with the trained Splink model, in memory: index records on one side, feed rows on the other.

`predict_between` scores candidates (decrypted records found through the blind indexes) against a
batch of feed rows; `predict_within` scores the batch's rows against each other, so one feed does
not create two records for one child. The model's term-frequency tables are registered: the
shipped ones, or those built from the index when `app/feeds.build_linker` found them.
DuckDB runs in memory and never spills to disk (`duck.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import jellyfish
from splink import Linker

from contactpoint.domain.records import PersonName
from contactpoint.domain.vocabulary import Gender
from contactpoint.linkage.duck import in_memory_db_api
from contactpoint.linkage.features import features, key_of
from contactpoint.linkage.model import TrainedModel, with_current_blocking
from contactpoint.linkage.nicknames import are_nicknames

MISSING = "missing on one side"
INDEX_SIDE = "index"
FEED_SIDE = "feed"


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """How one field compared: the level's label and its partial match weight (no values)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class GivenNames:
    """How far apart the two given names are and how common each is, for the twins rule (no values).

    A frequency is the name's share in the term-frequency table, or None for a name too rare to be
    in it (a slip of the keyboard usually is). `nicknames`: one is a nickname of the other.
    """

    edits: int
    frequencies: tuple[float | None, float | None]
    nicknames: bool = False


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A scored pair: the left key (record ID or row key), the right key, the weight and why."""

    left: str
    right: str
    match_weight: float
    fields: tuple[FieldAgreement, ...]
    given: GivenNames | None = None


# A move changes the postcode and the first address line together, so where both disagree the
# line's weight is left out: the naive-Bayes sum would otherwise count one move twice, and a child
# who moved with every identity field the same would fall into the review band. (The level Splink
# numbers 0 is each comparison's last, "All other comparisons".)
WEIGHT = "weight_moved_once"
MOVED_ONCE_SQL = (
    "match_weight - CASE WHEN gamma_postcode = 0 AND gamma_address_line = 0"
    " THEN coalesce(mw_address_line, 0) ELSE 0 END"
)
_OTHER = "All other comparisons"


def _moved_once(fields: tuple[FieldAgreement, ...]) -> tuple[FieldAgreement, ...]:
    """The explanation to match MOVED_ONCE_SQL: the address line's weight nil after a move."""
    levels = {f.field: f.level for f in fields}
    if levels.get("postcode") != _OTHER or levels.get("address_line") != _OTHER:
        return fields
    return tuple(FieldAgreement(f.field, f.level, 0.0) if f.field == "address_line" else f for f in fields)


class Scorer(Protocol):
    """What the pipeline needs of a linkage engine (Splink here; a fake would do for unit tests)."""

    def between(
        self,
        index_rows: Sequence[dict[str, Any]],
        feed_rows: Sequence[dict[str, Any]],
        min_weight: float | None,
        always: Collection[str] = (),
    ) -> list[ScoredPair]:
        """Pairs (record key, row key) weighing at least `min_weight` (None: all), and every pair of a
        record key in `always` whatever its weight; the best name pairing kept."""
        ...

    def within(self, feed_rows: Sequence[dict[str, Any]], min_weight: float) -> list[ScoredPair]:
        """Pairs of feed rows of one batch at least `min_weight` apart."""
        ...


def _level_labels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison vector value to level label, per comparison (Splink numbers levels from the top down)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        count = len(levels)
        labels[comparison["output_column_name"]] = {
            count - 1 - i: level.get("label_for_charts", "") for i, level in enumerate(levels)
        } | {-1: MISSING}
    return labels


def _dummy_row() -> dict[str, Any]:
    """A made-up row giving DuckDB the column types before any real data arrives."""
    return features(
        "dummy#0",
        PersonName("Dummy", "Dummy"),
        born=date(2000, 1, 1),
        gender=Gender.NOT_SPECIFIED,
        whereabouts=None,
        identifiers=(),
    )


class SplinkScorer:
    """The Splink 5 model on an in-memory, no-spill DuckDB, kept for the life of a pipeline run."""

    def __init__(self, model: TrainedModel, memory_limit: str | None = None) -> None:
        logging.getLogger("splink").setLevel(logging.WARNING)
        self._db = in_memory_db_api(memory_limit)
        self._labels = _level_labels(model.settings)
        seed = self._db.register([_dummy_row()], dataset_display_name="seed")
        self._linker = Linker(seed, with_current_blocking(model.settings), log_level=logging.WARNING)
        for column, table in model.term_frequencies.items():
            rows = [{column: value, f"tf_{column}": frequency} for value, frequency in table.items()]
            if not rows:
                rows = [{column: "", f"tf_{column}": 1.0}]
            self._linker.table_management.register_term_frequency_lookup(self._db.register(rows), column)

    @property
    def duckdb_connection(self) -> Any:
        """The DuckDB connection (tests check its spill settings)."""
        return self._db.duckdb_con

    def _pairs(
        self, predictions: Any, min_weight: float | None = None, always: Collection[str] = ()
    ) -> list[ScoredPair]:
        """The predictions as pairs, the best name pairing per (left key, right key).

        Filtered and fetched as tuples in DuckDB: building a dictionary and a field explanation for
        every blocked pair (most of them weigh far below any threshold) dominated scoring (bench/RESULTS.md).
        """
        table = predictions.physical_name
        query = f"SELECT *, {MOVED_ONCE_SQL} AS {WEIGHT} FROM {table}"  # noqa: S608  # Splink's own table name
        parameters: list[Any] = []
        if min_weight is not None:
            query = (
                f"SELECT * FROM ({query}) WHERE {WEIGHT} >= ?"  # noqa: S608  # our own column names
                " OR list_contains(?, regexp_replace(unique_id_l, '#[^#]*$', ''))"
            )
            parameters = [min_weight, sorted(always)]
        cursor = self._db.duckdb_con.execute(query, parameters)
        columns = {description[0]: i for i, description in enumerate(cursor.description)}
        records = cursor.fetchall()
        predictions.drop_table_from_database_and_remove_from_cache()
        left_at, right_at, weight_at = columns["unique_id_l"], columns["unique_id_r"], columns[WEIGHT]
        fields_at = [
            (
                name,
                levels,
                columns[f"gamma_{name}"],
                columns.get(f"mw_{name}"),
                columns.get(f"mw_tf_adj_{name}"),
            )
            for name, levels in self._labels.items()
        ]
        given_at = [columns.get(name) for name in ("given_name_l", "given_name_r")]
        middle_at = [columns.get(name) for name in ("middle_name_l", "middle_name_r")]
        tf_at = [columns.get(f"tf_given_name_{side}") for side in ("l", "r")]
        best: dict[tuple[str, str], ScoredPair] = {}
        for record in records:
            left, right = key_of(str(record[left_at])), key_of(str(record[right_at]))
            weight = float(record[weight_at])
            if (left, right) in best and best[(left, right)].match_weight >= weight:
                continue
            fields = tuple(
                FieldAgreement(name, levels.get(int(record[gamma]), "?"), _partial(record, mw, tf))
                for name, levels, gamma, mw, tf in fields_at
            )
            fields = _moved_once(fields)
            best[(left, right)] = ScoredPair(
                left, right, weight, fields, _given_names(record, given_at, middle_at, tf_at)
            )
        return list(best.values())

    def between(
        self,
        index_rows: Sequence[dict[str, Any]],
        feed_rows: Sequence[dict[str, Any]],
        min_weight: float | None,
        always: Collection[str] = (),
    ) -> list[ScoredPair]:
        """Score feed rows against candidate records, keeping the best name pairing per (record, row).

        Pairs under `min_weight` are dropped unless their record key is in `always` (the pipeline
        passes its protected candidates, which count at any weight: see decisions.py)."""
        if not index_rows or not feed_rows:
            return []
        left = self._db.register(list(index_rows))
        right = self._db.register(list(feed_rows))
        left.dataset_display_name, right.dataset_display_name = INDEX_SIDE, FEED_SIDE
        try:
            predictions = self._linker.inference.predict_between(
                left, right, threshold_match_weight=None, warning_mode="never"
            )
            return self._pairs(predictions, min_weight, always)
        finally:
            self._db.delete_table_from_database(left.physical_name)
            self._db.delete_table_from_database(right.physical_name)

    def within(self, feed_rows: Sequence[dict[str, Any]], min_weight: float) -> list[ScoredPair]:
        """Score a batch's rows against each other."""
        if len(feed_rows) < 2:  # a pair needs two rows
            return []
        frame = self._db.register([{**row, "source_dataset": FEED_SIDE} for row in feed_rows])
        try:
            predictions = self._linker.inference.predict_within(
                frame, threshold_match_weight=None, warning_mode="never"
            )
            return [p for p in self._pairs(predictions, min_weight) if p.left != p.right]
        finally:
            self._db.delete_table_from_database(frame.physical_name)


def _given_names(
    record: tuple[Any, ...],
    given_at: list[int | None],
    middle_at: list[int | None],
    tf_at: list[int | None],
) -> GivenNames | None:
    """The given names' distance and frequencies, when both rows have a given name.

    The distance is the smaller of the first names' and the whole given names' written without
    spaces: a space keyed into a name or left out of it (Katel Byn, Katelyn; Mary Jane, Maryjane)
    splits or joins the name and is a slip, not another name.
    """
    if given_at[0] is None or given_at[1] is None:
        return None
    left, right = record[given_at[0]], record[given_at[1]]
    if not left or not right:
        return None
    middles = [record[at] if at is not None else None for at in middle_at]
    whole_left, whole_right = left + (middles[0] or ""), right + (middles[1] or "")
    frequencies = tuple(
        float(record[at]) if at is not None and record[at] is not None else None for at in tf_at
    )
    return GivenNames(
        min(
            jellyfish.damerau_levenshtein_distance(left, right),
            jellyfish.damerau_levenshtein_distance(whole_left, whole_right),
        ),
        (frequencies[0], frequencies[1]),
        are_nicknames(left, right),
    )


def _partial(record: tuple[Any, ...], weight_at: int | None, adjustment_at: int | None) -> float:
    """The field's partial match weight, with its term-frequency adjustment if it has one."""
    weight = float(record[weight_at] or 0.0) if weight_at is not None else 0.0
    weight += float(record[adjustment_at] or 0.0) if adjustment_at is not None else 0.0
    return round(weight, 2)
