"""Term-frequency tables built from the index: counted as linkage normalises names, sealed, used, rotated."""

from dataclasses import replace
from datetime import date

import pytest

from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.term_frequencies import build_term_frequencies
from contactpoint.app.operations.keys import retire_key, rotate_keys
from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import KeyringError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName
from contactpoint.domain.retention import archive
from contactpoint.domain.vocabulary import ArchiveReason, Gender, RecordStatus
from contactpoint.linkage.features import features
from contactpoint.linkage.scoring import ScoredPair
from tests.factories import ChildFactory

SHIPPED = "family_name: shipped, given_name: shipped, postcode: shipped"


def _register(
    runtime: Runtime, factory: ChildFactory, people: list[tuple[ChildNames, RecordStatus]]
) -> list[ChildRecord]:
    made: list[ChildRecord] = []

    def build(index: int, cp_id: ContactPointId) -> ChildRecord:
        names, status = people[index]
        record = replace(factory.child(cp_id), names=names)
        if status is RecordStatus.ARCHIVED:
            record = archive(record, ArchiveReason.TURNED_18, date(2026, 1, 1))
        elif status is not RecordStatus.ACTIVE:
            record = replace(record, status=status)
        made.append(record)
        return record

    register_children(runtime, range(len(people)), build)
    return made


def _small_index(runtime, factory) -> None:
    """21 names of 20 children, every status but the ordinary one among them."""

    def named(given: str, family: str, *former: PersonName) -> ChildNames:
        return ChildNames(PersonName(given, family), former)

    people = [(named("Amélie", "O'Brien"), RecordStatus.ACTIVE) for _ in range(4)]
    people += [(named("Amélie", "O'Brien"), s) for s in (RecordStatus.SHIELDED, RecordStatus.SEALED)]
    people += [(named("Amélie", "O'Brien"), RecordStatus.ARCHIVED)]
    people += [(named("Noah", "Stone"), RecordStatus.ACTIVE) for _ in range(3)]
    people += [(named("Noah", "Stone", PersonName("Noah", "Smith-Jones")), RecordStatus.ACTIVE)]
    people += [(named("Zed", "O'Brien"), RecordStatus.ACTIVE) for _ in range(4)]
    people += [(named("Mary Ann", "Stone"), RecordStatus.ACTIVE) for _ in range(5)]
    _register(runtime, factory, people)


# Counted by hand from _small_index: given names are the first given name, folded; former names
# count; ZED (4) and SMITHJONES (1) are seen fewer than 5 times and are left out.
EXPECTED = {
    "given_name": {"AMELIE": 7 / 21, "NOAH": 5 / 21, "MARY": 5 / 21},
    "family_name": {"OBRIEN": 11 / 21, "STONE": 9 / 21},
    "postcode": {},  # no postcode is shared by 5 children here
}


def test_the_built_tables_equal_hand_counted_frequencies_without_rare_values(runtime, factory):
    _small_index(runtime, factory)

    report, tables = build_term_frequencies(runtime, batch_size=3)

    assert tables == EXPECTED
    assert (report.records, report.names, report.entries, report.stored) == (
        20,
        21,
        {"given_name": 3, "family_name": 2, "postcode": 0},
        True,
    )
    with runtime.unit_of_work() as uow:
        stored = {t.column: t for t in uow.term_frequencies.all()}
    assert {column: dict(t.frequencies) for column, t in stored.items()} == EXPECTED
    assert {t.names_counted for t in stored.values()} == {21}
    assert {t.built_at for t in stored.values()} == {runtime.clock.now()}


def test_a_dry_run_counts_but_stores_nothing(runtime, factory):
    _small_index(runtime, factory)

    report, tables = build_term_frequencies(runtime, dry_run=True)

    assert tables == EXPECTED
    assert not report.stored
    with runtime.unit_of_work() as uow:
        assert uow.term_frequencies.all() == []
    assert build_linker(runtime).term_frequencies == SHIPPED


def test_an_empty_index_keeps_the_shipped_tables(runtime):
    report, _tables = build_term_frequencies(runtime)

    assert (report.names, report.stored) == (0, False)
    assert build_linker(runtime).term_frequencies == SHIPPED


def test_a_new_build_replaces_the_last(runtime, factory, clock):
    _small_index(runtime, factory)
    build_term_frequencies(runtime)
    _register(runtime, factory, [(ChildNames(PersonName("Noah", "Stone")), RecordStatus.ACTIVE)] * 5)

    _report, tables = build_term_frequencies(runtime)

    with runtime.unit_of_work() as uow:
        stored = {t.column: dict(t.frequencies) for t in uow.term_frequencies.all()}
    assert stored == tables
    assert stored["given_name"]["NOAH"] == 10 / 26


def _given_name_weight(pairs: list[ScoredPair], left: str) -> float:
    (pair,) = [p for p in pairs if p.left == left]
    return next(f.weight for f in pair.fields if f.field == "given_name")


def _exact_pairs(linker) -> tuple[float, float]:
    """Given-name weights of two exact matches: Oliver (common in the shipped table), Quillon (absent)."""

    def row(key: str, given: str, born: date) -> dict[str, object]:
        return features(
            f"{key}#0",
            PersonName(given, "Brown"),
            born=born,
            gender=Gender.MALE,
            whereabouts=None,
            identifiers=(),
        )

    index = [row("oliver", "Oliver", date(2015, 3, 4)), row("quillon", "Quillon", date(2016, 5, 6))]
    feed = [row("r1", "Oliver", date(2015, 3, 4)), row("r2", "Quillon", date(2016, 5, 6))]
    pairs = linker.scorer.between(index, feed, None)
    return _given_name_weight(pairs, "oliver"), _given_name_weight(pairs, "quillon")


def test_scoring_uses_the_index_tables_once_built(runtime, factory):
    """In this index Oliver is rare and Quillon common, the reverse of the shipped tables."""
    people = [(ChildNames(PersonName("Oliver", "Brown")), RecordStatus.ACTIVE)] * 5
    people += [(ChildNames(PersonName("Quillon", "Brown")), RecordStatus.ACTIVE)] * 60
    _register(runtime, factory, people)
    shipped_oliver, shipped_quillon = _exact_pairs(build_linker(runtime))

    build_term_frequencies(runtime)
    linker = build_linker(runtime)
    oliver, quillon = _exact_pairs(linker)

    assert linker.term_frequencies.startswith("family_name: index (built ")
    assert ", given_name: index (built " in linker.term_frequencies
    assert shipped_oliver < shipped_quillon
    assert oliver > quillon  # the rarer name in the index says more


def test_rotation_reseals_the_tables_and_the_old_key_can_then_be_retired(runtime, factory):
    _small_index(runtime, factory)
    build_term_frequencies(runtime)
    with runtime.unit_of_work() as uow:
        assert uow.key_usage(1) == {"records": 20, "term-frequency tables": 3}

    report = rotate_keys(runtime, batch_size=7)

    assert report.remaining == 0
    with runtime.unit_of_work() as uow:
        assert uow.key_usage(1) == {}
        assert uow.key_usage(2) == {"records": 20, "term-frequency tables": 3}
    retire_key(runtime, 1)
    with runtime.unit_of_work() as uow:
        assert {t.column: dict(t.frequencies) for t in uow.term_frequencies.all()} == EXPECTED
    assert "index (built" in build_linker(runtime).term_frequencies


def test_retiring_refuses_while_the_tables_are_sealed_under_the_version(runtime, factory):
    _small_index(runtime, factory)
    rotate_keys(runtime)  # now at version 2, nothing left under 1
    build_term_frequencies(runtime)  # sealed under 2
    runtime.key_store.save(runtime.keyring.rotated(runtime.clock.now()))  # a third version,
    runtime.use_keyring(runtime.key_store.load())  # as if rotation stopped before re-sealing

    with pytest.raises(KeyringError, match="3 term-frequency tables: finish `keys rotate` first"):
        retire_key(runtime, 2)
