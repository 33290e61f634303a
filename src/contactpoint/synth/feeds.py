"""Writes Synthetic England to disk: every source's feed per generation, as CSV and/or JSON Lines,
and the ground truth beside them (never inside them):
DIR/feeds/<source>/gen<g>.csv|jsonl and DIR/truth/.

The population is rendered in chunks of family blocks, in worker processes when asked (each chunk is
independent of the others), and the chunks are written in order, so the files are byte-identical
whatever the number of workers. Memory stays constant: a few chunks are in flight at a time.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from contactpoint.child_processes import stop_with_parent
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.chunks import ChunkOutput, ChunkTask, render_chunk, source_salt
from contactpoint.synth.population import MAX_CHILDREN
from contactpoint.synth.render import FeedRenderer, LastRow
from contactpoint.synth.sources import SOURCES
from contactpoint.synth.truth import MANIFEST_FILE, PEOPLE_COLUMNS, PEOPLE_FILE, ROW_COLUMNS, rows_path
from contactpoint.synth.weighted import block_rng

FORMATS = ("csv", "jsonl")
MIN_MALFORMED_PER_FILE = 2
CHUNK_BLOCKS = 16  # 1,024 families, about 1,800 children
IN_PROCESS_BELOW = 50_000  # smaller populations are not worth starting processes for
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Summary:
    """What was generated: population counts, rows per feed, malformed rows and errors by kind."""

    children: int
    seed: int
    generations: int
    formats: tuple[str, ...]
    families: int = 0
    later_births: int = 0
    twins: int = 0
    shielded: int = 0
    adopted: int = 0
    looked_after: int = 0
    turning_18: int = 0
    left_england: int = 0
    rows: dict[tuple[str, int], int] = field(default_factory=dict)
    malformed: dict[tuple[str, int], int] = field(default_factory=dict)
    malformed_by_kind: dict[str, int] = field(default_factory=dict)
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The summary as plain JSON values (for the manifest)."""
        return {
            "children": self.children,
            "seed": self.seed,
            "generations": self.generations,
            "formats": list(self.formats),
            "families": self.families,
            "later_births": self.later_births,
            "twins": self.twins,
            "shielded": self.shielded,
            "adopted": self.adopted,
            "looked_after": self.looked_after,
            "turning_18": self.turning_18,
            "left_england": self.left_england,
            "rows": {f"{source}/gen{generation}": count for (source, generation), count in self.rows.items()},
            "malformed": {
                f"{source}/gen{generation}": count for (source, generation), count in self.malformed.items()
            },
            "malformed_by_kind": self.malformed_by_kind,
            "errors_by_kind": self.errors_by_kind,
        }


class _Files:
    """The open output files, written chunk by chunk in order."""

    def __init__(self, out: Path, generations: int, formats: tuple[str, ...]) -> None:
        self.feeds: dict[tuple[str, int, str], BinaryIO] = {}
        self.truth: dict[tuple[str, int], BinaryIO] = {}
        truth_dir = out / "truth"
        for spec in SOURCES:
            (out / "feeds" / spec.name).mkdir(parents=True, exist_ok=True)
            (truth_dir / "rows" / spec.name).mkdir(parents=True, exist_ok=True)
            for generation in range(generations + 1):
                for extension in formats:
                    handle = (out / "feeds" / spec.name / f"gen{generation}.{extension}").open("wb")
                    if extension == "csv":
                        handle.write((",".join(_csv_quote(c) for c in spec.header) + "\r\n").encode("utf-8"))
                    self.feeds[(spec.name, generation, extension)] = handle
                truth = rows_path(truth_dir, spec.name, generation).open("wb")
                truth.write((",".join(ROW_COLUMNS) + "\n").encode("utf-8"))
                self.truth[(spec.name, generation)] = truth
        self.people = (truth_dir / PEOPLE_FILE).open("w", encoding="utf-8", newline="")
        csv.writer(self.people).writerow(PEOPLE_COLUMNS)

    def write(self, output: ChunkOutput) -> None:
        for (source, generation), formats in output.feeds.items():
            for extension, parts in formats.items():
                handle = self.feeds[(source, generation, extension)]
                for part in parts:
                    handle.write(part)
        for key, text in output.truth.items():
            self.truth[key].write(text.encode("utf-8"))
        self.people.write(output.people)

    def close(self) -> None:
        for handle in (*self.feeds.values(), *self.truth.values()):
            handle.close()
        self.people.close()


def _csv_quote(text: str) -> str:
    return f'"{text}"' if any(c in text for c in ',"\r\n') else text


def _chunks(task: ChunkTask, workers: int) -> Iterator[ChunkOutput]:
    """Chunk outputs in order, until the population is complete; the last chunk is cut to size."""
    step = CHUNK_BLOCKS
    wanted = task.children
    made = 0
    block = 0
    if workers <= 1 or wanted < IN_PROCESS_BELOW:
        while made < wanted:
            output = render_chunk(_task(task, block, step, wanted - made))
            made += output.initial_children
            block += step
            yield output
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(  # workers stop if the generating process is killed
        max_workers=workers, mp_context=context, initializer=stop_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending: deque[Future[ChunkOutput]] = deque()
        while made < wanted:
            while len(pending) < 2 * workers:
                pending.append(pool.submit(render_chunk, _task(task, block, step, MAX_CHILDREN)))
                block += step
            output = pending.popleft().result()
            if made + output.initial_children >= wanted:
                # The chunk reaches the total: make it again, stopping at exactly `wanted` children.
                for future in pending:
                    future.cancel()
                output = render_chunk(_task(task, output.task.first_block, step, wanted - made))
            made += output.initial_children
            yield output


def _task(task: ChunkTask, first: int, step: int, remaining: int) -> ChunkTask:
    return ChunkTask(task.children, task.seed, task.generations, task.formats, first, first + step, remaining)


def generate(
    out: Path,
    children: int,
    seed: int,
    generations: int = 12,
    *,
    formats: Sequence[str] = FORMATS,
    progress: ProgressCallback | None = None,
    workers: int = 1,
) -> Summary:
    """Generate a population with all its feeds and truth under `out`; returns what was made."""
    chosen = tuple(extension for extension in FORMATS if extension in formats)
    if not chosen or set(formats) - set(FORMATS):
        raise ValueError(f"formats must be among {FORMATS}")
    if not 1 <= children <= MAX_CHILDREN:
        raise ValueError(f"children must be between 1 and {MAX_CHILDREN:,}")
    if generations < 0 or seed < 0:
        raise ValueError("generations and seed must not be negative")
    started = time.perf_counter()
    files = _Files(out, generations, chosen)
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    rows: Counter[tuple[str, int]] = Counter()
    malformed: dict[tuple[str, int], Counter[str]] = {}
    last_rows: dict[tuple[str, int], LastRow] = {}
    try:
        for output in _chunks(ChunkTask(children, seed, generations, chosen, 0, 0), workers):
            files.write(output)
            counts.update(output.counts)
            errors.update(output.errors)
            rows.update(output.rows)
            for key, kinds in output.malformed.items():
                malformed.setdefault(key, Counter()).update(kinds)
            last_rows.update(output.last_rows)
            if progress is not None:
                progress(output.initial_children)
        _top_up_malformed(files, rows, malformed, last_rows, seed=seed, formats=chosen)
    finally:
        files.close()
    malformed_by_kind: Counter[str] = Counter()
    for kinds in malformed.values():
        malformed_by_kind.update(kinds)
    summary = Summary(
        children=children,
        seed=seed,
        generations=generations,
        formats=chosen,
        families=counts["families"],
        later_births=counts["later_births"],
        twins=counts["twins"],
        shielded=counts["shielded"],
        adopted=counts["adopted"],
        looked_after=counts["looked_after"],
        turning_18=counts["turning_18"],
        left_england=counts["left_england"],
        rows={(spec.name, g): rows[(spec.name, g)] for spec in SOURCES for g in range(generations + 1)},
        malformed={
            (spec.name, g): sum(malformed.get((spec.name, g), Counter()).values())
            for spec in SOURCES
            for g in range(generations + 1)
        },
        malformed_by_kind=dict(sorted(malformed_by_kind.items())),
        errors_by_kind={str(kind): count for kind, count in sorted(errors.items())},
        seconds=time.perf_counter() - started,
    )
    manifest = _manifest(summary, FeedCalendar(generations))
    (out / "truth" / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


def _top_up_malformed(
    files: _Files,
    rows: Counter[tuple[str, int]],
    malformed: dict[tuple[str, int], Counter[str]],
    last_rows: dict[tuple[str, int], LastRow],
    *,
    seed: int,
    formats: tuple[str, ...],
) -> None:
    """Every file with rows gets at least MIN_MALFORMED_PER_FILE broken rows (copies of its last row)."""
    rng = block_rng(seed, 1 << 36, 0)
    for index, spec in enumerate(SOURCES):
        for (source, generation), last in sorted(last_rows.items()):
            if source != spec.name:
                continue
            kinds = malformed.setdefault((source, generation), Counter())
            missing = MIN_MALFORMED_PER_FILE - sum(kinds.values())
            if missing <= 0:
                continue
            renderer = FeedRenderer(spec, generation, formats, source_salt(seed, index))
            for number in range(1, missing + 1):
                renderer.render_copy(last, number, rng)
            output, truth = renderer.take()
            for extension, parts in output.items():
                for part in parts:
                    files.feeds[(source, generation, extension)].write(part)
            files.truth[(source, generation)].write(truth.encode("utf-8"))
            rows[(source, generation)] += renderer.rows
            kinds.update(renderer.malformed)


def _manifest(summary: Summary, calendar: FeedCalendar) -> dict[str, Any]:
    return {
        "generator": "contactpoint.synth",
        "children": summary.children,
        "seed": summary.seed,
        "generations": summary.generations,
        "formats": list(summary.formats),
        "generation_dates": [calendar.date_of(g).isoformat() for g in range(calendar.generations + 1)],
        "census_generations": [g for g in range(calendar.generations + 1) if calendar.is_census(g)],
        "sources": {
            spec.name: {
                "description": spec.description,
                "key_column": spec.key_column,
                "columns": list(spec.header),
                "date_format": spec.date_style.value,
                "change_codes": {change.value: code for change, code in spec.change_codes.items()},
                "error_rates": {kind: getattr(spec.rates, kind) for kind in spec.rates.__slots__},
            }
            for spec in SOURCES
        },
        "summary": summary.as_json(),
    }
