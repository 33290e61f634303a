"""Account oversight in a real browser: an LA user administrator resets a practitioner's sign-in
(the first half of a new one-time password shown once, the holder's session ended, a second
administrator releases the account with the second half, a new second factor to enrol); an auditor
follows a misuse alert to the account's audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from contactpoint.access import totp
from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.access_models import AuditEntryRow
from tests.browser.signing import sign_in
from tests.websupport import HOME_LA, Account, live_server, make_account, make_principal, store_children


def _released(browser: Browser, base: str, clock: FixedClock, second: Account, holder: Account) -> str:
    """A second user administrator releases the held account in the UI; the second half shown."""
    page: Page = browser.new_context().new_page()
    sign_in(page, base, clock, second)
    page.get_by_role("link", name="Manage accounts").click()
    page.get_by_role("button", name=f"Release {holder.username}").click()
    expect(page.get_by_role("heading", name="Account released")).to_be_visible()
    return page.locator("#password-half").inner_text().strip()


def test_an_la_user_administrator_resets_a_practitioners_sign_in_in_the_ui(runtime, clock, browser: Browser):
    admin = make_account(runtime, Role.LA_USER_ADMIN)
    second = make_account(runtime, Role.LA_USER_ADMIN)
    holder = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base:
        held = browser.new_context().new_page()
        sign_in(held, base, clock, holder)
        page = browser.new_context().new_page()
        sign_in(page, base, clock, admin)
        page.get_by_role("link", name="Manage accounts").click()
        page.get_by_role("button", name=f"Reset sign-in of {holder.username}").click()
        expect(page.get_by_role("heading", name="Sign-in reset")).to_be_visible()
        first = page.locator("#password-half").inner_text().strip()
        password = first + _released(browser, base, clock, second, holder)
        assert password != holder.password

        held.goto(f"{base}/search")  # the holder's session ended with the reset
        expect(held.get_by_label("Username")).to_be_visible()
        held.get_by_label("Username").fill(holder.username)
        held.get_by_label("Password").fill(password)
        held.get_by_role("button", name="Continue").click()
        expect(held.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()


def test_an_auditor_sees_an_override_alert_and_opens_the_accounts_activity(
    runtime, clock, factory, browser: Browser
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED)])
    user = make_principal(runtime, Role.CHILD_PROTECTION)
    view_child(runtime, user, child.cp_id, AccessReason.ASSESSMENT, override=True)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, clock, auditor)
        page.get_by_role("link", name="Misuse alerts").click()
        expect(page.locator("#alerts")).to_contain_text("Override")
        page.get_by_role("button", name="See activity").first.click()
        entries = page.locator("#audit-entries")
        expect(entries).to_contain_text("Used the shielding override")
        expect(entries).to_contain_text(child.cp_id.value)
        expect(page.locator("#entry-count")).to_contain_text("entr")
        expect(page.get_by_label("Account number (optional)")).to_have_value(str(user.user_id))
        assert "/audit/results/" in page.url
        page.reload()  # the results are a GET page: refresh asks nothing
        expect(entries).to_contain_text("Used the shielding override")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download these entries (CSV)").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "Used the shielding override" in exported
        assert child.cp_id.value in exported
    with runtime.unit_of_work() as uow:
        kinds = uow._session.execute(select(AuditEntryRow.kind)).scalars().all()
    assert "audit:export" in kinds  # the download is itself recorded


def test_a_reset_holder_enrols_then_must_choose_their_own_password_before_anything_else(
    runtime, clock, browser: Browser
):
    admin = make_account(runtime, Role.LA_USER_ADMIN)
    second = make_account(runtime, Role.LA_USER_ADMIN)
    holder = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, clock, admin)
        page.get_by_role("link", name="Manage accounts").click()
        page.get_by_role("button", name=f"Reset sign-in of {holder.username}").click()
        first = page.locator("#password-half").inner_text().strip()
        password = first + _released(browser, base, clock, second, holder)

        held = browser.new_context().new_page()
        held.goto(f"{base}/sign-in")
        held.get_by_label("Username").fill(holder.username)
        held.get_by_label("Password").fill(password)
        held.get_by_role("button", name="Continue").click()
        secret = (held.locator("#totp-secret").text_content() or "").strip()
        clock.advance(timedelta(seconds=30))
        held.get_by_label("Code from your authenticator app").fill(totp.code_at(secret, clock.now()))
        held.get_by_role("button", name="Sign in").click()
        expect(held.get_by_role("heading", name="Change your password")).to_be_visible()
        held.goto(f"{base}/search")  # nothing else until it is changed
        expect(held.get_by_role("heading", name="Change your password")).to_be_visible()
        held.get_by_label("Current password").fill(password)
        held.get_by_label("New password").fill("password1234")
        held.get_by_role("button", name="Change password").click()
        expect(held.locator("#new_password-error")).to_contain_text("commonly used")
        held.get_by_label("Current password").fill(password)
        held.get_by_label("New password").fill("lantern orbit kettle staple")
        held.get_by_role("button", name="Change password").click()
        expect(held.locator("#password-changed")).to_be_visible()
        held.goto(f"{base}/search")
        expect(held.get_by_role("heading", name="Change your password")).not_to_be_visible()
