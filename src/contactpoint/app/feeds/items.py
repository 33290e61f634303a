"""A feed's rows as the pipeline takes them: mapped and hashed, or rejected, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.feed_row import Dropped, FeedRow, Rejected
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.readers import RawRow, ReadItem
from contactpoint.ingest.row_hash import RowHasher

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A row of the file: mapped, or rejected (with its key and hash when it had a key)."""

    row: FeedRow | None
    rejected: Rejected | None
    hashes: tuple[str, ...]  # the current content hash first, then those under older key versions
    dropped: tuple[Dropped, ...] = ()  # fields left out of a mapped row

    @property
    def key(self) -> str | None:
        """The row key, if the row had a readable one."""
        return self.row.row_key if self.row is not None else self.rejected.row_key if self.rejected else None

    @property
    def identity(self) -> tuple[str, str] | None:
        """(row key, current content hash), the ledger's key; None for a reject without a readable key."""
        return (self.key, self.hashes[0]) if self.key is not None and self.hashes else None

    def variants(self) -> list[tuple[str, str]]:
        """The identity under every held key version (a row recorded before a rotation still counts)."""
        return [(self.key, h) for h in self.hashes] if self.key is not None else []


def mapped_items(
    mapping: SourceMapping,
    read: Iterable[ReadItem],
    hasher: RowHasher,
    *,
    today: date,
    extracted: date | None = None,
) -> Iterator[FeedItem]:
    """Each read row mapped onto a feed row and hashed, or rejected with its line and reason.

    `extracted` is the extract's date for rows whose mapping names none (`ingest --as-of`); ages
    are taken at it, else at `today`."""
    for item in read:
        if not isinstance(item, RawRow):
            yield FeedItem(None, Rejected(item.line, None, "row", item.reason), ())
            continue
        hashes = hasher.all(mapping.canonical(item.values))
        try:
            row, dropped = mapping.map_row_dropping(
                item.values, item.line, hashes[0], extracted=extracted, today=today
            )
            yield FeedItem(row, None, hashes, dropped)
        except ValidationError as error:
            rejected = Rejected(item.line, mapping.row_key(item.values), error.field, error.rule)
            yield FeedItem(None, rejected, hashes)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
