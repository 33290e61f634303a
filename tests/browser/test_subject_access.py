"""An LA auditor produces a subject access report in a real browser, reads it as a page and downloads
it as a PDF; a parent's report on a shielded child shows no address and says what was withheld."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from tests.browser.signing import sign_in
from tests.integration.test_subject_access import ADDRESS, CLINIC, SCHOOL, a_child, account, store
from tests.websupport import live_server, make_account


def _ask(page: Page, cp_id: str, requester: str) -> None:
    page.get_by_role("link", name="Produce a subject access report").click()
    page.get_by_label("Child's ContactPoint ID").fill(cp_id)
    page.locator(f"input[name=requester][value={requester}]").check()
    page.get_by_role("button", name="Produce the report").click()


def test_an_auditor_produces_a_report_and_downloads_it_as_a_pdf(runtime, clock, factory, browser: Browser):
    child = store(runtime, a_child(factory))
    teacher = account(runtime, Role.PRACTITIONER, service=ServiceType.EDUCATION, org=SCHOOL)
    view_child(runtime, teacher, child.cp_id, AccessReason.SERVICE_DELIVERY)
    auditor = make_account(runtime, Role.AUDITOR)

    with live_server(runtime) as base:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        sign_in(page, base, clock, auditor)

        page.get_by_role("link", name="Produce a subject access report").click()
        page.get_by_role("button", name="Produce the report").click()
        expect(page.get_by_role("alert")).to_contain_text("ContactPoint ID")

        page.goto(base)
        _ask(page, child.cp_id.value, "young_person")
        expect(page.get_by_role("heading", name="Subject access report")).to_be_visible()
        assert child.cp_id.value not in page.url
        expect(page.get_by_text("Tamsin Wrenfield")).to_be_visible()
        expect(page.get_by_text(CLINIC.name)).to_be_visible()
        accesses = page.locator("#accesses")
        expect(accesses).to_contain_text(SCHOOL.name)
        expect(accesses).to_contain_text("viewed the record")
        expect(accesses).to_contain_text(AccessReason.SERVICE_DELIVERY.label)
        expect(accesses).to_contain_text("produced a subject access report")
        page.reload()  # post/redirect/get: the report is a page of its own (produced again, audited)
        expect(page.get_by_role("heading", name="Subject access report")).to_be_visible()
        page.go_back()  # Back reaches the form without asking to resubmit it; Forward the report again
        expect(page.get_by_role("button", name="Produce the report")).to_be_visible()
        page.go_forward()
        expect(page.get_by_text("Tamsin Wrenfield")).to_be_visible()

        with page.expect_download() as pending:
            page.get_by_role("button", name="Download as PDF").click()
        download = pending.value
        assert download.suggested_filename == "subject-access-report.pdf"
        content = Path(download.path()).read_bytes()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "Wrenfield" in text
        assert CLINIC.name in text
        assert SCHOOL.name in text
        context.close()


def test_a_parents_report_on_a_shielded_child_hides_the_address(runtime, clock, factory, browser: Browser):
    child = store(runtime, replace(a_child(factory), status=RecordStatus.SHIELDED))
    auditor = make_account(runtime, Role.AUDITOR)

    with live_server(runtime) as base:
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base, clock, auditor)
        _ask(page, child.cp_id.value, "parent_carer")
        expect(page.get_by_role("heading", name="Subject access report")).to_be_visible()
        expect(page.locator("#withheld")).to_contain_text("locating details")
        body = page.content()
        assert ADDRESS.lines[0] not in body
        assert ADDRESS.postcode.value not in body
        assert SCHOOL.name not in body
        assert CLINIC.name not in body
        context.close()
