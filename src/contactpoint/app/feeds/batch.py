"""One feed batch in one transaction: skip rows already taken, match, decide, apply, record.

Idempotent and resumable (DESIGN invariant 7): every row is recorded in the ledger by (source, row
key, content hash) in the same transaction as its effect, and rows already recorded are skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from contactpoint.app.feeds.items import FeedItem
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.scoring import ScoredBatch, Scores, revalidate, row_features, score_rows
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.protected_changes import needs_owning_team
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.retention import too_old_for_a_new_record
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.ingest.codec import encode_row
from contactpoint.ingest.feed_row import FeedRow, Rejected
from contactpoint.ingest.survivorship import NOT_ENOUGH_IDENTITY, apply_row, new_record
from contactpoint.linkage.decisions import (
    Candidate,
    Decision,
    Outcome,
    Reason,
    TwinCheck,
    decide,
    decide_partial,
    twin_check,
)
from contactpoint.linkage.scoring import ScoredPair
from contactpoint.store.ledger_repository import LedgerEntry
from contactpoint.store.provenance_repository import Provenance
from contactpoint.store.repository import StoredChild
from contactpoint.store.review_repository import NewReview
from contactpoint.store.unit_of_work import UnitOfWork


@dataclass
class RunReport:
    """What one run did, by outcome and reason; counts and codes only."""

    source: str
    run_id: int = 0
    read: int = 0
    skipped: int = 0
    rejected: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    private_holds: int = 0
    rejects: list[Rejected] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # fields left out of rows taken, by field
    partial: list[FeedItem] = field(default_factory=list)  # rows lacking identity, decided at the end
    partial_rows: int = 0  # rows lacking identity, however they were decided
    # Partial rows that found no record to add to: an outcome of the index, so never the source's reject.
    unmatched: list[Rejected] = field(default_factory=list)

    def merge(self, other: RunReport) -> None:
        """Add what another part of the run did (a worker's batch)."""
        self.read += other.read
        self.skipped += other.skipped
        self.rejected += other.rejected
        self.outcomes.update(other.outcomes)
        self.reasons.update(other.reasons)
        self.private_holds += other.private_holds
        self.rejects.extend(other.rejects)
        self.dropped.update(other.dropped)
        self.partial.extend(other.partial)
        self.partial_rows += other.partial_rows
        self.unmatched.extend(other.unmatched)

    def counts(self) -> dict[str, int]:
        """Flat counts for the run's ledger entry."""
        return {
            "read": self.read,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "private_holds": self.private_holds,
            "partial_rows": self.partial_rows,
            **{f"outcome:{k}": v for k, v in self.outcomes.items()},
            **{f"reason:{k}": v for k, v in self.reasons.items()},
            **{f"dropped:{k}": v for k, v in self.dropped.items()},
        }


def _for_owning_team(decision: Decision) -> Decision:
    """A link held instead of applied: it would change a shielded or sealed record's identity,
    whereabouts or carers (domain/protected_changes.py), so the owning LA team decides it in private."""
    return replace(decision, outcome=Outcome.REVIEW, reason=Reason.PROTECTED_CHANGE, private=True)


def _explanation(pair: ScoredPair | None) -> list[dict[str, object]]:
    if pair is None:
        return []
    return [{"field": f.field, "level": f.level, "weight": f.weight} for f in pair.fields]


class BatchRun:
    """One batch inside one transaction: skip known rows, match, decide, apply, record."""

    def __init__(self, uow: UnitOfWork, linker: Linker, report: RunReport, today: date) -> None:
        self._uow = uow
        self._linker = linker
        self._report = report
        self._today = today
        self._ledger: list[LedgerEntry] = []
        self._reviews: list[NewReview] = []

    def run(self, batch: list[FeedItem], ahead: ScoredBatch | None = None) -> None:
        """Take the batch; `ahead` is what a worker found and scored for it beforehand, if one did."""
        report, source = self._report, self._report.source
        report.read += len(batch)
        known = self._known(source, [variant for item in batch for variant in item.variants()])
        seen: set[tuple[str, str]] = set()
        rows: list[FeedRow] = []
        positions: list[int] = []  # each row's place among the batch's mapped rows (as scored ahead)
        mapped = -1
        for item in batch:
            mapped += item.row is not None
            if item.rejected is not None:
                report.rejects.append(item.rejected)
            identity = item.identity
            if identity is None:  # a reject without a key cannot be recorded; it is reported each run
                report.rejected += 1
                continue
            if identity in seen or any(variant in known for variant in item.variants()):
                report.skipped += 1
                continue
            seen.add(identity)
            if item.row is None:
                report.rejected += 1
                field = item.rejected.field if item.rejected else "row"
                self._ledger.append(LedgerEntry(source, *identity, Outcome.REJECTED, field, None))
                continue
            if item.row.partial:  # decided once the run's complete rows are in (`settle_partial`)
                report.read -= 1
                report.partial.append(item)
                continue
            report.dropped.update(dropped.field for dropped in item.dropped)
            rows.append(item.row)
            positions.append(mapped)
        if rows:
            self._match_and_apply(rows, self._scores(rows, positions, ahead))
        self._write_outcomes()

    def settle_partial(self, batch: list[FeedItem]) -> None:
        """Decide rows lacking a given name, family name or date of birth, after the run's complete
        rows: a partial row is often a duplicate of a row further down its own file, so it is
        matched against the index once everything else is in. It links on strong evidence, is held
        when close, and otherwise makes nothing: it cannot make a record. That last outcome depends
        on the index, so it goes to the operator's list (`RunReport.unmatched`), never the source's
        rejects: a receipt that rejected a row only when no record came close would tell a key
        holder whether a shielded or sealed child exists. Recorded in the ledger like any row, so a
        resumed run neither repeats nor loses it."""
        report = self._report
        report.read += len(batch)
        report.partial_rows += len(batch)
        rows = [item.row for item in batch if item.row is not None]
        scores = score_rows(self._uow.children, self._linker, rows)[0]
        by_row: dict[int, list[Candidate]] = {}
        for pair in scores.pairs:
            child = scores.stored[ContactPointId(pair.left)].record
            by_row.setdefault(int(pair.right), []).append(
                Candidate(pair.left, child.status, child.la_code, pair)
            )
        decisions = [
            decide_partial(by_row.get(position, []), self._linker.thresholds, row.missing)
            for position, row in enumerate(rows)
        ]
        for row, decision in zip(rows, decisions, strict=True):
            if decision.outcome is Outcome.REJECTED:  # nothing to add it to: for the operator only
                report.outcomes[Outcome.REJECTED] += 1
                report.reasons[decision.reason] += 1
                report.unmatched.append(Rejected(row.line, row.row_key, row.missing[0], NOT_ENOUGH_IDENTITY))
                entry = LedgerEntry(
                    row.source, row.row_key, row.content_hash, Outcome.REJECTED, decision.reason, None
                )
                self._ledger.append(entry)
        self._apply(rows, decisions, scores.stored)
        self._uow.reviews.hold(self._reviews)
        self._uow.ledger.record(report.run_id, self._ledger)

    # Matching -----------------------------------------------------------------------------------

    def _scores(self, rows: list[FeedRow], positions: list[int], ahead: ScoredBatch | None) -> Scores:
        if ahead is None:
            return score_rows(self._uow.children, self._linker, rows)[0]
        return revalidate(self._uow.children, self._linker, ahead, rows, positions)

    def _match_and_apply(self, rows: list[FeedRow], scores: Scores) -> None:
        stored = scores.stored
        by_row: dict[int, list[Candidate]] = {}
        for pair in scores.pairs:
            child = stored[ContactPointId(pair.left)].record
            by_row.setdefault(int(pair.right), []).append(
                Candidate(pair.left, child.status, child.la_code, pair)
            )
        decisions = [
            decide(by_row.get(position, []), self._linker.thresholds) for position in range(len(rows))
        ]
        self._apply(rows, decisions, stored)

    def _clusters_of_new(
        self, rows: list[FeedRow], decisions: list[Decision]
    ) -> tuple[list[list[int]], dict[int, Decision]]:
        """Rows decided new, grouped where the batch holds several rows about one child, and the rows
        held for review against an earlier row of the batch.

        The batch's rows are decided in order against the earlier ones that became records, exactly
        as a row is decided against the index (`decide`, with the twins rule): a row linking to an
        earlier one joins its record, a row in the review band, ambiguous or a possible twin is held
        with the earlier row's record as its candidate, and the rest start records of their own.
        """
        new = [i for i, d in enumerate(decisions) if d.outcome is Outcome.NEW]
        earlier_pairs: dict[int, list[ScoredPair]] = {}
        if len(new) > 1:
            features = [f for i in new for f in row_features(i, rows[i])]
            for pair in self._linker.scorer.within(features, self._linker.thresholds.lower):
                first, second = sorted((int(pair.left), int(pair.right)))
                earlier_pairs.setdefault(second, []).append(replace(pair, left=str(first), right=str(second)))
        record_of: dict[int, int] = {}  # row -> the first row of its record
        held: dict[int, Decision] = {}
        for i in new:
            decision = decide(
                self._earlier_candidates(rows, earlier_pairs.get(i, []), record_of), self._linker.thresholds
            )
            if decision.outcome is Outcome.LINKED and decision.candidate is not None:
                record_of[i] = int(decision.candidate.cp_id)
            elif decision.outcome is Outcome.REVIEW:
                held[i] = decision
            else:
                record_of[i] = i
        clusters: dict[int, list[int]] = {}
        for i, first in record_of.items():
            clusters.setdefault(first, []).append(i)
        return [sorted(members) for members in clusters.values()], held

    @staticmethod
    def _earlier_candidates(
        rows: list[FeedRow], pairs: list[ScoredPair], record_of: dict[int, int]
    ) -> list[Candidate]:
        """A row's pairs with earlier rows that became records, as candidates named by that record's
        first row; a record whose rows include a twin of this row counts as a twin."""
        by_record: dict[int, ScoredPair] = {}
        for pair in pairs:
            first = record_of.get(int(pair.left))
            if first is None:
                continue  # the earlier row was held: no record yet
            kept = by_record.get(first)
            if kept is None or (
                twin_check(kept) is not TwinCheck.VETO
                and (twin_check(pair) is TwinCheck.VETO or pair.match_weight > kept.match_weight)
            ):
                by_record[first] = pair
        return [
            Candidate(str(first), RecordStatus.ACTIVE, rows[first].la_code or "", pair)
            for first, pair in by_record.items()
        ]

    # Applying -----------------------------------------------------------------------------------

    def _as_of(self, row: FeedRow) -> date:
        return row.as_of or self._today

    def _apply(
        self, rows: list[FeedRow], decisions: list[Decision], stored: dict[ContactPointId, StoredChild]
    ) -> None:
        report = self._report
        working: dict[str, ChildRecord] = {}
        touched_ids = {d.candidate.cp_id for d in decisions if d.outcome is Outcome.LINKED and d.candidate}
        provenance = self._uow.provenance.of(touched_ids)
        changed_provenance: dict[str, dict[str, Provenance]] = {}
        for row, decision in zip(rows, decisions, strict=True):
            report.outcomes[decision.outcome] += 0  # keep every outcome in the report even at zero
            if decision.outcome is Outcome.LINKED and decision.candidate is not None:
                cp_id = decision.candidate.cp_id
                before = working.get(cp_id) or stored[ContactPointId(cp_id)].record
                held = {**provenance.get(cp_id, {}), **changed_provenance.get(cp_id, {})}
                record, changed = apply_row(before, row, held, self._as_of(row), self._linker.la_for)
                if needs_owning_team(before, record):
                    self._hold(row, _for_owning_team(decision))
                    continue
                working[cp_id] = record
                changed_provenance.setdefault(cp_id, {}).update({p.field: p for p in changed})
                self._done(row, Outcome.LINKED, decision.reason, cp_id)
            elif decision.outcome is Outcome.REVIEW:
                self._hold(row, decision)
        self._uow.children.replace_many(
            [
                (stored[ContactPointId(cp_id)], record)
                for cp_id, record in working.items()
                if record != stored[ContactPointId(cp_id)].record
            ]
        )
        self._create_new(rows, decisions, changed_provenance)
        self._write_provenance({cp_id: entries.values() for cp_id, entries in changed_provenance.items()})

    def _create_new(
        self,
        rows: list[FeedRow],
        decisions: list[Decision],
        changed_provenance: dict[str, dict[str, Provenance]],
    ) -> None:
        clusters, held_rows = self._clusters_of_new(rows, decisions)
        placed: list[tuple[list[int], str]] = []
        for members in clusters:
            if self._about_an_adult(rows[members[0]]):
                for i in members:
                    self._done(rows[i], Outcome.REJECTED, Reason.ADULT, None)
                continue
            la_code = next((rows[i].la_code for i in members if rows[i].la_code), None)
            if la_code is None:
                la_code = next(
                    (
                        la
                        for i in members
                        if (postcode := rows[i].located_at) is not None
                        and (la := self._linker.la_for(postcode.value)) is not None
                    ),
                    None,
                )
            if la_code is None:
                for i in members:
                    self._hold(rows[i], Decision(Outcome.REVIEW, Reason.NO_LOCAL_AUTHORITY))
                continue
            placed.append((members, la_code))
        ids = self._new_ids(len(placed)) if placed else []
        records: list[ChildRecord] = []
        record_ids = {
            members[0]: (cp_id.value, la_code) for (members, la_code), cp_id in zip(placed, ids, strict=True)
        }
        for i, decision in sorted(held_rows.items()):
            candidate = decision.candidate
            target = record_ids.get(int(candidate.cp_id)) if candidate is not None else None
            if candidate is None or target is None:  # its earlier row made no record (an adult, or no LA)
                self._hold(rows[i], Decision(Outcome.REVIEW, decision.reason))
            else:
                moved = replace(candidate, cp_id=target[0], la_code=target[1])
                self._hold(rows[i], replace(decision, candidate=moved))
        for (members, la_code), cp_id in zip(placed, ids, strict=True):
            first = rows[members[0]]
            record, entries = new_record(first, cp_id, la_code, self._as_of(first))
            held = {p.field: p for p in entries}
            self._done(first, Outcome.NEW, Reason.BELOW_LOWER, cp_id.value)
            for i in members[1:]:
                record, changed = apply_row(record, rows[i], held, self._as_of(rows[i]), self._linker.la_for)
                held.update({p.field: p for p in changed})
                self._done(rows[i], Outcome.LINKED, Reason.SAME_BATCH, cp_id.value)
            records.append(replace(record, status=RecordStatus.ACTIVE))
            changed_provenance[cp_id.value] = held
        self._add_records(records)

    # Writing: what the initial load (`load.py`) takes over to write the whole extract in bulk --------

    def _known(self, source: str, variants: list[tuple[str, str]]) -> set[tuple[str, str]]:
        return self._uow.ledger.known(source, variants)

    def _new_ids(self, count: int) -> list[ContactPointId]:
        return self._uow.children.reserve_ids(count)

    def _add_records(self, records: list[ChildRecord]) -> None:
        self._uow.children.add_many(records)

    def _write_provenance(self, entries: dict[str, Iterable[Provenance]]) -> None:
        self._uow.provenance.update(entries)

    def _write_outcomes(self) -> None:
        self._uow.reviews.hold(self._reviews)
        self._uow.ledger.record(self._report.run_id, self._ledger)

    def _about_an_adult(self, row: FeedRow) -> bool:
        return too_old_for_a_new_record(row.date_of_birth, self._as_of(row), self._today)

    def _done(self, row: FeedRow, outcome: Outcome, reason: Reason, cp_id: str | None) -> None:
        self._report.outcomes[outcome] += 1
        self._report.reasons[reason] += 1
        self._ledger.append(LedgerEntry(row.source, row.row_key, row.content_hash, outcome, reason, cp_id))

    def _hold(self, row: FeedRow, decision: Decision) -> None:
        candidate = decision.candidate
        self._reviews.append(
            NewReview(
                source=row.source,
                row_key=row.row_key,
                content_hash=row.content_hash,
                plaintext=encode_row(row),
                la_code=candidate.la_code if candidate else row.la_code,
                private=decision.private,
                candidate_cp_id=candidate.cp_id if candidate else None,
                match_weight=round(candidate.weight, 2) if candidate else None,
                reason=decision.reason,
                explanation=_explanation(candidate.pair if candidate else None),
            )
        )
        if decision.private:
            self._report.private_holds += 1
        self._done(row, Outcome.REVIEW, decision.reason, None)
