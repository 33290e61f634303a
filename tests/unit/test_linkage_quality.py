"""Pairwise linkage quality: a pair counts once, rows outside any cluster stand alone."""

from __future__ import annotations

from contactpoint.evaluation.linkage_quality import pair_counts, wrong_pairs

TRUTH = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C"}


def test_a_perfect_clustering_links_every_true_pair_and_nothing_else() -> None:
    clusters = {"a1": "x", "a2": "x", "a3": "x", "b1": "y", "c1": "z"}

    counts = pair_counts(clusters, TRUTH)

    assert (counts.true_links, counts.false_links, counts.missed) == (3, 0, 0)
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)
    assert list(wrong_pairs(clusters, TRUTH)) == []


def test_rows_left_out_are_missed_pairs_and_a_wrong_join_is_a_false_link() -> None:
    clusters = {"a1": "x", "a2": "x", "b1": "x"}  # a3 held for review, c1 rejected: each alone

    counts = pair_counts(clusters, TRUTH)

    assert (counts.true_links, counts.false_links, counts.missed) == (1, 2, 2)
    assert counts.precision == 1 / 3
    assert counts.recall == 1 / 3
    assert sorted(wrong_pairs(clusters, TRUTH)) == [
        ("a1", "a3", "missed"),
        ("a1", "b1", "false link"),
        ("a2", "a3", "missed"),
        ("a2", "b1", "false link"),
    ]


def test_no_true_pairs_and_none_linked_is_perfect_not_a_division_by_zero() -> None:
    counts = pair_counts({}, {"a": "A", "b": "B"})

    assert (counts.precision, counts.recall) == (1.0, 1.0)
