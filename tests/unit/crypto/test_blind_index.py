from collections import Counter
from datetime import UTC, datetime

import pytest

from contactpoint.crypto.blind_index import BlindIndexer, index_bits
from contactpoint.crypto.keyring import Keyring

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_sizing_keeps_two_coincidences_per_value_at_national_scale():
    bits = index_bits(11_000_000)
    assert bits == 22
    assert 11_000_000 / 2**bits >= 2


def test_sizing_never_exceeds_the_input_entropy_and_stays_in_bounds():
    assert index_bits(11_000_000, input_bits=12.7) == 16  # floor of 16 even for tiny inputs
    assert index_bits(11_000_000, input_bits=20.5) == 19
    assert index_bits(10**15) == 32
    with pytest.raises(ValueError, match="positive"):
        index_bits(0)


def test_values_are_deterministic_per_kind_and_separate_between_kinds():
    indexer = BlindIndexer(Keyring.create(NOW), 22)
    assert indexer.value("family_dob", "SNAT|2015-03-01") == indexer.value("family_dob", "SNAT|2015-03-01")
    terms = [f"T{i}" for i in range(2_000)]
    same = sum(indexer.value("family_dob", t) == indexer.value("given_dob", t) for t in terms)
    assert same < 5  # independent keys: agreement only by chance (2000 / 2**22 expected)


def test_values_fill_the_truncated_range_uniformly():
    indexer = BlindIndexer(Keyring.create(NOW), 16)
    values = [indexer.value("family_dob", f"term{i}") for i in range(65_536)]
    assert max(values) < 2**16
    assert max(Counter(values).values()) < 12  # Poisson(1): a bucket of 12 is vanishingly rare


def test_queries_cover_every_held_key_version():
    keyring = Keyring.create(NOW).rotated(NOW)
    indexer = BlindIndexer(keyring, 22)
    assert indexer.query_values("family_dob", ["X"]) == {
        indexer.value("family_dob", "X", 1),
        indexer.value("family_dob", "X", 2),
    }
