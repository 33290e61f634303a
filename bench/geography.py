"""The ONS geography import and lookups: seconds to build the store's postcode table from the installed
packages, the table's rows and size, and lookups per second for real units and made-up ones.

    .venv/bin/python -m bench.geography --backend sqlite|postgresql
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, text

from bench.common import fresh_database_url
from contactpoint.app.geography.importing import import_geography
from contactpoint.app.geography.lookup import StoredPostcodeAuthorities
from contactpoint.app.geography.ons import postcode_units
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.settings import Settings

LOOKUPS = 20_000


def _table_bytes(engine: Engine) -> int:
    """The postcode table with its indexes, in bytes."""
    if engine.dialect.name == "sqlite":
        tables = "('postcode_areas', 'sqlite_autoindex_postcode_areas_1')"
        query = f"select sum(pgsize) from dbstat where name in {tables}"  # noqa: S608  # constants
    else:
        query = "select pg_total_relation_size('postcode_areas')"
    with engine.connect() as connection:
        return int(connection.execute(text(query)).scalar_one())


def main() -> None:
    """Import, then look up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        folder.chmod(0o700)
        url = fresh_database_url(args.backend, folder, "cp_bench_geography")
        settings = Settings(home=folder, database_url=url, postcode_authorities_file=folder / "none.csv")
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        started = time.perf_counter()
        report = import_geography(runtime)
        seconds = time.perf_counter() - started
        size = _table_bytes(runtime.engine)
        print(
            f"{args.backend}: {report.units:,} units + {report.shared:,} sectors/districts, "
            f"{report.authorities} authorities, {seconds:.1f} s, table and index {size / 2**20:.0f} MiB"
        )
        rng = random.Random(7)
        units = [unit for unit, la in postcode_units() if la and la.startswith("E")]
        sample = rng.sample(units, LOOKUPS)
        lookup = StoredPostcodeAuthorities(url)
        started = time.perf_counter()
        found = sum(lookup(unit) is not None for unit in sample)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        sum(lookup(unit[:-2] + "ZZ") is not None for unit in sample)
        warm = time.perf_counter() - started
        print(
            f"lookups: {LOOKUPS:,} random English units in {cold:.1f} s ({found:,} placed; district "
            f"cache cold), the same with made-up units in {warm:.2f} s"
        )
        lookup.close()
        runtime.close()


if __name__ == "__main__":
    main()
