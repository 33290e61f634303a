"""Every role's main pages checked with axe-core (vendored, pinned, test-only) for WCAG 2.2 A and AA at
375 and 1280 pixels wide, with no horizontal scroll and a service navigation on one line at 1280.

axe is injected with `add_script_tag`; the page's CSP forbids inline scripts, so these contexts bypass
CSP (the CSP itself is tested in tests/integration/test_web_sessions.py). With SCREENS_DIR set (see
`make screens`), each state marked for it is also saved as a 1280-pixel PNG there.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from contactpoint.app.safeguards.adoption import AdoptiveParent, adoptive_identity, request_adoption
from contactpoint.app.safeguards.shielding import ask_for_brokered_contact, request_shielding_change
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.shielding import (
    ContactPurpose,
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import RecordStatus
from tests.browser.signing import sign_in
from tests.review_support import hold_for_review
from tests.websupport import HOME_LA, Account, live_server, make_account, make_principal, store_children

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (375, 1280)
SCREENS = os.environ.get("SCREENS_DIR")  # noqa: TID251  # a test switch, not configuration


def _check(page: Page, state: str, *, screenshot: bool = False) -> None:
    """axe at both widths, no horizontal scroll, the navigation on one line when wide."""
    page.add_script_tag(content=AXE)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
            WCAG_22_AA,
        )
        assert found == [], f"{state} at {width}px: {found}"
        wide, room = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide > room:
            culprits = page.evaluate(
                "w => [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > w && !e.closest('.app-table-scroll'))"
                ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)",
                room,
            )
            raise AssertionError(f"{state} at {width}px scrolls sideways: {wide} > {room}: {culprits}")
        if width >= 1280:
            rows = page.evaluate(
                "new Set([...document.querySelectorAll('.govuk-service-navigation__item')]"
                ".map(i => Math.round(i.getBoundingClientRect().top))).size"
            )
            assert rows <= 1, f"{state}: the service navigation wraps onto {rows} lines at {width}px"
            if screenshot and SCREENS:
                page.screenshot(path=str(Path(SCREENS) / f"{state}.png"), full_page=True)


def _page(browser: Browser) -> Page:
    return browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}).new_page()


def _signed_in(browser: Browser, base: str, clock, account: Account) -> Page:
    page = _page(browser)
    sign_in(page, base, clock, account)
    return page


def _named(factory, given: str, family: str, born: date, status=RecordStatus.ACTIVE):
    return replace(
        factory.child(la_code=HOME_LA, status=status),
        names=ChildNames(PersonName(given, family)),
        date_of_birth=born,
    )


def _search(page: Page, family: str, born: date, reason: str = "assessment") -> None:
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_label("Reason").select_option(reason)
    page.get_by_role("button", name="Search").click()


def test_the_signed_out_and_practitioner_pages_pass_axe_at_both_widths(runtime, clock, factory, browser):
    born, shielded_born = date(2016, 4, 9), date(2018, 2, 3)
    store_children(
        runtime,
        [
            _named(factory, "Oliver", "Pemberton", born),
            _named(factory, "Ada", "Quenby", shielded_born, status=RecordStatus.SHIELDED),
        ],
    )
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base:
        page = _page(browser)
        page.goto(f"{base}/sign-in")
        _check(page, "sign-in", screenshot=True)
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        assert page.title().startswith("Error: ")
        _check(page, "sign-in-errors")
        page.goto(f"{base}/signed-out")
        _check(page, "signed-out")
        page.goto(f"{base}/accessibility")
        _check(page, "accessibility-statement")
        page.goto(f"{base}/privacy")
        _check(page, "privacy-notice")

        page = _signed_in(browser, base, clock, practitioner)
        _check(page, "practitioner-home")
        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's family name")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why you are searching")
        _check(page, "search-errors", screenshot=True)
        _search(page, "Pemberton", born)
        _check(page, "search-results", screenshot=True)
        page.get_by_role("button", name="Open record of result 1").click()
        _check(page, "record", screenshot=True)
        page.get_by_role("button", name="Add my service's involvement").click()
        _check(page, "involvement-form")
        page.get_by_role("button", name="Save").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        for message in ("Enter your given name", "Enter your family name", "Enter a date"):
            expect(summary).to_contain_text(message)  # every error at once, each beside its field too
            expect(page.locator(".govuk-error-message").filter(has_text=message)).to_be_visible()
        _check(page, "involvement-errors")
        _search(page, "Quenby", shielded_born, "safeguarding_concern")
        page.get_by_role("button", name="Open record of result 1").click()
        expect(page.locator("#limited-view")).to_be_visible()
        _check(page, "record-shielded-limited", screenshot=True)
        page.get_by_role("button", name="Ask the LA team to put me in touch").click()
        _check(page, "contact-request")


def test_the_la_teams_pages_pass_axe_at_both_widths(runtime, settings, clock, factory, browser):
    child, adopted, hidden = store_children(
        runtime,
        [
            _named(factory, "Rosalind", "Featherstone", date(2015, 6, 14)),
            _named(factory, "Jasper", "Ellingham", date(2019, 10, 2)),
            _named(factory, "Imogen", "Thistlewood", date(2016, 7, 21), status=RecordStatus.SHIELDED),
        ],
    )
    hold_for_review(runtime, settings, child, settings.home.parent)
    asker = make_principal(runtime, Role.LA_DATA_ADMIN)
    details = ShieldingRequestDetails(
        ShieldingChange.SHIELD,
        ShieldingReason.DOMESTIC_ABUSE,
        RequestedBy.POLICE,
        clock.now().date() + timedelta(days=90),
    )
    request_shielding_change(runtime, asker, child.cp_id, details)
    identity = adoptive_identity(
        given="Robin",
        family="Quillfeather",
        address_lines=["4 Orchard Row"],
        town="Leeds",
        postcode="LS1 4QR",
        la_code=HOME_LA,
        parents=[AdoptiveParent("Sam", "Quillfeather", "0113 496 0000", "sam@example.org")],
    )
    request_adoption(runtime, asker, adopted.cp_id, identity)
    practitioner = make_principal(runtime, Role.PRACTITIONER)
    ask_for_brokered_contact(runtime, practitioner, hidden.cp_id, ContactPurpose.SAFEGUARDING_CONCERN)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        page = _signed_in(browser, base, clock, admin)
        _check(page, "data-admin-home")
        page.get_by_role("link", name="Review queue", exact=True).click()
        _check(page, "review-queue", screenshot=True)
        page.locator("#review-items").get_by_role("button").first.click()
        _check(page, "review-item", screenshot=True)
        page.get_by_role("link", name="Shielding", exact=True).click()
        _check(page, "shielding", screenshot=True)
        page.get_by_role("button", name="Approve request 1").click()
        expect(page.locator("#decision-summary")).to_contain_text("Rosalind Featherstone")
        _check(page, "shielding-confirm", screenshot=True)
        page.get_by_role("link", name="Cancel").click()
        page.get_by_role("link", name="Record a shielding request").click()
        page.get_by_role("button", name="Record the request").click()
        for message in (
            "ContactPoint ID",
            "Choose shield or unshield",
            "Choose a reason",
            "Choose who asked",
        ):
            expect(page.locator(".govuk-error-summary")).to_contain_text(message)
        _check(page, "shielding-request-errors")
        page.get_by_role("link", name="Contact requests").first.click()
        expect(page.locator("#contact-requests")).to_contain_text("Imogen Thistlewood")
        _check(page, "contact-requests", screenshot=True)
        page.get_by_role("link", name="Adoptions", exact=True).click()
        expect(page.get_by_text("Jasper Ellingham")).to_be_visible()
        _check(page, "adoptions", screenshot=True)
        page.get_by_role("button", name="Record adoption").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        _check(page, "adoption-errors")
        page.get_by_role("link", name="Adoptions", exact=True).click()
        page.get_by_role("button", name="Approve adoption 1").click()
        expect(page.locator("#decision-summary")).to_contain_text("Robin Quillfeather")
        _check(page, "adoption-confirm", screenshot=True)
        page.get_by_role("link", name="Consent", exact=True).click()
        page.get_by_label("ContactPoint ID").fill(child.cp_id.value)
        page.get_by_role("button", name="Show consent").click()
        _check(page, "consent")
        page.get_by_role("button", name="Record consent").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        _check(page, "consent-errors")


def test_the_oversight_and_administration_pages_pass_axe_at_both_widths(runtime, clock, factory, browser):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED)])
    user = make_principal(runtime, Role.CHILD_PROTECTION)
    view_child(runtime, user, child.cp_id, AccessReason.ASSESSMENT, override=True)
    auditor = make_account(runtime, Role.AUDITOR)
    user_admin = make_account(runtime, Role.LA_USER_ADMIN)
    national = make_account(runtime, Role.NATIONAL_ADMIN)
    with live_server(runtime) as base:
        page = _signed_in(browser, base, clock, auditor)
        page.get_by_role("link", name="Alerts", exact=True).click()
        _check(page, "alerts", screenshot=True)
        page.get_by_role("link", name="Audit log", exact=True).click()
        page.get_by_role("button", name="Show entries").click()
        _check(page, "audit-log", screenshot=True)
        page.get_by_role("link", name="Subject access", exact=True).click()
        _check(page, "subject-access")
        page.get_by_role("button", name="Produce the report").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        _check(page, "subject-access-errors")
        page.get_by_label("Child's ContactPoint ID").fill(child.cp_id.value)
        page.locator("input[name=requester][value=young_person]").check()
        page.get_by_role("button", name="Produce the report").click()
        _check(page, "subject-access-report", screenshot=True)

        page = _signed_in(browser, base, clock, user_admin)
        page.get_by_role("link", name="Accounts", exact=True).click()
        _check(page, "accounts", screenshot=True)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        _check(page, "accounts-errors")

        page = _signed_in(browser, base, clock, national)
        _check(page, "national-admin-home")
        page.get_by_role("link", name="Local authorities").first.click()
        _check(page, "geography", screenshot=True)
        page.get_by_label("Telephone").fill("call us")
        page.get_by_label("Email").fill("team")
        page.get_by_role("button", name="Save contact details").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        _check(page, "geography-errors")
