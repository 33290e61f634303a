"""Request bodies are capped per route before they are read, over real HTTP: an oversized sign-in or
API body is refused with 413 whether its length is declared or it arrives in chunks, and a FHIR
Bundle (parsed whole in memory) has a cap of its own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from contactpoint.app.feeds.sources import add_source_account
from contactpoint.app.runtime import Runtime
from tests.websupport import live_server

BIG = b'{"username": "' + b"a" * (1 << 20) + b'", "password": "x", "code": "000000"}'


def _chunks(body: bytes) -> Iterator[bytes]:
    yield from (body[i : i + 65536] for i in range(0, len(body), 65536))


def test_oversized_bodies_are_refused_before_they_are_read(runtime: Runtime) -> None:
    key = add_source_account(runtime, "gp-system-feed", "fhir_patient").key
    bundle = b'{"resourceType": "Bundle", "entry": []' + b" " * (8 << 20) + b"}"
    fhir = {"Authorization": f"Bearer {key}", "Content-Type": "application/fhir+json"}
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        json = {"Content-Type": "application/json"}
        declared = client.post("/api/v1/sessions", content=BIG, headers=json)
        streamed = client.post("/api/v1/sessions", content=_chunks(BIG), headers=json)
        form = client.post(
            "/sign-in",
            content=b"username=" + b"a" * (1 << 20),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        search = client.post("/api/v1/searches", content=_chunks(BIG), headers=json)
        fhir_bundle = client.post("/api/v1/feeds/fhir_patient/submissions", content=bundle, headers=fhir)
        ordinary = client.post(
            "/api/v1/sessions", json={"username": "nobody-here", "password": "x", "code": "000000"}
        )

    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert form.status_code == 413
    assert search.status_code == 413
    assert fhir_bundle.status_code == 413
    assert ordinary.status_code == 401
