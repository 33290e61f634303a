"""The children API: search, opening a record with a reason, and recording involvements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children import involvements, search, view
from contactpoint.app.children.view import ChildView
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.web.api.children_schemas import (
    InvolvementCreate,
    InvolvementEnd,
    LeadChange,
    SearchCreate,
    SearchRead,
    ViewCreate,
)
from contactpoint.web.api.shared import ERRORS, ChildId, InvolvementIndex, VersionRead, links
from contactpoint.web.deps import Need, RuntimeDep

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Practice = Annotated[Authenticated, Depends(Need(Permission.SEARCH_CHILDREN))]
Viewer = Annotated[Authenticated, Depends(Need(Permission.VIEW_CHILD))]
Recorder = Annotated[Authenticated, Depends(Need(Permission.WRITE_INVOLVEMENT))]
LeadChanger = Annotated[Authenticated, Depends(Need(Permission.CHANGE_LEAD))]


def _involvement_input(body: InvolvementCreate) -> involvements.InvolvementInput:
    return involvements.InvolvementInput(
        practitioner_given=body.practitioner_given,
        practitioner_family=body.practitioner_family,
        start=body.start,
        phone=body.phone,
        email=body.email,
        lead_professional=body.lead_professional,
        caf_exists=body.caf_exists,
        sensitive_basis=body.sensitive_basis,
    )


_FIRST_HIT = {"cp_id": "$response.body#/results/0/cp_id"}
_SAME_CHILD = {"cp_id": "$request.path.cp_id"}


@router.post(
    "/searches",
    tags=["children"],
    responses=links(
        200,
        view=("POST", "/api/v1/children/{cp_id}/views", _FIRST_HIT),
        addInvolvement=("POST", "/api/v1/children/{cp_id}/involvements", _FIRST_HIT),
        askForContact=("POST", "/api/v1/children/{cp_id}/contact-requests", _FIRST_HIT),
    ),
)
def create_search(body: SearchCreate, runtime: RuntimeDep, session: Practice) -> SearchRead:
    """Search (POST, so that no name ever appears in a URL). Audited before results are returned."""
    criteria = search.SearchCriteria(
        family_name=body.family_name,
        given_name=body.given_name or None,
        date_of_birth=body.date_of_birth,
        postcode_district=search.normalise_district(body.postcode_district),
        reason=body.reason,
    )
    return SearchRead(results=search.search_children(runtime, session.principal, criteria))


@router.post(
    "/children/{cp_id}/views",
    tags=["children"],
    responses=links(
        200,
        addInvolvement=("POST", "/api/v1/children/{cp_id}/involvements", _SAME_CHILD),
        updateInvolvement=(
            "PUT",
            "/api/v1/children/{cp_id}/involvements/{index}",
            _SAME_CHILD | {"index": "$response.body#/involvements/0/index"},
        ),
    ),
)
def create_view(cp_id: ChildId, body: ViewCreate, runtime: RuntimeDep, session: Viewer) -> ChildView:
    """Open a child's record with a reason. Audited first; filtered by the policy."""
    return view.view_child(
        runtime, session.principal, ContactPointId(cp_id), body.reason, override=body.override
    )


@router.post(
    "/children/{cp_id}/involvements",
    status_code=status.HTTP_201_CREATED,
    tags=["involvements"],
    responses=links(201, view=("POST", "/api/v1/children/{cp_id}/views", _SAME_CHILD)),
)
def create_involvement(
    cp_id: ChildId, body: InvolvementCreate, runtime: RuntimeDep, session: Recorder
) -> VersionRead:
    """Record your own service's involvement."""
    version = involvements.add_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        data=_involvement_input(body),
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/involvements/{index}/lead", tags=["involvements"])
def change_lead(
    cp_id: ChildId, index: InvolvementIndex, body: LeadChange, runtime: RuntimeDep, session: LeadChanger
) -> VersionRead:
    """Make this involvement the lead professional: as the current lead handing over, or the LA team."""
    version = involvements.change_lead_professional(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.put("/children/{cp_id}/involvements/{index}", tags=["involvements"])
def update_involvement(
    cp_id: ChildId, index: InvolvementIndex, body: InvolvementCreate, runtime: RuntimeDep, session: Recorder
) -> VersionRead:
    """Update your own service's involvement (contact, lead professional, CAF indicator)."""
    version = involvements.update_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        data=_involvement_input(body),
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/involvements/{index}/end", tags=["involvements"])
def end_involvement(
    cp_id: ChildId, index: InvolvementIndex, body: InvolvementEnd, runtime: RuntimeDep, session: Recorder
) -> VersionRead:
    """End your own service's involvement."""
    version = involvements.end_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        end=body.end,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)
