"""The LA ContactPoint team's screens in a real browser: work a review item from its chart to a
decision, shield a child with two administrators, and close a practitioner's contact request."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, timedelta

from playwright.sync_api import Browser, BrowserContext, Page, expect

from contactpoint.access.roles import Role
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from tests.browser.signing import sign_in
from tests.review_support import hold_for_review
from tests.websupport import HOME_LA, Account, live_server, make_account, store_children

DATA_URI = "data:image/svg+xml;base64,"


def _signed_in(browser: Browser, base: str, clock, account: Account) -> tuple[BrowserContext, Page]:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, clock, account)
    return context, page


def _named(factory, given: str, family: str, born: date, status=RecordStatus.ACTIVE):
    return replace(
        factory.child(la_code=HOME_LA, status=status),
        names=ChildNames(PersonName(given, family)),
        date_of_birth=born,
    )


def test_an_la_data_administrator_works_a_review_item_from_its_chart_to_a_decision(
    runtime, settings, clock, factory, browser: Browser
):
    (child,) = store_children(runtime, [_named(factory, "Rosalind", "Featherstone", date(2015, 6, 14))])
    item_id = hold_for_review(runtime, settings, child, settings.home.parent)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        context, page = _signed_in(browser, base, clock, admin)
        page.get_by_role("link", name="Work the match-review queue").click()
        expect(page.locator("#review-items")).to_contain_text(child.cp_id.value)
        expect(page.locator("#review-items")).to_contain_text("Possible twin")
        page.get_by_role("button", name=f"Review item {item_id}").click()

        expect(page.get_by_role("heading", name="Is this row about the same child?")).to_be_visible()
        assert child.cp_id.value not in page.url
        expect(page.locator("#comparison")).to_contain_text("Rosalind Featherstone")
        expect(page.locator("#comparison")).to_contain_text("Featherstone")
        chart = page.locator("#explanation-chart")
        expect(chart).to_be_visible()
        assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
        source = chart.get_attribute("src") or ""
        assert source.startswith(DATA_URI)
        svg = base64.b64decode(source.removeprefix(DATA_URI)).decode("utf-8")
        assert "<svg" in svg
        assert "same date of birth" in svg  # the levels in plain words, never Splink's labels
        assert "Jaro-Winkler" not in svg
        assert "<script" not in svg
        address = child.whereabouts.address
        assert address is not None
        for value in ("Rosalind", "Featherstone", "2015", address.postcode.value, address.lines[0]):
            assert value not in svg
        expect(page.locator("#explanation")).to_contain_text("Same date of birth")

        page.get_by_role("button", name=f"Same child: link to {child.cp_id.value}").click()
        expect(page.get_by_role("heading", name="The row has been linked to the record")).to_be_visible()
        page.get_by_role("link", name="Back to the queue").click()
        expect(page.locator("#review-empty")).to_be_visible()
        context.close()
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).version == 2


def test_one_administrator_asks_to_shield_a_child_and_a_second_approves(
    runtime, clock, factory, browser: Browser
):
    (child,) = store_children(runtime, [_named(factory, "Tobias", "Winterbourne", date(2019, 1, 30))])
    first = make_account(runtime, Role.LA_DATA_ADMIN)
    second = make_account(runtime, Role.LA_DATA_ADMIN)
    review_on = clock.now().date() + timedelta(days=180)
    with live_server(runtime) as base:
        context, page = _signed_in(browser, base, clock, first)
        page.get_by_role("link", name="Shielding requests and reviews").click()
        page.get_by_role("link", name="Record a shielding request").click()
        page.get_by_label("ContactPoint ID").fill(child.cp_id.formatted())
        page.get_by_label("Shield the child").check()
        page.get_by_label("Reason").select_option("domestic_abuse")
        page.get_by_label("Who asked").select_option("police")
        page.get_by_label("Day").fill(str(review_on.day))
        page.get_by_label("Month").fill(str(review_on.month))
        page.get_by_label("Year").fill(str(review_on.year))
        page.get_by_role("button", name="Record the request").click()
        expect(page.locator("#notice")).to_contain_text("Another administrator must decide it")
        expect(page.locator("#pending-requests")).to_contain_text("Tobias Winterbourne")
        expect(page.locator("#pending-requests")).to_contain_text("born 30 January 2019")
        expect(page.locator("#pending-requests")).to_contain_text(child.cp_id.formatted())
        expect(page.locator("#pending-requests")).to_contain_text("Another administrator decides")
        page.reload()  # post/redirect/get: a refresh records nothing twice
        expect(page.locator("#pending-requests tbody tr")).to_have_count(1)
        assert page.get_by_role("button", name="Approve request 1").count() == 0
        context.close()

        context, page = _signed_in(browser, base, clock, second)
        page.get_by_role("link", name="Shielding requests and reviews").click()
        expect(page.locator("#pending-requests")).to_contain_text("Domestic abuse")
        page.get_by_role("button", name="Approve request 1").click()
        expect(page.get_by_role("heading", name="Approve shielding request 1?")).to_be_visible()
        expect(page.locator("#decision-summary")).to_contain_text("Tobias Winterbourne")
        expect(page.locator("#decision-summary")).to_contain_text("Domestic abuse")
        page.get_by_role("link", name="Cancel").click()
        with runtime.unit_of_work() as uow:  # checking is not deciding
            assert uow.children.get(child.cp_id).record.status is RecordStatus.ACTIVE
        page.get_by_role("button", name="Approve request 1").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator("#notice")).to_contain_text("Request 1 has been approved")
        expect(page.locator("#no-pending")).to_be_visible()
        context.close()
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.status is RecordStatus.SHIELDED


def test_a_practitioner_asks_for_contact_with_a_shielded_child_and_the_la_team_brokers_it(
    runtime, clock, factory, browser: Browser
):
    (child,) = store_children(
        runtime,
        [_named(factory, "Esme", "Blackthorn", date(2017, 9, 5), status=RecordStatus.SHIELDED)],
    )
    practitioner = make_account(runtime, Role.PRACTITIONER)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        context, page = _signed_in(browser, base, clock, practitioner)
        page.get_by_role("link", name="Search for a child").click()
        page.get_by_label("Family name").fill("Blackthorn")
        page.get_by_label("Day").fill("5")
        page.get_by_label("Month").fill("9")
        page.get_by_label("Year").fill("2017")
        page.get_by_label("Reason").select_option("safeguarding_concern")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Open record of result 1").click()
        expect(page.locator("#limited-view")).to_be_visible()
        page.get_by_role("button", name="Ask the LA team to put me in touch").click()
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_text("Choose why you need to get in touch").first).to_be_visible()
        page.get_by_label("Safeguarding concern").check()
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_role("heading", name="Your request has been sent")).to_be_visible()
        context.close()

        context, page = _signed_in(browser, base, clock, admin)
        page.get_by_role("link", name="Contact requests to broker").click()
        # The owning LA's team sees the shielded child's whole record, so its queue names the child.
        expect(page.locator("#contact-requests")).to_contain_text("Esme Blackthorn")
        expect(page.locator("#contact-requests")).to_contain_text("born 5 September 2017")
        expect(page.locator("#contact-requests")).to_contain_text(child.cp_id.formatted())
        expect(page.locator("#contact-requests")).to_contain_text("Safeguarding concern")
        page.get_by_role("button", name="Brokered request 1").click()
        expect(page.locator("#notice")).to_contain_text("Request 1 has been marked brokered")
        expect(page.locator("#no-contact-requests")).to_be_visible()
        context.close()
