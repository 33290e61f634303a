"""Synthetic feeds replayed over time, and the safeguard counts taken from the ground truth.

Feeds are taken in generation by generation (the extract, then monthly deltas), in `FEED_ORDER`.
Between generations this module stands in for the LAs' decisions as they would take them in time:
an adoption is recorded before the generation whose feeds first carry the adoptive identity, and a
shielded child's records are shielded once the feeds have made the LA aware of them (a record a
feed creates later for the same identity is a breach, not something the stand-in tidies away).

The counts (invariants 2 to 4): visible records, that is records a search may find by any field
(`domain.visibility`: not shielded, sealed or archived), holding rows of a shielded child; visible
records holding birth-identity rows of an adopted child; records holding rows of both identities
of one child. Each should be zero.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contactpoint.access.passwords import generate_password
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import principal_of, provision_account
from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH, ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.adoption import AdoptiveIdentity, decide_adoption, request_adoption
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.visibility import search_may_match
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.evaluation.demo_data import FEED_ORDER, feed_links, shield_records
from contactpoint.synth.population import Population
from contactpoint.synth.records import to_child_record
from contactpoint.synth.truth import Truth

BIRTH = "birth"
ADOPTIVE = "adoptive"
FeedDone = Callable[[str, int, RunReport, float], None]


def adoptive_identities(truth: Truth) -> dict[str, AdoptiveIdentity]:
    """Each adopted child's new identity (names, address, LA, carers) from the population's truth.

    `people.csv` holds only the adoptive postcode, so the population is generated again (it is
    deterministic in its size, seed and generations) to take the whole adoptive identity.
    """
    manifest = truth.manifest
    wanted = {p.person_id: p.adopted_generation for p in truth.adopted()}
    found: dict[str, AdoptiveIdentity] = {}
    if not wanted:
        return found
    population = Population(manifest["children"], manifest["seed"], manifest["generations"])
    for family in population.families():
        for child in family.children:
            generation = wanted.get(child.person_id)
            if generation is None:
                continue
            record = to_child_record(child, ContactPointId.generate(), generation=generation)
            found[child.person_id] = AdoptiveIdentity(
                record.names, record.whereabouts, record.la_code, record.carers
            )
    return found


def _la_team(runtime: Runtime, la_code: str) -> tuple[Principal, Principal]:
    """Two data administrators of the LA (made once per replay store): one records, one approves."""
    team = []
    with runtime.unit_of_work() as uow:
        for seat in ("records", "approves"):
            username = f"replay-{la_code.lower()}-{seat}"  # usernames are lower case; ONS codes are not
            user = uow.users.by_username(username)
            if user is None:
                user_id = provision_account(
                    runtime,
                    uow,
                    username=username,
                    role=Role.LA_DATA_ADMIN,
                    la_code=la_code,
                    password=generate_password(),
                    enrolled=True,
                )
                user = uow.users.get(user_id)
            team.append(principal_of(user))
        uow.commit()
    return team[0], team[1]


def record_adoption_as_the_la_would(
    runtime: Runtime, birth_id: ContactPointId, identity: AdoptiveIdentity, *, shielded: bool
) -> ContactPointId:
    """The LA team records the adoption through its four-eyes workflow; a shielded child's new
    identity is shielded at once. The one place the replay calls the adoption use cases."""
    with runtime.unit_of_work() as uow:
        la_code = uow.children.get(birth_id).record.la_code
    first, second = _la_team(runtime, la_code)
    request_id = request_adoption(runtime, first, birth_id, identity)
    new_id = decide_adoption(runtime, second, request_id, approve=True)
    assert new_id is not None  # noqa: S101  # an approval always issues one
    if shielded:
        shield_records(runtime, {new_id.value})
    return new_id


@dataclass
class Replay:
    """The LAs' stand-in decisions so far and what the feeds did."""

    truth: Truth
    identities: dict[str, AdoptiveIdentity]
    known_shielded: set[tuple[str, str]] = field(default_factory=set)  # (person, identity) the LA knows
    shielded_records: set[str] = field(default_factory=set)
    adoptions: dict[str, tuple[str, str]] = field(default_factory=dict)  # person: (birth, new) IDs
    adoptions_missed: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    generations: int = 0

    def shield_newly_known(self, runtime: Runtime) -> set[str]:
        """Shield the records of shielded children's identities the feeds brought in this generation."""
        shielded_people = {p.person_id for p in self.truth.shielded()}
        targets: set[str] = set()
        newly: set[tuple[str, str]] = set()
        for (_source, key), cp_id in feed_links(runtime).items():
            row = self.truth.row(key)
            identity = (row.person_id, row.identity or BIRTH)
            if row.person_id in shielded_people and identity not in self.known_shielded:
                newly.add(identity)
                targets.add(cp_id)
        self.known_shielded |= newly
        done = shield_records(runtime, targets)
        self.shielded_records |= done
        return done

    def adopt_due(self, runtime: Runtime, generation: int) -> int:
        """Record the adoptions the truth dates to `generation`, on the record most of the birth rows hold."""
        due = [p for p in self.truth.adopted() if p.adopted_generation == generation]
        if not due:
            return 0
        rows_on: dict[str, Counter[str]] = defaultdict(Counter)
        for (_source, key), cp_id in feed_links(runtime).items():
            row = self.truth.row(key)
            if row.identity in ("", BIRTH):
                rows_on[row.person_id][cp_id] += 1
        recorded = 0
        for person in due:
            held = rows_on.get(person.person_id)
            if not held:
                self.adoptions_missed["no birth record"] += 1
                continue
            birth_id = held.most_common(1)[0][0]
            try:
                new_id = record_adoption_as_the_la_would(
                    runtime,
                    ContactPointId(birth_id),
                    self.identities[person.person_id],
                    shielded=person.shielded,
                )
            except ValidationError as refused:
                self.adoptions_missed[f"refused: {refused.field}"] += 1
                continue
            self.adoptions[person.person_id] = (birth_id, new_id.value)
            if person.shielded:
                self.known_shielded.add((person.person_id, ADOPTIVE))
                self.shielded_records.add(new_id.value)
            recorded += 1
        return recorded

    def ingest_generation(
        self,
        runtime: Runtime,
        linker: Linker,
        generation: int,
        *,
        batch_size: int = DEFAULT_BATCH,
        on_feed: FeedDone | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Every source's file of one generation, in `FEED_ORDER`."""
        for source in FEED_ORDER:
            path = self.truth.feed_path(source, generation, "csv")
            if not path.is_file():
                continue
            began = time.perf_counter()
            report = ingest_feed(runtime, path, source, linker, batch_size=batch_size, on_batch=on_batch)
            self.totals.update(report.outcomes)
            self.totals["read"] += report.read
            self.totals["rejected"] += report.rejected
            self.totals["private"] += report.private_holds
            self.reasons.update(report.reasons)
            if on_feed is not None:
                on_feed(source, generation, report, time.perf_counter() - began)
        self.generations = generation


def replay_feeds(
    runtime: Runtime,
    linker: Linker,
    truth: Truth,
    generations: int,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_feed: FeedDone | None = None,
    on_batch: Callable[[int], None] | None = None,
    on_generation: Callable[[int, Replay], None] | None = None,
) -> Replay:
    """Generations 0..`generations` in order: adoptions due, then the feeds, then shielding."""
    replay = Replay(truth, adoptive_identities(truth))
    for generation in range(generations + 1):
        replay.adopt_due(runtime, generation)
        replay.ingest_generation(
            runtime, linker, generation, batch_size=batch_size, on_feed=on_feed, on_batch=on_batch
        )
        replay.shield_newly_known(runtime)
        if on_generation is not None:
            on_generation(generation, replay)
    return replay


@dataclass(frozen=True, slots=True)
class SafeguardCounts:
    """What the replay ended with; the first three must be zero."""

    visible_shielded: int  # visible records holding rows of a shielded child
    visible_sealed: int  # visible records holding birth-identity rows of an adopted child
    identity_links: int  # records holding rows of both the birth and the adoptive identity of a child
    visible_sealed_after: int  # of visible_sealed, records holding birth rows sent after the adoption
    records: Counter[str]  # records by status
    shielded_duplicates: int  # records beyond one per shielded child's identity, whatever their status
    birth_rows_after_adoption: int
    birth_rows_absorbed: int  # of those, linked to a sealed record
    birth_rows_held_private: int  # of those, held in an LA's private review queue
    birth_rows_held_ordinary: int  # of those, held in an ordinary review queue
    birth_rows_unlinked: int  # of those, neither linked nor held (rejected as malformed)
    shielded_rows_held_private: int
    shielded_rows_held_ordinary: int
    # shielded children with no record yet, every row of theirs in the LA's private queue (a
    # sibling's shielded record was found beside them: the LA team decides)
    shielded_children_only_held_private: int
    ordinary_items_on_protected: int  # open ordinary-queue items whose candidate is now shielded or sealed
    adoptions_recorded: int
    adoptions_missed: Counter[str]

    @property
    def breaches(self) -> int:
        """The three counts that must be zero, added up."""
        return self.visible_shielded + self.visible_sealed + self.identity_links


def count_safeguards(runtime: Runtime, replay: Replay) -> SafeguardCounts:
    """The counts, from the ledger (`feed_links`), the records' statuses, the review queue and the truth."""
    truth = replay.truth
    links = feed_links(runtime)
    with runtime.unit_of_work() as uow:
        items = uow.reviews.all_open()
        wanted = set(links.values()) | {i.candidate_cp_id for i in items if i.candidate_cp_id}
        statuses = {
            cp_id.value: stored.record.status
            for cp_id, stored in uow.children.get_many(ContactPointId(c) for c in wanted).items()
        }
        counts_by_status: Counter[str] = Counter()
        for entry in uow.children.counts_by_la_and_status():
            counts_by_status[entry.status.value] += entry.count
    held = {(item.source, item.row_key): item.private for item in items}
    protected = (RecordStatus.SHIELDED, RecordStatus.SEALED)
    stale = sum(
        1
        for item in items
        if not item.private and item.candidate_cp_id and statuses.get(item.candidate_cp_id) in protected
    )
    shielded_people = {p.person_id for p in truth.shielded()}
    adopted_at = {
        p.person_id: p.adopted_generation
        for p in truth.adopted()
        if p.adopted_generation is not None and p.adopted_generation <= replay.generations
    }

    def visible(cp_id: str) -> bool:
        return search_may_match(statuses[cp_id], uses_hidden_fields=True)

    shielded_on: set[str] = set()
    sealed_on: set[str] = set()
    sealed_after_on: set[str] = set()
    identities_on: dict[tuple[str, str], set[str]] = defaultdict(set)
    records_of_shielded: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (_source, key), cp_id in links.items():
        row = truth.row(key)
        identity = row.identity or BIRTH
        identities_on[(cp_id, row.person_id)].add(identity)
        if row.person_id in shielded_people:
            records_of_shielded[(row.person_id, identity)].add(cp_id)
            if visible(cp_id):
                shielded_on.add(cp_id)
        adopted = adopted_at.get(row.person_id)
        if adopted is not None and identity == BIRTH and visible(cp_id):
            sealed_on.add(cp_id)
            if row.generation >= adopted:
                sealed_after_on.add(cp_id)
    links_found = {cp_id for (cp_id, _p), kinds in identities_on.items() if {BIRTH, ADOPTIVE} <= kinds}

    after: Counter[str] = Counter()
    shielded_held: Counter[str] = Counter()
    for row in truth.rows():
        place = (row.source, row.row_key)
        adopted = adopted_at.get(row.person_id)
        if adopted is not None and (row.identity or BIRTH) == BIRTH and row.generation >= adopted:
            after["rows"] += 1
            if place in links and statuses[links[place]] is RecordStatus.SEALED:
                after["absorbed"] += 1
            if place in held:
                after["private" if held[place] else "ordinary"] += 1
            elif place not in links:
                after["unlinked"] += 1
        if row.person_id in shielded_people and place in held:
            shielded_held["private" if held[place] else "ordinary"] += 1
    return SafeguardCounts(
        visible_shielded=len(shielded_on),
        visible_sealed=len(sealed_on),
        identity_links=len(links_found),
        visible_sealed_after=len(sealed_after_on),
        records=counts_by_status,
        shielded_duplicates=sum(len(ids) - 1 for ids in records_of_shielded.values()),
        birth_rows_after_adoption=after["rows"],
        birth_rows_absorbed=after["absorbed"],
        birth_rows_held_private=after["private"],
        birth_rows_held_ordinary=after["ordinary"],
        birth_rows_unlinked=after["unlinked"],
        shielded_rows_held_private=shielded_held["private"],
        shielded_rows_held_ordinary=shielded_held["ordinary"],
        shielded_children_only_held_private=_only_held_private(truth, shielded_people, links, held),
        ordinary_items_on_protected=stale,
        adoptions_recorded=len(replay.adoptions),
        adoptions_missed=replay.adoptions_missed,
    )


def _only_held_private(
    truth: Truth, people: set[str], links: dict[tuple[str, str], str], held: dict[tuple[str, str], bool]
) -> int:
    """Of these children, how many have no row linked and some row in a private queue."""
    recorded = {r.person_id for r in truth.rows() if r.person_id in people and (r.source, r.row_key) in links}
    waiting = {
        r.person_id for r in truth.rows() if r.person_id in people and held.get((r.source, r.row_key), False)
    }
    return len(waiting - recorded)


def feed_files(truth: Truth, generations: int) -> list[Path]:
    """The CSV feed files a replay of `generations` takes in, in order (for progress totals)."""
    return [
        path
        for generation in range(generations + 1)
        for source in FEED_ORDER
        if (path := truth.feed_path(source, generation, "csv")).is_file()
    ]
