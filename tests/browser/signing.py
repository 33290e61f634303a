"""Signing in through the UI, for browser tests of signed-in journeys."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from contactpoint.domain.clock import FixedClock
from tests.websupport import Account, next_code


def sign_in(page: Page, base: str, clock: FixedClock, account: Account) -> None:
    """Both factors, for an account already enrolled; ends on the start page."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app").fill(next_code(clock, account))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="ContactPoint", exact=True)).to_be_visible()
