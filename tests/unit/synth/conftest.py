"""A small synthetic data set, made once per test session in a temporary directory, never committed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from contactpoint.synth.feeds import Summary, generate
from contactpoint.synth.model import SynthChild
from contactpoint.synth.population import iter_children
from contactpoint.synth.truth import Truth

CHILDREN = 3_000
SEED = 20_240_604  # a seed whose small set holds adoptions early enough to see both identities
GENERATIONS = 6  # reaches the May census (generation 4)


@dataclass(frozen=True)
class DataSet:
    """A generated data set: where it is, what the generator said, and its truth."""

    root: Path
    summary: Summary
    truth: Truth


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    root = tmp_path_factory.mktemp("synthetic")
    summary = generate(root, CHILDREN, SEED, GENERATIONS)
    return DataSet(root, summary, Truth.load(root))


@pytest.fixture(scope="session")
def large_population() -> list[SynthChild]:
    """Enough children (with a year of events) to measure rare rates such as adoption."""
    return list(iter_children(30_000, SEED, 12, include_later_births=True))
