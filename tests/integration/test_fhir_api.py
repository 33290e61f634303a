"""The FHIR R4 interface over real HTTP with a real FHIR client (fhirpy): a client system acting for
a named practitioner searches (PDQm), matches ($match, graded by the feeds' model) and reads, under
the UI's policy and audit; every answer is a valid R4 resource and every error an OperationOutcome."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhirpy.base.exceptions import ForbiddenError, ResourceNotFound

from contactpoint.access.roles import Role
from contactpoint.app.accounts.client_systems import revoke_client_system
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.oversight.auditing import query_audit, verify_audit
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from contactpoint.web.fhir.resources import CONTACTPOINT_ID_SYSTEM, MATCH_GRADE
from tests.fhirsupport import fhir_client, known_child, organisation
from tests.websupport import (
    HOME_LA,
    OTHER_LA,
    api_token,
    live_server,
    make_account,
    make_principal,
    store_children,
)


def _valid(model: type[Any], data: Any) -> Any:
    """The resource as JSON, once the R4 model has accepted it."""
    model.model_validate(data)
    return data


def _outcome(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    return _valid(OperationOutcome, response.json())


def _match_body(given: str, family: str, born: str, **extra: Any) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "name": [{"family": family, "given": [given]}],
        "birthDate": born,
    }
    patient.update(extra)
    return {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": patient}]}


def _grades(bundle: Any) -> dict[str, tuple[str, float]]:
    _valid(Bundle, bundle)
    found = {}
    for entry in bundle.get("entry", []):
        grade = next(e["valueCode"] for e in entry["search"]["extension"] if e["url"] == MATCH_GRADE)
        found[entry["resource"]["id"]] = (grade, entry["search"]["score"])
    return found


def test_the_capability_statement_is_public_and_valid(runtime):
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        response = client.get("/fhir/metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    statement = _valid(CapabilityStatement, response.json())
    assert statement["fhirVersion"] == "4.0.1"
    (patient,) = [r for r in statement["rest"][0]["resource"] if r["type"] == "Patient"]
    assert {p["name"] for p in patient["searchParam"]} >= {
        "family",
        "given",
        "birthdate",
        "address-postalcode",
    }
    assert [o["name"] for o in patient["operation"]] == ["match"]


def test_a_pdqm_search_finds_a_child_with_the_uis_tolerance_and_audits_the_named_practitioner(
    runtime, factory
):
    org = organisation(runtime)
    (target,) = store_children(runtime, [known_child(factory)])
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        exact = client.resources("Patient").search(family="Pemberton", birthdate="2016-04-09").fetch_raw()
        typo = client.resources("Patient").search(family="Pembertin", birthdate="2016-04-09").fetch_raw()
        by_district = (
            client.resources("Patient").search(
                family="Pemberton", given="Oliver", **{"address-postalcode": "LS1 4AB"}
            )
        ).fetch_raw()
        patients = client.resources("Patient").search(family="Pemberton", birthdate="2016-04-09").fetch()
    for bundle in (exact, typo, by_district):
        Bundle.model_validate(bundle)
        assert [e["resource"]["id"] for e in bundle["entry"]] == [target.cp_id.value]
    resource = _valid(Patient, patients[0].serialize())
    assert resource["identifier"][0]["system"] == CONTACTPOINT_ID_SYSTEM
    assert resource["birthDate"] == "2016-04-09"
    assert "address" not in resource  # a search result shows what the UI's result list shows
    auditor = make_principal(runtime, Role.AUDITOR)
    searches = [
        e
        for e in query_audit(runtime, auditor, user_id=org.practitioner.user_id)
        if e.kind == "children:search"
    ]
    assert len(searches) == 4
    assert searches[0].children == [target.cp_id.value]
    assert searches[0].details["reason"] == "assessment"
    carried = [e for e in query_audit(runtime, auditor, user_id=org.client_id) if e.kind == "clients:request"]
    assert len(carried) == 4
    assert {e.details["practitioner"] for e in carried} == {org.practitioner.user_id}
    assert verify_audit(runtime).ok


def test_the_form_search_answers_as_the_query_search_with_the_names_in_the_body(runtime, factory):
    org = organisation(runtime)
    (target,) = store_children(runtime, [known_child(factory)])
    headers = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    criteria = {"family": "Pembertin", "given": "Oliver", "address-postalcode": "LS1 4AB"}
    with live_server(runtime) as base, httpx.Client(base_url=base, headers=headers) as client:
        by_form = client.post("/fhir/Patient/_search", data=criteria)
        by_query = client.get("/fhir/Patient", params=criteria)
        by_id = client.post(
            "/fhir/Patient/_search", data={"_id": target.cp_id.value, "_revinclude": "CareTeam:subject"}
        )
    assert by_form.status_code == by_query.status_code == by_id.status_code == 200
    assert "Pemb" not in str(by_form.request.url)
    for response in (by_form, by_query, by_id):
        bundle = _valid(Bundle, response.json())
        assert [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"] == [
            target.cp_id.value
        ]


def test_a_search_below_the_minimum_criteria_is_an_operation_outcome(runtime):
    org = organisation(runtime)
    headers = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        outcome = _outcome(client.get("/fhir/Patient", params={"family": "Pemberton"}, headers=headers), 422)
        nhs = client.get(
            "/fhir/Patient",
            params={"identifier": "https://fhir.nhs.uk/Id/nhs-number|9434765919"},
            headers=headers,
        )
    assert outcome["issue"][0]["code"] == "invalid"
    assert _outcome(nhs, 422)["issue"][0]["expression"] == ["identifier"]


def test_match_grades_a_known_child_certain_and_a_slip_with_a_swapped_birthday_probable(runtime, factory):
    org = organisation(runtime)
    (target, _other) = store_children(
        runtime, [known_child(factory), known_child(factory, given="Harriet", family="Wainwright")]
    )
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        exact = client.execute(
            "Patient/$match",
            method="post",
            data=_match_body(
                "Oliver", "Pemberton", "2016-04-09", gender="male", address=[{"postalCode": "LS1 4AB"}]
            ),
        )
        typo = client.execute(
            "Patient/$match", method="post", data=_match_body("Oliver", "Pembertin", "2016-09-04")
        )
        nobody = client.execute(
            "Patient/$match", method="post", data=_match_body("Zebedee", "Quigglesworth", "2009-01-01")
        )
    assert _grades(exact)[target.cp_id.value][0] == "certain"
    assert _grades(typo)[target.cp_id.value][0] == "probable"
    assert _grades(exact)[target.cp_id.value][1] > _grades(typo)[target.cp_id.value][1]
    assert _grades(nobody) == {}
    auditor = make_principal(runtime, Role.AUDITOR)
    searches = [
        e
        for e in query_audit(runtime, auditor, user_id=org.practitioner.user_id)
        if e.kind == "children:search"
    ]
    assert len(searches) == 3
    everything = ["match", "family_name", "given_name", "date_of_birth", "gender", "postcode"]
    assert everything in [e.details["fields"] for e in searches]


def test_a_read_is_the_record_as_a_patient_with_its_care_teams_and_sensitive_services_hidden(
    runtime, factory
):
    org = organisation(runtime)
    child = known_child(factory)
    camhs = factory.involvement(ServiceType.CAMHS)
    (target,) = store_children(runtime, [replace(child, involvements=(*child.involvements, camhs))])
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        patient = client.reference("Patient", target.cp_id.value).to_resource()
        bundle = (
            client.resources("Patient")
            .search(_id=target.cp_id.value, _revinclude="CareTeam:subject")
            .fetch_raw()
        )
    resource = _valid(Patient, patient.serialize())
    assert resource["address"][0]["postalCode"] == "LS1 4AB"
    assert resource["managingOrganization"]["identifier"]["value"] == HOME_LA
    Bundle.model_validate(bundle)
    teams = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam"]
    assert len(teams) == len(target.involvements)
    assert {e["search"]["mode"] for e in bundle["entry"]} == {"match", "include"}
    services = {t["category"][0]["coding"][0]["code"] for t in teams if "category" in t}
    assert ServiceType.EDUCATION.value in services
    assert ServiceType.CAMHS.value not in services
    (hidden,) = [t for t in teams if "category" not in t]
    assert set(hidden) == {"resourceType", "id", "status", "subject", "name"}  # only that one is involved
    assert camhs.organisation.code not in json.dumps(bundle)
    auditor = make_principal(runtime, Role.AUDITOR)
    views = [
        e
        for e in query_audit(runtime, auditor, user_id=org.practitioner.user_id)
        if e.kind == "children:view"
    ]
    assert [e.children for e in views] == [[target.cp_id.value]] * 2  # the read and the _id search


def test_a_shielded_child_comes_back_limited_and_a_sealed_one_not_at_all(runtime, factory):
    org = organisation(runtime)
    shielded, sealed = store_children(
        runtime,
        [
            known_child(factory, status=RecordStatus.SHIELDED),
            known_child(factory, given="Amelia", family="Thistlewood", status=RecordStatus.SEALED),
        ],
    )
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        patient = _valid(Patient, client.reference("Patient", shielded.cp_id.value).to_resource().serialize())
        bundle = (
            client.resources("Patient")
            .search(_id=shielded.cp_id.value, _revinclude="CareTeam:subject")
            .fetch_raw()
        )
        by_postcode = (
            client.resources("Patient")
            .search(family="Pemberton", given="Oliver", **{"address-postalcode": "LS1"})
            .fetch_raw()
        )
        shielded_match = client.execute(
            "Patient/$match",
            method="post",
            data=_match_body("Oliver", "Pemberton", "2016-04-09", address=[{"postalCode": "LS1 4AB"}]),
        )
        sealed_match = client.execute(
            "Patient/$match", method="post", data=_match_body("Amelia", "Thistlewood", "2016-04-09")
        )
        with pytest.raises(ResourceNotFound) as missing:
            client.reference("Patient", sealed.cp_id.value).to_resource()
    assert "address" not in patient
    assert "managingOrganization" not in patient
    assert [n["family"] for n in patient["name"]] == ["Pemberton"]  # no former names or names known by
    assert patient["meta"]["security"][0]["code"] == "R"
    assert "versionId" not in patient["meta"]
    assert len(patient["contact"]) == 1
    assert set(patient["contact"][0]) == {"name"}  # the carer's name only
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    assert by_postcode.get("entry", []) == []  # a hidden field does not find a shielded child
    assert list(_grades(shielded_match)) == [shielded.cp_id.value]  # by the fields everyone sees
    assert _grades(sealed_match) == {}
    outcome = _valid(OperationOutcome, json.loads(str(missing.value)))
    assert outcome["issue"][0]["code"] == "not-found"


def test_only_an_active_practitioner_of_the_clients_organisation_is_acted_for(runtime, factory):
    org = organisation(runtime)
    (target,) = store_children(runtime, [known_child(factory)])
    elsewhere = make_account(runtime, Role.PRACTITIONER, org_code="URN999999")
    unenrolled = make_account(runtime, Role.PRACTITIONER, enrolled=False)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        for name in (elsewhere.username, unenrolled.username, admin.username, "nobody-here"):
            client = fhir_client(base, org.key, name)
            with pytest.raises(ForbiddenError) as refused:
                client.reference("Patient", target.cp_id.value).to_resource()
            outcome = _valid(OperationOutcome, json.loads(str(refused.value)))
            assert outcome["issue"][0]["code"] == "forbidden"
    auditor = make_principal(runtime, Role.AUDITOR)
    carried = [e for e in query_audit(runtime, auditor, user_id=org.client_id) if e.kind == "clients:request"]
    assert [e.details["allowed"] for e in carried] == [False] * 4
    assert not [e for e in query_audit(runtime, auditor) if e.kind == "children:view"]


def test_every_error_is_an_operation_outcome(runtime, clock):
    org = organisation(runtime)
    person = make_account(runtime, Role.PRACTITIONER)
    acting = {PRACTITIONER_HEADER: org.practitioner.username, REASON_HEADER: "assessment"}
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, person)
        assert _outcome(client.get("/fhir/Patient/100000000009"), 401)["issue"][0]["code"] == "login"
        people = client.get(
            "/fhir/Patient/100000000009", headers={"Authorization": f"Bearer {token}", **acting}
        )
        assert _outcome(people, 403)["issue"][0]["code"] == "forbidden"
        keyed = {"Authorization": f"Bearer {org.key}"}
        assert (
            _outcome(client.get("/fhir/Patient/100000000009", headers=keyed), 422)["issue"][0]["code"]
            == "invalid"
        )
        bad_reason = {**keyed, **acting, REASON_HEADER: "curiosity"}
        assert _outcome(client.get("/fhir/Patient/100000000009", headers=bad_reason), 422)
        assert _outcome(client.get("/fhir/Patient/100000000009", headers={**keyed, **acting}), 404)
        assert _outcome(client.get("/fhir/Patient/not-an-id", headers={**keyed, **acting}), 404)
        assert _outcome(client.get("/fhir/Observation", headers={**keyed, **acting}), 404)
        assert _outcome(client.delete("/fhir/Patient/100000000009", headers={**keyed, **acting}), 405)
        broken = client.post(
            "/fhir/Patient/$match",
            headers={**keyed, **acting},
            json={"resourceType": "Patient", "birthDate": 7},
        )
        assert _outcome(broken, 422)
        huge = client.post("/fhir/Patient/$match", headers={**keyed, **acting}, content=b"x" * (1 << 20))
        assert _outcome(huge, 413)["issue"][0]["code"] == "too-long"
        revoke_client_system(runtime, make_principal(runtime, Role.LA_USER_ADMIN), org.client_id)
        assert _outcome(client.get("/fhir/Patient/100000000009", headers={**keyed, **acting}), 401)


def test_user_administrators_give_keys_to_their_own_las_organisations_only(runtime, clock):
    register_organisation(runtime, "URN100001", "Riverside Primary School", HOME_LA, [ServiceType.EDUCATION])
    register_organisation(runtime, "URN200002", "Hilltop Academy", OTHER_LA, [ServiceType.EDUCATION])
    admin = make_account(runtime, Role.LA_USER_ADMIN)
    national = make_account(runtime, Role.NATIONAL_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        bearer = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        made = client.post(
            "/api/v1/client-systems", json={"name": "riverside-mis", "org_code": "URN100001"}, headers=bearer
        )
        other = client.post(
            "/api/v1/client-systems", json={"name": "hilltop-mis", "org_code": "URN200002"}, headers=bearer
        )
        national_bearer = {"Authorization": f"Bearer {api_token(client, clock, national)}"}
        by_national = client.post(
            "/api/v1/client-systems",
            json={"name": "riverside-2", "org_code": "URN100001"},
            headers=national_bearer,
        )
        listed = client.get("/api/v1/client-systems", headers=bearer).json()
        key = made.json()["key_half"]  # the first half: public metadata only, until released
        metadata = client.get("/fhir/metadata", headers={"Authorization": f"Bearer {key}"})
        on_api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert made.status_code == 201
    assert key.startswith("cpcs_")
    assert made.json()["la_code"] == HOME_LA
    assert other.status_code == 403
    assert by_national.status_code == 403
    assert [c["name"] for c in listed] == ["riverside-mis"]
    assert "key" not in listed[0]
    assert metadata.status_code == 200
    assert on_api.status_code == 401  # a client system's key is no session for the JSON API
    with runtime.unit_of_work() as uow:
        assert uow.users.by_username("riverside-mis").role == Role.CLIENT_SYSTEM.value
