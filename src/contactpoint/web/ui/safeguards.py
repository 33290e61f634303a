"""The LA ContactPoint team's safeguard screens: shielding requests and their second administrator,
review reminders, the brokered-contact queue, adoptions (four eyes) and consent; and the practitioner's
request for brokered contact. Thin: every rule is in `app/safeguards/`; records and requests are chosen
by POSTed forms, never by URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

import msgspec
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.geography.directory import authority_names
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards import adoption, consent, shielding
from contactpoint.domain.errors import InvalidContactPointId, NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import Carer, ContactDetails, PersonName, check_la_code
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import ExtensionBasis
from contactpoint.web import states
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.forms import optional, parse_date
from contactpoint.web.labels import label
from contactpoint.web.pages import Checks, UiForm, check_csrf, form_errors, render

router = APIRouter(include_in_schema=False)

Shielder = Annotated[Authenticated, Depends(UiNeed(Permission.DECIDE_SHIELDING))]
Broker = Annotated[Authenticated, Depends(UiNeed(Permission.BROKER_CONTACT))]
ContactAsker = Annotated[Authenticated, Depends(UiNeed(Permission.REQUEST_CONTACT))]
Adopter = Annotated[Authenticated, Depends(UiNeed(Permission.DECIDE_ADOPTION))]
ConsentKeeper = Annotated[Authenticated, Depends(UiNeed(Permission.MANAGE_CONSENT))]

NUMBER = Field(ge=1, le=2**31 - 1)
CHILD_ID = Field(pattern=r"^[0-9]{12}$")


class ShieldingRequestForm(UiForm):
    """A request to shield or unshield a child (the ID may be typed with spaces)."""

    cp_id: str | None = None
    change: str | None = None
    reason: str | None = None
    requested_by: str | None = None
    review_on_day: str | None = None
    review_on_month: str | None = None
    review_on_year: str | None = None


class ChosenChild(UiForm):
    """The child whose record page started an action (its form opens with the ID filled in)."""

    cp_id: str = CHILD_ID


class ShieldingDecisionForm(UiForm):
    """The second administrator's decision on a request."""

    request_id: int = NUMBER
    decision: str = Field(pattern="^(approve|reject)$")


class ContactOutcomeForm(UiForm):
    """The LA team's outcome for a contact request."""

    request_id: int = NUMBER
    outcome: str | None = None


class ContactForm(UiForm):
    """The child a practitioner asks to be put in touch about, and why."""

    cp_id: str = CHILD_ID
    purpose: str | None = None


class AdoptionForm(UiForm):
    """The adoption form's fields (blank ones arrive as empty strings)."""

    csrf_token: str = Field(max_length=64)
    cp_id: str = Field("", max_length=20)
    given_name: str = Field("", max_length=70)
    family_name: str = Field("", max_length=70)
    address_line_1: str = Field("", max_length=70)
    address_line_2: str = Field("", max_length=70)
    town: str = Field("", max_length=70)
    postcode: str = Field("", max_length=10)
    la_code: str = Field("", max_length=9)
    parent_given: str = Field("", max_length=70)
    parent_family: str = Field("", max_length=70)
    parent_phone: str = Field("", max_length=20)
    parent_email: str = Field("", max_length=254)


class AdoptionDecisionForm(UiForm):
    """The second administrator's decision on an adoption."""

    request_id: int = NUMBER
    action: str = Field(pattern="^(approve|reject)$")


class ConsentLookupForm(UiForm):
    """The child whose consents are to be shown."""

    cp_id: str | None = None


class ConsentTarget(UiForm):
    """The record, and the version its consent page showed; `consent_id` is that page's saved state."""

    cp_id: str = CHILD_ID
    version: int = NUMBER
    consent_id: str | None = Field(default=None, max_length=32)


class RetentionConsentForm(ConsentTarget):
    """Consent to keep the record to 25: why, and when it was given."""

    basis: str | None = None
    consented_day: str | None = None
    consented_month: str | None = None
    consented_year: str | None = None


class SensitiveWithdrawalForm(ConsentTarget):
    """The sensitive involvement whose consent was withdrawn."""

    index: int = Field(ge=0, le=63)


Choice = TypeVar("Choice", ShieldingChange, ShieldingReason, RequestedBy, ContactPurpose, ContactOutcome)


def _choice(kind: type[Choice], field: str, value: str | None, rule: str) -> Choice:
    """A closed-list form value, or a validation error naming the field (never the value)."""
    try:
        return kind(value or "")
    except ValueError as error:
        raise ValidationError(field, rule) from error


def _child_id(text: str | None) -> ContactPointId:
    """The ContactPoint ID typed into a form (spaces allowed), reported against the form's field."""
    try:
        return ContactPointId.parse(optional(text) or "")
    except InvalidContactPointId as error:
        raise ValidationError("cp_id", error.rule) from error


def _confirm_page(
    request: Request,
    session: Authenticated,
    *,
    heading: str,
    rows: list[tuple[str, str]],
    consequence: str,
    action: str,
    fields: dict[str, str],
    approve: bool,
    cancel_href: str,
) -> Response:
    """The GOV.UK "check and confirm" page before a decision; its Confirm button posts the decision."""
    context = {
        "heading": heading,
        "rows": rows,
        "consequence": consequence,
        "action": action,
        "fields": fields,
        "approve": approve,
        "cancel_href": cancel_href,
    }
    return render(request, "safeguards/confirm_decision.html", context, session=session)


# Shielding -------------------------------------------------------------------------------------


_SHIELDING_DONE = {
    "requested": "Request {n} has been recorded. Another administrator must decide it.",
    "approved": "Request {n} has been approved.",
    "rejected": "Request {n} has been rejected.",
}
_CONTACT_DONE = {
    "brokered": "Request {n} has been marked brokered.",
    "declined": "Request {n} has been marked declined.",
}
RequestNumber = Annotated[int | None, Query(alias="request", ge=1, le=2**31 - 1)]


def _done(messages: dict[str, str], done: str | None, number: int | None) -> str | None:
    """The banner for what the form that redirected here did (`?done=...&request=N`), if anything."""
    message = messages.get(done or "")
    return None if message is None or number is None else message.format(n=number)


def _shielding_page(
    request: Request, runtime: Runtime, session: Authenticated, notice: str | None
) -> Response:
    lists = shielding.shielding_lists(runtime, session.principal)
    context = {"pending": lists.pending, "due": lists.due, "children": lists.children, "notice": notice}
    return render(request, "safeguards/shielding.html", context, session=session)


def _request_form(
    request: Request,
    session: Authenticated,
    form: dict[str, Any],
    errors: list[dict[str, str]],
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "changes": list(ShieldingChange),
        "shield_reasons": list(ShieldingReason),
        "askers": list(RequestedBy),
    }
    return render(
        request, "safeguards/shielding_request.html", context, session=session, status_code=status_code
    )


@router.get("/shielding")
def shielding_queue(
    request: Request,
    runtime: RuntimeDep,
    session: Shielder,
    done: str | None = None,
    number: RequestNumber = None,
) -> Response:
    """Requests waiting for a second administrator, and the shielded children due for review, each
    child named; `done` says what the form that redirected here did."""
    return _shielding_page(request, runtime, session, _done(_SHIELDING_DONE, done, number))


@router.get("/shielding/request")
def shielding_request_form(request: Request, session: Shielder) -> Response:
    """The form to record a request to shield or unshield a child."""
    return _request_form(request, session, {}, [])


@router.post("/shielding/request/form")
def shielding_request_for_child(
    request: Request, session: Shielder, form: Annotated[ChosenChild, Form()]
) -> Response:
    """The request form started from a child's record, with its ID filled in (posted, not in the URL)."""
    check_csrf(session, form.csrf_token)
    return _request_form(request, session, {"cp_id": form.cp_id}, [])


@router.post("/shielding/request")
def shielding_request_submit(
    request: Request,
    runtime: RuntimeDep,
    session: Shielder,
    form: Annotated[ShieldingRequestForm, Form()],
) -> Response:
    """Record the request; another administrator of the LA decides it."""
    check_csrf(session, form.csrf_token)
    check = Checks()
    child = check(lambda: _child_id(form.cp_id))
    change = check(lambda: _choice(ShieldingChange, "change", form.change, "choose shield or unshield"))
    reason = check(lambda: _choice(ShieldingReason, "reason", form.reason, "choose a reason"))
    asker = check(lambda: _choice(RequestedBy, "requested_by", form.requested_by, "choose who asked"))
    review_on = check(
        lambda: parse_date(
            "review_on", form.review_on_day, form.review_on_month, form.review_on_year, required=False
        )
    )
    if check.errors or child is None or change is None or reason is None or asker is None:
        return _request_form(request, session, form.echo(), check.errors, 422)
    try:
        details = ShieldingRequestDetails(change, reason, asker, review_on)
        try:
            request_id = shielding.request_shielding_change(runtime, session.principal, child, details)
        except NotFound as error:
            raise ValidationError("cp_id", "no record of your local authority has this ID") from error
    except ValidationError as error:
        return _request_form(request, session, form.echo(), form_errors(error), 422)
    return RedirectResponse(f"/shielding?done=requested&request={request_id}", status_code=303)


@router.post("/shielding/decision/check")
def shielding_decision_check(
    request: Request,
    runtime: RuntimeDep,
    session: Shielder,
    form: Annotated[ShieldingDecisionForm, Form()],
) -> Response:
    """Check and confirm: the child, the change asked for and the decision; nothing is decided yet."""
    check_csrf(session, form.csrf_token)
    approve = form.decision == "approve"
    found = shielding.shielding_request_to_decide(runtime, session.principal, form.request_id)
    details = found.request.details
    rows = [
        ("Child", found.child_name or "Not shown"),
        ("ContactPoint ID", found.request.cp_id.formatted()),
        ("Change asked for", label(details.change)),
        ("Reason", label(details.reason)),
        ("Asked by", label(details.requested_by)),
        ("Decision", "Approve" if approve else "Reject"),
    ]
    consequence = (
        "The record's status changes as soon as you confirm."
        if approve
        else "The request is closed and the record stays as it is."
    )
    heading = f"{'Approve' if approve else 'Reject'} shielding request {form.request_id}?"
    return _confirm_page(
        request,
        session,
        heading=heading,
        rows=rows,
        consequence=consequence,
        action="/shielding/decision",
        fields={"request_id": str(form.request_id), "decision": form.decision},
        approve=approve,
        cancel_href="/shielding",
    )


@router.post("/shielding/decision")
def shielding_decision(
    runtime: RuntimeDep,
    session: Shielder,
    form: Annotated[ShieldingDecisionForm, Form()],
) -> Response:
    """A second administrator approves (the record changes at once) or rejects."""
    check_csrf(session, form.csrf_token)
    approve = form.decision == "approve"
    shielding.decide_shielding_change(runtime, session.principal, form.request_id, approve=approve)
    done = "approved" if approve else "rejected"
    return RedirectResponse(f"/shielding?done={done}&request={form.request_id}", status_code=303)


# Brokered contact ------------------------------------------------------------------------------


@router.get("/contact-requests")
def contact_queue(
    request: Request,
    runtime: RuntimeDep,
    session: Broker,
    done: str | None = None,
    number: RequestNumber = None,
) -> Response:
    """The LA team's brokering queue, oldest first, each child named."""
    requests, children = shielding.contact_queue(runtime, session.principal)
    notice = _done(_CONTACT_DONE, done, number)
    context = {"requests": requests, "children": children, "notice": notice}
    return render(request, "safeguards/contact_requests.html", context, session=session)


@router.post("/contact-requests/outcome")
def contact_outcome(
    runtime: RuntimeDep, session: Broker, form: Annotated[ContactOutcomeForm, Form()]
) -> Response:
    """Record that the team brokered the contact, or declined it."""
    check_csrf(session, form.csrf_token)
    chosen = _choice(ContactOutcome, "outcome", form.outcome, "choose brokered or declined")
    shielding.close_contact_request(runtime, session.principal, form.request_id, chosen)
    return RedirectResponse(
        f"/contact-requests?done={chosen.value}&request={form.request_id}", status_code=303
    )


def _contact_request_page(
    request: Request,
    session: Authenticated,
    form: ContactForm,
    errors: list[dict[str, str]],
    status_code: int = 200,
) -> Response:
    context = {
        "cp_id": form.cp_id,
        "purposes": list(ContactPurpose),
        "errors": errors,
        "form": form.echo() if errors else {},
    }
    return render(
        request, "safeguards/contact_request.html", context, session=session, status_code=status_code
    )


@router.post("/contact/form")
def contact_form(request: Request, session: ContactAsker, form: Annotated[ContactForm, Form()]) -> Response:
    """The practitioner's form to ask the LA team to put them in touch."""
    check_csrf(session, form.csrf_token)
    return _contact_request_page(request, session, form, [])


@router.post("/contact")
def contact_submit(
    request: Request,
    runtime: RuntimeDep,
    session: ContactAsker,
    form: Annotated[ContactForm, Form()],
) -> Response:
    """Send the request to the child's LA team (audited); the hidden details stay hidden."""
    check_csrf(session, form.csrf_token)
    try:
        chosen = _choice(ContactPurpose, "purpose", form.purpose, "choose why you need to get in touch")
        shielding.ask_for_brokered_contact(runtime, session.principal, ContactPointId(form.cp_id), chosen)
    except ValidationError as error:
        return _contact_request_page(request, session, form, form_errors(error), 422)
    return render(request, "safeguards/contact_done.html", {"cp_id": form.cp_id}, session=session)


# Adoptions -------------------------------------------------------------------------------------


_ADOPTION_DONE = {
    "recorded": "The adoption has been recorded. Another administrator must decide it.",
    "rejected": "The adoption has been rejected and its details erased.",
}


def _adoptions_page(
    request: Request,
    runtime: Runtime,
    session: Authenticated,
    *,
    form: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    pending = adoption.adoptions_waiting(runtime, session.principal)
    return render(
        request,
        "safeguards/adoptions.html",
        {"pending": pending, "form": form or {}, "errors": errors or [], "notice": notice},
        session=session,
        status_code=status_code,
    )


@router.get("/adoptions")
def adoptions_page(
    request: Request, runtime: RuntimeDep, session: Adopter, done: str | None = None
) -> Response:
    """Adoptions waiting for a second administrator (each child by the birth identity), and the form
    to record one."""
    return _adoptions_page(request, runtime, session, notice=_ADOPTION_DONE.get(done or ""))


@router.post("/adoptions/form")
def adoptions_form_for_child(
    request: Request, runtime: RuntimeDep, session: Adopter, form: Annotated[ChosenChild, Form()]
) -> Response:
    """The adoption form started from a child's record, with the birth record's ID filled in."""
    check_csrf(session, form.csrf_token)
    return _adoptions_page(request, runtime, session, form={"cp_id": form.cp_id})


# The adoption form's field for each rule the use case names otherwise, so every error links to a field.
_ADOPTION_FIELDS = {
    "address_lines": "address_line_1",
    "phone": "parent_phone",
    "email": "parent_email",
    "carers": "parent_given",
    "status": "cp_id",
    "request": "cp_id",
}


def _as_field(field: str, check: Callable[[], object]) -> Callable[[], object]:
    """A check whose broken rule is reported against the form's `field`."""

    def checked() -> object:
        try:
            return check()
        except ValidationError as error:
            raise ValidationError(field, error.rule) from error

    return checked


def _adoption_checks(submitted: AdoptionForm) -> Checks:
    """Every field of the adoption form checked on its own, so the error summary lists every rule broken."""
    check = Checks()
    check(lambda: _child_id(submitted.cp_id))
    for field in ("given_name", "family_name", "parent_given", "parent_family"):
        value: str = getattr(submitted, field)
        check(_as_field(field, partial(PersonName.of, value, value)))
    if not submitted.address_line_1.strip():
        check.errors.append({"field": "address_line_1", "text": "Enter the first line of the address"})
    check(lambda: Postcode.parse(submitted.postcode))
    check(lambda: check_la_code(submitted.la_code.strip()))
    check(_as_field("parent_phone", lambda: ContactDetails(phone=optional(submitted.parent_phone))))
    check(_as_field("parent_email", lambda: ContactDetails(email=optional(submitted.parent_email))))
    return check


@router.post("/adoptions")
def adoptions_record(
    request: Request, runtime: RuntimeDep, session: Adopter, submitted: Annotated[AdoptionForm, Form()]
) -> Response:
    """Record an adoption, then back to the list (post/redirect/get); nothing changes until a second
    administrator approves it."""
    check_csrf(session, submitted.csrf_token)
    check = _adoption_checks(submitted)
    if not check.errors:
        try:
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
            try:
                adoption.request_adoption(runtime, session.principal, _child_id(submitted.cp_id), identity)
            except NotFound as error:
                raise ValidationError("cp_id", "no record of your local authority has this ID") from error
        except ValidationError as error:
            field = _ADOPTION_FIELDS.get(error.field, error.field)
            check.errors += form_errors(ValidationError(field, error.rule))
    if check.errors:
        return _adoptions_page(
            request, runtime, session, form=submitted.echo(), errors=check.errors, status_code=422
        )
    return RedirectResponse("/adoptions?done=recorded", status_code=303)


def _parent(carer: Carer) -> str:
    """An adoptive parent as the confirmation page lists them: name, then any phone and email."""
    parts = [f"{carer.name.given} {carer.name.family}", carer.contact.phone, carer.contact.email]
    return ", ".join(part for part in parts if part)


@router.post("/adoptions/decision/check")
def adoptions_decision_check(
    request: Request,
    runtime: RuntimeDep,
    session: Adopter,
    form: Annotated[AdoptionDecisionForm, Form()],
) -> Response:
    """Check and confirm: the birth record, the adoptive name and the decision; nothing is decided yet."""
    check_csrf(session, form.csrf_token)
    approve = form.action == "approve"
    pending = adoption.adoption_to_decide(runtime, session.principal, form.request_id)
    identity = pending.identity
    name = identity.names.current
    address = identity.whereabouts.address
    rows = [
        ("Birth record", pending.birth_id.formatted()),
        ("Name after adoption", f"{name.given} {name.family}"),
        ("Address", ", ".join([*address.lines, *filter(None, [address.town]), str(address.postcode)]))
        if address
        else ("Address", "Not known"),
        ("Local authority", authority_names(runtime).get(identity.la_code, identity.la_code)),
        *(
            (
                "Adoptive parent",
                ", ".join(
                    filter(None, [f"{c.name.given} {c.name.family}", c.contact.phone, c.contact.email])
                ),
            )
            for c in identity.carers
        ),
        ("Decision", "Approve" if approve else "Reject"),
    ]
    consequence = (
        "The birth record is sealed and a new record with a new ContactPoint ID is issued as soon as you "
        "confirm. Nothing links the two afterwards."
        if approve
        else "The adoption is not recorded and its details are erased."
    )
    return _confirm_page(
        request,
        session,
        heading=f"{'Approve' if approve else 'Reject'} adoption {form.request_id}?",
        rows=rows,
        consequence=consequence,
        action="/adoptions/decision",
        fields={"request_id": str(form.request_id), "action": form.action},
        approve=approve,
        cancel_href="/adoptions",
    )


@router.post("/adoptions/decision")
def adoptions_decide(
    request: Request,
    runtime: RuntimeDep,
    session: Adopter,
    form: Annotated[AdoptionDecisionForm, Form()],
) -> Response:
    """A second administrator approves (the new ID is shown this once, on this response: a saved page
    would keep it beside the moment of the birth record's sealing) or rejects (back to the list)."""
    check_csrf(session, form.csrf_token)
    approve = form.action == "approve"
    new_id = adoption.decide_adoption(runtime, session.principal, form.request_id, approve=approve)
    if not approve:
        return RedirectResponse("/adoptions?done=rejected", status_code=303)
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


class ConsentShown(msgspec.Struct, frozen=True):
    """The child whose consent page is open, saved for its opaque URL."""

    cp_id: str


_CONSENT_DONE = {
    "recorded": "Consent to keep the record is recorded",
    "withdrawn": "Withdrawn: the record is archived at the next retention run",
    "removed": "The sensitive service has been removed",
}


def _consent_page(
    request: Request,
    runtime: Runtime,
    session: Authenticated,
    cp_id: str | None,
    *,
    consent_id: str | None = None,
    form: dict[str, Any] | None = None,
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
            "consent_id": consent_id,
            "bases": list(ExtensionBasis),
            "form": form or {},
            "errors": errors or [],
            "message": message,
        },
        session=session,
        status_code=status_code,
    )


def _after_consent_change(
    request: Request, runtime: Runtime, session: Authenticated, form: ConsentTarget, done: str
) -> Response:
    """Back to the consent page it was made from (post/redirect/get); if that has expired, the page
    shown again here."""
    shown = states.load(request, runtime, "consent", form.consent_id, ConsentShown)
    if shown is not None and shown.cp_id == form.cp_id:
        return RedirectResponse(f"/consent/child/{form.consent_id}?done={done}", status_code=303)
    return _consent_page(request, runtime, session, form.cp_id, message=_CONSENT_DONE[done])


@router.get("/consent")
def consent_lookup(request: Request, runtime: RuntimeDep, session: ConsentKeeper) -> Response:
    """Ask for the child whose consent is to be recorded."""
    return _consent_page(request, runtime, session, None)


@router.post("/consent")
def consent_show(
    request: Request,
    runtime: RuntimeDep,
    session: ConsentKeeper,
    form: Annotated[ConsentLookupForm, Form()],
) -> Response:
    """Open a child's consent page at an opaque URL (the ID is saved for this session, never in a URL)."""
    check_csrf(session, form.csrf_token)
    try:
        child = _child_id(form.cp_id)
    except ValidationError as error:
        errors = form_errors(error)
        return _consent_page(
            request, runtime, session, None, form=form.echo(), errors=errors, status_code=422
        )
    consent_id = states.save(request, runtime, "consent", ConsentShown(child.value))
    return RedirectResponse(f"/consent/child/{consent_id}", status_code=303)


@router.get("/consent/child/{consent_id}")
def consent_child(
    request: Request, runtime: RuntimeDep, session: ConsentKeeper, consent_id: str, done: str | None = None
) -> Response:
    """A child's consents (each reading audited); gone or expired: the lookup form."""
    shown = states.load(request, runtime, "consent", consent_id, ConsentShown)
    if shown is None:
        return RedirectResponse("/consent", status_code=303)
    message = _CONSENT_DONE.get(done or "")
    return _consent_page(request, runtime, session, shown.cp_id, consent_id=consent_id, message=message)


@router.post("/consent/retention")
def consent_retention(
    request: Request,
    runtime: RuntimeDep,
    session: ConsentKeeper,
    form: Annotated[RetentionConsentForm, Form()],
) -> Response:
    """Record consent to keep the record to 25; every rule broken is listed at once."""
    check_csrf(session, form.csrf_token)
    check = Checks()
    if form.basis not in {b.value for b in ExtensionBasis}:
        check.errors.append({"field": "basis", "text": "Choose why the record is kept to 25"})
    consented_on = check(
        lambda: parse_date(
            "consented_on", form.consented_day, form.consented_month, form.consented_year, required=True
        )
    )
    if not check.errors and consented_on is not None and form.basis is not None:
        check(
            lambda: consent.record_retention_consent(
                runtime,
                session.principal,
                ContactPointId(form.cp_id),
                basis=ExtensionBasis(form.basis or ""),
                consented_on=consented_on,
                expected_version=form.version,
            )
        )
    if check.errors:
        return _consent_page(
            request,
            runtime,
            session,
            form.cp_id,
            consent_id=form.consent_id,
            form=form.echo(),
            errors=check.errors,
            status_code=422,
        )
    return _after_consent_change(request, runtime, session, form, "recorded")


@router.post("/consent/retention/withdrawal")
def consent_retention_withdrawal(
    request: Request,
    runtime: RuntimeDep,
    session: ConsentKeeper,
    form: Annotated[ConsentTarget, Form()],
) -> Response:
    """Record today that consent to keep the record was withdrawn."""
    check_csrf(session, form.csrf_token)
    consent.withdraw_retention_consent(
        runtime,
        session.principal,
        ContactPointId(form.cp_id),
        withdrawn_on=runtime.clock.now().date(),
        expected_version=form.version,
    )
    return _after_consent_change(request, runtime, session, form, "withdrawn")


@router.post("/consent/sensitive/withdrawal")
def consent_sensitive_withdrawal(
    request: Request,
    runtime: RuntimeDep,
    session: ConsentKeeper,
    form: Annotated[SensitiveWithdrawalForm, Form()],
) -> Response:
    """Consent to record a sensitive service was withdrawn: its involvement is removed."""
    check_csrf(session, form.csrf_token)
    consent.withdraw_sensitive_consent(
        runtime,
        session.principal,
        ContactPointId(form.cp_id),
        index=form.index,
        expected_version=form.version,
    )
    return _after_consent_change(request, runtime, session, form, "removed")
