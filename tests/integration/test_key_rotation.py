"""Rotation re-encrypts everything in resumable batches; a retired key is gone for good."""

from dataclasses import replace

import pytest

from contactpoint.access.roles import Role
from contactpoint.app.children.records import read_child, register_children
from contactpoint.app.operations.keys import pending_rotation, retire_key, rotate_keys
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.errors import KeyringError
from contactpoint.domain.index_terms import IndexKind
from contactpoint.linkage.blocking import search_terms_for_names
from tests.websupport import make_account


def test_an_interrupted_rotation_resumes_and_completes(runtime, factory, clock):
    made = [factory.child() for _ in range(45)]

    def build(index, cp_id):
        made[index] = replace(made[index], cp_id=cp_id)
        return made[index]

    register_children(runtime, range(45), build)
    first = rotate_keys(runtime, batch_size=10, max_batches=2)  # stopped part way, as by a kill
    assert (first.new_version_created, first.current_version, first.resealed, first.remaining) == (
        True,
        2,
        20,
        25,
    )

    # A new process (after the interruption) picks up the same rotation, not a third key version.
    again = build_runtime(runtime.settings, clock=clock)
    try:
        assert pending_rotation(again) == 25
        second = rotate_keys(again, batch_size=10)
        assert (second.new_version_created, second.current_version, second.resealed, second.remaining) == (
            False,
            2,
            25,
            0,
        )
        with again.unit_of_work() as uow:
            assert uow.children.counts_by_key_version() == {2: 45}
        retire_key(again, 1)
        assert set(again.key_store.load().versions) == {2}
        for child in made:
            assert read_child(again, child.cp_id).record == child
        target = made[3]
        terms = search_terms_for_names([target.names.current], target.date_of_birth)[IndexKind.FAMILY_DOB]
        with again.unit_of_work() as uow:
            assert target.cp_id in uow.children.candidates(IndexKind.FAMILY_DOB, terms, for_search=True)
    finally:
        again.close()


def test_a_key_still_in_use_cannot_be_retired(runtime, factory):
    register_children(runtime, range(3), lambda _i, cp_id: factory.child(cp_id))
    rotate_keys(runtime, batch_size=1, max_batches=1)
    with pytest.raises(KeyringError, match="still protects 2 records"):
        retire_key(runtime, 1)


def test_a_version_the_audit_log_or_an_account_still_needs_is_kept(runtime, factory):
    register_children(runtime, range(2), lambda _i, cp_id: factory.child(cp_id))
    make_account(runtime, Role.PRACTITIONER)  # its TOTP secret is sealed under version 1
    read_child(runtime, next(iter(_ids(runtime))))  # an audit entry under version 1
    rotate_keys(runtime)
    assert pending_rotation(runtime) == 0
    with pytest.raises(KeyringError) as refused:
        retire_key(runtime, 1)
    assert "second-factor secrets" in str(refused.value)
    assert "audit entries" in str(refused.value)
    assert 1 in runtime.key_store.load().versions


def _ids(runtime):
    with runtime.unit_of_work() as uow:
        return uow.children.ids_after("", 10)
