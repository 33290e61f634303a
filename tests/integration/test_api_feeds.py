"""Data sources' feed uploads over real HTTP on SQLite and PostgreSQL: rows ingested, rejects by line,
keys bound to one source, the body streamed and never spooled, a broken upload resumed with no
duplicates, and an audit entry of codes and counts only."""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from contactpoint.access.roles import Role
from contactpoint.app.feeds.sources import add_source_account, revoke_source_account
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind, Detail
from contactpoint.domain.clock import FixedClock
from contactpoint.store.feed_models import FeedRowOutcome
from contactpoint.store.models import ChildRow
from contactpoint.synth.feeds import generate
from contactpoint.synth.sources import nhs_registrations
from contactpoint.web.api import feeds as api_feeds
from contactpoint.web.app import create_app
from tests.websupport import api_routes, api_token, live_server, make_account

NHS = "nhs_registrations"
SUBMIT = f"/api/v1/feeds/{NHS}/submissions"
CSV = {"Content-Type": "text/csv"}
# Columns of the NHS feed that hold personal values (the rest are keys, codes and dates of events).
PERSONAL = ("given_name", "family_name", "date_of_birth", "nhs_number", "address_line_1", "postcode")
NHS_HEADER = ("record_id", *nhs_registrations.COLUMNS)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic England's initial extracts, as CSV and JSON Lines."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 300, seed=5, generations=0, formats=("csv", "jsonl"))
    return out


@pytest.fixture
def empty_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's temporary folder (the server runs in this process): anything spooled lands here."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _feed(synthetic: Path, extension: str = "csv") -> Path:
    return synthetic / "feeds" / NHS / f"gen0.{extension}"


def _truth(synthetic: Path) -> list[dict[str, str]]:
    with (synthetic / "truth" / "rows" / NHS / "gen0.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _malformed_lines(synthetic: Path, offset: int) -> set[int]:
    return {n + offset for n, row in enumerate(_truth(synthetic)) if row["malformed"]}


def _personal_values(synthetic: Path) -> set[str]:
    with _feed(synthetic).open(encoding="utf-8") as handle:
        return {v for row in csv.DictReader(handle) for c in PERSONAL if len(v := row[c] or "") >= 4}


def _key(runtime: Runtime, source: str = NHS, name: str = "nhs-digital-feed") -> dict[str, str]:
    return {"Authorization": f"Bearer {add_source_account(runtime, name, source).key}"}


def _count(runtime: Runtime, table: Any) -> int:
    with runtime.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def _submissions(runtime: Runtime) -> list[dict[str, Detail]]:
    with runtime.unit_of_work() as uow:
        entries = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.FEED_SUBMITTED]
    return [runtime.audit_keys.open(e.seq, e.kind, e.key_version, e.payload) for e in entries]


def test_a_submission_ingests_the_feed_and_reports_rejects_by_line_without_spooling(
    runtime: Runtime, synthetic: Path, empty_tmpdir: Path
) -> None:
    headers = _key(runtime)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        response = client.post(SUBMIT, headers=headers | CSV, content=_feed(synthetic).read_bytes())

    assert response.status_code == 200, response.text
    report = response.json()
    assert _count(runtime, ChildRow) > 250
    assert report["read"] == len(_truth(synthetic))
    assert report["accepted"] == report["read"] - report["rejected"]
    assert {r["line"] for r in report["rejects"]} == _malformed_lines(synthetic, offset=2)
    assert report["rejects_total"] == report["rejected"] == len(report["rejects"]) > 0
    assert all(set(r) == {"line", "row_key", "field", "rule"} for r in report["rejects"])
    assert not any(value in response.text for value in _personal_values(synthetic))
    assert list(empty_tmpdir.iterdir()) == []


def test_json_lines_and_fhir_bundles_are_taken_too(runtime: Runtime, synthetic: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "pat-1", "birthDate": "2021-12-26"}},
            {"resource": {"resourceType": "Observation", "id": "obs-1"}},
        ],
    }
    fhir = _key(runtime, "fhir_patient", "gp-system-feed")
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        lines = client.post(
            SUBMIT,
            headers=_key(runtime) | {"Content-Type": "application/x-ndjson"},
            content=_feed(synthetic, "jsonl").read_bytes(),
        )
        patients = client.post(
            "/api/v1/feeds/fhir_patient/submissions",
            headers=fhir | {"Content-Type": "application/fhir+json"},
            content=json.dumps(bundle).encode(),
        )

    assert lines.status_code == 200, lines.text
    assert lines.json()["accepted"] > 250
    assert {r["line"] for r in lines.json()["rejects"]} == _malformed_lines(synthetic, offset=1)
    assert patients.status_code == 200, patients.text
    assert patients.json()["read"] == 2
    assert [r["line"] for r in patients.json()["rejects"]] == [1, 2]  # no name; not a Patient


def test_keys_are_bound_to_one_source_and_revocable_and_other_callers_are_refused(
    runtime: Runtime, clock: FixedClock
) -> None:
    headers = _key(runtime)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    body = (",".join(NHS_HEADER) + "\nNHS1" + "," * (len(NHS_HEADER) - 1) + "\n").encode()
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, practitioner)

        def post(path: str, auth: dict[str, str]) -> int:
            return client.post(path, headers=auth | CSV, content=body).status_code

        assert post("/api/v1/feeds/child_benefit/submissions", headers) == 403
        assert post(SUBMIT, {}) == 401
        assert post(SUBMIT, {"Authorization": "Bearer cpds_not-a-key"}) == 401
        assert post(SUBMIT, {"Authorization": "Bearer not-a-token"}) == 401
        assert post(SUBMIT, {"Authorization": f"Bearer {token}"}) == 403
        assert client.get("/api/v1/me", headers=headers).status_code == 403
        assert client.post("/api/v1/searches", headers=headers, json={}).status_code == 403
        assert post(SUBMIT, headers) == 200
        revoke_source_account(runtime, "nhs-digital-feed")
        assert post(SUBMIT, headers) == 401
    assert _count(runtime, ChildRow) == 0  # the one row had no name: rejected


def test_what_is_not_a_feed_or_too_large_is_refused(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_feeds, "MAX_FHIR_BYTES", 1000)
    headers = _key(runtime)
    fhir = headers | {"Content-Type": "application/fhir+json"}
    url = "/api/v1/feeds/fhir_patient/submissions"
    big = b'{"resourceType": "Bundle", "entry": []' + b" " * 2000 + b"}"

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds as the body arrives
        yield from (big[i : i + 100] for i in range(0, len(big), 100))

    other = add_source_account(runtime, "gp-system-feed", "fhir_patient").key
    fhir_key = {"Authorization": f"Bearer {other}", "Content-Type": "application/fhir+json"}
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        plain = client.post(SUBMIT, headers=headers | {"Content-Type": "text/plain"}, content=b"x\n")
        multipart = client.post(SUBMIT, headers=headers, files={"feed": ("f.csv", b"record_id\n")})
        declared = client.post(url, headers=fhir_key, content=big)
        streamed = client.post(url, headers=fhir_key, content=chunked())
        broken = client.post(url, headers=fhir_key, content=b"{not json")
        wrong = client.post(url, headers=fhir, content=b"{}")

    assert plain.status_code == multipart.status_code == 415
    assert declared.status_code == streamed.status_code == 413
    assert broken.status_code == 422
    assert wrong.status_code == 403


def test_the_route_reads_the_raw_stream_and_documents_a_body_that_is_not_a_form(runtime: Runtime) -> None:
    app = create_app(runtime)
    route = next(r for r in api_routes(app) if r.path == "/api/v1/feeds/{source}/submissions")
    assert route.dependant.body_params == []  # no UploadFile, File or Form: nothing parses (or spools)
    tree = ast.parse(inspect.getsource(api_feeds))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not names & {"UploadFile", "File", "Form", "SpooledTemporaryFile"}
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not attributes & {"form", "body", "json"}  # request.form() spools; .body() holds it all
    body = app.openapi()["paths"]["/api/v1/feeds/{source}/submissions"]["post"]["requestBody"]
    assert set(body["content"]) == {"text/csv", "application/x-ndjson", "application/fhir+json"}


def _send_part_then_hang_up(
    base: str, headers: dict[str, str], body: bytes, part: int, runtime: Runtime
) -> None:
    """Send the head and `part` bytes, wait until the server has committed a batch of them (however
    slow the machine), then close the socket mid-body."""
    host, port = base.removeprefix("http://").split(":")
    lines = [f"POST {SUBMIT} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body[:part])
        deadline = time.monotonic() + 60
        while _count(runtime, FeedRowOutcome) == 0:
            assert time.monotonic() < deadline, "the server never committed a batch of the part sent"
            time.sleep(0.1)
        time.sleep(0.3)  # let it take any further whole batches it has the lines for


def _wait_for_submissions(runtime: Runtime, count: int) -> list[dict[str, Detail]]:
    deadline = time.monotonic() + 60
    while len(found := _submissions(runtime)) < count:
        assert time.monotonic() < deadline, "the broken submission was never audited"
        time.sleep(0.2)
    return found


def test_a_broken_upload_keeps_its_committed_batches_and_a_resubmission_completes_it_once(
    runtime: Runtime, synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_feeds, "BATCH_ROWS", 40)
    headers = _key(runtime) | CSV
    data = _feed(synthetic).read_bytes()
    cut = data.index(b"\n", len(data) * 3 // 5) + 20  # in the middle of a row
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        _send_part_then_hang_up(base, headers, data, cut, runtime)
        (broken,) = _wait_for_submissions(runtime, 1)
        committed = _count(runtime, FeedRowOutcome)
        children = _count(runtime, ChildRow)
        again = client.post(SUBMIT, headers=headers, content=data)
        third = client.post(SUBMIT, headers=headers, content=data)

    assert broken["completed"] is False
    read = broken["read"]
    assert isinstance(read, int)
    assert read % 40 == 0  # whole batches only: the row cut in two, and its batch, were not taken
    assert 0 < committed <= read < 300
    assert again.status_code == 200, again.text
    resumed = again.json()
    assert resumed["skipped"] == committed
    assert resumed["accepted"] == resumed["read"] - resumed["skipped"] - resumed["rejected"] > 0
    assert _count(runtime, ChildRow) > children
    with runtime.engine.connect() as connection:
        new_rows = connection.scalar(
            select(func.count()).select_from(FeedRowOutcome).where(FeedRowOutcome.outcome == "new")
        )
    assert new_rows == _count(runtime, ChildRow)  # one child per row decided new: none twice
    assert third.json()["skipped"] == third.json()["read"] - third.json()["rejected"]
    assert third.json()["accepted"] == 0


def test_each_submission_is_audited_with_its_source_and_counts_and_no_value(
    runtime: Runtime, synthetic: Path
) -> None:
    headers = _key(runtime) | CSV
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        first = client.post(SUBMIT, headers=headers, content=_feed(synthetic).read_bytes()).json()

    (entry,) = _submissions(runtime)
    assert entry["source"] == NHS
    assert entry["completed"] is True
    assert entry["reference"] == first["reference"]
    assert (entry["read"], entry["new"], entry["rejected"]) == (
        len(_truth(synthetic)),
        _count(runtime, ChildRow),
        first["rejected"],
    )
    text = json.dumps(entry)
    assert not any(value in text for value in _personal_values(synthetic))
    with runtime.unit_of_work() as uow:
        (row,) = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.FEED_SUBMITTED]
        account = uow.sources.by_username("nhs-digital-feed")
    assert account is not None
    assert row.actor_id == account.user_id


def test_a_feed_whose_header_is_not_the_mappings_is_refused_naming_the_columns(
    runtime: Runtime, synthetic: Path
) -> None:
    feed = _feed(synthetic).read_bytes()
    header, rest = feed.split(b"\n", 1)
    renamed = header.replace(b",given_name,", b",forename,") + b"\n" + rest
    semicolons = header.replace(b",", b";") + b"\n" + rest
    lines = [json.loads(line) for line in _feed(synthetic, "jsonl").read_bytes().splitlines()[:3]]
    extra = b"".join(json.dumps({**line, "notes": None}).encode() + b"\n" for line in lines)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        wrong = client.post(SUBMIT, headers=_key(runtime) | CSV, content=renamed)
        separated = client.post(SUBMIT, headers=_key(runtime, name="second") | CSV, content=semicolons)
        unknown_key = client.post(
            SUBMIT,
            headers=_key(runtime, name="third") | {"Content-Type": "application/x-ndjson"},
            content=extra,
        )

    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["field"] == "header"
    assert "missing columns: given_name; unexpected columns: forename" in wrong.json()["message"]
    assert separated.status_code == 422
    assert "separated by semicolons" in separated.json()["message"]
    assert unknown_key.status_code == 422
    assert "unexpected columns: notes" in unknown_key.json()["message"]
    assert _count(runtime, FeedRowOutcome) == _count(runtime, ChildRow) == 0


def test_malformed_uploads_get_a_clear_4xx_or_reject_lines_and_never_a_500(
    runtime: Runtime, synthetic: Path
) -> None:
    feed = _feed(synthetic).read_bytes()
    bom = b"\xef\xbb\xbf" + feed
    cr_only = feed.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    jsonl = _feed(synthetic, "jsonl").read_bytes().splitlines(keepends=True)
    odd_lines = [
        *jsonl[:3],
        b'{"record_id": "NHSX1", "age": ' + b"9" * 5000 + b"}\n",
        b'{"record_id": "NHSX2", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n",
        b"[1, 2]\n",
    ]
    patients = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1", "name": {"family": "Jones"}}},
            {"resource": {"resourceType": "Patient", "id": "p2", "meta": {"lastUpdated": 20240101}}},
        ],
    }
    deep = b'{"resourceType": "Bundle", "entry": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    huge = b'{"resourceType": "Bundle", "total": ' + b"9" * 5000 + b"}"
    fhir = {"Authorization": _key(runtime, "fhir_patient", "gp-system-feed")["Authorization"]}
    fhir |= {"Content-Type": "application/fhir+json"}
    url = "/api/v1/feeds/fhir_patient/submissions"
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        headers = _key(runtime)
        with_bom = client.post(SUBMIT, headers=headers | CSV, content=bom)
        with_cr = client.post(SUBMIT, headers=headers | CSV, content=cr_only)
        odd = client.post(
            SUBMIT, headers=headers | {"Content-Type": "application/x-ndjson"}, content=b"".join(odd_lines)
        )
        typed = client.post(url, headers=fhir, content=json.dumps(patients).encode())
        nested = client.post(url, headers=fhir, content=deep)
        long_number = client.post(url, headers=fhir, content=huge)
        nul_header = client.post(SUBMIT, headers=headers | CSV, content=b'record_id,"a\x00b\n')

    malformed = _malformed_lines(synthetic, offset=2)
    assert with_bom.status_code == 200, with_bom.text
    assert with_bom.json()["accepted"] > 250  # every row read, none lost to the mark
    assert {r["line"] for r in with_bom.json()["rejects"]} == malformed
    assert with_cr.status_code == 200, with_cr.text
    assert with_cr.json()["skipped"] > 250  # the same rows, line by line, already taken
    assert {r["line"] for r in with_cr.json()["rejects"]} == malformed
    assert odd.status_code == 200, odd.text
    assert [(r["line"], r["rule"]) for r in odd.json()["rejects"] if r["line"] > 3] == [
        (4, "not a well-formed JSON object"),
        (5, "nested too deeply to be a row"),
        (6, "not a flat object of text values"),
    ]
    assert typed.status_code == 200, typed.text
    assert [(r["line"], r["rule"]) for r in typed.json()["rejects"]] == [
        (1, "Patient.name is not of the type FHIR gives it"),
        (2, "Patient.meta.lastUpdated is not of the type FHIR gives it"),
    ]
    for refused in (nested, long_number, nul_header):
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "feed"


def test_a_row_without_a_given_name_matching_nobody_is_taken_over_http_and_makes_no_record(
    runtime: Runtime, synthetic: Path
) -> None:
    with _feed(synthetic).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    stranger = {**rows[0], "record_id": "PARTIAL1", "given_name": "", "other_given_names": ""}
    stranger |= {"family_name": "Quillfeather", "nhs_number": "", "date_of_birth": "20150607"}
    stranger["registration_date"] = "20150701"  # registered after the birth it now carries
    extra = io.StringIO()
    csv.writer(extra, lineterminator="\n").writerow([stranger[c] for c in NHS_HEADER])
    body = _feed(synthetic).read_bytes() + extra.getvalue().encode()
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        response = client.post(SUBMIT, headers=_key(runtime) | CSV, content=body)

    assert response.status_code == 200, response.text
    # Whether a record came close depends on the index, not the row: the receipt never says.
    assert not [r for r in response.json()["rejects"] if r["row_key"] == "PARTIAL1"]
    assert "Quillfeather" not in response.text
    with runtime.unit_of_work() as uow:
        assert "PARTIAL1" not in dict(uow.ledger.links(NHS))
