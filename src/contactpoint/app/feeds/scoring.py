"""The read-only half of a feed batch: find each row's candidate records, decrypt them, score the pairs.

It writes nothing, so a feed worker (`app/feeds/workers.py`) runs it in a read-only session while
another batch writes; what it found is then checked against the store inside the writing
transaction (`revalidate`), so a batch always decides on the store as it is when it is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import Any

from contactpoint.app.feeds.linker import Linker
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName, Whereabouts
from contactpoint.domain.vocabulary import AddressState
from contactpoint.ingest.feed_row import FeedRow
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.linkage.decisions import PROTECTED
from contactpoint.linkage.features import name_rows, without
from contactpoint.linkage.normalise import date_variants, fold
from contactpoint.linkage.scoring import ScoredPair
from contactpoint.store.repository import ChildRepository, StoredChild

_PROBE_ID = ContactPointId.generate()  # stands in for the ID a feed row does not have, to derive its terms

Lookups = dict[IndexKind, set[int]]  # blind-index values to look up, by kind
# The identity fields each kind of index term is built from: a partial row looks up none built from
# a field it lacks (the value standing in for it would find nothing, or the wrong child).
_USES: dict[IndexKind, frozenset[str]] = {
    IndexKind.FAMILY_DOB: frozenset({"family_name", "date_of_birth"}),
    IndexKind.GIVEN_DOB: frozenset({"given_name", "date_of_birth"}),
    IndexKind.FAMILY_GIVEN_DISTRICT: frozenset({"family_name", "given_name"}),
    IndexKind.POSTCODE_BIRTH_YEAR: frozenset({"date_of_birth"}),
    IndexKind.POSTCODE_NAME: frozenset({"given_name", "family_name"}),
}


@dataclass(frozen=True, slots=True)
class Scores:
    """A batch's candidates as read, and its scored pairs (left: record ID, right: row position)."""

    stored: dict[ContactPointId, StoredChild]
    pairs: list[ScoredPair]


@dataclass(frozen=True, slots=True)
class ScoredBatch:
    """A batch's mapped rows scored ahead of its writing transaction: their look-ups and scores."""

    lookups: list[Lookups]  # by position among the batch's items that have a mapped row
    scores: Scores


def _name_variants(row: FeedRow) -> list[ChildNames]:
    """The row's names, and its current name with given and family swapped (sources confuse the two)."""
    current = row.names.current
    if row.missing or fold(current.given) == fold(current.family):
        return [row.names]
    return [row.names, ChildNames(PersonName(current.family, current.given))]


def row_lookups(children: ChildRepository, row: FeedRow) -> Lookups:
    """The blind-index values that find a row's candidates: its terms under each date-of-birth variant,
    with its names as given and swapped."""
    terms: dict[IndexKind, set[str]] = {}
    births = [row.date_of_birth] if "date_of_birth" in row.missing else date_variants(row.date_of_birth)
    for born, names in product(births, _name_variants(row)):
        probe = ChildRecord(
            cp_id=_PROBE_ID,
            names=names,
            date_of_birth=born,
            gender=row.gender,
            whereabouts=row.whereabouts or Whereabouts(AddressState.NO_KNOWN_ADDRESS),
            la_code=row.la_code or "000",
            identifiers=row.identifiers,
        )
        for term in blocking_terms(probe):
            if not _USES.get(term.kind, frozenset()) & set(row.missing):
                terms.setdefault(term.kind, set()).add(term.term)
    return {kind: children.lookup_values(kind, values) for kind, values in terms.items()}


def merged(lookups: Iterable[Lookups]) -> Lookups:
    """Several rows' look-ups as one."""
    union: Lookups = {}
    for each in lookups:
        for kind, values in each.items():
            union.setdefault(kind, set()).update(values)
    return union


def find_candidates(children: ChildRepository, lookups: Lookups) -> set[ContactPointId]:
    """Every record with an index entry among the look-ups, searchable or not (linkage sees all)."""
    found: set[ContactPointId] = set()
    for kind, values in lookups.items():
        found |= children.candidates_by_value(kind, values)
    return found


def row_features(position: int, row: FeedRow) -> Iterator[dict[str, Any]]:
    """A feed row's comparison rows, keyed by its position in the batch (a partial row's missing
    fields left empty)."""
    rows = name_rows(
        str(position),
        row.names.all(),
        born=row.date_of_birth,
        gender=row.gender,
        whereabouts=row.whereabouts,
        identifiers=row.identifiers,
    )
    return (without(features, row.missing) for features in rows)


def score(
    linker: Linker, stored: Mapping[ContactPointId, StoredChild], rows: Sequence[FeedRow]
) -> list[ScoredPair]:
    """Score every row against the records; pairs that cannot change a decision are dropped.

    Unprotected candidates under the lower threshold cannot change a decision; protected ones count
    at any weight (linkage/decisions.py), so they are always kept.
    """
    index_rows = [
        features
        for cp_id, child in stored.items()
        for features in name_rows(
            cp_id.value,
            child.record.names.all(),
            born=child.record.date_of_birth,
            gender=child.record.gender,
            whereabouts=child.record.whereabouts,
            identifiers=child.record.identifiers,
        )
    ]
    feed_rows = [features for position, row in enumerate(rows) for features in row_features(position, row)]
    protected = [cp_id.value for cp_id, child in stored.items() if child.record.status in PROTECTED]
    return linker.scorer.between(index_rows, feed_rows, linker.thresholds.lower, protected)


def score_rows(
    children: ChildRepository, linker: Linker, rows: Sequence[FeedRow]
) -> tuple[Scores, list[Lookups]]:
    """Candidates for the rows from the blind indexes, decrypted in memory, and scored against them."""
    lookups = [row_lookups(children, row) for row in rows]
    stored = children.get_many(find_candidates(children, merged(lookups)))
    return Scores(stored, score(linker, stored, rows)), lookups


def revalidate(
    children: ChildRepository,
    linker: Linker,
    ahead: ScoredBatch,
    rows: Sequence[FeedRow],
    positions: Sequence[int],
) -> Scores:
    """Scores scored ahead brought up to date with the store as it is now, as if scored now.

    `rows` are the rows to decide, at `positions` among the mapped rows of the batch scored ahead.
    The candidates are looked up again; a record written since it was read ahead (by an earlier
    batch of this run or by anyone else), or found only now, is decrypted and scored again, and a
    record no longer found loses its pairs. Pairs of records unchanged since are kept: a pair's
    score depends only on the record's version and the row.
    """
    found = find_candidates(children, merged(ahead.lookups[p] for p in positions))
    versions = children.versions(found)
    read_ahead = ahead.scores.stored
    changed = {
        cp_id
        for cp_id, version in versions.items()
        if (read := read_ahead.get(cp_id)) is None or read.version != version
    }
    current = {cp_id: read_ahead[cp_id] for cp_id in versions.keys() - changed}
    row_at = {position: index for index, position in enumerate(positions)}
    pairs = [
        replace(pair, right=str(row_at[int(pair.right)]))
        for pair in ahead.scores.pairs
        if int(pair.right) in row_at and ContactPointId(pair.left) in current
    ]
    if changed:
        fresh = children.get_many(changed)
        current.update(fresh)
        pairs.extend(score(linker, fresh, rows))
    return Scores(current, pairs)
