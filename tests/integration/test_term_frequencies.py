"""Term-frequency tables built from the index: counted as linkage normalises names, sealed, used, rotated."""

from dataclasses import replace
from datetime import date

import pytest

from contactpoint.app.children import register_children
from contactpoint.app.keys import retire_key, rotate_keys
from contactpoint.app.linker import build_linker
from contactpoint.app.services import Services
from contactpoint.app.term_frequencies import build_term_frequencies
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
    services: Services, factory: ChildFactory, people: list[tuple[ChildNames, RecordStatus]]
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

    register_children(services, range(len(people)), build)
    return made


def _small_index(services, factory) -> None:
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
    _register(services, factory, people)


# Counted by hand from _small_index: given names are the first given name, folded; former names
# count; ZED (4) and SMITHJONES (1) are seen fewer than 5 times and are left out.
EXPECTED = {
    "given_name": {"AMELIE": 7 / 21, "NOAH": 5 / 21, "MARY": 5 / 21},
    "family_name": {"OBRIEN": 11 / 21, "STONE": 9 / 21},
    "postcode": {},  # no postcode is shared by 5 children here
}


def test_the_built_tables_equal_hand_counted_frequencies_without_rare_values(services, factory):
    _small_index(services, factory)

    report, tables = build_term_frequencies(services, batch_size=3)

    assert tables == EXPECTED
    assert (report.records, report.names, report.entries, report.stored) == (
        20,
        21,
        {"given_name": 3, "family_name": 2, "postcode": 0},
        True,
    )
    with services.unit_of_work() as uow:
        stored = {t.column: t for t in uow.term_frequencies.all()}
    assert {column: dict(t.frequencies) for column, t in stored.items()} == EXPECTED
    assert {t.names_counted for t in stored.values()} == {21}
    assert {t.built_at for t in stored.values()} == {services.clock.now()}


def test_a_dry_run_counts_but_stores_nothing(services, factory):
    _small_index(services, factory)

    report, tables = build_term_frequencies(services, dry_run=True)

    assert tables == EXPECTED
    assert not report.stored
    with services.unit_of_work() as uow:
        assert uow.term_frequencies.all() == []
    assert build_linker(services).term_frequencies == SHIPPED


def test_an_empty_index_keeps_the_shipped_tables(services):
    report, _tables = build_term_frequencies(services)

    assert (report.names, report.stored) == (0, False)
    assert build_linker(services).term_frequencies == SHIPPED


def test_a_new_build_replaces_the_last(services, factory, clock):
    _small_index(services, factory)
    build_term_frequencies(services)
    _register(services, factory, [(ChildNames(PersonName("Noah", "Stone")), RecordStatus.ACTIVE)] * 5)

    _report, tables = build_term_frequencies(services)

    with services.unit_of_work() as uow:
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


def test_scoring_uses_the_index_tables_once_built(services, factory):
    """In this index Oliver is rare and Quillon common, the reverse of the shipped tables."""
    people = [(ChildNames(PersonName("Oliver", "Brown")), RecordStatus.ACTIVE)] * 5
    people += [(ChildNames(PersonName("Quillon", "Brown")), RecordStatus.ACTIVE)] * 60
    _register(services, factory, people)
    shipped_oliver, shipped_quillon = _exact_pairs(build_linker(services))

    build_term_frequencies(services)
    linker = build_linker(services)
    oliver, quillon = _exact_pairs(linker)

    assert linker.term_frequencies.startswith("family_name: index (built ")
    assert ", given_name: index (built " in linker.term_frequencies
    assert shipped_oliver < shipped_quillon
    assert oliver > quillon  # the rarer name in the index says more


def test_rotation_reseals_the_tables_and_the_old_key_can_then_be_retired(services, factory):
    _small_index(services, factory)
    build_term_frequencies(services)
    with services.unit_of_work() as uow:
        assert uow.key_usage(1) == {"records": 20, "term-frequency tables": 3}

    report = rotate_keys(services, batch_size=7)

    assert report.remaining == 0
    with services.unit_of_work() as uow:
        assert uow.key_usage(1) == {}
        assert uow.key_usage(2) == {"records": 20, "term-frequency tables": 3}
    retire_key(services, 1)
    with services.unit_of_work() as uow:
        assert {t.column: dict(t.frequencies) for t in uow.term_frequencies.all()} == EXPECTED
    assert "index (built" in build_linker(services).term_frequencies


def test_retiring_refuses_while_the_tables_are_sealed_under_the_version(services, factory):
    _small_index(services, factory)
    rotate_keys(services)  # now at version 2, nothing left under 1
    build_term_frequencies(services)  # sealed under 2
    services.key_store.save(services.keyring.rotated(services.clock.now()))  # a third version,
    services.use_keyring(services.key_store.load())  # as if rotation stopped before re-sealing

    with pytest.raises(KeyringError, match="3 term-frequency tables: finish `keys rotate` first"):
        retire_key(services, 2)
