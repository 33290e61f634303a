"""Delta benchmark: feeds into an index that already holds a national extract, and what they did.

Run: nice -n 10 .venv/bin/python bench/delta.py --synthetic DIR --work DIR --backend sqlite
         [--delta child_benefit:0 nhs_registrations:1] [--workers 2] [--profile FILE]
         [--fingerprint FILE]
     .venv/bin/python bench/delta.py --compare BEFORE AFTER

The base index is Synthetic England's NHS registrations extract (generation 0) taken with
`contactpoint load`, then shielded as the LAs would; it is built once per backend and kept under
`--work` (SQLite: the store's folder; PostgreSQL: a template database), and every run starts from a
fresh copy of it, so two runs (two commits) take the same feeds into the same index. Printed per
delta file: rows, index size, seconds, rows/s, outcomes and CPU seconds of this process and its
workers (steadier than wall time on a shared machine; the database server's own is not counted);
then peak RSS of this process and of the largest worker, and the machine's load average.

`--fingerprint` writes what the run left, row by row, with the IDs of records the run created named
by the first row that made them (IDs are random): each feed row's outcome, reason and record; each
review item (queue, privacy, candidate, reason, weight); and for every record a digest of its
decrypted content, its blind-index entries and its field provenance. `--compare` prints the lines
that differ between two fingerprints: the same feeds into the same index must leave the same lines
whatever the apply path does.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from bench.common import PG_ADMIN, fresh_database_url
from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.load import load_extract
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.evaluation.demo_data import shield_as_the_las_would
from contactpoint.evaluation.synthetic_geography import write_synthetic_postcode_authorities
from contactpoint.settings import Settings
from contactpoint.store import codec
from contactpoint.synth.truth import Truth

BASE_SOURCE = "nhs_registrations"
_PAGE = 5_000


def _settings(home: Path, database_url: str | None) -> Settings:
    return Settings(home=home, database_url=database_url)


def _base(truth: Truth, work: Path, backend: str) -> Path:
    """The loaded and shielded base index's home folder (built once)."""
    home = work / f"base-{backend}"
    if (home / "ready").is_file():
        return home
    shutil.rmtree(home, ignore_errors=True)
    url = None if backend == "sqlite" else fresh_database_url(backend, home, "cp_delta_base")
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings = _settings(home, url)
    initialise_store(settings, SystemClock())
    write_synthetic_postcode_authorities(settings.resolved_postcode_authorities_file())
    runtime = build_runtime(settings)
    began = time.perf_counter()
    result = load_extract(runtime, truth.feed_path(BASE_SOURCE, 0, "csv"), BASE_SOURCE, build_linker(runtime))
    shielded = shield_as_the_las_would(runtime, truth)
    with runtime.unit_of_work() as uow:
        size = uow.children.count()
    runtime.close()
    print(
        f"base {backend}: {result.report.read} rows loaded into {size} records in "
        f"{time.perf_counter() - began:.0f} s; {len(shielded)} shielded",
        flush=True,
    )
    (home / "ready").write_text("")
    return home


def _copy(base: Path, work: Path, backend: str, label: str) -> Settings:
    """A fresh copy of the base index for one run."""
    home = work / f"run-{backend}-{label}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    if backend == "sqlite":
        return _settings(home, None)
    name = f"cp_delta_{label}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "cp_delta_base"'))
    admin.dispose()
    return _settings(home, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")


def _fingerprint(settings: Settings, base_ids: set[str], sources: list[str], out: Path) -> None:
    """Write what the run left, line by line, records the run created named by their first row."""
    runtime = build_runtime(settings)
    lines: list[str] = []
    with runtime.engine.connect() as connection:
        ledger = connection.execute(
            text("SELECT source, row_key, outcome, reason, cp_id FROM feed_rows")
        ).all()
        first_row: dict[str, str] = {}
        for source, row_key, _outcome, _reason, cp_id in sorted(ledger):
            if cp_id is not None and cp_id not in base_ids:
                first_row.setdefault(cp_id, f"new:{source}/{row_key}")

        def name(cp_id: str | None) -> str:
            return "-" if cp_id is None else first_row.get(cp_id, cp_id)

        for source, row_key, outcome, reason, cp_id in sorted(ledger):
            if source in sources:
                lines.append(f"row {source}/{row_key} {outcome} {reason} {name(cp_id)}")
        reviews = connection.execute(
            text(
                "SELECT source, row_key, la_code, private, candidate_cp_id, match_weight, reason, status "
                "FROM review_items"
            )
        ).all()
        for source, row_key, la, private, candidate, weight, reason, status in sorted(
            reviews, key=lambda r: (r[0], r[1])
        ):
            lines.append(
                f"review {source}/{row_key} {la} {bool(private)} {name(candidate)} {weight} {reason} {status}"
            )
        index: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
        for kind, value, cp_id, searchable in connection.execute(
            text("SELECT kind, value, cp_id, searchable FROM blind_index")
        ):
            index[cp_id].append((kind, value, bool(searchable)))
        provenance: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        for cp_id, field, source, row_key, as_of in connection.execute(
            text("SELECT cp_id, field, source, row_key, as_of FROM field_provenance")
        ):
            provenance[cp_id].append((field, source, row_key, str(as_of)))
    statuses = list(RecordStatus)
    after: ContactPointId | None = None
    with runtime.unit_of_work() as uow:
        while page := uow.children.page(statuses, after, _PAGE):
            for stored in page:
                record = stored.record
                cp_id = record.cp_id.value
                named = name(cp_id)
                content = codec.encode(record).replace(cp_id.encode(), named.encode())
                digest = hashlib.sha256(content).hexdigest()[:16]
                terms = hashlib.sha256(repr(sorted(index[cp_id])).encode()).hexdigest()[:16]
                held = hashlib.sha256(repr(sorted(provenance[cp_id])).encode()).hexdigest()[:16]
                status = record.status.value
                lines.append(f"record {named} v{stored.version} {status} {digest} {terms} {held}")
            after = page[-1].record.cp_id
    runtime.close()
    out.write_text("\n".join(sorted(lines)) + "\n")
    print(f"fingerprint: {len(lines)} lines to {out}")


def compare(before: Path, after: Path) -> int:
    """Print the lines in which two fingerprints differ; the number of them."""
    old = set(before.read_text().splitlines())
    new = set(after.read_text().splitlines())
    for line in sorted(old - new)[:20]:
        print(f"- {line}")
    for line in sorted(new - old)[:20]:
        print(f"+ {line}")
    kinds: dict[str, int] = defaultdict(int)
    for line in old ^ new:
        kinds[line.split(" ", 1)[0]] += 1
    print(f"{len(old)} and {len(new)} lines; differing: {dict(kinds) or 'none'}")
    return len(old ^ new)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (the database server's is not counted)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    """Parse options; build or reuse the base, take the deltas, print and fingerprint."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--synthetic", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--delta", nargs="+", default=["child_benefit:0"], help="source:generation files")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="run")
    parser.add_argument("--profile", type=Path, help="cProfile the ingest (main process) to this file")
    parser.add_argument("--fingerprint", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    options = parser.parse_args()
    if options.compare:
        sys.exit(1 if compare(*options.compare) else 0)
    truth = Truth.load(options.synthetic)
    base = _base(truth, options.work, options.backend)
    settings = _copy(base, options.work, options.backend, options.label)
    runtime = build_runtime(settings)
    with runtime.unit_of_work() as uow:
        base_ids = {i.value for i in uow.children.ids_after("", 10**9)}
    linker = build_linker(runtime)
    print(
        f"{'file':28} {'rows':>7} {'index':>8} {'s':>7} {'rows/s':>7} {'linked':>7} {'new':>6} "
        f"{'review':>6} {'cpu s':>7}"
    )
    sources = []
    profiler = cProfile.Profile() if options.profile else None
    for spec in options.delta:
        source, generation = spec.split(":")
        sources.append(source)
        with runtime.unit_of_work() as uow:
            size = uow.children.count()
        began, cpu = time.perf_counter(), _cpu_seconds()
        if profiler:
            profiler.enable()
        report = ingest_feed(
            runtime, truth.feed_path(source, int(generation), "csv"), source, linker, workers=options.workers
        )
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu
        outcomes = report.outcomes
        print(
            f"{spec:28} {report.read:>7} {size:>8} {seconds:>7.1f} {report.read / seconds:>7.0f} "
            f"{outcomes['linked']:>7} {outcomes['new']:>6} {outcomes['review']:>6} {cpu:>7.1f}",
            flush=True,
        )
    runtime.close()
    if profiler:
        profiler.dump_stats(options.profile)
    print(
        f"peak RSS {_peak_mib(resource.RUSAGE_SELF):.0f} MiB (this process), "
        f"{_peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB (largest worker); load average {os.getloadavg()}"
    )
    if options.fingerprint:
        _fingerprint(settings, base_ids, sources, options.fingerprint)


if __name__ == "__main__":
    main()
