"""`contactpoint ingest FILE --source NAME`: take a feed file into the index, with progress and a report."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH, ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import progress_bar
from contactpoint.domain.spreadsheet import safe_cell
from contactpoint.ingest.feed_row import Rejected
from contactpoint.ingest.mapping import SourceMapping, load_mapping

console = Console()

# The arguments `ingest` and `load` share.
FeedFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="A .csv, .jsonl or .json (FHIR Bundle) file.")
]
SourceName = Annotated[str, typer.Option("--source", help="The source's name; picks its mapping file.")]
MappingFile = Annotated[
    Path | None,
    typer.Option("--mapping", exists=True, dir_okay=False, help="A mapping TOML instead of the shipped one."),
]
RejectsFile = Annotated[
    Path | None, typer.Option("--rejects", dir_okay=False, help="Where to write the rejects report (CSV).")
]


def chosen_mapping(source: str, mapping_file: Path | None) -> SourceMapping:
    """The mapping file given, which must be the source's, or the source's shipped one."""
    mapping = (
        SourceMapping.from_toml(mapping_file.read_text(encoding="utf-8"))
        if mapping_file
        else load_mapping(source)
    )
    if mapping.source != source:
        raise typer.BadParameter("the mapping file is for another source", param_hint="--mapping")
    return mapping


def _row_count(path: Path) -> int | None:
    """Data rows in a line-based file (for the progress bar's total); None for a FHIR Bundle."""
    if path.suffix.lower() == ".json":
        return None
    newlines = returns = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")
    lines = newlines or returns  # a file with CR-only line ends has no newline
    return max(0, lines - 1) if path.suffix.lower() == ".csv" else lines


EXIT_TOO_MANY_REJECTS = 8
DEFAULT_MAX_REJECT_SHARE = 0.05
MIN_ROWS_FOR_WORKERS = 50_000  # below this, starting the workers costs more than they save
MAX_AUTO_WORKERS = 2  # batches write one at a time (ADR 0005): a third would mostly wait


def default_workers(rows: int | None) -> int:
    """Worker processes for a feed of `rows` rows (None: unknown, a FHIR Bundle): see `--workers`."""
    if rows is None or rows < MIN_ROWS_FOR_WORKERS:
        return 0
    return min(os.cpu_count() or 1, MAX_AUTO_WORKERS)


def write_rejects(path: Path, rejects: list[Rejected]) -> None:
    """The rejects report: line, row key, field and rule; never a row's values."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("line", "row_key", "field", "reason"))
        for reject in sorted(rejects, key=lambda r: r.line):
            writer.writerow(
                safe_cell(c) for c in (reject.line, reject.row_key or "", reject.field, reject.reason)
            )


def feed_reports_table(reports: list[RunReport]) -> Table:
    """Several runs side by side: a row per feed with its counts."""
    table = Table(title="Feeds ingested")
    for column in ("source", "read", "rejected", "linked", "new", "review", "held privately"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for report in reports:
        outcomes = report.outcomes
        table.add_row(
            report.source,
            str(report.read),
            str(report.rejected),
            str(outcomes.get("linked", 0)),
            str(outcomes.get("new", 0)),
            str(outcomes.get("review", 0)),
            str(report.private_holds),
        )
    return table


def report_table(report: RunReport) -> Table:
    """The run report as a table of counts by outcome and reason."""
    table = Table(title=f"Feed run {report.run_id}: {report.source}")
    table.add_column("measure", style="bold")
    table.add_column("rows", justify="right")
    table.add_row("read", str(report.read))
    table.add_row("already recorded (skipped)", str(report.skipped))
    table.add_row("rejected", str(report.rejected))
    for outcome in ("linked", "new", "review"):
        table.add_row(outcome, str(report.outcomes.get(outcome, 0)))
    table.add_row("  of which held privately (shielded/sealed)", str(report.private_holds))
    table.add_row("partial rows with no record to add to", str(len(report.unmatched)))
    for reason, count in sorted(report.reasons.items()):
        table.add_row(f"  reason: {reason}", str(count))
    rejects_by_field: dict[str, int] = {}
    for reject in report.rejects:
        rejects_by_field[reject.field] = rejects_by_field.get(reject.field, 0) + 1
    for field, count in sorted(rejects_by_field.items()):
        table.add_row(f"  rejected: {field}", str(count))
    for field, count in sorted(report.dropped.items()):
        table.add_row(f"  taken without: {field}", str(count))
    return table


@handles_errors
def ingest(
    ctx: typer.Context,
    *,
    feed: FeedFile,
    source: SourceName,
    mapping_file: MappingFile = None,
    rejects: RejectsFile = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Rows per transaction.")
    ] = DEFAULT_BATCH,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=16,
            help=(
                "Processes taking the batches, one writing at a time (0: all in this process). "
                f"Default: one per core, at most {MAX_AUTO_WORKERS}, for feeds of "
                f"{MIN_ROWS_FOR_WORKERS:,} rows or more; 0 for smaller ones (workers take seconds to start)."
            ),
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help=(
                "The extract's date (YYYY-MM-DD), where the mapping names no extract-date column or "
                "constant: ages and adult refusals are taken at it, and no birth may follow it. "
                "Default: today."
            ),
        ),
    ] = None,
    max_reject_share: Annotated[
        float,
        typer.Option(
            "--max-reject-share",
            min=0.0,
            max=1.0,
            help=(
                "Exit with code 8 when more than this share of the file's rows is rejected (the rows "
                "taken stay taken), so a broken feed in a scheduled job is noticed."
            ),
        ),
    ] = DEFAULT_MAX_REJECT_SHARE,
) -> None:
    """Read, validate, match and apply a feed. Safe to re-run: rows already taken are skipped."""
    mapping = chosen_mapping(source, mapping_file)
    extracted: date | None = as_of.date() if as_of is not None else None
    runtime = state(ctx).runtime()
    try:
        if extracted is not None and extracted > runtime.clock.now().date():
            raise typer.BadParameter("the extract's date is after today", param_hint="--as-of")
        linker = build_linker(runtime)
        rows = _row_count(feed)
        if workers is None:
            workers = default_workers(rows)
        with progress_bar(f"Ingesting {source}", console) as progress:
            task = progress.add_task("rows", total=rows)
            report = ingest_feed(
                runtime,
                feed,
                source,
                linker,
                batch_size=batch_size,
                mapping=mapping,
                on_batch=lambda n: progress.advance(task, n),
                workers=workers,
                extracted=extracted,
            )
    finally:
        runtime.close()
    console.print(report_table(report))
    console.print(f"Name term-frequency tables: {linker.term_frequencies}")
    if rejects is not None:
        write_rejects(rejects, [*report.rejects, *report.unmatched])
        console.print(
            f"Rejects report: [bold]{rejects}[/] ({len(report.rejects) + len(report.unmatched)} rows)"
        )
    # every row of the file not taken, also those recorded by an earlier run
    rejected = len(report.rejects) + len(report.unmatched)
    if report.read and rejected > max_reject_share * report.read:
        Console(stderr=True).print(
            f"[bold red]Error:[/] {rejected} of {report.read} rows rejected ({rejected / report.read:.1%}), "
            f"more than the {max_reject_share:.1%} allowed (--max-reject-share)"
        )
        raise typer.Exit(EXIT_TOO_MANY_REJECTS)
