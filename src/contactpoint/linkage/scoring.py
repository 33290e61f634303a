"""Scoring with the trained Splink model, in memory: index records on one side, feed rows on the other.

`predict_between` scores candidates (decrypted records found through the blind indexes) against a
batch of feed rows; `predict_within` scores the batch's rows against each other, so one feed does
not create two records for one child. The model's term-frequency tables are registered: the
shipped ones, or those built from the index when `app/feeds.build_linker` found them.
DuckDB runs in memory and never spills to disk (`duck.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from splink import Linker

from contactpoint.domain.records import PersonName
from contactpoint.domain.vocabulary import Gender
from contactpoint.linkage.duck import in_memory_db_api
from contactpoint.linkage.features import features, key_of
from contactpoint.linkage.model import TrainedModel

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
class ScoredPair:
    """A scored pair: the left key (record ID or row key), the right key, the weight and why."""

    left: str
    right: str
    match_weight: float
    fields: tuple[FieldAgreement, ...]


class Scorer(Protocol):
    """What the pipeline needs of a linkage engine (Splink here; a fake would do for unit tests)."""

    def between(
        self,
        index_rows: Sequence[dict[str, Any]],
        feed_rows: Sequence[dict[str, Any]],
        min_weight: float | None,
    ) -> list[ScoredPair]:
        """Pairs (record key, row key) weighing at least `min_weight` (None: all), best name pairing kept."""
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
        self._linker = Linker(seed, dict(model.settings), log_level=logging.WARNING)
        for column, table in model.term_frequencies.items():
            rows = [{column: value, f"tf_{column}": frequency} for value, frequency in table.items()]
            if not rows:
                rows = [{column: "", f"tf_{column}": 1.0}]
            self._linker.table_management.register_term_frequency_lookup(self._db.register(rows), column)

    @property
    def duckdb_connection(self) -> Any:
        """The DuckDB connection (tests check its spill settings)."""
        return self._db.duckdb_con

    def _pairs(self, predictions: Any) -> list[ScoredPair]:
        records = predictions.as_record_list()
        predictions.drop_table_from_database_and_remove_from_cache()
        best: dict[tuple[str, str], ScoredPair] = {}
        for record in records:
            left, right = key_of(str(record["unique_id_l"])), key_of(str(record["unique_id_r"]))
            weight = float(record["match_weight"])
            if (left, right) in best and best[(left, right)].match_weight >= weight:
                continue
            fields = tuple(
                FieldAgreement(name, levels.get(int(record[f"gamma_{name}"]), "?"), _partial(record, name))
                for name, levels in self._labels.items()
            )
            best[(left, right)] = ScoredPair(left, right, weight, fields)
        return list(best.values())

    def between(
        self,
        index_rows: Sequence[dict[str, Any]],
        feed_rows: Sequence[dict[str, Any]],
        min_weight: float | None,
    ) -> list[ScoredPair]:
        """Score feed rows against candidate records, keeping the best name pairing per (record, row)."""
        if not index_rows or not feed_rows:
            return []
        left = self._db.register(list(index_rows))
        right = self._db.register(list(feed_rows))
        left.dataset_display_name, right.dataset_display_name = INDEX_SIDE, FEED_SIDE
        try:
            predictions = self._linker.inference.predict_between(
                left, right, threshold_match_weight=min_weight, warning_mode="never"
            )
            return self._pairs(predictions)
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
                frame, threshold_match_weight=min_weight, warning_mode="never"
            )
            return [p for p in self._pairs(predictions) if p.left != p.right]
        finally:
            self._db.delete_table_from_database(frame.physical_name)


def _partial(record: dict[str, Any], name: str) -> float:
    """The field's partial match weight, with its term-frequency adjustment if it has one."""
    weight = float(record.get(f"mw_{name}") or 0.0)
    weight += float(record.get(f"mw_tf_adj_{name}") or 0.0)
    return round(weight, 2)
