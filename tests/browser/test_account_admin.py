"""An LA user administrator resets a practitioner's sign-in in a real browser: a new one-time
password shown once, the holder's session ended, a new second factor to enrol."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from contactpoint.access.roles import Role
from tests.browser.signing import sign_in
from tests.websupport import live_server, make_account


def test_an_la_user_administrator_resets_a_practitioners_sign_in_in_the_ui(services, clock, browser: Browser):
    admin = make_account(services, Role.LA_USER_ADMIN)
    holder = make_account(services, Role.PRACTITIONER)
    with live_server(services) as base:
        held = browser.new_context().new_page()
        sign_in(held, base, clock, holder)
        page = browser.new_context().new_page()
        sign_in(page, base, clock, admin)
        page.get_by_role("link", name="Manage accounts").click()
        page.get_by_role("button", name=f"Reset sign-in of {holder.username}").click()
        expect(page.get_by_role("heading", name="Sign-in reset")).to_be_visible()
        password = page.locator("#initial-password").inner_text().strip()
        assert password != holder.password

        held.goto(f"{base}/search")  # the holder's session ended with the reset
        expect(held.get_by_label("Username")).to_be_visible()
        held.get_by_label("Username").fill(holder.username)
        held.get_by_label("Password").fill(password)
        held.get_by_role("button", name="Continue").click()
        expect(held.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
