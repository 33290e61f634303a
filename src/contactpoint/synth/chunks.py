"""Renders a run of family blocks to feed bytes and truth lines: the unit of work a process does.

Blocks are independent (see `weighted.block_rng`), so chunks can be rendered in any process and in any
order and still join into the same files.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from functools import cache

from contactpoint.synth.model import SynthChild
from contactpoint.synth.population import MAX_CHILDREN, Population
from contactpoint.synth.render import FeedRenderer, LastRow
from contactpoint.synth.sources import SOURCES
from contactpoint.synth.sources.base import source_rows
from contactpoint.synth.truth import people_row
from contactpoint.synth.weighted import BLOCK, block_rng

FEEDS_STREAM = 2  # streams 0 and 1 are the population's; each source has its own after these
if FEEDS_STREAM + len(SOURCES) > 8:
    raise RuntimeError("block_rng has room for eight streams")


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """Blocks `first_block` up to (not including) `stop_block`; `remaining` caps generation-0 children."""

    children: int
    seed: int
    generations: int
    formats: tuple[str, ...]
    first_block: int
    stop_block: int
    remaining: int = MAX_CHILDREN


@dataclass(frozen=True, slots=True)
class ChunkOutput:
    """What a chunk rendered, keyed by (source, generation) and format."""

    task: ChunkTask
    initial_children: int  # children at generation 0 in the chunk
    feeds: dict[tuple[str, int], dict[str, list[bytes]]]
    truth: dict[tuple[str, int], str]
    rows: dict[tuple[str, int], int]
    malformed: dict[tuple[str, int], Counter[str]]
    last_rows: dict[tuple[str, int], LastRow]
    people: str
    counts: Counter[str]
    errors: Counter[str]


@cache
def _population(children: int, seed: int, generations: int) -> Population:
    return Population(children, seed, generations)


def source_salt(seed: int, source_index: int) -> int:
    """The salt that scrambles row keys of one source."""
    return seed * 131 + source_index * 7


def render_chunk(task: ChunkTask) -> ChunkOutput:
    """Generate the chunk's families and render every row they cause in every feed."""
    population = _population(task.children, task.seed, task.generations)
    calendar = population.calendar
    renderers = {
        (spec.name, generation): FeedRenderer(spec, generation, task.formats, source_salt(task.seed, index))
        for index, spec in enumerate(SOURCES)
        for generation in range(task.generations + 1)
    }
    people = io.StringIO()
    people_writer = csv.writer(people)
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    remaining = task.remaining
    initial = 0
    for block in range(task.first_block, task.stop_block):
        if remaining <= 0:
            break
        rngs = [block_rng(task.seed, block * BLOCK, FEEDS_STREAM + index) for index in range(len(SOURCES))]
        for family in population.block(block, remaining):
            counts["families"] += 1
            for child in family.children:
                people_writer.writerow(people_row(child))
                _count(child, counts)
                if child.born_generation == 0:
                    initial += 1
                    remaining -= 1
                for spec, rng in zip(SOURCES, rngs, strict=True):
                    for row in source_rows(spec, child, calendar, rng):
                        renderers[(spec.name, row.generation)].render(
                            row, child.person_id, child.person_key, rng
                        )
                        errors.update(row.kinds)
    feeds: dict[tuple[str, int], dict[str, list[bytes]]] = {}
    truth: dict[tuple[str, int], str] = {}
    last_rows: dict[tuple[str, int], LastRow] = {}
    for key, renderer in renderers.items():
        feeds[key], truth[key] = renderer.take()
        if renderer.last is not None:
            last_rows[key] = renderer.last
    return ChunkOutput(
        task,
        initial,
        feeds,
        truth,
        {key: r.rows for key, r in renderers.items()},
        {key: r.malformed for key, r in renderers.items()},
        last_rows,
        people.getvalue(),
        counts,
        errors,
    )


def _count(child: SynthChild, counts: Counter[str]) -> None:
    labels = child.labels
    counts["later_births"] += child.born_generation > 0
    counts["twins"] += labels.twin_group is not None
    counts["shielded"] += labels.shielded
    counts["adopted"] += labels.adopted_generation is not None
    counts["looked_after"] += labels.looked_after
    counts["turning_18"] += labels.turns_18_generation is not None
    counts["left_england"] += labels.left_england_generation is not None
