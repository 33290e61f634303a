"""The misuse signal for a child who shares the practitioner's family name or home postcode, on
SQLite and PostgreSQL: armed by keyed hashes given at account creation, never by the values."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import create_account, principal_of
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildNames, PersonName, PostalAddress, Whereabouts
from contactpoint.domain.vocabulary import AddressState, ServiceType
from contactpoint.store.access_models import UserRow
from tests.websupport import HOME_LA, make_principal, store_children

HOME = "LS6 2QT"


@pytest.fixture(autouse=True)
def _registered(runtime):
    register_organisation(runtime, "URN100001", "Riverside Primary School", HOME_LA, [ServiceType.EDUCATION])


def practitioner(runtime, **affinity):
    admin = make_principal(runtime, Role.LA_USER_ADMIN)
    created = create_account(
        runtime,
        admin,
        username="pat-practitioner",
        role=Role.PRACTITIONER,
        la_code=HOME_LA,
        org_code="URN100001",
        org_name="Riverside Primary School",
        service=ServiceType.EDUCATION,
        **affinity,
    )
    with runtime.unit_of_work() as uow:
        return principal_of(uow.users.get(created.user_id))


def alerts_for(runtime, user):
    auditor = make_principal(runtime, Role.AUDITOR)
    return sorted(a.kind for a in list_alerts(runtime, auditor) if a.user_id == user.user_id)


def test_a_child_who_shares_the_practitioners_family_name_or_home_postcode_raises_alerts(runtime, factory):
    user = practitioner(runtime, family_name="Pemberton", home_postcode=HOME)
    base = factory.child(la_code=HOME_LA)
    namesake = replace(base, names=ChildNames(PersonName("Oliver", "Pembertan")))  # a phonetic match
    neighbour = replace(
        factory.child(la_code=HOME_LA),
        whereabouts=Whereabouts(AddressState.KNOWN, PostalAddress(("2 Hill Street",), Postcode.parse(HOME))),
    )
    stranger = factory.child(la_code=HOME_LA)
    namesake, neighbour, stranger = store_children(runtime, [namesake, neighbour, stranger])

    view_child(runtime, user, stranger.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(runtime, user) == []
    view_child(runtime, user, namesake.cp_id, AccessReason.ASSESSMENT)
    view_child(runtime, user, neighbour.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(runtime, user) == ["shares_postcode", "shares_surname"]


def test_only_keyed_hashes_of_the_name_and_postcode_are_stored(runtime):
    practitioner(runtime, family_name="Pemberton", home_postcode=HOME)
    with runtime.engine.connect() as connection:
        row = connection.execute(select(UserRow).where(UserRow.username == "pat-practitioner")).one()
    stored = b"".join(value if isinstance(value, bytes) else str(value).encode() for value in row)
    for value in ("Pemberton", "PEMBERTON", "PANBARTAN", HOME, HOME.replace(" ", "")):
        assert value.encode() not in stored
    assert row.surname_key is not None
    assert row.postcode_key is not None


def test_an_account_without_them_raises_no_such_alert_and_a_bad_postcode_is_refused(runtime, factory):
    user = practitioner(runtime)
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    view_child(runtime, user, child.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(runtime, user) == []
    with pytest.raises(ValidationError) as refused:
        create_account(
            runtime,
            make_principal(runtime, Role.LA_USER_ADMIN),
            username="another-one",
            role=Role.PRACTITIONER,
            la_code=HOME_LA,
            org_code="URN100001",
            org_name="Riverside Primary School",
            service=ServiceType.EDUCATION,
            home_postcode="not a postcode",
        )
    assert refused.value.field == "home_postcode"
