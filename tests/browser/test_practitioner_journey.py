"""A practitioner's journey in a real browser: enrol TOTP at first sign-in, search with a typo,
open a record with a reason, add an involvement, see a shielded child's limited view; and a
stranger's failed sign-ins from another address lock nobody out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx
import pyotp
from playwright.sync_api import Browser, Page, expect

from contactpoint.access.roles import Role
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from tests.websupport import HOME_LA, PASSWORD, live_server, make_account, next_code, store_children


def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def _child(factory, family: str, given: str, born: date, status=RecordStatus.ACTIVE):
    base = factory.child(la_code=HOME_LA, status=status)
    return replace(
        base,
        names=ChildNames(PersonName(given, family)),
        date_of_birth=born,
        involvements=tuple(  # nobody holds the lead yet: the practitioner takes a vacant role
            replace(i, lead_professional=False)
            for i in base.involvements
            if i.service is not ServiceType.EDUCATION
        ),
    )


def _results_and_record_survive_back_and_refresh(page: Page, cp_id: str) -> None:
    """From the results page: refresh, open the record, Back, Forward, "Back to results", "Change the
    search"; ends on the record opened again."""
    results_url = page.url
    assert "/search/results/" in results_url
    page.reload()  # the results page is a GET: refresh asks nothing and searches nothing again
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    page.get_by_role("button", name="Open record of result 1").click()
    expect(page.get_by_role("heading", name="Oliver Pemberton")).to_be_visible()
    expect(page.locator("#involvements")).to_contain_text("GP practice")
    assert cp_id not in page.url
    page.go_back()  # Back from the record lands on the results, without resubmitting a form
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("heading", name="Oliver Pemberton")).to_be_visible()
    page.get_by_role("link", name="Back to results").click()
    assert page.url == results_url
    page.get_by_role("link", name="Change the search").first.click()
    expect(page.get_by_label("Family name")).to_have_value("Pemberten")
    page.go_back()
    page.get_by_role("button", name="Open record of result 1").click()


def test_a_new_practitioner_enrols_searches_with_a_typo_opens_a_record_and_adds_an_involvement(
    runtime, clock, factory, browser: Browser
):
    child = store_children(runtime, [_child(factory, "Pemberton", "Oliver", date(2016, 4, 9))])[0]
    account = make_account(runtime, Role.PRACTITIONER, enrolled=False)
    with live_server(runtime) as base:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, account.username, account.password)
        expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
        expect(page.locator(".app-qr svg")).to_be_visible()
        page.get_by_text("I cannot scan the QR code").click()
        secret = page.locator("#totp-secret").inner_text().strip()
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(clock.now()))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="ContactPoint", exact=True)).to_be_visible()
        cookie = next(c for c in context.cookies() if c["name"] == "__Host-cp_session")
        assert cookie["secure"]
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"

        page.get_by_role("link", name="Search for a child").click()
        page.get_by_label("Family name").fill("Pemberten")  # a typo
        page.get_by_label("Day").fill("9")
        page.get_by_label("Month").fill("4")
        page.get_by_label("Year").fill("2016")
        page.get_by_label("Reason").select_option("assessment")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
        assert "Pemberten" not in page.url
        assert child.cp_id.value not in page.url
        _results_and_record_survive_back_and_refresh(page, child.cp_id.value)

        page.get_by_role("button", name="Add my service's involvement").click()
        page.get_by_label("Your given name").fill("Sam")
        page.get_by_label("Your family name").fill("Teacher")
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("9")
        page.get_by_label("Year").fill("2026")
        page.get_by_label("Telephone (optional)").fill("01632 960123")
        page.get_by_label("I am the lead professional").check()
        page.get_by_role("button", name="Save").click()
        # back on the record, for the reason it was opened with: nothing asked again
        expect(page.locator("#notice")).to_have_text("Your involvement has been recorded")
        expect(page.get_by_role("heading", name="Oliver Pemberton")).to_be_visible()
        expect(page.locator("#involvements")).to_contain_text("Sam Teacher")
        expect(page.locator("#involvements")).to_contain_text("Lead professional")
        context.close()


def test_a_shielded_child_shows_only_the_limited_view(runtime, clock, factory, browser: Browser):
    child = store_children(
        runtime, [_child(factory, "Quenby", "Ada", date(2018, 2, 3), status=RecordStatus.SHIELDED)]
    )[0]
    account = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, account.username, account.password)
        page.get_by_label("Code from your authenticator app").fill(next_code(clock, account))
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/search")
        page.get_by_label("Family name").fill("Quenby")
        page.get_by_label("Day").fill("3")
        page.get_by_label("Month").fill("2")
        page.get_by_label("Year").fill("2018")
        page.get_by_label("Reason").select_option("safeguarding_concern")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Open record of result 1").click()
        expect(page.get_by_role("heading", name="Ada Quenby")).to_be_visible()
        expect(page.locator("#limited-view")).to_contain_text("ContactPoint team")
        body = page.content()
        address = child.whereabouts.address
        assert address is not None
        assert address.postcode.value not in body
        assert address.lines[0] not in body
        assert all(c.contact.phone not in body for c in child.carers if c.contact.phone)
        assert all(i.organisation.name not in body for i in child.involvements)
        assert page.locator("#involvements").count() == 0
        context.close()


def test_a_strangers_failed_sign_ins_from_another_address_lock_the_owner_out_of_nothing(
    runtime, clock, browser: Browser
):
    victim = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base:
        throttled = 0
        # The stranger connects from 127.0.0.2 (all of 127/8 is loopback): another address.
        with httpx.Client(
            base_url=base, transport=httpx.HTTPTransport(local_address="127.0.0.2")
        ) as stranger:
            for _ in range(40):
                token = stranger.get("/sign-in").cookies["__Host-cp_presession"]
                attempt = stranger.post(
                    "/sign-in",
                    data={
                        "username": victim.username,
                        "password": "not the password at all",
                        "csrf_token": token,
                    },
                    headers={"Cookie": f"__Host-cp_presession={token}"},
                )
                assert attempt.status_code in (401, 429)
                throttled += attempt.status_code == 429
        assert throttled > 0  # the stranger was slowed down

        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, victim.username, PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(next_code(clock, victim))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="ContactPoint", exact=True)).to_be_visible()
        context.close()


def test_a_child_protection_user_overrides_shielding_after_a_warning(
    runtime, clock, factory, browser: Browser
):
    child = store_children(
        runtime, [_child(factory, "Quenby", "Ada", date(2018, 2, 3), status=RecordStatus.SHIELDED)]
    )[0]
    account = make_account(runtime, Role.CHILD_PROTECTION)
    with live_server(runtime) as base:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, account.username, account.password)
        page.get_by_label("Code from your authenticator app").fill(next_code(clock, account))
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/search")
        page.get_by_label("Family name").fill("Quenby")
        page.get_by_label("Day").fill("3")
        page.get_by_label("Month").fill("2")
        page.get_by_label("Year").fill("2018")
        page.get_by_label("Reason").select_option("safeguarding_concern")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Open record of result 1").click()
        expect(page.locator("#limited-view")).to_be_visible()
        page.get_by_text("Use the shielding override").click()
        expect(page.get_by_text("starts an investigation")).to_be_visible()
        page.get_by_role("button", name="Show the hidden details").click()
        expect(page.get_by_role("alert")).to_contain_text("shielding override")
        address = child.whereabouts.address
        assert address is not None
        expect(page.get_by_text(address.postcode.value)).to_be_visible()
        context.close()
