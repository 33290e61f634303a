"""A shielded child is seen, outside its LA team, as it stood when it was shielded, over real HTTP on
SQLite and PostgreSQL.

The LA's two administrators shield a child; later a source renames them (the old name kept as a
former name) and a new carer arrives first in the list. A practitioner's search on the old name
still finds the child under the old name and one on the new name finds nothing; the limited view
(JSON API and UI), the FHIR read and $match show the old name and the carer known then; a parent's
subject access report (JSON, HTML and PDF) shows neither the new name, the new carer, the address,
the LA, the services nor the sources. The owning LA's team still sees the record as it is now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.operations.reindex import reindex_protected
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.shielding import decide_shielding_change, request_shielding_change
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ChildRecord,
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
)
from contactpoint.domain.shielding import (
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import RecordStatus, Relationship, ServiceType
from contactpoint.store.provenance_repository import Provenance
from tests.factories import ChildFactory
from tests.fhirsupport import fhir_client, organisation
from tests.integration.test_api_subject_access import pdf_text
from tests.integration.test_subject_access import a_child, store
from tests.websupport import api_token, live_server, make_account, make_principal, store_children, ui_token

OLD = PersonName("Tamsin", "Wrenfield")
NEW = PersonName("Tamsin", "Quartermaine")
NEW_CARER = PersonName("Roderick", "Quartermaine")
NEW_SCHOOL = Organisation("URN104999", "Saltmarsh Community College")
LATER = ("Quartermaine", "Roderick", NEW_SCHOOL.name)


def _shield(runtime: Runtime, cp_id: ContactPointId) -> None:
    """Two data administrators of the child's LA: one asks, the other approves."""
    asker = make_principal(runtime, Role.LA_DATA_ADMIN)
    decider = make_principal(runtime, Role.LA_DATA_ADMIN)
    today = runtime.clock.now().date()
    details = ShieldingRequestDetails(
        ShieldingChange.SHIELD, ShieldingReason.DOMESTIC_ABUSE, RequestedBy.POLICE, today + timedelta(days=90)
    )
    request_id = request_shielding_change(runtime, asker, cp_id, details)
    decide_shielding_change(runtime, decider, request_id, approve=True)


def _renamed_by_a_source(runtime: Runtime, cp_id: ContactPointId) -> None:
    """What sources write a month later: the new name current, the old one former, a new carer first,
    the old school left and a new one joined, and the provenance of the change."""
    new_carer = Carer(NEW_CARER, Relationship.STEP_PARENT, True, ContactDetails(phone="07700 900123"))
    today = runtime.clock.now().date()
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        record = stored.record
        old_school, *others = record.involvements
        renamed = replace(
            record,
            names=ChildNames(NEW, (OLD,)),
            carers=(new_carer, *record.carers),
            involvements=(
                replace(old_school, end=today, lead_professional=False),
                *others,
                Involvement(ServiceType.EDUCATION, NEW_SCHOOL, today),
            ),
        )
        uow.children.replace(renamed, stored.version)
        uow.provenance.update({cp_id.value: [Provenance("name", "school_census", "SC-ROW-3", today)]})
        uow.commit()


def _shielded_then_renamed(runtime: Runtime, clock: FixedClock, factory: ChildFactory) -> ChildRecord:
    child: ChildRecord = store(runtime, a_child(factory))
    _shield(runtime, child.cp_id)
    clock.advance(timedelta(days=30))
    _renamed_by_a_source(runtime, child.cp_id)
    return child


def _search(client: httpx.Client, headers: dict[str, str], name: PersonName, child: ChildRecord) -> list[Any]:
    body = {
        "family_name": name.family,
        "given_name": name.given,
        "date_of_birth": child.date_of_birth.isoformat(),
        "reason": "safeguarding_concern",
    }
    response = client.post("/api/v1/searches", json=body, headers=headers)
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["results"]
    return results


def _assert_nothing_later(text: str) -> None:
    for later in LATER:
        assert later not in text, later


def test_a_practitioner_sees_and_finds_a_shielded_child_only_as_at_shielding_after_a_rename(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    child = _shielded_then_renamed(runtime, clock, factory)
    cp_id = child.cp_id.value
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        by_old = _search(client, headers, OLD, child)
        by_new = _search(client, headers, NEW, child)
        view = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=headers)

        ui_account = make_account(runtime, Role.PRACTITIONER)
        token = ui_token(client, clock, ui_account)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(token))
        assert held is not None
        cookie = {"Cookie": f"__Host-cp_session={token}"}
        opened = client.post(
            "/record",
            headers=cookie,
            data={"csrf_token": held.csrf_token, "cp_id": cp_id, "reason": "assessment"},
        )
        assert opened.status_code == 303, opened.text
        page = client.get(opened.headers["location"], headers=cookie)

    assert [(hit["cp_id"], hit["family_name"]) for hit in by_old] == [(cp_id, OLD.family)]
    assert by_new == []
    assert view.status_code == 200, view.text
    limited = view.json()
    assert limited["level"] == "limited"
    assert (limited["given_name"], limited["family_name"]) == (OLD.given, OLD.family)
    assert limited["other_names"] == []
    assert [(c["given_name"], c["family_name"]) for c in limited["carers"]] == [("Harriet", OLD.family)]
    _assert_nothing_later(view.text)
    assert page.status_code == 200
    assert OLD.family in page.text
    _assert_nothing_later(page.text)


def test_a_client_system_reads_and_matches_a_shielded_child_only_as_at_shielding(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    child = _shielded_then_renamed(runtime, clock, factory)
    org = organisation(runtime)
    born = child.date_of_birth.isoformat()
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        patient = client.reference("Patient", child.cp_id.value).to_resource().serialize()
        found = (
            client.resources("Patient").search(family=OLD.family, given=OLD.given, birthdate=born).fetch_raw()
        )
        by_new = (
            client.resources("Patient").search(family=NEW.family, given=NEW.given, birthdate=born).fetch_raw()
        )
        match = client.execute(
            "Patient/$match",
            method="post",
            data={
                "resourceType": "Parameters",
                "parameter": [
                    {
                        "name": "resource",
                        "resource": {
                            "resourceType": "Patient",
                            "name": [{"family": OLD.family, "given": [OLD.given]}],
                            "birthDate": born,
                        },
                    }
                ],
            },
        )
    assert [n["family"] for n in patient["name"]] == [OLD.family]
    assert [c["name"]["family"] for c in patient["contact"]] == [OLD.family]
    _assert_nothing_later(str(patient))
    assert [e["resource"]["id"] for e in found["entry"]] == [child.cp_id.value]
    _assert_nothing_later(str(found))
    assert by_new.get("entry", []) == []
    _assert_nothing_later(str(match))


def test_a_parents_subject_access_report_on_a_shielded_child_shows_nothing_learnt_since_shielding(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    child = _shielded_then_renamed(runtime, clock, factory)
    body = {"cp_id": child.cp_id.value, "requester": "parent_carer"}
    auditor = make_account(runtime, Role.AUDITOR)
    ui_auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        report = client.post("/api/v1/subject-access-reports", json=body, headers=headers)
        pdf = client.post("/api/v1/subject-access-reports/pdf", json=body, headers=headers)
        own = client.post(
            "/api/v1/subject-access-reports", json=body | {"requester": "young_person"}, headers=headers
        )

        token = ui_token(client, clock, ui_auditor)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(token))
        assert held is not None
        cookie = {"Cookie": f"__Host-cp_session={token}"}
        html = client.post(  # post/redirect/get: the report is at its own page
            "/subject-access",
            headers=cookie,
            data=body | {"csrf_token": held.csrf_token},
            follow_redirects=True,
        )

    assert report.status_code == pdf.status_code == html.status_code == 200, report.text
    parents = report.json()
    assert parents["names"] == [  # the names held when the child was shielded
        {"kind": "current", "given": OLD.given, "family": OLD.family},
        {"kind": "known_as", "given": "Tam", "family": OLD.family},
    ]
    assert [(c["given"], c["family"]) for c in parents["carers"]] == [("Harriet", OLD.family)]
    assert parents["la_code"] is None
    assert parents["whereabouts"] is None
    assert parents["sources"] == []
    school = [(i["service"], i["start"], i["end"]) for i in parents["involvements"]]
    assert school == [("education", "2023-09-01", None)]  # the school then, not left, no new one
    assert parents["provenance"] == []  # the name's provenance now dates from the rename
    for text in (report.text, pdf_text(pdf.content), html.text):
        _assert_nothing_later(text)
        for source in ("nhs_registrations", "child_benefit"):
            assert source not in text
    assert NEW.family in own.text  # the young person's own report holds everything
    assert "Roderick" in own.text


def test_the_owning_las_team_sees_the_record_as_it_is_now_and_unshielding_drops_the_sealed_identity(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    child = _shielded_then_renamed(runtime, clock, factory)
    cp_id = child.cp_id.value
    team = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, team)}"}
        view = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=headers)
    assert view.status_code == 200, view.text
    assert (view.json()["family_name"], view.json()["other_names"]) == (
        NEW.family,
        [f"{OLD.given} {OLD.family}"],
    )

    asker = make_principal(runtime, Role.LA_DATA_ADMIN)
    decider = make_principal(runtime, Role.LA_DATA_ADMIN)
    details = ShieldingRequestDetails(
        ShieldingChange.UNSHIELD, ShieldingReason.RISK_ENDED, RequestedBy.POLICE, None
    )
    decide_shielding_change(
        runtime, decider, request_shielding_change(runtime, asker, child.cp_id, details), approve=True
    )
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.shielded_identity is None


def test_reindexing_seals_the_identity_of_a_child_shielded_before_identities_were_sealed(
    runtime: Runtime, factory: ChildFactory
) -> None:
    """A store upgraded from before: `reindex-protected` seals the identity as it stands, without a day."""
    (child,) = store_children(runtime, [a_child(factory, RecordStatus.SHIELDED)])
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.shielded_identity is None
    reindex_protected(runtime)
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(child.cp_id)
    sealed = stored.record.shielded_identity
    assert sealed is not None
    assert (sealed.names, sealed.sealed_on) == (child.names, None)
    assert [(c.name, c.contact) for c in sealed.carers] == [(c.name, ContactDetails()) for c in child.carers]
    assert stored.version == 1
