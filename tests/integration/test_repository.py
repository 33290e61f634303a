"""The repository on real SQLite and PostgreSQL: what goes in comes out, and nothing else."""

from dataclasses import replace

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from contactpoint.app.children.records import read_child, register_children
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.operations.keys import rotate_keys
from contactpoint.bootstrap import build_runtime
from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import ConcurrentUpdate, IntegrityFailure, NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildNames, PersonName, SourceIdentifier
from contactpoint.domain.vocabulary import Gender, IdentifierScheme, RecordStatus
from contactpoint.linkage.blocking import blocking_terms, search_terms_for_names
from contactpoint.settings import Settings
from contactpoint.store.sealing import KIND_CODES


def _register(runtime, factory, n, **kwargs):
    made = []

    def build(_item, cp_id):
        made.append(factory.child(cp_id, **kwargs))
        return made[-1]

    register_children(runtime, range(n), build, batch_size=7)
    return made


def test_registered_children_read_back_exactly(runtime, factory):
    made = _register(runtime, factory, 20)
    for child in made:
        stored = read_child(runtime, child.cp_id)
        assert stored.record == child
        assert stored.version == 1


def test_reading_an_unknown_id_is_not_found(runtime):
    with pytest.raises(NotFound):
        read_child(runtime, ContactPointId.generate())


def test_issued_ids_are_unique_and_remembered(runtime):
    with runtime.unit_of_work() as uow:
        first = uow.children.reserve_ids(3_000)
        uow.commit()
    with runtime.unit_of_work() as uow:
        second = uow.children.reserve_ids(3_000)
        assert all(uow.children.is_issued(i) for i in first[:50])
        uow.commit()
    assert len({*first, *second}) == 6_000


def test_a_failed_batch_leaves_nothing_behind(runtime, factory):
    def build(item, cp_id):
        if item == 5:
            raise RuntimeError("source row could not be built")
        return factory.child(cp_id)

    with pytest.raises(RuntimeError):
        register_children(runtime, range(10), build, batch_size=10)
    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 0


def test_updates_bump_the_version_and_lose_no_concurrent_write(runtime, factory):
    child = _register(runtime, factory, 1)[0]
    renamed = replace(child, names=ChildNames(PersonName("Amelia", "Hartley-Brook")))
    with runtime.unit_of_work() as uow:
        assert uow.children.replace(renamed, expected_version=1) == 2
        uow.commit()
    with runtime.unit_of_work() as uow, pytest.raises(ConcurrentUpdate):
        uow.children.replace(child, expected_version=1)
    stored = read_child(runtime, child.cp_id)
    assert (stored.record, stored.version) == (renamed, 2)


def test_search_candidates_follow_the_names_and_date_of_birth(runtime, factory):
    made = _register(runtime, factory, 30)
    target = made[11]
    terms = search_terms_for_names([target.names.current], target.date_of_birth)[IndexKind.FAMILY_DOB]
    with runtime.unit_of_work() as uow:
        found = uow.children.candidates(IndexKind.FAMILY_DOB, terms, for_search=True)
    assert target.cp_id in found
    assert len(found) <= 2  # truncated HMACs may add a chance collision, never many


def test_re_indexing_after_a_rename_drops_the_old_name(runtime, factory):
    child = _register(runtime, factory, 1)[0]
    old_terms = search_terms_for_names([child.names.current], child.date_of_birth)[IndexKind.FAMILY_DOB]
    renamed = replace(child, names=ChildNames(PersonName("Amelia", "Zythberg")))
    with runtime.unit_of_work() as uow:
        uow.children.replace(renamed, expected_version=1)
        uow.commit()
    with runtime.unit_of_work() as uow:
        assert child.cp_id not in uow.children.candidates(IndexKind.FAMILY_DOB, old_terms, for_search=True)


def test_shielded_children_are_found_by_linkage_but_not_by_search_on_hidden_fields(runtime, factory):
    child = _register(runtime, factory, 1, status=RecordStatus.SHIELDED)[0]
    postcode = child.whereabouts.postcode
    assert postcode is not None
    term = f"{postcode.value.replace(' ', '')}|{child.date_of_birth.year}"
    with runtime.unit_of_work() as uow:
        assert child.cp_id in uow.children.candidates(IndexKind.POSTCODE_BIRTH_YEAR, [term], for_search=False)
        with pytest.raises(ValueError, match="not a search index"):
            uow.children.candidates(IndexKind.POSTCODE_BIRTH_YEAR, [term], for_search=True)
        searchable = uow.children._session.execute(  # asserting on the stored rows themselves
            text("select count(*) from blind_index where cp_id = :id and searchable and kind = 3"),
            {"id": child.cp_id.value},
        ).scalar_one()
    assert searchable == 0


def test_editing_status_in_the_database_is_detected(runtime, factory):
    child = _register(runtime, factory, 1, status=RecordStatus.SHIELDED)[0]
    with runtime.engine.begin() as connection:
        connection.execute(
            text("update children set status = 'active' where cp_id = :id"), {"id": child.cp_id.value}
        )
    with pytest.raises(IntegrityFailure):
        read_child(runtime, child.cp_id)


def test_swapping_payloads_between_rows_is_detected(runtime, factory):
    first, second = _register(runtime, factory, 2)
    with runtime.engine.begin() as connection:
        payload = connection.execute(
            text("select payload from children where cp_id = :id"), {"id": second.cp_id.value}
        ).scalar_one()
        connection.execute(
            text("update children set payload = :p where cp_id = :id"),
            {"p": payload, "id": first.cp_id.value},
        )
    with pytest.raises(IntegrityFailure):
        read_child(runtime, first.cp_id)


def test_counts_by_la_and_status_read_no_payload(runtime, factory):
    _register(runtime, factory, 5, la_code="330")
    _register(runtime, factory, 2, la_code="330", status=RecordStatus.SHIELDED)
    with runtime.unit_of_work() as uow:
        counts = {(c.la_code, c.status): c.count for c in uow.children.counts_by_la_and_status()}
    assert counts == {("330", RecordStatus.ACTIVE): 5, ("330", RecordStatus.SHIELDED): 2}


def test_a_keyring_from_the_environment_needs_no_key_file(tmp_path, database_url, clock, factory):

    keyring = Keyring.create(clock.now())
    settings = Settings(
        home=tmp_path / "store", database_url=database_url, keyring=SecretStr(keyring.to_json())
    )
    report = initialise_store(settings, clock)
    assert report.key_file is None
    assert not (tmp_path / "store" / "keyring.json").exists()
    runtime = build_runtime(settings, clock=clock)
    try:
        child = _register(runtime, factory, 1)[0]
        assert read_child(runtime, child.cp_id).record == child
    finally:
        runtime.close()


def _index_of(runtime, cp_id: ContactPointId) -> set[tuple[int, int, bool]]:
    with runtime.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kind, value, searchable FROM blind_index WHERE cp_id = :id"), {"id": cp_id.value}
        )
        return {(kind, value, bool(searchable)) for kind, value, searchable in rows}


def _expected_index(runtime, record) -> set[tuple[int, int, bool]]:
    entries: dict[tuple[int, int], bool] = {}
    for term in blocking_terms(record):
        key = (KIND_CODES[term.kind], runtime.indexer.value(term.kind, term.term))
        entries[key] = entries.get(key, False) or term.searchable
    return {(kind, value, searchable) for (kind, value), searchable in entries.items()}


def _rewrite_in_bulk(runtime, changed):
    with runtime.unit_of_work() as uow:
        stored = uow.children.get_many([record.cp_id for record in changed])
        uow.children.replace_many([(stored[record.cp_id], record) for record in changed])
        uow.commit()


def test_a_batch_rewrite_leaves_each_record_exactly_its_own_index_entries(runtime, factory):
    renamed, shielded, moved, untouched = _register(runtime, factory, 4)
    changed = [
        replace(renamed, names=ChildNames(PersonName("Amelia", "Zythberg"), (renamed.names.current,))),
        replace(shielded, status=RecordStatus.SHIELDED),  # same terms, no longer searchable
        replace(moved, whereabouts=factory.child().whereabouts, gender=factory.child().gender),
    ]

    _rewrite_in_bulk(runtime, changed)

    for record in changed:
        assert _index_of(runtime, record.cp_id) == _expected_index(runtime, record)
    assert _index_of(runtime, untouched.cp_id) == _expected_index(runtime, untouched)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(renamed.cp_id).record == changed[0]
        assert uow.children.get(renamed.cp_id).version == 2


def test_a_batch_rewrite_mid_rotation_rewrites_every_entry_under_the_new_key(runtime, factory):
    child = _register(runtime, factory, 1)[0]
    under_old_key = _index_of(runtime, child.cp_id)
    rotate_keys(runtime, max_batches=0)  # a new key version; no record resealed yet
    changed = replace(child, names=ChildNames(child.names.current, (PersonName("Amelia", "Zythberg"),)))

    _rewrite_in_bulk(runtime, [changed])

    assert _index_of(runtime, child.cp_id) == _expected_index(runtime, changed)
    assert not _index_of(runtime, child.cp_id) & under_old_key


def test_a_batch_rewrite_refuses_the_whole_batch_when_one_record_changed_since_it_was_read(runtime, factory):
    first, second, third = _register(runtime, factory, 3)
    with runtime.unit_of_work() as uow:
        read = uow.children.get_many([first.cp_id, second.cp_id, third.cp_id])
    renamed = replace(second, names=ChildNames(PersonName("Amelia", "Zythberg")))
    with runtime.unit_of_work() as uow:
        uow.children.replace(renamed, expected_version=1)
        uow.commit()
    moved = [
        replace(child, gender=next(g for g in Gender if g is not child.gender))
        for child in (first, second, third)
    ]

    with runtime.unit_of_work() as uow, pytest.raises(ConcurrentUpdate):
        uow.children.replace_many([(read[child.cp_id], child) for child in moved])

    for child, expected in ((first, first), (second, renamed), (third, third)):
        stored = read_child(runtime, child.cp_id)
        assert (stored.record, stored.version) == (expected, 2 if child is second else 1)
        assert _index_of(runtime, child.cp_id) == _expected_index(runtime, expected)


def test_a_batch_rewrite_that_changes_no_term_leaves_the_index_as_it_was(runtime, factory):
    child, other = _register(runtime, factory, 2)
    before = _index_of(runtime, child.cp_id)
    regendered = replace(child, gender=next(g for g in Gender if g is not child.gender))
    claim = SourceIdentifier(IdentifierScheme.CHILD_BENEFIT_REFERENCE, "CHB00000001A")
    with_identifier = replace(other, identifiers=(*other.identifiers, claim))

    _rewrite_in_bulk(runtime, [regendered, with_identifier])

    assert _index_of(runtime, child.cp_id) == before == _expected_index(runtime, regendered)
    assert _index_of(runtime, other.cp_id) == _expected_index(runtime, with_identifier)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).version == 2
