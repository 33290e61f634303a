"""Pairwise linkage quality against a labelled truth: what `linkage evaluate` and the benchmarks print.

A pair of rows counts as linked when both rows ended on the same record; a row held for review,
rejected or never seen is a record of its own. Precision, recall and F1 are over pairs, the usual
measure for deduplication and linkage (every pair the truth puts together is a true link).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class PairCounts:
    """Pairs linked rightly, linked wrongly and missed."""

    true_links: int
    false_links: int
    missed: int

    @property
    def precision(self) -> float:
        linked = self.true_links + self.false_links
        return self.true_links / linked if linked else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_links + self.missed
        return self.true_links / actual if actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pair_counts(clusters: Mapping[Key, str], truth: Mapping[Key, str]) -> PairCounts:
    """Pairs of the truth's rows that `clusters` (row -> record) put together, against their true entity."""
    together: Counter[tuple[str, str]] = Counter()
    cluster_sizes: Counter[str] = Counter()
    entity_sizes: Counter[str] = Counter()
    for key, entity in truth.items():
        cluster = clusters.get(key) or f"alone:{key!r}"
        together[(cluster, entity)] += 1
        cluster_sizes[cluster] += 1
        entity_sizes[entity] += 1
    true_links = sum(comb(n, 2) for n in together.values())
    linked = sum(comb(n, 2) for n in cluster_sizes.values())
    actual = sum(comb(n, 2) for n in entity_sizes.values())
    return PairCounts(true_links, linked - true_links, actual - true_links)


def pairwise(clusters: Mapping[Key, str], truth: Mapping[Key, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the pairs `clusters` put together."""
    counts = pair_counts(clusters, truth)
    return counts.precision, counts.recall, counts.f1


def wrong_pairs(clusters: Mapping[Key, str], truth: Mapping[Key, str]) -> Iterator[tuple[Key, Key, str]]:
    """Every pair linked wrongly ("false link") or missed ("missed"), as (row, row, kind)."""
    by_cluster: dict[str, list[Key]] = defaultdict(list)
    by_entity: dict[str, list[Key]] = defaultdict(list)
    for key, entity in truth.items():
        by_cluster[clusters.get(key) or f"alone:{key!r}"].append(key)
        by_entity[entity].append(key)
    for members in by_cluster.values():
        for first, second in combinations(members, 2):
            if truth[first] != truth[second]:
                yield first, second, "false link"
    for members in by_entity.values():
        for first, second in combinations(members, 2):
            if (clusters.get(first) or f"alone:{first!r}") != (clusters.get(second) or f"alone:{second!r}"):
                yield first, second, "missed"
