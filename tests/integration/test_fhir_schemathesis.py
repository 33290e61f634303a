"""Schemathesis over the FHIR routes' own OpenAPI document, against the real server over HTTP:
whatever it generates (valid and invalid), /fhir never answers with a server error, and every
answer is FHIR JSON. Calls come from a client system acting for a practitioner of its
organisation, so generated criteria reach the search, match and read use cases."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.fhirsupport import known_child, organisation
from tests.websupport import live_server, store_children


def test_the_fhir_routes_never_answer_with_a_server_error(runtime, clock, factory):
    org = organisation(runtime)
    store_children(runtime, [known_child(factory), *(factory.child(la_code="201") for _ in range(3))])
    acting = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    answered: Counter[tuple[str, int]] = Counter()
    with live_server(runtime) as base:
        schema = schemathesis.openapi.from_url(f"{base}/fhir/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an invalid operation fails the test here
        assert {op.path for op in operations} == {
            "/fhir/metadata",
            "/fhir/Patient",
            "/fhir/Patient/_search",
            "/fhir/Patient/$match",
            "/fhir/Patient/{resource_id}",
        }

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def call(case: Any) -> None:
                clock.advance(timedelta(seconds=61))  # keeps generated searches under the hourly hard limit
                response = case.call_and_validate(base_url=base, headers=acting, checks=[not_a_server_error])
                assert response.headers["content-type"][0].startswith("application/fhir+json")
                answered[case.path, response.status_code] += 1

            call()
    assert answered["/fhir/Patient/$match", 200] > 0, "no generated query reached the linkage model"
