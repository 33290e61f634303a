"""Consent the LA team manages, on SQLite and PostgreSQL: keeping a record to 25 (and withdrawing
that consent), and removing a sensitive service when its consent is withdrawn."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import Role
from contactpoint.app.operations.retention import run_retention
from contactpoint.app.safeguards.consent import (
    consents_of,
    record_retention_consent,
    withdraw_retention_consent,
    withdraw_sensitive_consent,
)
from contactpoint.domain.errors import ConcurrentUpdate, NotFound, ValidationError
from contactpoint.domain.vocabulary import (
    ArchiveReason,
    ExtensionBasis,
    RecordStatus,
    SensitiveBasis,
    ServiceType,
)
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.store.access_models import AuditEntryRow
from tests.websupport import HOME_LA, OTHER_LA, make_principal, store_children

TURNS_18 = date(2009, 1, 10)  # the clock fixture's today is 2026-11-23


def on(runtime, day: date) -> None:
    runtime.clock.at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def admin(runtime):
    return make_principal(runtime, Role.LA_DATA_ADMIN, la_code=HOME_LA)


@pytest.fixture
def care_leaver(runtime, factory):
    young = replace(factory.child(la_code=HOME_LA), date_of_birth=TURNS_18)
    sensitive = factory.involvement(ServiceType.SEXUAL_HEALTH)
    on_harm = replace(
        factory.involvement(ServiceType.SUBSTANCE_MISUSE), sensitive_basis=SensitiveBasis.SIGNIFICANT_HARM
    )
    (stored,) = store_children(
        runtime, [replace(young, involvements=(*young.involvements, sensitive, on_harm))]
    )
    return stored


def status(runtime, record):
    with runtime.unit_of_work() as uow:
        return uow.children.get(record.cp_id).record


def test_consent_keeps_a_care_leaver_past_18_until_it_is_withdrawn(runtime, admin, care_leaver):
    view = consents_of(runtime, admin, care_leaver.cp_id)
    assert view.extension is None
    record_retention_consent(
        runtime,
        admin,
        care_leaver.cp_id,
        basis=ExtensionBasis.CARE_LEAVER,
        consented_on=date(2026, 11, 20),
        expected_version=view.version,
    )
    view = consents_of(runtime, admin, care_leaver.cp_id)
    assert view.kept_until == date(2034, 1, 10)
    on(runtime, date(2027, 2, 1))
    run_retention(runtime)
    assert status(runtime, care_leaver).status is RecordStatus.ACTIVE
    withdraw_retention_consent(
        runtime, admin, care_leaver.cp_id, withdrawn_on=date(2027, 2, 1), expected_version=view.version
    )
    run_retention(runtime)
    archived = status(runtime, care_leaver)
    assert archived.status is RecordStatus.ARCHIVED
    assert archived.archival is not None
    assert archived.archival.reason is ArchiveReason.CONSENT_WITHDRAWN


def test_consent_recorded_soon_after_the_18th_birthday_brings_the_record_back(runtime, admin, care_leaver):
    on(runtime, date(2027, 1, 11))
    run_retention(runtime)
    assert status(runtime, care_leaver).status is RecordStatus.ARCHIVED
    on(runtime, date(2027, 2, 1))
    view = consents_of(runtime, admin, care_leaver.cp_id)
    record_retention_consent(
        runtime,
        admin,
        care_leaver.cp_id,
        basis=ExtensionBasis.LEARNING_DIFFICULTY,
        consented_on=date(2027, 1, 30),
        expected_version=view.version,
    )
    restored = status(runtime, care_leaver)
    assert (restored.status, restored.archival) == (RecordStatus.ACTIVE, None)
    searchable = [term for term in blocking_terms(restored) if term.kind.for_search]
    assert searchable
    with runtime.unit_of_work() as uow:  # practitioners find the record again
        for term in searchable:
            assert care_leaver.cp_id in uow.children.candidates(term.kind, [term.term], for_search=True)


def test_a_withdrawn_sensitive_consent_removes_the_involvement_but_the_harm_ground_stays(
    runtime, admin, care_leaver
):
    view = consents_of(runtime, admin, care_leaver.cp_id)
    by_service = {s.service: s for s in view.sensitive}
    assert by_service[ServiceType.SEXUAL_HEALTH].withdrawable
    assert not by_service[ServiceType.SUBSTANCE_MISUSE].withdrawable
    with pytest.raises(ValidationError):
        withdraw_sensitive_consent(
            runtime,
            admin,
            care_leaver.cp_id,
            index=by_service[ServiceType.SUBSTANCE_MISUSE].index,
            expected_version=view.version,
        )
    withdraw_sensitive_consent(
        runtime,
        admin,
        care_leaver.cp_id,
        index=by_service[ServiceType.SEXUAL_HEALTH].index,
        expected_version=view.version,
    )
    services_left = [i.service for i in status(runtime, care_leaver).involvements]
    assert ServiceType.SEXUAL_HEALTH not in services_left
    assert ServiceType.SUBSTANCE_MISUSE in services_left
    with pytest.raises(ConcurrentUpdate):
        withdraw_sensitive_consent(runtime, admin, care_leaver.cp_id, index=0, expected_version=view.version)


def test_consent_is_the_owning_la_teams_business_only(runtime, care_leaver):
    with pytest.raises(NotFound):
        consents_of(runtime, make_principal(runtime, Role.LA_DATA_ADMIN, la_code=OTHER_LA), care_leaver.cp_id)
    for role in (Role.PRACTITIONER, Role.AUDITOR, Role.LA_USER_ADMIN, Role.NATIONAL_ADMIN):
        with pytest.raises(PermissionDenied):
            consents_of(runtime, make_principal(runtime, role), care_leaver.cp_id)


def test_consent_reads_and_changes_are_audited_with_codes(runtime, admin, care_leaver):
    view = consents_of(runtime, admin, care_leaver.cp_id)
    record_retention_consent(
        runtime,
        admin,
        care_leaver.cp_id,
        basis=ExtensionBasis.CARE_LEAVER,
        consented_on=date(2026, 11, 1),
        expected_version=view.version,
    )
    with runtime.engine.connect() as connection:
        kinds = [row.kind for row in connection.execute(AuditEntryRow.__table__.select())]
    assert kinds[-2:] == ["consent:read", "consent:record"]
