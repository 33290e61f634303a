"""`contactpoint linkage evaluate`: precision, recall and F1 of the real ingest on any labelled feeds.

The feeds go, in the order given, through the same path as `contactpoint ingest` into a fresh store
in a private temporary folder (never the operator's store), then each row's record is compared with
the truth file. Anyone can so measure the matching on data they hold the answers for, instead of
trusting figures from data the project generated itself.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import progress_bar
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.errors import ValidationError
from contactpoint.evaluation.linkage_quality import pair_counts, wrong_pairs
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.linkage.decisions import Reason
from contactpoint.settings import Settings

console = Console()
RowId = tuple[str, str]  # (source, row key)


def read_truth(path: Path, sources: list[str]) -> dict[RowId, str]:
    """The truth file: a CSV with `row_key` and `entity` columns, and `source` when feeds are of several."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if not {"row_key", "entity"} <= columns:
            raise ValidationError("truth", "the truth file needs the columns row_key and entity")
        if "source" not in columns and len(set(sources)) > 1:
            raise ValidationError("truth", "feeds of several sources need a source column in the truth file")
        truth: dict[RowId, str] = {}
        for row in reader:
            source = row.get("source") or sources[0]
            truth[(source, row["row_key"].strip())] = row["entity"].strip()
    if not truth:
        raise ValidationError("truth", "the truth file has no rows")
    return truth


def _mappings(paths: list[Path], feeds: int) -> list[SourceMapping]:
    if len(paths) not in (1, feeds):
        raise ValidationError("mapping", "give one --mapping for all feeds, or one per feed in their order")
    loaded = [SourceMapping.from_toml(p.read_text(encoding="utf-8")) for p in paths]
    return loaded * feeds if len(loaded) == 1 else loaded


def _results(rows: list[tuple[str, str]]) -> Table:
    table = Table(title="Linkage against the truth")
    table.add_column("measure", style="bold")
    table.add_column("value", justify="right")
    for measure, value in rows:
        table.add_row(measure, value)
    return table


@handles_errors
def evaluate_command(
    *,
    feeds: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, help="Feed files, ingested in this order.")
    ],
    mapping: Annotated[
        list[Path],
        typer.Option(exists=True, dir_okay=False, help="Mapping TOML: one for all feeds, or one per feed."),
    ],
    truth: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, help="CSV of row_key, entity (and source) for every row."),
    ],
    model: Annotated[
        Path | None, typer.Option(exists=True, file_okay=False, help="A trained model folder to use.")
    ] = None,
    geography: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Postcode-to-LA table for feeds with no LA column."),
    ] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The extracts' date.")
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Write each missed or false pair here (row keys only)."),
    ] = None,
) -> None:
    """Ingest labelled feeds into a fresh, temporary store and print pairwise precision, recall and F1."""
    mappings = _mappings(mapping, len(feeds))
    expected = read_truth(truth, [m.source for m in mappings])
    clusters: dict[RowId, str] = {}
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="cp-evaluate-") as scratch:
        settings = Settings(
            home=Path(scratch) / "store", linkage_model_dir=model, postcode_authorities_file=geography
        )
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        try:
            linker = build_linker(runtime)
            began = time.perf_counter()
            for path, source_mapping in zip(feeds, mappings, strict=True):
                with progress_bar(f"Ingesting {path.name}", console) as progress:
                    task = progress.add_task("rows", total=None)
                    report = ingest_feed(
                        runtime,
                        path,
                        source_mapping.source,
                        linker,
                        mapping=source_mapping,
                        on_batch=partial(progress.advance, task),
                        extracted=as_of.date() if as_of else None,
                    )
                totals.update(read=report.read, rejected=report.rejected, **report.outcomes)
                reasons.update(report.reasons)
            seconds = time.perf_counter() - began
            with runtime.unit_of_work() as uow:
                for source in {m.source for m in mappings}:
                    clusters.update(((source, key), cp_id) for key, cp_id in uow.ledger.links(source))
        finally:
            runtime.close()
    counts = pair_counts(clusters, expected)
    read = max(totals["read"], 1)
    console.print(
        _results(
            [
                ("rows read", str(totals["read"])),
                ("rows rejected", f"{totals['rejected']} ({totals['rejected'] / read:.2%})"),
                ("rows held for review", f"{totals['review']} ({totals['review'] / read:.2%})"),
                ("true pairs linked", str(counts.true_links)),
                ("pairs linked wrongly", str(counts.false_links)),
                ("true pairs missed", str(counts.missed)),
                ("precision", f"{counts.precision:.4f}"),
                ("recall", f"{counts.recall:.4f}"),
                ("F1", f"{counts.f1:.4f}"),
                ("seconds", f"{seconds:.1f}"),
            ]
        )
    )
    console.print(
        "Outcomes by reason: " + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
    )
    if reasons[Reason.NO_LOCAL_AUTHORITY.value]:
        console.print(
            "[yellow]Rows with no local authority are held for review: give the mapping an `la` "
            'column, or a constant (`la = "LA"` with `\\[constants] LA = "201"`), or --geography for '
            "their postcodes.[/]"
        )
    if errors is not None:
        with errors.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("source_a", "row_key_a", "source_b", "row_key_b", "kind"))
            for first, second, kind in wrong_pairs(clusters, expected):
                writer.writerow((*first, *second, kind))
        console.print(f"Missed and false pairs: [bold]{errors}[/]")
