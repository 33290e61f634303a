"""The ground truth, kept in files apart from the feeds: who each feed row really is, and what is special.

Layout under `<out>/truth/`:
- `rows/<source>/gen<g>.csv`: one line per row of that feed file, in the same order (the n-th line is
  the n-th data row: CSV line n+1, JSON Lines line n): row_key (the row's key column), person_id,
  identity (`birth`/`adoptive` for rows about an adopted child), errors (`;`-separated ErrorKind
  values), malformed (a MalformedKind, or empty).
- `people.csv`: one line per child, with the true identity at generation 0 (or birth) and the labels.
- `manifest.json`: parameters, generation dates, sources, files with their row counts, and a summary.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contactpoint.synth.model import SynthChild

ROWS_DIRECTORY = "rows"
PEOPLE_FILE = "people.csv"
MANIFEST_FILE = "manifest.json"
ROW_COLUMNS = ("row_key", "person_id", "identity", "errors", "malformed")
PEOPLE_COLUMNS = (
    "person_id",
    "family_id",
    "born_generation",
    "given",
    "family",
    "date_of_birth",
    "gender",
    "la_code",
    "postcode",
    "household",
    "community",
    "shielded",
    "looked_after",
    "twin_group",
    "adopted_generation",
    "adoptive_given",
    "adoptive_family",
    "adoptive_la_code",
    "adoptive_postcode",
    "turns_18_generation",
    "left_england_generation",
    "intent_to_return",
    "moved_before_extract",
    "shared_address",
    "common_name",
)


def _flag(value: bool) -> str:
    return "1" if value else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def rows_path(truth_directory: Path, source: str, generation: int) -> Path:
    """The truth file for one source's generation file: its lines follow the feed's rows in order."""
    return truth_directory / ROWS_DIRECTORY / source / f"gen{generation}.csv"


def people_row(child: SynthChild) -> tuple[str | int, ...]:
    """One child's line of people.csv: the true identity at generation 0 (or birth) and the labels."""
    labels = child.labels
    first = child.identities[0]
    adoptive = child.identities[-1] if child.identities[-1].adoptive else None
    left = next((v for v in child.identities if v.intent_to_return is not None), None)
    return (
        child.person_id,
        child.family_id,
        child.born_generation,
        first.name.given,
        first.name.family,
        child.date_of_birth.isoformat(),
        child.gender.value,
        first.la_code,
        first.address.postcode if first.address else "",
        labels.household.value,
        labels.community,
        _flag(labels.shielded),
        _flag(labels.looked_after),
        labels.twin_group or "",
        _number(labels.adopted_generation),
        adoptive.name.given if adoptive else "",
        adoptive.name.family if adoptive else "",
        adoptive.la_code if adoptive else "",
        adoptive.address.postcode if adoptive and adoptive.address else "",
        _number(labels.turns_18_generation),
        _number(labels.left_england_generation),
        left.intent_to_return.value if left and left.intent_to_return else "",
        _flag(labels.moved_before_extract),
        _flag(labels.shared_address),
        _flag(labels.common_name),
    )


@dataclass(frozen=True, slots=True)
class RowTruth:
    """The truth about one feed row."""

    source: str
    generation: int
    row: int
    row_key: str
    person_id: str
    identity: str
    errors: tuple[str, ...]
    malformed: str


@dataclass(frozen=True, slots=True)
class PersonTruth:
    """One true child and the special cases they belong to."""

    person_id: str
    family_id: str
    born_generation: int
    given: str
    family: str
    date_of_birth: str
    gender: str
    la_code: str
    postcode: str
    household: str
    community: str
    shielded: bool
    looked_after: bool
    twin_group: str | None
    adopted_generation: int | None
    adoptive_given: str | None
    adoptive_family: str | None
    adoptive_la_code: str | None
    adoptive_postcode: str | None
    turns_18_generation: int | None
    left_england_generation: int | None
    intent_to_return: str | None
    moved_before_extract: bool
    shared_address: bool
    common_name: bool


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _person(record: dict[str, str]) -> PersonTruth:
    return PersonTruth(
        person_id=record["person_id"],
        family_id=record["family_id"],
        born_generation=int(record["born_generation"]),
        given=record["given"],
        family=record["family"],
        date_of_birth=record["date_of_birth"],
        gender=record["gender"],
        la_code=record["la_code"],
        postcode=record["postcode"],
        household=record["household"],
        community=record["community"],
        shielded=bool(record["shielded"]),
        looked_after=bool(record["looked_after"]),
        twin_group=record["twin_group"] or None,
        adopted_generation=_optional_int(record["adopted_generation"]),
        adoptive_given=record["adoptive_given"] or None,
        adoptive_family=record["adoptive_family"] or None,
        adoptive_la_code=record["adoptive_la_code"] or None,
        adoptive_postcode=record["adoptive_postcode"] or None,
        turns_18_generation=_optional_int(record["turns_18_generation"]),
        left_england_generation=_optional_int(record["left_england_generation"]),
        intent_to_return=record["intent_to_return"] or None,
        moved_before_extract=bool(record["moved_before_extract"]),
        shared_address=bool(record["shared_address"]),
        common_name=bool(record["common_name"]),
    )


class Truth:
    """The ground truth of one synthetic data set, loaded into memory (meant for test-sized sets)."""

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        rows: dict[str, RowTruth],
        people: dict[str, PersonTruth],
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self._rows = rows
        self._people = people
        self._positions = {(row.source, row.generation, row.row): row for row in rows.values()}

    @classmethod
    def load(cls, directory: Path) -> Truth:
        """Read a data set's truth (`directory` is the data set's root, or its `truth/` folder)."""
        truth_dir = directory / "truth" if (directory / "truth").is_dir() else directory
        manifest = json.loads((truth_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        rows: dict[str, RowTruth] = {}
        for source in manifest["sources"]:
            for generation in range(manifest["generations"] + 1):
                with rows_path(truth_dir, source, generation).open(encoding="utf-8", newline="") as handle:
                    for number, record in enumerate(csv.DictReader(handle), start=1):
                        errors = tuple(record["errors"].split(";")) if record["errors"] else ()
                        rows[record["row_key"]] = RowTruth(
                            source,
                            generation,
                            number,
                            record["row_key"],
                            record["person_id"],
                            record["identity"],
                            errors,
                            record["malformed"],
                        )
        with (truth_dir / PEOPLE_FILE).open(encoding="utf-8", newline="") as handle:
            people = {record["person_id"]: _person(record) for record in csv.DictReader(handle)}
        return cls(truth_dir.parent, manifest, rows, people)

    def person_of(self, feed: str, row_key: str) -> str:
        """The true person behind a row, given the source (or feed file path) and the row's key."""
        row = self._rows.get(row_key)
        if row is None or (feed != row.source and f"/{row.source}/" not in f"/{feed}"):
            raise KeyError(f"no row {row_key!r} in {feed!r}")
        return row.person_id

    def row(self, row_key: str) -> RowTruth:
        """The truth about the row with that key."""
        return self._rows[row_key]

    def row_at(self, source: str, generation: int, row: int) -> RowTruth:
        """The truth about the `row`-th data row (1-based) of a source's generation file."""
        return self._positions[(source, generation, row)]

    def rows(self, source: str | None = None, generation: int | None = None) -> Iterator[RowTruth]:
        """Rows, optionally of one source and one generation, in file order."""
        for row in self._rows.values():
            if (source is None or row.source == source) and (
                generation is None or row.generation == generation
            ):
                yield row

    def labels(self, person_id: str) -> PersonTruth:
        """A child's true identity and labels."""
        return self._people[person_id]

    def people(self) -> Iterator[PersonTruth]:
        """Every child, in generation order."""
        return iter(self._people.values())

    def twins(self) -> list[tuple[str, ...]]:
        """Each twin (or triplet) group as its members' person ids."""
        groups: dict[str, list[str]] = {}
        for person in self._people.values():
            if person.twin_group is not None:
                groups.setdefault(person.twin_group, []).append(person.person_id)
        return [tuple(members) for members in groups.values()]

    def shielded(self) -> Iterator[PersonTruth]:
        """Children the LA has shielded."""
        return (person for person in self._people.values() if person.shielded)

    def adopted(self) -> Iterator[PersonTruth]:
        """Children adopted during the generations, with their birth and adoptive identities."""
        return (person for person in self._people.values() if person.adopted_generation is not None)

    def feed_path(self, source: str, generation: int, extension: str) -> Path:
        """Where a source's generation file is (`extension` is csv or jsonl)."""
        return self.directory / "feeds" / source / f"gen{generation}.{extension}"
