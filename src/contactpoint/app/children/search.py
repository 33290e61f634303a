"""Searching for a child: minimum criteria, candidates from blind indexes, scored after decryption.

Tolerant of typos (edit-distance similarity), phonetic variants (NYSIIS keys in the index),
nicknames (nicknames.py) and swapped day and month. At most ten results, each with name, date of
birth, gender and LA only. The search is audited (criteria as a keyed fingerprint, the IDs
returned) in the same transaction, before the results leave this function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import JaroWinkler

from contactpoint.access import policy
from contactpoint.access.errors import AuthenticationFailed
from contactpoint.access.policy import Principal, require, search_may_return
from contactpoint.access.roles import Permission
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.oversight import misuse
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.domain.visibility import as_limited, names_search_may_match
from contactpoint.domain.vocabulary import Gender, RecordStatus
from contactpoint.linkage.blocking import family_dob_term, family_given_district_term, given_dob_term
from contactpoint.linkage.nicknames import given_name_variants
from contactpoint.linkage.normalise import date_variants, family_name_keys, fold, phonetic

MAX_RESULTS = 10
MAX_CANDIDATES = 400  # decrypted per search at most; more means the criteria are too loose
THRESHOLD = 0.82
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """What a practitioner knows. Minimum: family name and date of birth, or family and given names
    and postcode district."""

    family_name: str
    reason: AccessReason
    given_name: str | None = None
    date_of_birth: date | None = None
    postcode_district: str | None = None

    def __post_init__(self) -> None:
        if not fold(self.family_name):
            raise ValidationError("family_name", "is required")
        if len(self.family_name) > 70 or len(self.given_name or "") > 70:
            raise ValidationError("family_name", "names are at most 70 characters")
        if self.postcode_district is not None and not _DISTRICT.match(self.postcode_district):
            raise ValidationError("postcode_district", "must be the first half of a postcode, like SW1A")
        has_given = bool(self.given_name and fold(self.given_name))
        if self.date_of_birth is None and not (has_given and self.postcode_district):
            raise ValidationError(
                "date_of_birth",
                "give a date of birth, or a given name and postcode district, with the family name",
            )

    def fields(self) -> list[str]:
        """Which criteria were given (for the audit log)."""
        given = {
            "family_name": True,
            "given_name": bool(self.given_name),
            "date_of_birth": self.date_of_birth is not None,
            "postcode_district": self.postcode_district is not None,
        }
        return [name for name, present in given.items() if present]

    def fingerprint_text(self) -> str:
        """A canonical form, stored only as a keyed hash: auditors can test a suspicion, not read names."""
        return "|".join(
            [
                fold(self.family_name),
                fold(self.given_name or ""),
                self.date_of_birth.isoformat() if self.date_of_birth else "",
                self.postcode_district or "",
            ]
        )


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: name, date of birth, gender and LA (not for a shielded child), and nothing else."""

    cp_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    la_code: str | None
    la_name: str | None = None  # from the LA directory, when it holds the code


def normalise_district(text: str | None) -> str | None:
    """Upper-case, spaces removed; None when blank."""
    if text is None:
        return None
    cleaned = "".join(text.split()).upper()
    return cleaned or None


def _given_keys(given: str | None) -> set[str]:
    if not given:
        return set()
    return {key for name in given_name_variants(given) if (key := phonetic(name))}


def _query_terms(criteria: SearchCriteria) -> dict[IndexKind, set[str]]:
    family_keys = family_name_keys(criteria.family_name)
    given_keys = _given_keys(criteria.given_name)
    terms: dict[IndexKind, set[str]] = {kind: set() for kind in IndexKind if kind.for_search}
    if criteria.date_of_birth is not None:
        for born in date_variants(criteria.date_of_birth):
            terms[IndexKind.FAMILY_DOB].update(family_dob_term(key, born) for key in family_keys)
            terms[IndexKind.GIVEN_DOB].update(given_dob_term(key, born) for key in given_keys)
    if criteria.postcode_district is not None:
        terms[IndexKind.FAMILY_GIVEN_DISTRICT].update(
            family_given_district_term(f, g, criteria.postcode_district)
            for f in family_keys
            for g in given_keys
        )
    return terms


def _name_score(wanted: str, name: str) -> float:
    a, b = fold(wanted), fold(name)
    if not a or not b:
        return 0.0
    similarity = JaroWinkler.similarity(a, b)
    if phonetic(a) == phonetic(b):
        similarity = max(similarity, 0.92)
    return similarity


def _family_score(wanted: str, name: PersonName) -> float:
    parts = [name.family, *name.family.replace("-", " ").split()]
    return max(_name_score(wanted, part) for part in parts)


def _given_score(wanted: str, name: PersonName) -> float:
    first = name.given.split(" ", 1)[0]
    variants = given_name_variants(wanted) or {fold(wanted)}
    return max(_name_score(variant, first) for variant in variants)


def score(record: ChildRecord, criteria: SearchCriteria) -> float:
    """Similarity in [0, 1] using only what the searcher may match on.

    A shielded child's address is hidden, so the district neither helps nor hurts its score
    (invariant 2: a hidden field must not find, or reveal, the child).
    """
    best_names = 0.0
    weight_names = 0.45 + (0.25 if criteria.given_name else 0.0)
    for name in names_search_may_match(record):
        total = 0.45 * _family_score(criteria.family_name, name)
        if criteria.given_name:
            total += 0.25 * _given_score(criteria.given_name, name)
        best_names = max(best_names, total)
    total, weight = best_names, weight_names
    if criteria.date_of_birth is not None:
        weight += 0.3
        if record.date_of_birth == criteria.date_of_birth:
            total += 0.3
        elif record.date_of_birth in date_variants(criteria.date_of_birth):
            total += 0.27
    if criteria.postcode_district is not None and record.status is not RecordStatus.SHIELDED:
        weight += 0.2
        postcode = record.whereabouts.postcode
        if postcode is not None and postcode.outward == criteria.postcode_district:
            total += 0.2
    return total / weight


def search_children(runtime: Runtime, principal: Principal, criteria: SearchCriteria) -> list[SearchHit]:
    """Up to ten best matches the user may see, audited before they are returned."""
    require(principal, Permission.SEARCH_CHILDREN)
    with runtime.unit_of_work() as uow:
        found: set[ContactPointId] = set()
        for kind, terms in _query_terms(criteria).items():
            if terms:
                found |= uow.children.candidates(kind, terms, for_search=True)
        scored: list[tuple[float, ChildRecord]] = []
        opened = uow.children.get_many(sorted(found, key=lambda i: i.value)[:MAX_CANDIDATES])
        for stored in opened.values():
            record = as_limited(stored.record)  # a shielded child is found and shown as when shielded
            if not search_may_return(principal, record.status, record.la_code):
                continue
            value = score(record, criteria)
            if value >= THRESHOLD:
                scored.append((value, record))
        scored.sort(key=lambda pair: (-pair[0], pair[1].cp_id.value))
        chosen = [record for _, record in scored[:MAX_RESULTS]]
        now = runtime.clock.now()
        log = audit_log(runtime, uow)
        seq = log.append(
            AuditEvent(
                AuditKind.SEARCH,
                principal.user_id,
                tuple(r.cp_id.value for r in chosen),
                {
                    "reason": criteria.reason.value,
                    "fields": criteria.fields(),
                    "criteria": runtime.audit_keys.subject("criteria|" + criteria.fingerprint_text()).hex(),
                    "candidates": len(found),
                },
                owners={r.cp_id.value: r.la_code for r in chosen},
            )
        )
        shielded = sum(1 for r in chosen if r.status is RecordStatus.SHIELDED)
        suspended = misuse.after_search(uow, log, principal, now, seq, shielded_hits=shielded)
        uow.commit()
        names = uow.authorities.names() if chosen else {}
    if suspended:
        raise AuthenticationFailed(misuse.SUSPENDED)
    hits = []
    for r in chosen:
        la = r.la_code if policy.shows_local_authority(principal, r.status, r.la_code) else None
        hits.append(
            SearchHit(
                r.cp_id.value,
                r.names.current.given,
                r.names.current.family,
                r.date_of_birth,
                r.gender,
                la,
                names.get(la) if la is not None else None,
            )
        )
    return hits
