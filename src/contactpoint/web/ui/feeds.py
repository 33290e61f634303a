"""The LA ContactPoint team's match-review queue: rows the linker held, opened beside their candidate
and decided. Every rule is in the use case (`app/feeds/review.py`); items are chosen by POSTed forms,
never by URL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.feeds import review
from contactpoint.domain.errors import ValidationError
from contactpoint.web.charts import as_data_uri, explanation_chart_svg
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.pages import UiForm, check_csrf, render

router = APIRouter(include_in_schema=False)

Reviewer = Annotated[Authenticated, Depends(UiNeed(Permission.WORK_REVIEW_QUEUE))]

REVIEW_DONE = {
    review.ReviewAction.LINK: "The row has been linked to the record",
    review.ReviewAction.NEW_CHILD: "A new record has been created",
    review.ReviewAction.REJECT: "The row has been rejected",
}


class ReviewItemForm(UiForm):
    """An item chosen from the queue."""

    item_id: int = Field(ge=1, le=2**31 - 1)


class ReviewDecisionForm(ReviewItemForm):
    """Link, new child or reject."""

    action: str = Field(max_length=8)


@router.get("/review")
def review_queue(request: Request, runtime: RuntimeDep, session: Reviewer) -> Response:
    """The LA's open items, private ones included: IDs, codes and weights only."""
    items = review.list_reviews(runtime, session.principal)
    total = review.count_reviews(runtime, session.principal)
    context = {"items": items, "total": total, "thresholds": _thresholds(runtime)}
    return render(request, "feeds/review_queue.html", context, session=session)


def _thresholds(runtime: RuntimeDep) -> dict[str, float]:
    """The match weights that decide a row without a person, explained on the review pages."""
    return {"upper": runtime.settings.link_upper_weight, "lower": runtime.settings.link_lower_weight}


@router.post("/review/item")
def review_item(
    request: Request, runtime: RuntimeDep, session: Reviewer, form: Annotated[ReviewItemForm, Form()]
) -> Response:
    """One item: the row beside its candidate, the explanation as a chart and a table (audited)."""
    check_csrf(session, form.csrf_token)
    opened = review.open_review(runtime, session.principal, form.item_id)
    chart = as_data_uri(explanation_chart_svg(opened.explanation)) if opened.explanation else None
    context = {"item": opened, "chart": chart, "thresholds": _thresholds(runtime)}
    return render(request, "feeds/review_item.html", context, session=session)


@router.post("/review/decision")
def review_decision(
    request: Request, runtime: RuntimeDep, session: Reviewer, form: Annotated[ReviewDecisionForm, Form()]
) -> Response:
    """Link, new child or reject; then back to the queue."""
    check_csrf(session, form.csrf_token)
    try:
        chosen = review.ReviewAction(form.action)
    except ValueError as error:
        raise ValidationError("action", "choose link, new child or reject") from error
    cp_id = review.decide_review(runtime, session.principal, form.item_id, chosen)
    return render(
        request,
        "feeds/review_done.html",
        {"message": REVIEW_DONE[chosen], "cp_id": cp_id, "item_id": form.item_id},
        session=session,
    )
