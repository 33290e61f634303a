"""What every source has in common: identifiers, coverage, timeliness and errors, and the rows it sends.

A source sees a child through *units*: a registration (NHS, child benefit) or an involvement (a school
place, a social care episode). A unit produces a row in the full extract (generation 0) if open then,
a "new" row when it starts, an "amend" row when the source learns of a change, and an "end" row when
it ends. The source learns of each change after its own lag, so rows sent in between carry the old
address or surname; those rows are labelled stale in the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from random import Random

from contactpoint.domain.vocabulary import ServiceType
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.dates import DateStyle
from contactpoint.synth.errors_model import ErrorKind, ErrorRates, Reported, apply_errors
from contactpoint.synth.malformed import RowShape
from contactpoint.synth.model import Change, Identity, InvolvementTruth, SynthChild
from contactpoint.synth.weighted import WeightedTable


class RowChange(StrEnum):
    """What a row tells the index."""

    EXTRACT = "extract"  # part of the full extract (generation 0)
    NEW = "new"
    AMEND = "amend"
    END = "end"


class IdentityLabel(StrEnum):
    """Which identity of an adopted child a row carries (empty for children never adopted)."""

    NONE = ""
    BIRTH = "birth"
    ADOPTIVE = "adoptive"


def lags(*pairs: tuple[int, float]) -> WeightedTable[int]:
    """A distribution of reporting delays, in generations (months)."""
    return WeightedTable(pairs)


IMMEDIATE = lags((0, 1.0))


@dataclass(frozen=True, slots=True)
class Timeliness:
    """How many generations a source takes to report each kind of change."""

    new: WeightedTable[int]
    change: WeightedTable[int]
    end: WeightedTable[int]
    adoption_new: WeightedTable[int]
    adoption_end: WeightedTable[int]
    stale_at_extract: float  # chance that the extract still has the address before a recent move
    census_only: bool = False  # reports only in school census months


@dataclass(frozen=True, slots=True)
class Unit:
    """A registration or involvement through which a source knows a child."""

    start: int  # the generation in which it begins (0 if open at the extract)
    end: int | None  # the generation in which it ends, if within the generations
    adoptive: bool
    involvement: InvolvementTruth | None = None


@dataclass(frozen=True, slots=True)
class RowContext:
    """Everything a source's row builder needs to write one row."""

    child: SynthChild
    unit: Unit
    identity: Identity
    reported: Reported
    change: RowChange
    generation: int
    calendar: FeedCalendar


CHANGE_LETTERS = {RowChange.EXTRACT: "E", RowChange.NEW: "N", RowChange.AMEND: "A", RowChange.END: "X"}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row as the source sends it (without its row key), and what the truth says about it."""

    generation: int
    change: RowChange
    values: tuple[str | None, ...]
    kinds: tuple[str, ...]
    identity: IdentityLabel
    unit: int  # the unit's position among the child's units for this source: with the change, keys the row


RowBuilder = Callable[[RowContext], tuple[str | None, ...]]
UnitFinder = Callable[[SynthChild, FeedCalendar], list[Unit]]


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A data source: its feed's columns and formats, coverage, timeliness and error model."""

    name: str
    description: str
    key_column: str
    key_prefix: str
    columns: tuple[str, ...]  # after the key column
    date_style: DateStyle
    change_codes: dict[RowChange, str]
    rates: ErrorRates
    optional: tuple[str, ...]  # fields the missing-field error may blank
    timeliness: Timeliness
    shape: RowShape
    units: UnitFinder
    build: RowBuilder

    @property
    def header(self) -> tuple[str, ...]:
        """Every column, the row key first."""
        return (self.key_column, *self.columns)

    def report_generation(self, generation: int, calendar: FeedCalendar) -> int:
        """The first generation in which the source can report something that happened by `generation`."""
        if not self.timeliness.census_only:
            return generation
        while not calendar.is_census(generation):
            generation += 1
        return generation


def involvement_units(
    child: SynthChild, calendar: FeedCalendar, services: frozenset[ServiceType]
) -> list[Unit]:
    """Units for a child's involvements with the given services."""
    reference = calendar.reference
    units = []
    for involvement in child.involvements:
        if involvement.service not in services:
            continue
        start = 0 if involvement.start <= reference else calendar.generation_of(involvement.start)
        if involvement.end is not None and involvement.end <= reference:
            continue
        end = calendar.generation_of(involvement.end) if involvement.end is not None else None
        if start > calendar.generations:
            continue
        units.append(Unit(start, end, involvement.adoptive, involvement))
    return units


def registration_units(child: SynthChild, *, ends_at_18: bool) -> list[Unit]:
    """Units for a registration that lasts for each identity of the child (NHS, child benefit)."""
    labels = child.labels
    birth_end = labels.adopted_generation or labels.left_england_generation
    if ends_at_18 and labels.turns_18_generation is not None:
        birth_end = min(birth_end or labels.turns_18_generation, labels.turns_18_generation)
    units = [Unit(child.born_generation, birth_end, adoptive=False)]
    if labels.adopted_generation is not None:
        units.append(
            Unit(labels.adopted_generation, labels.turns_18_generation if ends_at_18 else None, adoptive=True)
        )
    return units


@dataclass(frozen=True, slots=True)
class _UnitPlan:
    """When a source reports a unit: its start, its end, and when it learns of each identity version."""

    unit: Unit
    position: int
    started: int
    ended: int | None
    known: tuple[tuple[int, Identity], ...]  # (generation learnt, version), in order
    versions: tuple[Identity, ...]  # the true versions of the unit's identity

    def known_at(self, generation: int) -> Identity:
        """The version the source believes at `generation`."""
        if len(self.known) == 1:
            return self.known[0][1]
        believed = self.known[0][1]
        for learnt, version in self.known:
            if learnt > generation:
                break
            believed = version
        return believed

    def true_at(self, generation: int) -> Identity:
        """The version that is true at `generation`."""
        if len(self.versions) == 1:
            return self.versions[0]
        true = self.versions[0]
        for version in self.versions:
            if version.since > generation:
                break
            true = version
        return true


class _Emitter:
    """Builds one child's rows for one source."""

    __slots__ = ("_calendar", "_child", "_rng", "_spec", "rows")

    def __init__(self, spec: SourceSpec, child: SynthChild, calendar: FeedCalendar, rng: Random) -> None:
        self._spec = spec
        self._child = child
        self._calendar = calendar
        self._rng = rng
        self.rows: list[SourceRow] = []

    def unit_rows(self, unit: Unit, position: int) -> None:
        """Every row the source sends about one unit."""
        plan = self._plan(unit, position)
        if plan is None:
            return
        for generation, change, version in self._schedule(plan):
            self._emit(plan, generation, change, version)

    def _plan(self, unit: Unit, position: int) -> _UnitPlan | None:
        spec, calendar, rng = self._spec, self._calendar, self._rng
        timeliness = spec.timeliness
        versions = tuple(v for v in self._child.identities if v.adoptive == unit.adoptive)
        if not versions:
            return None
        adopted = self._child.labels.adopted_generation
        started = 0
        if unit.start:
            lag = (timeliness.adoption_new if unit.adoptive else timeliness.new).pick(rng)
            started = spec.report_generation(unit.start + lag, calendar)
        if started > calendar.generations:
            return None
        ended: int | None = None
        if unit.end is not None:
            after_adoption = adopted is not None and not unit.adoptive and unit.end >= adopted
            table = timeliness.adoption_end if after_adoption else timeliness.end
            ended = max(started, spec.report_generation(unit.end + table.pick(rng), calendar))
        known = [(started, versions[0])]
        for version in versions[1:]:
            if version.since <= unit.start:
                known = [(started, version)]
            elif version.cause is not Change.LEFT_ENGLAND:
                learnt = spec.report_generation(version.since + timeliness.change.pick(rng), calendar)
                known.append((max(known[-1][0], learnt), version))
        return _UnitPlan(unit, position, started, ended, tuple(known), versions)

    def _schedule(self, plan: _UnitPlan) -> Iterator[tuple[int, RowChange, Identity | None]]:
        """(generation, change, version to report or None for the one then believed), in order."""
        last = self._calendar.generations
        started, ended, known = plan.started, plan.ended, plan.known
        yield started, RowChange.EXTRACT if started == 0 else RowChange.NEW, None
        for index, (learnt, version) in enumerate(known[1:], start=1):
            superseded = index + 1 < len(known) and known[index + 1][0] == learnt  # one amend per generation
            if started < learnt <= last and (ended is None or learnt < ended) and not superseded:
                yield learnt, RowChange.AMEND, version
        adopted = self._child.labels.adopted_generation
        if adopted is not None and not plan.unit.adoptive and ended is not None and ended > adopted:
            # A slow source keeps sending the birth identity for a while after the adoption.
            echo = self._spec.report_generation(adopted, self._calendar)
            if started < echo < ended and echo <= last and all(echo != learnt for learnt, _ in known):
                yield echo, RowChange.AMEND, None
        if ended is not None and ended <= last:
            yield ended, RowChange.END, None

    def _emit(self, plan: _UnitPlan, generation: int, change: RowChange, version: Identity | None) -> None:
        child = self._child
        believed = version or plan.known_at(generation)
        truth = plan.true_at(generation)
        address = believed.address
        kinds: list[str] = []
        if (
            generation == 0
            and child.previous_address is not None
            and address is not None
            and self._rng.random() < self._spec.timeliness.stale_at_extract
        ):
            address = child.previous_address
            kinds.append(ErrorKind.STALE_ADDRESS)
        elif truth.address is not None and address is not None and address != truth.address:
            kinds.append(ErrorKind.STALE_ADDRESS)
        if believed.name.family != truth.name.family:
            kinds.append(ErrorKind.STALE_SURNAME)
        adopted = child.labels.adopted_generation
        label = IdentityLabel.NONE
        if adopted is not None:
            label = IdentityLabel.ADOPTIVE if plan.unit.adoptive else IdentityLabel.BIRTH
            if not plan.unit.adoptive and generation >= adopted:
                kinds.append(ErrorKind.ADOPTION_BIRTH_IDENTITY)
        first, _, middle = believed.name.given.partition(" ")
        reported = Reported(
            given=first,
            middle=middle,
            family=believed.name.family,
            born=child.date_of_birth,
            gender=child.gender,
        )
        if address is not None:
            reported.lines, reported.town, reported.postcode = address.lines, address.town, address.postcode
        reported.kinds = kinds
        apply_errors(reported, self._spec.rates, self._spec.optional, self._rng)
        context = RowContext(child, plan.unit, believed, reported, change, generation, self._calendar)
        self.rows.append(
            SourceRow(generation, change, self._spec.build(context), tuple(kinds), label, plan.position)
        )


def source_rows(
    spec: SourceSpec, child: SynthChild, calendar: FeedCalendar, rng: Random
) -> Iterator[SourceRow]:
    """Every row `spec` sends about `child` over the generations, in generation order per unit."""
    emitter = _Emitter(spec, child, calendar, rng)
    for position, unit in enumerate(spec.units(child, calendar)):
        emitter.unit_rows(unit, position)
    return iter(emitter.rows)
