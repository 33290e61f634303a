"""The LA ContactPoint team's screens: the match-review queue, shielding requests and their second
administrator, review reminders, and the brokered-contact queue; and the practitioner's request for
brokered contact. Every rule is in the use cases (`app/review.py`, `app/shielding.py`); records and
requests are chosen by POSTed forms, never by URL.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.feeds import review
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards import shielding
from contactpoint.domain.errors import InvalidContactPointId, NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.web.charts import as_data_uri, explanation_chart_svg
from contactpoint.web.deps import ServicesDep, UiNeed
from contactpoint.web.forms import optional, parse_date
from contactpoint.web.pages import FormCsrf, FormText, check_csrf, form_errors, render

router = APIRouter(include_in_schema=False)

Reviewer = Annotated[Authenticated, Depends(UiNeed(Permission.WORK_REVIEW_QUEUE))]
Shielder = Annotated[Authenticated, Depends(UiNeed(Permission.DECIDE_SHIELDING))]
Broker = Annotated[Authenticated, Depends(UiNeed(Permission.BROKER_CONTACT))]
ContactAsker = Annotated[Authenticated, Depends(UiNeed(Permission.REQUEST_CONTACT))]
FormId = Annotated[int, Form(ge=1, le=2**31 - 1)]
FormChild = Annotated[str, Form(pattern=r"^[0-9]{12}$")]

REVIEW_DONE = {
    review.ReviewAction.LINK: "The row has been linked to the record",
    review.ReviewAction.NEW_CHILD: "A new record has been created",
    review.ReviewAction.REJECT: "The row has been rejected",
}


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


# The match-review queue ------------------------------------------------------------------------


@router.get("/review")
def review_queue(request: Request, runtime: ServicesDep, session: Reviewer) -> Response:
    """The LA's open items, private ones included: IDs, codes and weights only."""
    items = review.list_reviews(runtime, session.principal)
    total = review.count_reviews(runtime, session.principal)
    return render(request, "feeds/review_queue.html", {"items": items, "total": total}, session=session)


@router.post("/review/item")
def review_item(
    request: Request, runtime: ServicesDep, session: Reviewer, csrf_token: FormCsrf, item_id: FormId
) -> Response:
    """One item: the row beside its candidate, the explanation as a chart and a table (audited)."""
    check_csrf(session, csrf_token)
    opened = review.open_review(runtime, session.principal, item_id)
    chart = as_data_uri(explanation_chart_svg(opened.explanation)) if opened.explanation else None
    return render(request, "feeds/review_item.html", {"item": opened, "chart": chart}, session=session)


@router.post("/review/decision")
def review_decision(
    request: Request,
    runtime: ServicesDep,
    session: Reviewer,
    csrf_token: FormCsrf,
    item_id: FormId,
    action: Annotated[str, Form(max_length=8)],
) -> Response:
    """Link, new child or reject; then back to the queue."""
    check_csrf(session, csrf_token)
    try:
        chosen = review.ReviewAction(action)
    except ValueError as error:
        raise ValidationError("action", "choose link, new child or reject") from error
    cp_id = review.decide_review(runtime, session.principal, item_id, chosen)
    return render(
        request,
        "feeds/review_done.html",
        {"message": REVIEW_DONE[chosen], "cp_id": cp_id, "item_id": item_id},
        session=session,
    )


# Shielding -------------------------------------------------------------------------------------


def _shielding_page(
    request: Request,
    runtime: Runtime,
    session: Authenticated,
    notice: str | None = None,
) -> Response:
    principal = session.principal
    context = {
        "pending": shielding.pending_shielding_requests(runtime, principal),
        "due": shielding.shielding_reviews_due(runtime, principal),
        "notice": notice,
    }
    return render(request, "safeguards/shielding.html", context, session=session)


def _request_form(
    request: Request,
    session: Authenticated,
    form: dict[str, str],
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
def shielding_queue(request: Request, runtime: ServicesDep, session: Shielder) -> Response:
    """Requests waiting for a second administrator, and the shielded children due for review."""
    return _shielding_page(request, runtime, session)


@router.get("/shielding/request")
def shielding_request_form(request: Request, session: Shielder) -> Response:
    """The form to record a request to shield or unshield a child."""
    return _request_form(request, session, {}, [])


@router.post("/shielding/request")
def shielding_request_submit(
    request: Request,
    runtime: ServicesDep,
    session: Shielder,
    csrf_token: FormCsrf,
    cp_id: FormText = None,
    change: FormText = None,
    reason: FormText = None,
    requested_by: FormText = None,
    review_on_day: FormText = None,
    review_on_month: FormText = None,
    review_on_year: FormText = None,
) -> Response:
    """Record the request; another administrator of the LA decides it."""
    check_csrf(session, csrf_token)
    form = {
        "cp_id": cp_id or "",
        "change": change or "",
        "reason": reason or "",
        "requested_by": requested_by or "",
        "review_on_day": review_on_day or "",
        "review_on_month": review_on_month or "",
        "review_on_year": review_on_year or "",
    }
    try:
        child = _child_id(cp_id)
        details = ShieldingRequestDetails(
            _choice(ShieldingChange, "change", change, "choose shield or unshield"),
            _choice(ShieldingReason, "reason", reason, "choose a reason"),
            _choice(RequestedBy, "requested_by", requested_by, "choose who asked"),
            parse_date("review_on", review_on_day, review_on_month, review_on_year, required=False),
        )
        try:
            shielding.request_shielding_change(runtime, session.principal, child, details)
        except NotFound as error:
            raise ValidationError("cp_id", "no record of your local authority has this ID") from error
    except ValidationError as error:
        return _request_form(request, session, form, form_errors(error), 422)
    return _shielding_page(
        request, runtime, session, "The request has been recorded. Another administrator must decide it."
    )


@router.post("/shielding/decision")
def shielding_decision(
    request: Request,
    runtime: ServicesDep,
    session: Shielder,
    csrf_token: FormCsrf,
    request_id: FormId,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
) -> Response:
    """A second administrator approves (the record changes at once) or rejects."""
    check_csrf(session, csrf_token)
    approve = decision == "approve"
    shielding.decide_shielding_change(runtime, session.principal, request_id, approve=approve)
    notice = f"Request {request_id} has been {'approved' if approve else 'rejected'}."
    return _shielding_page(request, runtime, session, notice)


# Brokered contact ------------------------------------------------------------------------------


def _contact_page(
    request: Request, runtime: Runtime, session: Authenticated, notice: str | None = None
) -> Response:
    requests = shielding.open_contact_requests(runtime, session.principal)
    return render(
        request, "safeguards/contact_requests.html", {"requests": requests, "notice": notice}, session=session
    )


@router.get("/contact-requests")
def contact_queue(request: Request, runtime: ServicesDep, session: Broker) -> Response:
    """The LA team's brokering queue, oldest first: IDs and codes only."""
    return _contact_page(request, runtime, session)


@router.post("/contact-requests/outcome")
def contact_outcome(
    request: Request,
    runtime: ServicesDep,
    session: Broker,
    csrf_token: FormCsrf,
    request_id: FormId,
    outcome: FormText = None,
) -> Response:
    """Record that the team brokered the contact, or declined it."""
    check_csrf(session, csrf_token)
    chosen = _choice(ContactOutcome, "outcome", outcome, "choose brokered or declined")
    shielding.close_contact_request(runtime, session.principal, request_id, chosen)
    return _contact_page(request, runtime, session, f"Request {request_id} has been marked {chosen.value}.")


@router.post("/contact/form")
def contact_form(request: Request, session: ContactAsker, csrf_token: FormCsrf, cp_id: FormChild) -> Response:
    """The practitioner's form to ask the LA team to put them in touch."""
    check_csrf(session, csrf_token)
    context = {"cp_id": cp_id, "purposes": list(ContactPurpose), "errors": [], "form": {}}
    return render(request, "safeguards/contact_request.html", context, session=session)


@router.post("/contact")
def contact_submit(
    request: Request,
    runtime: ServicesDep,
    session: ContactAsker,
    csrf_token: FormCsrf,
    cp_id: FormChild,
    purpose: FormText = None,
) -> Response:
    """Send the request to the child's LA team (audited); the hidden details stay hidden."""
    check_csrf(session, csrf_token)
    try:
        chosen = _choice(ContactPurpose, "purpose", purpose, "choose why you need to get in touch")
        shielding.ask_for_brokered_contact(runtime, session.principal, ContactPointId(cp_id), chosen)
    except ValidationError as error:
        context = {
            "cp_id": cp_id,
            "purposes": list(ContactPurpose),
            "errors": form_errors(error),
            "form": {"purpose": purpose or ""},
        }
        return render(request, "safeguards/contact_request.html", context, session=session, status_code=422)
    return render(request, "safeguards/contact_done.html", {"cp_id": cp_id}, session=session)
