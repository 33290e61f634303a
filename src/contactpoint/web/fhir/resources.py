"""Our views as FHIR R4 resources, each validated with `fhir.resources` before it leaves.

A record is a Patient (UK Core Patient where it fits) built from the `ChildView` the policy
allowed, so nothing the view left out can reach a resource: a shielded child's limited view has no
address, no LA, no other names and no involvements, and carries the restricted confidentiality
label (the UI says as much, by offering the LA team's brokered contact instead). Each involvement
the view shows is a CareTeam: the service, the organisation, the practitioner and their contact,
the period, the lead professional and the CAF indicator. A sensitive service hidden from this user
is a CareTeam that says only that one is involved.

The models are `fhir.resources.R4B`: R4's resources in a release that runs on pydantic 2 (the
package's R4 models need pydantic 1). Validation is a pydantic parse of the dict we send, so a
wrong shape fails here, as a 500 OperationOutcome, rather than in the client.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from contactpoint.access.policy import ViewLevel
from contactpoint.app.children.matching import MatchHit
from contactpoint.app.children.search import SearchHit
from contactpoint.app.children.view import ChildView, InvolvementView
from contactpoint.domain.vocabulary import Gender

CONTACTPOINT_ID_SYSTEM = "https://fhir.contactpoint.org.uk/Id/contactpoint-id"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
LA_CODE_SYSTEM = "https://fhir.contactpoint.org.uk/Id/local-authority-code"
ORGANISATION_SYSTEM = "https://fhir.contactpoint.org.uk/Id/organisation-code"
SERVICE_SYSTEM = "https://fhir.contactpoint.org.uk/CodeSystem/service-type"
CAF_EXTENSION = "https://fhir.contactpoint.org.uk/StructureDefinition/caf-assessment-exists"
LEAD_PROFESSIONAL = "https://fhir.contactpoint.org.uk/CodeSystem/care-team-role"
UK_CORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
FHIR_VERSION = "4.0.1"

_MODELS: dict[str, Any] = {
    "Patient": Patient,
    "Bundle": Bundle,
    "CareTeam": CareTeam,
    "CapabilityStatement": CapabilityStatement,
    "OperationOutcome": OperationOutcome,
}
_GENDER = {Gender.MALE: "male", Gender.FEMALE: "female", Gender.NOT_SPECIFIED: "unknown"}


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, once the FHIR model for its type has accepted it."""
    _MODELS[resource["resourceType"]].model_validate(resource)
    return resource


def fhir_gender(gender: Gender) -> str:
    """FHIR's administrative gender for ours ("not specified" is FHIR's unknown)."""
    return _GENDER[gender]


def _identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


def _la(la_code: str | None) -> dict[str, Any] | None:
    return {"identifier": _identifier(LA_CODE_SYSTEM, la_code)} if la_code else None


def _brief_patient(
    *, cp_id: str, given: str, family: str, born: date, gender: Gender, la: str | None
) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": cp_id,
        "meta": {"profile": [UK_CORE_PATIENT]},
        "identifier": [_identifier(CONTACTPOINT_ID_SYSTEM, cp_id)],
        "name": [{"use": "official", "family": family, "given": given.split()}],
        "gender": fhir_gender(gender),
        "birthDate": born.isoformat(),
    }
    if (organisation := _la(la)) is not None:
        patient["managingOrganization"] = organisation
    return patient


def search_patient(hit: SearchHit | MatchHit) -> dict[str, Any]:
    """A search or match result: what the UI's result list shows (the LA only where it may)."""
    return _brief_patient(
        cp_id=hit.cp_id,
        given=hit.given_name,
        family=hit.family_name,
        born=hit.date_of_birth,
        gender=hit.gender,
        la=hit.la_code,
    )


def patient(view: ChildView) -> dict[str, Any]:
    """The record as this practitioner may see it."""
    resource = _brief_patient(
        cp_id=view.cp_id,
        given=view.given_name,
        family=view.family_name,
        born=view.date_of_birth,
        gender=view.gender,
        la=view.la_code,
    )
    if view.level is ViewLevel.LIMITED:
        resource["meta"]["security"] = [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]
    if view.version is not None:
        resource["meta"]["versionId"] = str(view.version)
    for scheme_and_value in view.identifiers:  # shown by the policy to the owning LA's team only
        scheme, _, value = scheme_and_value.partition(": ")
        if scheme == "nhs_number":
            resource["identifier"].append(_identifier(NHS_NUMBER_SYSTEM, value))
    resource["name"].extend({"use": "old", "text": other} for other in view.other_names)
    if view.deceased:
        resource["deceasedBoolean"] = True
    if view.address_lines is not None:
        address: dict[str, Any] = {"use": "home", "line": view.address_lines}
        if view.postcode:
            address["postalCode"] = view.postcode
        resource["address"] = [address]
    contacts = []
    for carer in view.carers:
        contact: dict[str, Any] = {"name": {"family": carer.family_name, "given": carer.given_name.split()}}
        if carer.relationship:
            contact["relationship"] = [{"text": carer.relationship.replace("_", " ")}]
        telecom = [
            {"system": system, "value": value}
            for system, value in (("phone", carer.phone), ("email", carer.email))
            if value
        ]
        if telecom:
            contact["telecom"] = telecom
        contacts.append(contact)
    if contacts:
        resource["contact"] = contacts
    return resource


def care_team(cp_id: str, item: InvolvementView) -> dict[str, Any]:
    """One involvement the view shows; a hidden sensitive service says only that it is involved."""
    team: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": f"{cp_id}-{item.index}",
        "status": "active" if item.end is None else "inactive",
        "subject": {"reference": f"Patient/{cp_id}"},
    }
    if item.sensitive_hidden:
        team["name"] = item.practitioner or "A sensitive service is involved."
        return team
    if item.service:
        team["category"] = [{"coding": [{"system": SERVICE_SYSTEM, "code": item.service}]}]
    if item.start or item.end:
        team["period"] = {
            key: value.isoformat() for key, value in (("start", item.start), ("end", item.end)) if value
        }
    if item.organisation_code:
        team["managingOrganization"] = [
            {
                "identifier": _identifier(ORGANISATION_SYSTEM, item.organisation_code),
                "display": item.organisation_name or item.organisation_code,
            }
        ]
    if item.practitioner:
        member: dict[str, Any] = {"member": {"display": item.practitioner}}
        if item.lead_professional:
            member["role"] = [{"coding": [{"system": LEAD_PROFESSIONAL, "code": "lead-professional"}]}]
        team["participant"] = [member]
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", item.phone), ("email", item.email))
        if value
    ]
    if telecom:
        team["telecom"] = telecom
    team["extension"] = [{"url": CAF_EXTENSION, "valueBoolean": item.caf_exists}]
    return team


def searchset(base: str, entries: list[tuple[dict[str, Any], str, dict[str, Any] | None]]) -> dict[str, Any]:
    """A searchset Bundle of (resource, search mode, extra search fields) entries; `total` counts
    the matches only, as FHIR says."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": sum(1 for _, mode, _ in entries if mode == "match"),
        "entry": [
            {
                "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": mode, **(extra or {})},
            }
            for resource, mode, extra in entries
        ],
    }


def match_entry(hit: MatchHit) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A $match candidate: the brief Patient, its grade as PDQm's extension, the model's probability."""
    return (
        search_patient(hit),
        "match",
        {"score": hit.score, "extension": [{"url": MATCH_GRADE, "valueCode": hit.grade.value}]},
    )
