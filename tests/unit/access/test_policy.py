"""The policy, enumerated: every role against every record status, in its own LA and another."""

import itertools
from datetime import date

import pytest

from contactpoint.access import policy
from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import Principal, ViewLevel
from contactpoint.access.roles import ROLE_PERMISSIONS, Permission, Role
from contactpoint.domain.records import Involvement, Organisation
from contactpoint.domain.vocabulary import RecordStatus, SensitiveBasis, ServiceType

OWN, OTHER = "201", "202"


def principal(role: Role, la: str | None = OWN) -> Principal:
    return Principal(
        1,
        "someone",
        role,
        None if role.is_national else la,
        "ORG1" if role.needs_service else None,
        ServiceType.EDUCATION if role.needs_service else None,
    )


# What DESIGN section 1 says, written out independently of the code under test.
EXPECTED_PERMISSIONS = {
    Role.PRACTITIONER: {
        "la:children:search",
        "la:children:view",
        "la:involvements:write",
        "la:contact:request",
        "la:lead-professional:change",  # as the current lead, handing the role over
    },
    Role.CHILD_PROTECTION: {
        "la:children:search",
        "la:children:view",
        "la:involvements:write",
        "la:children:override",
        "la:contact:request",
        "la:lead-professional:change",
    },
    Role.LA_DATA_ADMIN: {
        "la:children:search",
        "la:children:view",
        "la:shielding:decide",
        "la:contact:broker",
        "la:review:work",
        "la:adoptions:decide",
        "la:consent:manage",
        "la:lead-professional:change",  # the LA team agrees a change of lead
    },
    Role.LA_USER_ADMIN: {"la:users:manage", "la:alerts:read", "la:client-systems:manage"},
    Role.AUDITOR: {"la:audit:read", "la:alerts:read", "la:alerts:review", "la:subject-access:produce"},
    Role.NATIONAL_AUDITOR: {"la:audit:read", "la:alerts:read", "la:alerts:review"},
    Role.NATIONAL_ADMIN: {
        "la:users:manage",
        "national:users:manage",
        "la:alerts:read",
        "national:authorities:manage",
    },
    Role.DATA_SOURCE: {"source:feeds:submit"},
    # Reaches children only as a named practitioner of its organisation, with that person's rights.
    Role.CLIENT_SYSTEM: {"org:practitioners:act-for"},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_the_permissions_design_gives_it(role):
    assert {p.value for p in ROLE_PERMISSIONS[role]} - {"self:account:read"} == EXPECTED_PERMISSIONS[role]
    assert (Permission.READ_OWN_ACCOUNT in ROLE_PERMISSIONS[role]) == (not role.is_machine)


def test_a_data_source_submits_only_the_feed_its_key_is_bound_to():
    bound = Principal(9, "cb-feed", Role.DATA_SOURCE, None, source="child_benefit")
    policy.require_own_feed(bound, "child_benefit")
    for principal, source in (
        (bound, "school_census"),
        (Principal(9, "unbound", Role.DATA_SOURCE, None), "child_benefit"),
        (Principal(1, "admin", Role.NATIONAL_ADMIN, None, source="child_benefit"), "child_benefit"),
    ):
        with pytest.raises(PermissionDenied):
            policy.require_own_feed(principal, source)


def test_nobody_holds_child_data_and_user_administration_together():
    for role, held in ROLE_PERMISSIONS.items():
        assert not ({Permission.VIEW_CHILD, Permission.MANAGE_USERS} <= held), role


def expected_level(role: Role, status: RecordStatus, same_la: bool, override: bool) -> ViewLevel:
    if role in (
        Role.LA_USER_ADMIN,
        Role.AUDITOR,
        Role.NATIONAL_AUDITOR,
        Role.NATIONAL_ADMIN,
        Role.DATA_SOURCE,
        Role.CLIENT_SYSTEM,
    ):
        return ViewLevel.NONE
    if role is Role.LA_DATA_ADMIN:
        return ViewLevel.ADMIN if same_la and status is not RecordStatus.SEALED else ViewLevel.NONE
    if status in (RecordStatus.SEALED, RecordStatus.ARCHIVED):
        return ViewLevel.NONE
    if status is RecordStatus.SHIELDED:
        return ViewLevel.OVERRIDE if override and role is Role.CHILD_PROTECTION else ViewLevel.LIMITED
    return ViewLevel.FULL


@pytest.mark.parametrize(
    ("role", "status", "same_la", "override"),
    list(itertools.product(list(Role), list(RecordStatus), [True, False], [False, True])),
)
def test_view_level_for_every_role_status_scope_and_override(role, status, same_la, override):
    level = policy.view_level(principal(role), status, OWN if same_la else OTHER, override=override)
    assert level is expected_level(role, status, same_la, override)


def test_a_limited_view_shows_no_involvement_and_no_contact_details():
    assert not policy.shows_involvements(ViewLevel.LIMITED)
    assert not policy.shows_contact_details(ViewLevel.LIMITED)
    assert not policy.shows_identifiers(ViewLevel.FULL)


def _involvement(service: ServiceType, org: str = "ORG1") -> Involvement:
    basis = SensitiveBasis.CONSENT_YOUNG_PERSON if service.is_sensitive else None
    return Involvement(service, Organisation(org, "Some Service"), date(2026, 1, 1), sensitive_basis=basis)


def test_sensitive_services_details_are_for_their_own_staff_and_the_la_team_only():
    camhs = _involvement(ServiceType.CAMHS, "CAMHS1")
    assert not policy.shows_sensitive_details(principal(Role.PRACTITIONER), camhs, ViewLevel.FULL)
    assert not policy.shows_sensitive_details(principal(Role.CHILD_PROTECTION), camhs, ViewLevel.OVERRIDE)
    assert policy.shows_sensitive_details(principal(Role.LA_DATA_ADMIN), camhs, ViewLevel.ADMIN)
    own = Principal(1, "x", Role.PRACTITIONER, OWN, "CAMHS1", ServiceType.CAMHS)
    assert policy.shows_sensitive_details(own, camhs, ViewLevel.FULL)


def test_only_the_involved_service_may_change_its_involvement():
    policy.require_edit_involvement(principal(Role.PRACTITIONER), _involvement(ServiceType.EDUCATION))
    with pytest.raises(PermissionDenied):
        policy.require_edit_involvement(principal(Role.PRACTITIONER), _involvement(ServiceType.GP))
    with pytest.raises(PermissionDenied):
        policy.require_edit_involvement(
            principal(Role.PRACTITIONER), _involvement(ServiceType.EDUCATION, "ORG2")
        )


@pytest.mark.parametrize(("actor", "target"), list(itertools.product(list(Role), list(Role))))
@pytest.mark.parametrize("same_la", [True, False])
def test_account_management_by_role_and_scope(actor, target, same_la):
    allowed = (
        actor is Role.LA_USER_ADMIN and target in {Role.PRACTITIONER, Role.CHILD_PROTECTION} and same_la
    ) or (
        # Data sources' machine accounts are the operator's (CLI), not any web user's, to manage;
        # client systems have their own rule (require_manage_client_system, below).
        actor is Role.NATIONAL_ADMIN
        and target not in {Role.PRACTITIONER, Role.CHILD_PROTECTION, Role.DATA_SOURCE, Role.CLIENT_SYSTEM}
    )
    la = None if target.is_national else (OWN if same_la else OTHER)
    if allowed:
        policy.require_manage_account(principal(actor), target, la)
    else:
        with pytest.raises(PermissionDenied):
            policy.require_manage_account(principal(actor), target, la)


@pytest.mark.parametrize("role", list(Role))
def test_audit_scope_is_own_la_or_national_for_auditors_only(role):
    if role is Role.AUDITOR:
        assert policy.audit_scope(principal(role)) == OWN
    elif role is Role.NATIONAL_AUDITOR:
        assert policy.audit_scope(principal(role)) is None
    else:
        with pytest.raises(PermissionDenied):
            policy.audit_scope(principal(role))


@pytest.mark.parametrize(("role", "status"), list(itertools.product(list(Role), list(RecordStatus))))
def test_search_may_return_by_role_status_and_scope(role, status):
    for la, same in ((OWN, True), (OTHER, False)):
        got = policy.search_may_return(principal(role), status, la)
        if role in (Role.PRACTITIONER, Role.CHILD_PROTECTION):
            assert got == (status not in (RecordStatus.SEALED, RecordStatus.ARCHIVED))
        elif role is Role.LA_DATA_ADMIN:
            assert got == same
        else:
            assert not got


@pytest.mark.parametrize("actor", list(Role))
@pytest.mark.parametrize("same_la", [True, False])
def test_client_systems_are_managed_by_their_own_las_user_administrators_only(actor, same_la):
    la = OWN if same_la else OTHER
    if actor is Role.LA_USER_ADMIN and same_la:
        policy.require_manage_client_system(principal(actor), la)
    else:
        with pytest.raises(PermissionDenied):
            policy.require_manage_client_system(principal(actor), la)


def _client(org: str | None = "ORG1", la: str = OWN) -> Principal:
    return Principal(50, "mis", Role.CLIENT_SYSTEM, la, org)


@pytest.mark.parametrize("role", list(Role))
def test_a_client_system_acts_only_for_active_practitioners_of_its_own_organisation(role):
    person = principal(role)
    if role is Role.PRACTITIONER:  # never one of special reach: child protection, sensitive services
        policy.require_may_act_for(_client(), person, active=True)
    refusals = [
        (_client(), person, False),  # suspended, unenrolled or awaiting approval
        (_client(org="ORG2"), person, True),  # another organisation's staff
        (_client(la=OTHER), person, True),  # another LA's
        (_client(org=None), person, True),  # a client bound to no organisation
        (principal(Role.PRACTITIONER), person, True),  # only a client system acts for anyone
    ]
    if role is not Role.PRACTITIONER:
        refusals.append((_client(), person, True))
    for client, named, active in refusals:
        with pytest.raises(PermissionDenied):
            policy.require_may_act_for(client, named, active=active)


@pytest.mark.parametrize(
    "service", [ServiceType.CAMHS, ServiceType.SEXUAL_HEALTH, ServiceType.SUBSTANCE_MISUSE]
)
def test_a_client_system_never_acts_for_a_sensitive_services_practitioner(service):
    person = Principal(2, "someone", Role.PRACTITIONER, OWN, "ORG1", service)
    assert policy.has_special_reach(person)
    with pytest.raises(PermissionDenied):
        policy.require_may_act_for(_client(), person, active=True)
