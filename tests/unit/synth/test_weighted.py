from random import Random

import pytest

from contactpoint.synth.weighted import WeightedTable, block_rng, geometric_month


def test_values_are_drawn_in_proportion_to_their_weights():
    table = WeightedTable([("common", 9.0), ("rare", 1.0)])
    rng = Random(1)
    draws = [table.pick(rng) for _ in range(20_000)]
    assert 0.88 < draws.count("common") / len(draws) < 0.92


def test_zipf_weights_fall_with_rank():
    table = WeightedTable.zipf(["first", "second", "third"])
    assert table.weight_of(0) > table.weight_of(1) > table.weight_of(2)


@pytest.mark.parametrize("pairs", [[], [("a", -1.0)], [("a", 0.0)]])
def test_a_table_needs_positive_weights(pairs):
    with pytest.raises(ValueError, match="weight"):
        WeightedTable(pairs)


def test_a_monthly_event_falls_within_the_horizon_at_about_its_rate():
    rng = Random(2)
    months = [geometric_month(rng, 0.05, 12) for _ in range(20_000)]
    happened = [month for month in months if month]
    assert all(1 <= month <= 12 for month in happened)
    expected = 1 - 0.95**12
    assert abs(len(happened) / len(months) - expected) < 0.02


def test_no_event_without_a_horizon():
    assert geometric_month(Random(3), 0.5, 0) == 0


def test_blocks_and_streams_have_independent_generators():
    assert block_rng(1, 0, 0).random() == block_rng(1, 63, 0).random()
    assert block_rng(1, 0, 0).random() != block_rng(1, 64, 0).random()
    assert block_rng(1, 0, 0).random() != block_rng(1, 0, 1).random()
    assert block_rng(1, 0, 0).random() != block_rng(2, 0, 0).random()
