"""Archived records: the owning LA's data administrators see them for a year, then nobody does."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from contactpoint.access.policy import ViewLevel
from contactpoint.access.roles import Role
from contactpoint.app.reasons import AccessReason
from contactpoint.app.retention import run_retention
from contactpoint.app.view import view_child
from contactpoint.domain.errors import NotFound
from tests.websupport import HOME_LA, make_principal, store_children


def principal(services, role):
    return make_principal(services, role, la_code=HOME_LA)


def test_an_archived_record_is_seen_by_its_la_team_for_its_first_year_only(services, factory):
    (child,) = store_children(
        services, [replace(factory.child(la_code=HOME_LA), date_of_birth=date(2008, 11, 23))]
    )
    admin, practitioner = principal(services, Role.LA_DATA_ADMIN), principal(services, Role.PRACTITIONER)
    assert run_retention(services).archived == 1  # the clock fixture's day is the 18th birthday

    assert view_child(services, admin, child.cp_id, AccessReason.ASSESSMENT).level is ViewLevel.ADMIN
    with pytest.raises(NotFound):
        view_child(services, practitioner, child.cp_id, AccessReason.ASSESSMENT)

    services.clock.at = datetime(2027, 11, 22, 12, tzinfo=UTC)
    assert view_child(services, admin, child.cp_id, AccessReason.ASSESSMENT).level is ViewLevel.ADMIN
    services.clock.at = datetime(2027, 11, 23, 12, tzinfo=UTC)
    with pytest.raises(NotFound):
        view_child(services, admin, child.cp_id, AccessReason.ASSESSMENT)
    with services.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.archival is not None  # kept until it is purged
