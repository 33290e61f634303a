"""Subject access over the JSON API and real HTTP: the report as JSON and as a PDF download whose text
is read back; the child's ID travels in the body only; out-of-scope children look missing."""

from __future__ import annotations

import io
from dataclasses import replace

import httpx
from pypdf import PdfReader

from contactpoint.access.roles import Role
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from tests.integration.test_subject_access import CLINIC, SCHOOL, a_child, store
from tests.websupport import OTHER_LA, api_token, live_server, make_account

JSON_URL = "/api/v1/subject-access-reports"
PDF_URL = "/api/v1/subject-access-reports/pdf"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_auditor_gets_the_report_as_json_and_as_a_pdf_attachment(runtime, clock, factory):
    child = store(
        runtime,
        replace(a_child(factory), names=ChildNames(PersonName("Łucja", "Wrenfield"))),
    )
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        body = {"cp_id": child.cp_id.value, "requester": "young_person"}

        response = client.post(JSON_URL, json=body, headers=headers)
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["cp_id"] == child.cp_id.value
        assert report["names"] == [{"kind": "current", "given": "Łucja", "family": "Wrenfield"}]
        assert [i["organisation_name"] for i in report["involvements"]] == [SCHOOL.name, CLINIC.name]
        assert report["provenance"][0] == {
            "field": "address",
            "source": "child_benefit",
            "row_key": "CB-ROW-12",
            "as_of": "2026-02-09",
        }
        assert report["accesses"][-1]["action"] == "produced a subject access report"
        assert response.headers["cache-control"] == "no-store"

        pdf = client.post(PDF_URL, json=body, headers=headers)
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"] == 'attachment; filename="subject-access-report.pdf"'
        assert pdf.headers["cache-control"] == "no-store"
        assert child.cp_id.value not in str(pdf.url)
        text = pdf_text(pdf.content)
        for expected in ("Subject access report", child.cp_id.value, "Wrenfield", SCHOOL.name, CLINIC.name):
            assert expected in text, expected
        assert "Łucja" in text
        assert "CB-ROW-12" in text  # the young person's own report names each source's row
        catalogue = PdfReader(io.BytesIO(pdf.content)).root_object
        assert "/StructTreeRoot" in catalogue  # a tagged PDF: headings and tables a screen reader can follow
        assert catalogue.get("/MarkInfo") == {"/Marked": True}
        assert str(catalogue.get("/Lang")) == "en-GB"

        parent_report = client.post(JSON_URL, json={**body, "requester": "parent_carer"}, headers=headers)
        assert {p["row_key"] for p in parent_report.json()["provenance"]} == {None}

        parents = pdf_text(
            client.post(PDF_URL, json={**body, "requester": "parent_carer"}, headers=headers).content
        )
        assert "Education" in parents  # the service, not where it is
        assert SCHOOL.name not in parents
        assert CLINIC.name not in parents
        assert "withheld" in parents  # the notice
        assert "CB-ROW-12" not in parents  # a key into another organisation's system is not a parent's


def test_out_of_scope_and_missing_children_get_the_same_not_found(runtime, clock, factory):
    elsewhere = store(runtime, replace(a_child(factory), la_code=OTHER_LA))
    missing = a_child(factory).cp_id
    auditor = make_account(runtime, Role.AUDITOR)
    practitioner = make_account(runtime, Role.PRACTITIONER, service=ServiceType.EDUCATION)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        answers = []
        for cp_id in (elsewhere.cp_id, missing):
            for url in (JSON_URL, PDF_URL):
                response = client.post(
                    url, json={"cp_id": cp_id.value, "requester": "young_person"}, headers=headers
                )
                answers.append((response.status_code, response.json()))
        assert len({repr(a) for a in answers}) == 1
        assert answers[0][0] == 404

        extra = client.post(
            JSON_URL,
            json={"cp_id": elsewhere.cp_id.value, "requester": "young_person", "note": "x"},
            headers=headers,
        )
        assert extra.status_code == 422
        unknown = client.post(
            JSON_URL, json={"cp_id": elsewhere.cp_id.value, "requester": "neighbour"}, headers=headers
        )
        assert unknown.status_code == 422

        as_practitioner = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        refused = client.post(
            JSON_URL,
            json={"cp_id": elsewhere.cp_id.value, "requester": "young_person"},
            headers=as_practitioner,
        )
        assert refused.status_code == 403


def test_a_parents_report_on_a_shielded_child_names_no_source_that_holds_the_child(runtime, clock, factory):
    child = store(runtime, a_child(factory, RecordStatus.SHIELDED))
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        body = {"cp_id": child.cp_id.value, "requester": "parent_carer"}
        report = client.post(JSON_URL, json=body, headers=headers)
        pdf = client.post(PDF_URL, json=body, headers=headers)
        own = client.post(JSON_URL, json=body | {"requester": "young_person"}, headers=headers)

    assert report.status_code == pdf.status_code == 200, report.text
    assert report.json()["sources"] == []
    assert {p["source"] for p in report.json()["provenance"]} <= {"withheld"}
    text = report.text + pdf_text(pdf.content)
    for source in ("child_benefit", "nhs_registrations", "school_census"):
        assert source not in text, source
    assert "child_benefit" in own.text  # the young person's own report keeps them
