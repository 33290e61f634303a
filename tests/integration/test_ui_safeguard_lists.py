"""The LA team's lists name the children they are about, over real HTTP: shielding requests, reviews due
and brokered contact by name and date of birth for the owning LA's data administrators (the names read
audited first); the adoption list by the birth identity only, the adoptive identity only on the
check-and-confirm page; and their forms answer with a redirect, so a refresh submits nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.safeguards.adoption import AdoptiveParent, adoptive_identity, request_adoption
from contactpoint.app.safeguards.shielding import (
    ask_for_brokered_contact,
    decide_shielding_change,
    request_shielding_change,
)
from contactpoint.audit.events import AuditKind
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.shielding import (
    ContactPurpose,
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.access_models import AuditEntryRow
from tests.websupport import (
    HOME_LA,
    Account,
    live_server,
    make_account,
    make_principal,
    store_children,
    ui_token,
)


def _signed_in(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def _entries(runtime, kind: AuditKind) -> list[tuple[int | None, str]]:
    with runtime.unit_of_work() as uow:
        rows = uow._session.execute(
            select(AuditEntryRow.actor_id, AuditEntryRow.seq).where(AuditEntryRow.kind == kind.value)
        )
        return [(row.actor_id, str(row.seq)) for row in rows]


def _shield(review_on: date) -> ShieldingRequestDetails:
    return ShieldingRequestDetails(
        ShieldingChange.SHIELD, ShieldingReason.DOMESTIC_ABUSE, RequestedBy.POLICE, review_on
    )


def _name(record: ChildRecord) -> str:
    name = record.names.current
    return f"{name.given} {name.family}"


def _born(record: ChildRecord) -> str:
    born = record.date_of_birth
    return f"born {born.day} {born:%B %Y}"


def test_the_shielding_lists_and_contact_queue_name_each_child_and_audit_the_reading(runtime, clock, factory):
    asked, due, shielded = store_children(
        runtime,
        [
            factory.child(la_code=HOME_LA),
            factory.child(la_code=HOME_LA),
            factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED),
        ],
    )
    first, other = make_principal(runtime, Role.LA_DATA_ADMIN), make_principal(runtime, Role.LA_DATA_ADMIN)
    soon = _shield(today_in_england(runtime.clock) + timedelta(days=10))
    decide_shielding_change(
        runtime, other, request_shielding_change(runtime, first, due.cp_id, soon), approve=True
    )
    runtime.clock.advance(timedelta(days=20))  # the shielding's review is now due
    later = _shield(today_in_england(runtime.clock) + timedelta(days=90))
    request_shielding_change(runtime, first, asked.cp_id, later)
    practitioner = make_principal(runtime, Role.PRACTITIONER)
    ask_for_brokered_contact(runtime, practitioner, shielded.cp_id, ContactPurpose.SAFEGUARDING_CONCERN)
    second = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, _ = _signed_in(client, runtime, clock, second)
        assert _entries(runtime, AuditKind.SHIELDING_READ) == []
        page = client.get("/shielding", headers=cookie).text
        assert _name(asked) in page
        assert _born(asked) in page
        assert asked.cp_id.formatted() in page
        assert [actor for actor, _ in _entries(runtime, AuditKind.SHIELDING_READ)] == [second.user_id]
        queue = client.get("/contact-requests", headers=cookie).text
        assert _name(shielded) in queue
        assert _born(shielded) in queue
        assert len(_entries(runtime, AuditKind.SHIELDING_READ)) == 2
        assert _name(due) in page  # the reviews due


def test_another_las_administrator_sees_none_of_the_names(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    request_shielding_change(
        runtime,
        make_principal(runtime, Role.LA_DATA_ADMIN),
        child.cp_id,
        _shield(today_in_england(runtime.clock) + timedelta(days=90)),
    )
    outsider = make_account(runtime, Role.LA_DATA_ADMIN, la_code="E09000033")
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, _ = _signed_in(client, runtime, clock, outsider)
        page = client.get("/shielding", headers=cookie).text
    assert child.names.current.family not in page
    assert child.cp_id.formatted() not in page
    assert _entries(runtime, AuditKind.SHIELDING_READ) == []


def test_the_adoption_list_never_shows_the_birth_and_adoptive_identities_together(runtime, clock, factory):
    (birth,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    identity = adoptive_identity(
        given="Robin",
        family="Quillfeather",
        address_lines=["4 Orchard Row"],
        town=None,
        postcode="LS1 4QR",
        la_code="E09000007",
        parents=[AdoptiveParent("Sam", "Quillfeather", "0113 496 0000", None)],
    )
    request_id = request_adoption(runtime, make_principal(runtime, Role.LA_DATA_ADMIN), birth.cp_id, identity)
    second = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _signed_in(client, runtime, clock, second)
        listed = client.get("/adoptions", headers=cookie).text
        assert _name(birth) in listed
        assert _born(birth) in listed
        assert "Quillfeather" not in listed
        assert "Orchard Row" not in listed
        form = {"csrf_token": csrf, "request_id": str(request_id), "action": "approve"}
        confirm = client.post("/adoptions/decision/check", headers=cookie, data=form).text
        assert "Robin Quillfeather" in confirm
        assert "4 Orchard Row" in confirm
        assert "Sam Quillfeather, 0113 496 0000" in confirm
        assert birth.names.current.family not in confirm
        assert birth.names.current.given not in confirm
    assert len(_entries(runtime, AuditKind.ADOPTION_READ)) == 2  # the list, then the confirmation


def test_the_safeguard_forms_redirect_after_a_post_and_keep_ids_out_of_urls(runtime, clock, factory):
    young, other = store_children(runtime, [factory.child(la_code=HOME_LA), factory.child(la_code=HOME_LA)])
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _signed_in(client, runtime, clock, admin)
        review_on = clock.now().date() + timedelta(days=30)
        posts = {
            "/shielding/request": {
                "cp_id": young.cp_id.value,
                "change": "shield",
                "reason": "domestic_abuse",
                "requested_by": "police",
                "review_on_day": str(review_on.day),
                "review_on_month": str(review_on.month),
                "review_on_year": str(review_on.year),
            },
            "/adoptions": {
                "cp_id": other.cp_id.value,
                "given_name": "Robin",
                "family_name": "Quillfeather",
                "address_line_1": "4 Orchard Row",
                "postcode": "LS1 4QR",
                "la_code": "E09000007",
                "parent_given": "Sam",
                "parent_family": "Quillfeather",
            },
            "/consent": {"cp_id": young.cp_id.formatted()},
        }
        for path, data in posts.items():
            answer = client.post(path, headers=cookie, data={"csrf_token": csrf, **data})
            assert answer.status_code == 303, path
            location = answer.headers["location"]
            assert young.cp_id.value not in location
            assert other.cp_id.value not in location
            shown = client.get(location, headers=cookie)
            assert shown.status_code == 200, path
        assert _name(young) in shown.text  # the consent page names whom it is about

        cookie, csrf = _signed_in(client, runtime, clock, auditor)
        asked = client.post(
            "/subject-access",
            headers=cookie,
            data={"csrf_token": csrf, "cp_id": young.cp_id.value, "requester": "young_person"},
        )
        assert asked.status_code == 303
        report = asked.headers["location"]
        assert young.cp_id.value not in report
        assert _name(young) in client.get(report, headers=cookie).text
        pdf = client.get(f"{report}/pdf", headers=cookie)
        assert pdf.headers["content-type"] == "application/pdf"
    with runtime.unit_of_work() as uow:
        assert len(uow.shielding.pending_in(HOME_LA)) == 1
        assert len(uow.adoptions.pending_in(HOME_LA)) == 1
