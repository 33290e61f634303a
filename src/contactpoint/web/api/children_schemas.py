"""The children API's request bodies: search, opening a record, and involvements.

Replies are the use cases' own read types (`app/children/search.py`'s SearchHit, `app/children/view.py`'s
ChildView), so the record's shape is declared once, in the app.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.search import SearchHit
from contactpoint.domain.vocabulary import SensitiveBasis
from contactpoint.web.api.shared import NAME, Day, Input


class SearchCreate(Input):
    """Family name with date of birth, or family and given names with postcode district."""

    family_name: str = NAME
    given_name: str | None = Field(default=None, max_length=70)
    date_of_birth: Day | None = None
    postcode_district: str | None = Field(default=None, max_length=8)
    reason: AccessReason


class SearchRead(BaseModel):
    """At most ten results."""

    results: list[SearchHit]


class ViewCreate(Input):
    """Open a record with a reason; `override` is for child-protection users and is always alerted."""

    reason: AccessReason
    override: bool = False


class InvolvementCreate(Input):
    """Your own service's involvement; the organisation and service come from your account."""

    practitioner_given: str = NAME
    practitioner_family: str = NAME
    start: Day
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    lead_professional: bool = False
    caf_exists: bool = False
    sensitive_basis: SensitiveBasis | None = None
    expected_version: int = Field(ge=1, le=2**31 - 1)


class LeadChange(Input):
    """Make this involvement the lead professional (as the current lead, or the LA team)."""

    expected_version: int = Field(ge=1, le=2**31 - 1)


class InvolvementEnd(Input):
    """End your service's involvement."""

    end: Day
    expected_version: int = Field(ge=1, le=2**31 - 1)
