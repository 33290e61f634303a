"""The LA team's adoption and consent screens in a real browser: one administrator records an
adoption and a second checks it on a confirmation page, approves it and is shown the new ID once;
consent to stay to 25 is recorded and a sensitive service is removed when its consent is withdrawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from playwright.sync_api import Browser, expect

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from tests.browser.signing import sign_in
from tests.websupport import HOME_LA, OTHER_LA, live_server, make_account, store_children


def test_an_adoption_is_recorded_by_one_administrator_and_approved_by_another(
    runtime, clock, factory, browser: Browser
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    first, second = make_account(runtime, Role.LA_DATA_ADMIN), make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, clock, first)
        page.get_by_role("link", name="Adoptions").first.click()
        expect(page.get_by_text("No adoption is waiting for approval.")).to_be_visible()
        page.get_by_label("ContactPoint ID of the birth record").fill(child.cp_id.value)
        page.get_by_label("Given names after adoption").fill("Robin")
        page.get_by_label("Family name after adoption").fill("Quillfeather")
        page.get_by_label("Address line 1").fill("4 Orchard Row")
        page.get_by_label("Postcode").fill("LS1 4QR")
        page.get_by_label("Local authority of the adoptive family").fill(OTHER_LA)
        page.get_by_label("Adoptive parent: given name").fill("Sam")
        page.get_by_label("Adoptive parent: family name").fill("Quillfeather")
        page.get_by_role("button", name="Record adoption").click()
        expect(page.locator("#notice")).to_contain_text("The adoption has been recorded")
        expect(page.get_by_text("You recorded this adoption")).to_be_visible()
        page.reload()  # post/redirect/get: a refresh records nothing twice
        expect(page.get_by_text("You recorded this adoption")).to_have_count(1)
        expect(page.get_by_role("button", name="Approve adoption 1")).to_have_count(0)
        assert child.cp_id.value not in page.url

        other = browser.new_context().new_page()
        sign_in(other, base, clock, second)
        other.goto(f"{base}/adoptions")
        birth = child.names.current
        # The list names the child by the birth identity; only the confirmation shows the adoptive one.
        expect(other.get_by_text(f"{birth.given} {birth.family}")).to_be_visible()
        expect(other.get_by_text("Robin Quillfeather")).to_have_count(0)
        other.get_by_role("button", name="Approve adoption 1").click()
        expect(other.get_by_role("heading", name="Approve adoption 1?")).to_be_visible()
        expect(other.locator("#decision-summary")).to_contain_text("Robin Quillfeather")
        expect(other.locator("#decision-summary")).to_contain_text("4 Orchard Row")
        expect(other.locator("main")).not_to_contain_text(birth.family)
        other.get_by_role("link", name="Cancel").click()
        with runtime.unit_of_work() as uow:  # checking is not deciding
            assert uow.children.get(child.cp_id).record.status is RecordStatus.ACTIVE
        other.get_by_role("button", name="Approve adoption 1").click()
        other.get_by_role("button", name="Confirm").click()
        expect(other.get_by_role("heading", name="The adoption has been approved")).to_be_visible()
        new_id = other.locator("#new-cp-id").inner_text().strip()
        assert len(new_id) == 12
        assert new_id != child.cp_id.value
        other.get_by_role("link", name="Back to adoptions").click()
        expect(other.get_by_text("No adoption is waiting for approval.")).to_be_visible()
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.status is RecordStatus.SEALED


def test_the_la_team_records_consent_to_stay_to_25_and_removes_a_withdrawn_sensitive_service(
    runtime, clock, factory, browser: Browser
):
    young = replace(factory.child(la_code=HOME_LA), date_of_birth=date(2009, 3, 1))
    young = replace(young, involvements=(*young.involvements, factory.involvement(ServiceType.SEXUAL_HEALTH)))
    (child,) = store_children(runtime, [young])
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, clock, admin)
        page.get_by_role("link", name="Consent").first.click()
        page.get_by_label("ContactPoint ID").fill(child.cp_id.value)
        page.get_by_role("button", name="Show consent").click()
        expect(page.locator("#extension")).to_contain_text("None")
        page.reload()  # post/redirect/get: the consent page is a page of its own
        expect(page.locator("#extension")).to_contain_text("None")
        page.get_by_role("button", name="Record consent").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why the record is kept to 25")
        page.get_by_label("Care leaver").check()
        page.get_by_label("Day").fill("20")
        page.get_by_label("Month").fill("11")
        page.get_by_label("Year").fill("2026")
        page.get_by_role("button", name="Record consent").click()
        expect(page.locator("#consent-message")).to_have_text("Consent to keep the record is recorded")
        expect(page.locator("#extension")).to_contain_text("Care leaver, given 20 November 2026")
        expect(page.get_by_text("1 March 2034")).to_be_visible()

        page.get_by_role("button", name="Consent withdrawn: remove Sexual health").click()
        expect(page.locator("#consent-message")).to_have_text("The sensitive service has been removed")
        expect(page.get_by_text("No sensitive service is recorded.")).to_be_visible()
        assert child.cp_id.value not in page.url


def test_an_administrator_starts_shielding_and_adoption_from_the_childs_record(
    runtime, clock, factory, browser: Browser
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    born = child.date_of_birth
    with live_server(runtime) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, clock, admin)
        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_label("Family name").fill(child.names.current.family)
        page.get_by_label("Day").fill(str(born.day))
        page.get_by_label("Month").fill(str(born.month))
        page.get_by_label("Year").fill(str(born.year))
        page.get_by_label("Reason").select_option("assessment")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("button", name="Open record of result 1").click()
        record = page.url
        page.get_by_role("button", name="Request shielding or unshielding").click()
        expect(page.get_by_label("ContactPoint ID")).to_have_value(child.cp_id.value)
        page.goto(record)
        page.get_by_role("button", name="Record an adoption").click()
        expect(page.get_by_label("ContactPoint ID of the birth record")).to_have_value(child.cp_id.value)
        page.goto(record)
        page.get_by_role("button", name="Record consent").click()
        expect(page.locator("#extension")).to_contain_text("None")
        assert child.cp_id.value not in page.url
