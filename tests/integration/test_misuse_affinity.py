"""The misuse signal for a child who shares the practitioner's family name or home postcode, on
SQLite and PostgreSQL: armed by keyed hashes given at account creation, never by the values."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.app.accounts import create_account, principal_of
from contactpoint.app.alerts import list_alerts
from contactpoint.app.reasons import AccessReason
from contactpoint.app.view import view_child
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildNames, PersonName, PostalAddress, Whereabouts
from contactpoint.domain.vocabulary import AddressState, ServiceType
from contactpoint.store.access_models import UserRow
from tests.websupport import HOME_LA, make_principal, store_children

HOME = "LS6 2QT"


def practitioner(services, **affinity):
    admin = make_principal(services, Role.LA_USER_ADMIN)
    created = create_account(
        services,
        admin,
        username="pat-practitioner",
        role=Role.PRACTITIONER,
        la_code=HOME_LA,
        org_code="URN100001",
        org_name="Riverside Primary School",
        service=ServiceType.EDUCATION,
        **affinity,
    )
    with services.unit_of_work() as uow:
        return principal_of(uow.users.get(created.user_id))


def alerts_for(services, user):
    auditor = make_principal(services, Role.AUDITOR)
    return sorted(a.kind for a in list_alerts(services, auditor) if a.user_id == user.user_id)


def test_a_child_who_shares_the_practitioners_family_name_or_home_postcode_raises_alerts(services, factory):
    user = practitioner(services, family_name="Pemberton", home_postcode=HOME)
    base = factory.child(la_code=HOME_LA)
    namesake = replace(base, names=ChildNames(PersonName("Oliver", "Pembertan")))  # a phonetic match
    neighbour = replace(
        factory.child(la_code=HOME_LA),
        whereabouts=Whereabouts(AddressState.KNOWN, PostalAddress(("2 Hill Street",), Postcode.parse(HOME))),
    )
    stranger = factory.child(la_code=HOME_LA)
    namesake, neighbour, stranger = store_children(services, [namesake, neighbour, stranger])

    view_child(services, user, stranger.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(services, user) == []
    view_child(services, user, namesake.cp_id, AccessReason.ASSESSMENT)
    view_child(services, user, neighbour.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(services, user) == ["shares_postcode", "shares_surname"]


def test_only_keyed_hashes_of_the_name_and_postcode_are_stored(services):
    practitioner(services, family_name="Pemberton", home_postcode=HOME)
    with services.engine.connect() as connection:
        row = connection.execute(select(UserRow).where(UserRow.username == "pat-practitioner")).one()
    stored = b"".join(value if isinstance(value, bytes) else str(value).encode() for value in row)
    for value in ("Pemberton", "PEMBERTON", "PANBARTAN", HOME, HOME.replace(" ", "")):
        assert value.encode() not in stored
    assert row.surname_key is not None
    assert row.postcode_key is not None


def test_an_account_without_them_raises_no_such_alert_and_a_bad_postcode_is_refused(services, factory):
    user = practitioner(services)
    (child,) = store_children(services, [factory.child(la_code=HOME_LA)])
    view_child(services, user, child.cp_id, AccessReason.ASSESSMENT)
    assert alerts_for(services, user) == []
    with pytest.raises(ValidationError) as refused:
        create_account(
            services,
            make_principal(services, Role.LA_USER_ADMIN),
            username="another-one",
            role=Role.PRACTITIONER,
            la_code=HOME_LA,
            org_code="URN100001",
            org_name="Riverside Primary School",
            service=ServiceType.EDUCATION,
            home_postcode="not a postcode",
        )
    assert refused.value.field == "home_postcode"
