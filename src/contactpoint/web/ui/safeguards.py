"""Admin screens for the LA team: adoptions (four eyes) and consent. Thin: every rule is in app/."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.safeguards import adoption, consent
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import ExtensionBasis
from contactpoint.web.deps import ServicesDep, UiNeed
from contactpoint.web.forms import optional, parse_date
from contactpoint.web.pages import FormCsrf, FormText, check_csrf, form_errors, render

router = APIRouter(include_in_schema=False)

Adopter = Annotated[Authenticated, Depends(UiNeed(Permission.DECIDE_ADOPTION))]
ConsentKeeper = Annotated[Authenticated, Depends(UiNeed(Permission.MANAGE_CONSENT))]
FormId = Annotated[str, Form(pattern=r"^[0-9]{12}$")]
FormNumber = Annotated[int, Form(ge=1, le=2**31 - 1)]


class AdoptionForm(BaseModel):
    """The adoption form's fields (blank ones arrive as empty strings)."""

    csrf_token: str = Field(max_length=64)
    cp_id: str = Field("", max_length=20)
    given_name: str = Field("", max_length=70)
    family_name: str = Field("", max_length=70)
    address_line_1: str = Field("", max_length=70)
    address_line_2: str = Field("", max_length=70)
    town: str = Field("", max_length=70)
    postcode: str = Field("", max_length=10)
    la_code: str = Field("", max_length=5)
    parent_given: str = Field("", max_length=70)
    parent_family: str = Field("", max_length=70)
    parent_phone: str = Field("", max_length=20)
    parent_email: str = Field("", max_length=254)


# Adoptions -------------------------------------------------------------------------------------


def _adoptions_page(
    request: Request,
    runtime: ServicesDep,
    session: Authenticated,
    *,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    pending = adoption.pending_adoptions(runtime, session.principal)
    return render(
        request,
        "safeguards/adoptions.html",
        {"pending": pending, "form": form or {}, "errors": errors or []},
        session=session,
        status_code=status_code,
    )


@router.get("/adoptions")
def adoptions_page(request: Request, runtime: ServicesDep, session: Adopter) -> Response:
    """Adoptions waiting for a second administrator, and the form to record one."""
    return _adoptions_page(request, runtime, session)


@router.post("/adoptions")
def adoptions_record(
    request: Request, runtime: ServicesDep, session: Adopter, submitted: Annotated[AdoptionForm, Form()]
) -> Response:
    """Record an adoption; nothing changes until a second administrator approves it."""
    check_csrf(session, submitted.csrf_token)
    form = submitted.model_dump(exclude={"csrf_token"})
    try:
        cp_id = submitted.cp_id.strip()
        if not (cp_id.isdigit() and len(cp_id) == 12):
            raise ValidationError("cp_id", "enter the 12-digit ContactPoint ID of the birth record")
        identity = adoption.adoptive_identity(
            given=submitted.given_name,
            family=submitted.family_name,
            address_lines=[submitted.address_line_1, submitted.address_line_2],
            town=optional(submitted.town),
            postcode=submitted.postcode,
            la_code=submitted.la_code.strip(),
            parents=[
                adoption.AdoptiveParent(
                    submitted.parent_given,
                    submitted.parent_family,
                    optional(submitted.parent_phone),
                    optional(submitted.parent_email),
                )
            ],
        )
        adoption.request_adoption(runtime, session.principal, ContactPointId(cp_id), identity)
    except ValidationError as error:
        errors = form_errors(error)
        return _adoptions_page(request, runtime, session, form=form, errors=errors, status_code=422)
    return render(
        request,
        "safeguards/adoption_done.html",
        {"message": "The adoption has been recorded", "new_cp_id": None, "approved": None},
        session=session,
    )


@router.post("/adoptions/decision")
def adoptions_decide(
    request: Request,
    runtime: ServicesDep,
    session: Adopter,
    csrf_token: FormCsrf,
    request_id: FormNumber,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
) -> Response:
    """A second administrator approves (the new ID is shown this once) or rejects."""
    check_csrf(session, csrf_token)
    approve = action == "approve"
    new_id = adoption.decide_adoption(runtime, session.principal, request_id, approve=approve)
    return render(
        request,
        "safeguards/adoption_done.html",
        {
            "message": "The adoption has been approved" if approve else "The adoption has been rejected",
            "new_cp_id": new_id.value if new_id else None,
            "approved": approve,
        },
        session=session,
    )


# Consent ---------------------------------------------------------------------------------------


def _consent_page(
    request: Request,
    runtime: ServicesDep,
    session: Authenticated,
    cp_id: str | None,
    *,
    form: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    view = consent.consents_of(runtime, session.principal, ContactPointId(cp_id)) if cp_id else None
    return render(
        request,
        "safeguards/consent.html",
        {
            "view": view,
            "bases": list(ExtensionBasis),
            "form": form or {},
            "errors": errors or [],
            "message": message,
        },
        session=session,
        status_code=status_code,
    )


@router.get("/consent")
def consent_lookup(request: Request, runtime: ServicesDep, session: ConsentKeeper) -> Response:
    """Ask for the child whose consent is to be recorded."""
    return _consent_page(request, runtime, session, None)


@router.post("/consent")
def consent_show(
    request: Request,
    runtime: ServicesDep,
    session: ConsentKeeper,
    csrf_token: FormCsrf,
    cp_id: FormText = None,
) -> Response:
    """The consents a record of the LA rests on (reading them is audited)."""
    check_csrf(session, csrf_token)
    wanted = optional(cp_id) or ""
    if not (wanted.isdigit() and len(wanted) == 12):
        error = ValidationError("cp_id", "enter the 12-digit ContactPoint ID")
        return _consent_page(request, runtime, session, None, errors=form_errors(error), status_code=422)
    return _consent_page(request, runtime, session, wanted)


@router.post("/consent/retention")
def consent_retention(
    request: Request,
    runtime: ServicesDep,
    session: ConsentKeeper,
    csrf_token: FormCsrf,
    cp_id: FormId,
    version: FormNumber,
    basis: FormText = None,
    consented_day: FormText = None,
    consented_month: FormText = None,
    consented_year: FormText = None,
) -> Response:
    """Record consent to keep the record to 25."""
    check_csrf(session, csrf_token)
    form = {
        "basis": basis or "",
        "consented_day": consented_day or "",
        "consented_month": consented_month or "",
        "consented_year": consented_year or "",
    }
    try:
        if basis not in {b.value for b in ExtensionBasis}:
            raise ValidationError("basis", "choose why the record is kept to 25")
        consented_on = parse_date(
            "consented_on", consented_day, consented_month, consented_year, required=True
        )
        if consented_on is None:  # parse_date returns a date when one is required
            raise ValidationError("consented_on", "enter a date")
        consent.record_retention_consent(
            runtime,
            session.principal,
            ContactPointId(cp_id),
            basis=ExtensionBasis(basis),
            consented_on=consented_on,
            expected_version=version,
        )
    except ValidationError as error:
        return _consent_page(
            request, runtime, session, cp_id, form=form, errors=form_errors(error), status_code=422
        )
    return _consent_page(request, runtime, session, cp_id, message="Consent to keep the record is recorded")


@router.post("/consent/retention/withdrawal")
def consent_retention_withdrawal(
    request: Request,
    runtime: ServicesDep,
    session: ConsentKeeper,
    csrf_token: FormCsrf,
    cp_id: FormId,
    version: FormNumber,
) -> Response:
    """Record today that consent to keep the record was withdrawn."""
    check_csrf(session, csrf_token)
    consent.withdraw_retention_consent(
        runtime,
        session.principal,
        ContactPointId(cp_id),
        withdrawn_on=runtime.clock.now().date(),
        expected_version=version,
    )
    return _consent_page(
        request,
        runtime,
        session,
        cp_id,
        message="Withdrawn: the record is archived at the next retention run",
    )


@router.post("/consent/sensitive/withdrawal")
def consent_sensitive_withdrawal(
    request: Request,
    runtime: ServicesDep,
    session: ConsentKeeper,
    csrf_token: FormCsrf,
    cp_id: FormId,
    version: FormNumber,
    index: Annotated[int, Form(ge=0, le=63)],
) -> Response:
    """Consent to record a sensitive service was withdrawn: its involvement is removed."""
    check_csrf(session, csrf_token)
    consent.withdraw_sensitive_consent(
        runtime, session.principal, ContactPointId(cp_id), index=index, expected_version=version
    )
    return _consent_page(request, runtime, session, cp_id, message="The sensitive service has been removed")
