"""Turns source rows into the bytes of feed files and the lines of the truth, with row keys.

A row's key depends only on who and what it is about (source, generation, the child's scrambled key,
the unit and the change), never on its position, so separate processes can render parts of a file
that are then joined in order.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from json.encoder import encode_basestring
from random import Random

from contactpoint.synth.identifiers import scramble
from contactpoint.synth.malformed import MALFORMED_KINDS, Breakage, break_row
from contactpoint.synth.sources.base import CHANGE_LETTERS, SourceRow, SourceSpec

MALFORMED_RATE = 1 / 4000
_ROW_KEY_SPACE = 10**9


@dataclass(frozen=True, slots=True)
class LastRow:
    """The last row rendered for a file: what the malformed top-up at the end copies and breaks."""

    row: SourceRow
    person_id: str
    person_key: int


class FeedRenderer:
    """Renders one source's rows for one generation: CSV and JSON Lines bytes, truth lines, counts."""

    def __init__(self, spec: SourceSpec, generation: int, formats: tuple[str, ...], salt: int) -> None:
        self.spec = spec
        self.generation = generation
        self.rows = 0
        self.malformed: Counter[str] = Counter()
        self.last: LastRow | None = None
        self._csv = io.StringIO() if "csv" in formats else None
        self._csv_writer = csv.writer(self._csv if self._csv is not None else io.StringIO())
        self._csv_parts: list[bytes] = []
        self._jsonl: list[str] | None = [] if "jsonl" in formats else None
        self._jsonl_parts: list[bytes] = []
        self._truth: list[str] = []
        self._prefix = f"{spec.key_prefix}{generation:02d}"
        self._salt = salt
        self._json_keys = tuple(
            ("{" if i == 0 else ", ") + encode_basestring(name) + ": " for i, name in enumerate(spec.header)
        )

    def render(self, row: SourceRow, person_id: str, person_key: int, rng: Random) -> None:
        """Render one row, broken on purpose now and then."""
        breakage = None
        if rng.random() < MALFORMED_RATE:
            kind = MALFORMED_KINDS[int(rng.random() * len(MALFORMED_KINDS))]
            breakage = break_row(row.values, self.spec.shape, kind, rng)
        self._render(row, person_id, self._key(row, person_key), breakage)
        self.last = LastRow(row, person_id, person_key)

    def render_copy(self, last: LastRow, number: int, rng: Random) -> None:
        """Render a broken copy of `last`: how files with too few malformed rows are topped up."""
        kind = MALFORMED_KINDS[int(rng.random() * len(MALFORMED_KINDS))]
        key = f"{self._key(last.row, last.person_key)}D{number}"
        self._render(last.row, last.person_id, key, break_row(last.row.values, self.spec.shape, kind, rng))

    def _key(self, row: SourceRow, person_key: int) -> str:
        scrambled = scramble(person_key, _ROW_KEY_SPACE, self._salt)
        return f"{self._prefix}{scrambled:09d}{row.unit:02d}{CHANGE_LETTERS[row.change]}"

    def _render(self, row: SourceRow, person_id: str, key: str, breakage: Breakage | None) -> None:
        self.rows += 1
        values = row.values if breakage is None else breakage.values
        if self._csv is not None:
            self._render_csv(self._csv, key, values, breakage)
        if self._jsonl is not None:
            self._render_jsonl(self._jsonl, key, values, breakage)
        malformed = ""
        if breakage is not None:
            malformed = breakage.kind.value
            self.malformed[malformed] += 1
        self._truth.append(f"{key},{person_id},{row.identity.value},{';'.join(row.kinds)},{malformed}\n")

    def _render_csv(
        self, buffer: io.StringIO, key: str, values: tuple[str | None, ...], breakage: Breakage | None
    ) -> None:
        if breakage is not None and breakage.truncate:
            values = values[: len(values) // 2]
        if breakage is None or not breakage.latin1:
            self._csv_writer.writerow((key, *values))
            return
        self._csv_parts.append(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
        self._csv_writer.writerow((key, *values))
        self._csv_parts.append(buffer.getvalue().encode("latin-1", errors="replace"))
        buffer.seek(0)
        buffer.truncate()

    def _render_jsonl(
        self, lines: list[str], key: str, values: tuple[str | None, ...], breakage: Breakage | None
    ) -> None:
        line = (
            "".join(
                [
                    prefix + ("null" if value is None else encode_basestring(value))
                    for prefix, value in zip(self._json_keys, (key, *values), strict=True)
                ]
            )
            + "}\n"
        )
        if breakage is None:
            lines.append(line)
        elif breakage.truncate:
            lines.append(line[: len(line) // 2] + "\n")
        elif breakage.latin1:
            self._jsonl_parts.append("".join(lines).encode("utf-8"))
            lines.clear()
            self._jsonl_parts.append(line.encode("latin-1", errors="replace"))
        else:
            lines.append(line)

    def take(self) -> tuple[dict[str, list[bytes]], str]:
        """The rendered bytes per format and the truth lines so far; the renderer starts empty again."""
        output: dict[str, list[bytes]] = {}
        if self._csv is not None:
            output["csv"] = [*self._csv_parts, self._csv.getvalue().encode("utf-8")]
            self._csv_parts = []
            self._csv.seek(0)
            self._csv.truncate()
        if self._jsonl is not None:
            output["jsonl"] = [*self._jsonl_parts, "".join(self._jsonl).encode("utf-8")]
            self._jsonl_parts = []
            self._jsonl.clear()
        truth = "".join(self._truth)
        self._truth.clear()
        return output, truth
