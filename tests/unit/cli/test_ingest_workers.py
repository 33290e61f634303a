"""`contactpoint ingest` picks worker processes only where they pay for their start-up."""

import os

from contactpoint.cli.ingest import MAX_AUTO_WORKERS, MIN_ROWS_FOR_WORKERS, default_workers


def test_small_feeds_and_bundles_of_unknown_size_run_in_one_process() -> None:
    assert default_workers(None) == 0
    assert default_workers(MIN_ROWS_FOR_WORKERS - 1) == 0


def test_large_feeds_get_a_worker_per_core_up_to_the_cap() -> None:
    expected = min(os.cpu_count() or 1, MAX_AUTO_WORKERS)
    assert default_workers(MIN_ROWS_FOR_WORKERS) == expected
    assert default_workers(10 * MIN_ROWS_FOR_WORKERS) == expected
