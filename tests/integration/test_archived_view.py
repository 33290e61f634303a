"""Archived records: the owning LA's data administrators see them for a year, then nobody does."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from contactpoint.access.policy import ViewLevel
from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from contactpoint.app.operations.retention import run_retention
from contactpoint.domain.errors import NotFound
from tests.websupport import HOME_LA, make_principal, store_children


def principal(runtime, role):
    return make_principal(runtime, role, la_code=HOME_LA)


def test_an_archived_record_is_seen_by_its_la_team_for_its_first_year_only(runtime, factory):
    (child,) = store_children(
        runtime, [replace(factory.child(la_code=HOME_LA), date_of_birth=date(2008, 11, 23))]
    )
    admin, practitioner = principal(runtime, Role.LA_DATA_ADMIN), principal(runtime, Role.PRACTITIONER)
    assert run_retention(runtime).archived == 1  # the clock fixture's day is the 18th birthday

    assert view_child(runtime, admin, child.cp_id, AccessReason.ASSESSMENT).level is ViewLevel.ADMIN
    with pytest.raises(NotFound):
        view_child(runtime, practitioner, child.cp_id, AccessReason.ASSESSMENT)

    runtime.clock.at = datetime(2027, 11, 22, 12, tzinfo=UTC)
    assert view_child(runtime, admin, child.cp_id, AccessReason.ASSESSMENT).level is ViewLevel.ADMIN
    runtime.clock.at = datetime(2027, 11, 23, 12, tzinfo=UTC)
    with pytest.raises(NotFound):
        view_child(runtime, admin, child.cp_id, AccessReason.ASSESSMENT)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.archival is not None  # kept until it is purged
