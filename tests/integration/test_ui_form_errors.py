"""Every form lists every rule it broke at once, over real HTTP: the error summary holds one link per
field in error, each link lands on an element of the page with that id, and the title starts "Error:"."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from contactpoint.access.roles import Role
from contactpoint.domain.identifiers import ContactPointId
from tests.websupport import HOME_LA, OTHER_LA, live_server, make_account, store_children, ui_token

_SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', re.DOTALL)


def _summary_targets(html: str) -> list[str]:
    """The anchors the error summary links to, in order."""
    summary = _SUMMARY.search(html)
    assert summary is not None, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _child_form(runtime: Any, factory: Any) -> dict[str, str]:
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    with runtime.unit_of_work() as uow:
        version = uow.children.get(child.cp_id).version
    return {"cp_id": child.cp_id.value, "version": str(version)}


# (role, path, form, the fields the summary must list, in the page's order)
CASES: list[tuple[Role, str, dict[str, str], list[str]]] = [
    (
        Role.LA_DATA_ADMIN,
        "/adoptions",
        {},
        ["cp_id", "given_name", "family_name", "parent_given", "parent_family", "address_line_1",
         "postcode", "la_code"],
    ),
    (
        Role.LA_DATA_ADMIN,
        "/adoptions",
        {"cp_id": "1234", "given_name": "Robin", "family_name": "Quill", "address_line_1": "4 Orchard Row",
         "postcode": "LS1", "la_code": "E09000007", "parent_given": "Sam", "parent_family": "Quill",
         "parent_phone": "12", "parent_email": "nobody"},
        ["cp_id", "postcode", "parent_phone", "parent_email"],
    ),
    (Role.LA_DATA_ADMIN, "/shielding/request", {}, ["cp_id", "change", "reason", "requested_by"]),
    (Role.LA_DATA_ADMIN, "/consent/retention", {"child": "yes"}, ["basis", "consented_on"]),
    (Role.AUDITOR, "/subject-access", {}, ["cp_id", "requester"]),
    (Role.AUDITOR, "/subject-access", {"cp_id": "1234 5678 9012"}, ["cp_id", "requester"]),
    (
        Role.AUDITOR,
        "/audit",
        {"user_id": "seven", "since_day": "40", "since_month": "1", "since_year": "2026"},
        ["user_id", "since"],
    ),
    (Role.PRACTITIONER, "/search", {"dob_day": "31", "dob_month": "2", "dob_year": "2020"},
     ["family_name", "date_of_birth", "reason"]),
    (Role.LA_USER_ADMIN, "/users", {"role": "practitioner"}, ["username", "org_code", "service"]),
    (Role.NATIONAL_ADMIN, "/authorities", {"code": "E09000007", "phone": "call us", "email": "team"},
     ["phone", "email"]),
    (Role.NATIONAL_ADMIN, "/authorities", {"phone": "call us"}, ["code", "phone"]),
    (Role.PRACTITIONER, "/account/password", {}, ["current_password", "new_password"]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_a_form_lists_every_rule_it_broke_each_linking_to_its_field(runtime, clock, factory, case):
    role, path, form, fields = case
    data = dict(form)
    if data.pop("child", None):
        data |= _child_form(runtime, factory)
    account = make_account(runtime, role)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = ui_token(client, clock, account)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(token))
        assert held is not None
        answer = client.post(
            path,
            headers={"Cookie": f"__Host-cp_session={token}"},
            data={"csrf_token": held.csrf_token, **data},
        )
    assert answer.status_code == 422
    page = answer.text
    assert re.search(r"<title>\s*Error: ", page), "the title does not start with Error:"
    targets = _summary_targets(page)
    assert targets == fields
    missing = [target for target in targets if target not in _ids(page)]
    assert missing == [], f"error summary links to missing anchors {missing}"
    for value in (v for k, v in data.items() if k.startswith("parent_") or k == "family_name"):
        assert value in page  # the form keeps what was typed


def test_the_adoption_form_reports_a_birth_record_of_another_la_against_the_id(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=OTHER_LA)])
    account = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = ui_token(client, clock, account)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(token))
        assert held is not None
        form = {
            "csrf_token": held.csrf_token, "cp_id": ContactPointId(child.cp_id.value).formatted(),
            "given_name": "Robin", "family_name": "Quillfeather", "address_line_1": "4 Orchard Row",
            "postcode": "LS1 4QR", "la_code": "E09000007", "parent_given": "Sam",
            "parent_family": "Quillfeather",
        }  # fmt: skip
        answer = client.post("/adoptions", headers={"Cookie": f"__Host-cp_session={token}"}, data=form)
    assert answer.status_code == 422
    assert _summary_targets(answer.text) == ["cp_id"]
    assert "no record of your local authority has this ID" in answer.text
