"""Matching a demographic query to children with the feeds' linkage model ($match for other systems).

A client system sends what it knows of a child (names, date of birth, gender, postcode) and gets
back the children it most probably means, each graded by the same Splink model and thresholds the
feeds decide on:

- certain: match weight at or above the upper threshold (a feed row would be linked);
- probable: at or above the lower threshold (a feed row would go to review);
- possible: within `POSSIBLE_BAND` bits below the lower threshold;
- anything lower is not returned.

The score is the model's match probability. The rules of search hold: the minimum criteria (family
name and date of birth), candidates only from searchable index entries (so a shielded child is not
found through a hidden field), only records the practitioner's search may return, at most
`MAX_RESULTS`, and the `SEARCH` audit entry written and committed before anything is returned.
Each candidate is compared only on what the practitioner may match on: the names search may find
it by, date of birth and gender, and the postcode unless the child is shielded; never a source's
identifier (those are for the LA team alone), so an NHS number in the query counts for nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from contactpoint.access import policy
from contactpoint.access.errors import AuthenticationFailed
from contactpoint.access.policy import Principal, require, search_may_return
from contactpoint.access.roles import Permission
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.search import MAX_CANDIDATES, MAX_RESULTS
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.oversight import misuse
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.domain.visibility import as_limited, names_search_may_match
from contactpoint.domain.vocabulary import Gender, RecordStatus
from contactpoint.linkage.blocking import family_given_district_term, search_terms_for_names
from contactpoint.linkage.features import features, key_of
from contactpoint.linkage.normalise import date_variants, family_name_keys, fold, given_name_key
from contactpoint.store.unit_of_work import UnitOfWork

POSSIBLE_BAND = 4.0  # bits of match weight under the lower threshold still offered as "possible"
_QUERY = "query"


class MatchGrade(StrEnum):
    """IHE PDQm's match grades (the `match-grade` extension's codes)."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """What another system knows of a child. Minimum: given and family names and date of birth
    (the model compares given names; without one every child of that surname and birthday ties)."""

    family_name: str
    given_name: str
    date_of_birth: date
    reason: AccessReason
    gender: Gender = Gender.NOT_SPECIFIED
    postcode: Postcode | None = None

    def __post_init__(self) -> None:
        if not fold(self.family_name):
            raise ValidationError("family_name", "is required")
        if not fold(self.given_name):
            raise ValidationError("given_name", "is required to match")
        self.name()  # the record's own rules for names

    def name(self) -> PersonName:
        """The query's name as a record holds one."""
        return PersonName.of(self.given_name, self.family_name)

    def fields(self) -> list[str]:
        """Which criteria were given (for the audit log)."""
        given = {
            "match": True,
            "family_name": True,
            "given_name": True,
            "date_of_birth": True,
            "gender": self.gender is not Gender.NOT_SPECIFIED,
            "postcode": self.postcode is not None,
        }
        return [name for name, present in given.items() if present]

    def fingerprint_text(self) -> str:
        """A canonical form, stored only as a keyed hash (as search's)."""
        return "|".join(
            [
                "match",
                fold(self.family_name),
                fold(self.given_name),
                self.date_of_birth.isoformat(),
                self.gender.value,
                self.postcode.value if self.postcode else "",
            ]
        )


@dataclass(frozen=True, slots=True)
class MatchHit:
    """One candidate: what a search result shows, with its grade and the model's probability."""

    cp_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    la_code: str | None
    grade: MatchGrade
    score: float
    weight: float


class Matcher:
    """The feeds' linker for queries: one DuckDB connection, so one query scores at a time."""

    def __init__(self, linker: Linker) -> None:
        self.linker = linker
        self._lock = threading.Lock()

    def grade(self, weight: float) -> MatchGrade | None:
        """The grade for a match weight under the linker's thresholds, or None (not offered)."""
        thresholds = self.linker.thresholds
        if weight >= thresholds.upper:
            return MatchGrade.CERTAIN
        if weight >= thresholds.lower:
            return MatchGrade.PROBABLE
        if weight >= thresholds.lower - POSSIBLE_BAND:
            return MatchGrade.POSSIBLE
        return None

    def weights(self, query: MatchQuery, records: list[ChildRecord]) -> dict[str, float]:
        """The best match weight of each record against the query (absent: no pair scored)."""
        index_rows = [row for record in records for row in _record_rows(record)]
        floor = self.linker.thresholds.lower - POSSIBLE_BAND
        with self._lock:
            pairs = self.linker.scorer.between(index_rows, list(_query_rows(query)), floor)
        best: dict[str, float] = {}
        for pair in pairs:
            cp_id = key_of(pair.left)
            best[cp_id] = max(best.get(cp_id, pair.match_weight), pair.match_weight)
        return best


def probability(weight: float) -> float:
    """Splink's match probability for a match weight (log2 odds), to three places."""
    return round(1.0 / (1.0 + float(2.0 ** (-weight))), 3)


def _with_postcode(row: dict[str, Any], postcode: Postcode | None) -> dict[str, Any]:
    if postcode is not None:
        row.update(postcode=postcode.value, sector=postcode.sector, district=postcode.outward)
    return row


def _query_rows(query: MatchQuery) -> Iterator[dict[str, Any]]:
    name = query.name()
    row = features(
        f"{_QUERY}#0", name, born=query.date_of_birth, gender=query.gender, whereabouts=None, identifiers=()
    )
    yield _with_postcode(row, query.postcode)


def _record_rows(record: ChildRecord) -> Iterator[dict[str, Any]]:
    """Only what the practitioner may match on (see the module's docstring)."""
    shielded = record.status is RecordStatus.SHIELDED
    for position, name in enumerate(names_search_may_match(record)):
        yield features(
            f"{record.cp_id.value}#{position}",
            name,
            born=record.date_of_birth,
            gender=record.gender,
            whereabouts=None if shielded else record.whereabouts,
            identifiers=(),
        )


def _query_terms(query: MatchQuery) -> dict[IndexKind, set[str]]:
    name = query.name()
    terms: dict[IndexKind, set[str]] = {kind: set() for kind in IndexKind if kind.for_search}
    for born in date_variants(query.date_of_birth):
        for kind, values in search_terms_for_names([name], born).items():
            terms[kind].update(values)
    given_key = given_name_key(name.given)
    if query.postcode is not None and given_key:
        terms[IndexKind.FAMILY_GIVEN_DISTRICT].update(
            family_given_district_term(family, given_key, query.postcode.outward)
            for family in family_name_keys(name.family)
        )
    return terms


def _made_beside_sealed(uow: UnitOfWork, cp_ids: list[str]) -> set[str]:
    """Records a review decision put a row into that was held against a sealed record: the row may
    have carried the adoptive identity beside the birth one (a new record was allowed before the
    queue refused it), so `$match` on the birth identity must not find them (invariant 4)."""
    beside = uow.reviews.resolved_beside_another(cp_ids)
    if not beside:
        return set()
    stored = uow.children.get_many({ContactPointId(c) for c in beside.values()})
    sealed = {c.value for c, s in stored.items() if s.record.status is RecordStatus.SEALED}
    return {made for made, candidate in beside.items() if candidate in sealed}


def match_children(
    runtime: Runtime, matcher: Matcher, principal: Principal, query: MatchQuery, *, limit: int = MAX_RESULTS
) -> list[MatchHit]:
    """The best graded candidates the user may see, best first, audited before they are returned."""
    require(principal, Permission.SEARCH_CHILDREN)
    with runtime.unit_of_work() as uow:
        found: set[ContactPointId] = set()
        for kind, terms in _query_terms(query).items():
            if terms:
                found |= uow.children.candidates(kind, terms, for_search=True)
        opened = uow.children.get_many(sorted(found, key=lambda i: i.value)[:MAX_CANDIDATES])
        records = {
            stored.record.cp_id.value: as_limited(stored.record)  # as shielded, if shielded
            for stored in opened.values()
            if search_may_return(principal, stored.record.status, stored.record.la_code)
        }
        for cp_id in _made_beside_sealed(uow, list(records)):
            del records[cp_id]
        graded: list[tuple[float, ChildRecord, MatchGrade]] = []
        for cp_id, weight in matcher.weights(query, list(records.values())).items():
            grade = matcher.grade(weight)
            if grade is not None:
                graded.append((weight, records[cp_id], grade))
        graded.sort(key=lambda item: (-item[0], item[1].cp_id.value))
        chosen = graded[: max(0, min(limit, MAX_RESULTS))]
        log = audit_log(runtime, uow)
        seq = log.append(
            AuditEvent(
                AuditKind.SEARCH,
                principal.user_id,
                tuple(r.cp_id.value for _, r, _ in chosen),
                {
                    "reason": query.reason.value,
                    "fields": query.fields(),
                    "criteria": runtime.audit_keys.subject("criteria|" + query.fingerprint_text()).hex(),
                    "candidates": len(found),
                },
                owners={r.cp_id.value: r.la_code for _, r, _ in chosen},
            )
        )
        shielded = sum(1 for _, r, _ in chosen if r.status is RecordStatus.SHIELDED)
        suspended = misuse.after_search(uow, log, principal, runtime.clock.now(), seq, shielded_hits=shielded)
        uow.commit()
    if suspended:
        raise AuthenticationFailed("this account has been suspended; contact your user administrator")
    return [
        MatchHit(
            r.cp_id.value,
            r.names.current.given,
            r.names.current.family,
            r.date_of_birth,
            r.gender,
            r.la_code if policy.shows_local_authority(principal, r.status, r.la_code) else None,
            grade,
            probability(weight),
            round(weight, 2),
        )
        for weight, r, grade in chosen
    ]
