"""The FHIR R4 routes under /fhir: CapabilityStatement, PDQm search, $match and read.

Every route but the CapabilityStatement needs a client system acting for a named practitioner
(`deps.ActingFor`); each then calls the same use case as the UI and the JSON API, as that
practitioner, so minimum criteria, tolerance, result caps, reasons, rate limits, misuse signals,
the visibility policy and the audit entry (written before the answer) are the UI's own.

- `GET /fhir/Patient` and `POST /fhir/Patient/_search` (which keeps names out of URLs): `search_children`;
  `gender` filters the results it returns. `identifier=<ContactPoint ID system>|<id>` or `_id=<id>`
  opens that record instead (`view_child`, audited as a view), with `_revinclude=CareTeam:subject`
  adding its involvements. Searching by NHS number is not offered: a source's identifiers are for
  matching and for the owning LA's team (`access/policy.shows_identifiers`).
- `POST /fhir/Patient/$match`: `match_children` (the feeds' model; grades in `app/children/matching.py`).
- `GET /fhir/Patient/{id}`: `view_child`, the Patient alone (the involvements through the search above).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Form, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.patient import Patient
from pydantic import BaseModel, Field
from pydantic import ValidationError as ModelError

from contactpoint.app.accounts.client_systems import Acting
from contactpoint.app.children import matching, search, view
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.vocabulary import Gender
from contactpoint.web.deps import RuntimeDep
from contactpoint.web.fhir import resources
from contactpoint.web.fhir.deps import ActingFor, MatcherDep
from contactpoint.web.fhir.outcomes import FHIR_JSON, FhirResponse, FhirRoute

router = APIRouter(prefix="/fhir", route_class=FhirRoute, tags=["fhir"], default_response_class=FhirResponse)

Searching = Annotated[Acting, Depends(ActingFor("search"))]
Matching = Annotated[Acting, Depends(ActingFor("match"))]
Reading = Annotated[Acting, Depends(ActingFor("read"))]

_OUTCOME = {"content": {FHIR_JSON: {"schema": {"type": "object"}}}, "description": "OperationOutcome"}
ERRORS: dict[int | str, dict[str, Any]] = dict.fromkeys((401, 403, 404, 422, 429, 500), _OUTCOME)
BIRTHDATE = r"^(?:eq)?(\d{4}-\d{2}-\d{2})$"
_DATE = re.compile(BIRTHDATE)
FhirGender = Literal["male", "female", "other", "unknown"]
_FHIR_GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE, "other": None, "unknown": None}
_REVINCLUDE = "CareTeam:subject"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


def _birthdate(text: str | None) -> date | None:
    if not text:
        return None
    found = _DATE.match(text)
    if not found:
        raise ValidationError("birthdate", "give one day, as YYYY-MM-DD (an eq prefix is allowed)")
    try:
        return date.fromisoformat(found.group(1))
    except ValueError as error:
        raise ValidationError("birthdate", "is not a date") from error


def _gender(text: str | None) -> Gender | None:
    if not text:
        return None
    if text not in _FHIR_GENDERS:
        raise ValidationError("gender", "must be male, female, other or unknown")
    return _FHIR_GENDERS[text] or Gender.NOT_SPECIFIED


def _district(text: str | None) -> str | None:
    """A full postcode's outward code, or a district as given (the UI's search takes districts)."""
    cleaned = search.normalise_district(text)
    if cleaned is None or len(cleaned) <= 4:
        return cleaned
    return Postcode.parse(cleaned).outward


def _cp_id(text: str) -> ContactPointId:
    try:
        return ContactPointId(text)
    except ValidationError as error:
        raise NotFound("no such record") from error


def _opened(
    runtime: RuntimeDep, acting: Acting, request: Request, cp_id: str, *, with_care_teams: bool
) -> dict[str, Any]:
    """One record as a searchset (found by ID), audited as a view; none if it cannot be seen."""
    try:
        seen = view.view_child(runtime, acting.practitioner, _cp_id(cp_id), acting.reason)
    except NotFound:
        return resources.searchset(_base(request), [])
    entries: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = [
        (resources.patient(seen), "match", None)
    ]
    if with_care_teams:
        entries.extend((resources.care_team(seen.cp_id, item), "include", None) for item in seen.involvements)
    return resources.searchset(_base(request), entries)


def _identifier_value(identifier: str) -> str:
    system, bar, value = identifier.rpartition("|")
    if not bar or system == resources.CONTACTPOINT_ID_SYSTEM:
        return value
    if system == resources.NHS_NUMBER_SYSTEM:
        raise ValidationError("identifier", "searching by NHS number is not offered: use $match")
    raise ValidationError("identifier", "only the ContactPoint ID system is searchable")


def _search(runtime: RuntimeDep, acting: Acting, request: Request, params: PatientSearch) -> FhirResponse:
    family, given, birthdate, gender = params.family, params.given, params.birthdate, params.gender
    postalcode, identifier, resource_id = params.postalcode, params.identifier, params.resource_id
    revinclude = params.revinclude
    if revinclude not in (None, _REVINCLUDE):
        raise ValidationError("_revinclude", f"only {_REVINCLUDE} is supported")
    if identifier or resource_id:
        if family or given or birthdate or postalcode or gender or (identifier and resource_id):
            raise ValidationError("identifier", "an identifier or _id search takes no other criteria")
        cp_id = resource_id or _identifier_value(identifier or "")
        bundle = _opened(runtime, acting, request, cp_id, with_care_teams=revinclude is not None)
        return FhirResponse(resources.validated(bundle))
    wanted_gender = _gender(gender)
    criteria = search.SearchCriteria(
        family_name=family or "",
        given_name=given or None,
        date_of_birth=_birthdate(birthdate),
        postcode_district=_district(postalcode),
        reason=acting.reason,
    )
    hits = search.search_children(runtime, acting.practitioner, criteria)
    entries: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = [
        (resources.search_patient(hit), "match", None)
        for hit in hits
        if wanted_gender is None or hit.gender is wanted_gender
    ]
    return FhirResponse(resources.validated(resources.searchset(_base(request), entries)))


@router.get("/metadata", responses=ERRORS)
def capability_statement(request: Request) -> FhirResponse:
    """What this server offers (public, as FHIR expects; it holds no personal data)."""
    return FhirResponse(resources.validated(capability(_base(request))))


class PatientSearch(BaseModel):
    """PDQm search parameters, the same whether they come in the query or (names kept out of URLs) a form."""

    family: str | None = Field(default=None, max_length=70)
    given: str | None = Field(default=None, max_length=70)
    birthdate: str | None = Field(default=None, pattern=BIRTHDATE)
    gender: FhirGender | None = None
    postalcode: str | None = Field(default=None, alias="address-postalcode", max_length=10)
    identifier: str | None = Field(default=None, max_length=200)
    resource_id: str | None = Field(default=None, alias="_id", max_length=20)
    revinclude: str | None = Field(default=None, alias="_revinclude", max_length=40)


@router.get("/Patient", responses=ERRORS)
def search_patients(
    request: Request, params: Annotated[PatientSearch, Query()], runtime: RuntimeDep, acting: Searching
) -> FhirResponse:
    """IHE PDQm Patient search: the UI's search, as the named practitioner, audited first."""
    return _search(runtime, acting, request, params)


@router.post("/Patient/_search", responses=ERRORS)
def search_patients_by_form(
    request: Request, params: Annotated[PatientSearch, Form()], runtime: RuntimeDep, acting: Searching
) -> FhirResponse:
    """The same search with its criteria in the body, so no name or birthday is in a URL or a log."""
    return _search(runtime, acting, request, params)


def _match_input(body: dict[str, Any]) -> tuple[Patient, bool, int]:
    """The Patient to match, onlyCertainMatches and count, from Parameters or a bare Patient."""
    try:
        if body.get("resourceType") == "Patient":
            return Patient.model_validate(body), False, search.MAX_RESULTS
        if body.get("resourceType") != "Parameters":
            raise ValidationError("resourceType", "send a Parameters resource (or a Patient)")
        parameters = Parameters.model_validate(body)
    except ModelError as error:
        raise ValidationError(
            "resource", f"not a valid FHIR resource ({error.error_count()} problems)"
        ) from error
    query: Patient | None = None
    only_certain, count = False, search.MAX_RESULTS
    for parameter in parameters.parameter or []:
        if parameter.name == "resource" and parameter.resource is not None:
            if parameter.resource.get_resource_type() != "Patient":
                raise ValidationError("resource", "must be a Patient")
            query = Patient.model_validate(parameter.resource.model_dump(mode="json"))
        elif parameter.name == "onlyCertainMatches":
            only_certain = bool(parameter.valueBoolean)
        elif parameter.name == "count" and parameter.valueInteger is not None:
            count = int(parameter.valueInteger)
    if query is None:
        raise ValidationError("resource", "a Patient to match is required")
    return query, only_certain, count


def _match_query(patient: Patient, acting: Acting) -> matching.MatchQuery:
    names = [n for n in patient.name or [] if n.family]
    name = next((n for n in names if n.use in (None, "official", "usual")), names[0] if names else None)
    if name is None or not name.family:
        raise ValidationError("family_name", "is required")
    given = " ".join(str(g) for g in name.given or [])
    if patient.birthDate is None or not isinstance(patient.birthDate, date):
        raise ValidationError("date_of_birth", "a full birthDate is required to match")
    postcode = next((a.postalCode for a in patient.address or [] if a.postalCode), None)
    return matching.MatchQuery(
        family_name=str(name.family),
        given_name=given,
        date_of_birth=patient.birthDate,
        reason=acting.reason,
        gender=_gender(patient.gender) or Gender.NOT_SPECIFIED,
        postcode=Postcode.parse(str(postcode)) if postcode else None,
    )


# The body's shape for the OpenAPI document (the route itself takes any JSON and validates it as FHIR).
# Names as the record takes them, in Latin letters here (the record takes other scripts' letters too).
_NAME = r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ' -]{0,34}$"
_MATCH_PATIENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["resourceType", "name", "birthDate"],
    "properties": {
        "resourceType": {"enum": ["Patient"]},
        "name": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["family", "given"],
                "properties": {
                    "family": {"type": "string", "pattern": _NAME},
                    "given": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "pattern": _NAME},
                    },
                },
            },
        },
        "birthDate": {"type": "string", "format": "date"},
        "gender": {"enum": ["male", "female", "other", "unknown"]},
        "address": {
            "type": "array",
            "items": {"type": "object", "properties": {"postalCode": {"type": "string"}}},
        },
    },
}
_MATCH_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["resourceType", "parameter"],
    "properties": {
        "resourceType": {"enum": ["Parameters"]},
        "parameter": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "resource"],
                "properties": {"name": {"enum": ["resource"]}, "resource": _MATCH_PATIENT},
            },
        },
    },
}


@router.post(
    "/Patient/$match",
    responses=ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": {FHIR_JSON: {"schema": _MATCH_BODY}}}},
)
def match_patients(
    request: Request,
    *,
    runtime: RuntimeDep,
    acting: Matching,
    matcher: MatcherDep,
    body: Annotated[dict[str, Any], Body(media_type=FHIR_JSON)],
) -> FhirResponse:
    """PDQm $match: candidates graded certain, probable or possible by the feeds' model."""
    patient, only_certain, count = _match_input(body)
    hits = matching.match_children(
        runtime, matcher, acting.practitioner, _match_query(patient, acting), limit=count
    )
    if only_certain:
        hits = [hit for hit in hits if hit.grade is matching.MatchGrade.CERTAIN]
    entries = [resources.match_entry(hit) for hit in hits]
    return FhirResponse(resources.validated(resources.searchset(_base(request), list(entries))))


@router.get("/Patient/{resource_id}", responses=ERRORS)
def read_patient(resource_id: str, runtime: RuntimeDep, acting: Reading) -> FhirResponse:
    """The record as a Patient, as this practitioner may see it; audited as a view before it leaves."""
    seen = view.view_child(runtime, acting.practitioner, _cp_id(resource_id), acting.reason)
    return FhirResponse(resources.validated(resources.patient(seen)))


@router.get("/openapi.json", include_in_schema=False)
def openapi_document() -> JSONResponse:
    """The OpenAPI document of these routes alone (the JSON API has its own)."""
    return JSONResponse(
        get_openapi(title="ContactPoint FHIR R4", version="1", routes=router.routes, description=__doc__)
    )


def capability(base: str) -> dict[str, Any]:
    """The CapabilityStatement: Patient read, PDQm search and $match, for client systems."""
    search_params = [
        ("family", "string"),
        ("given", "string"),
        ("birthdate", "date"),
        ("gender", "token"),
        ("address-postalcode", "string"),
        ("identifier", "token"),
        ("_id", "token"),
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-04",
        "kind": "instance",
        "software": {"name": "ContactPoint"},
        "implementation": {"description": "ContactPoint: who else works with this child", "url": base},
        "fhirVersion": resources.FHIR_VERSION,
        "format": [FHIR_JSON],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": (
                        "A client system's key as a bearer token; every request names the practitioner "
                        "acted for (X-ContactPoint-Practitioner) and the reason (X-ContactPoint-Reason)."
                    )
                },
                "resource": [
                    {
                        "type": "Patient",
                        "profile": resources.UK_CORE_PATIENT,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchRevInclude": [_REVINCLUDE],
                        "searchParam": [{"name": name, "type": kind} for name, kind in search_params],
                        "operation": [
                            {
                                "name": "match",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-match",
                            }
                        ],
                    },
                    {"type": "CareTeam", "documentation": "returned with a Patient: _revinclude"},
                ],
            }
        ],
    }
