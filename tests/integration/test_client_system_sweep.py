"""A leaked client-system key sweeping searches across its organisation's practitioners is seen and
stopped as the client system, not only as the staff it names.

Each practitioner's own hourly limits and signals see a share of the sweep; the key has an hourly
ceiling of its own, and its searching-without-reading raises an alert naming the client system
(and its LA), which the LA's auditors see. Over real HTTP, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import PROBING_MIN_SEARCHES, Signal
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.settings import Settings
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.factories import ChildFactory
from tests.fhirsupport import Organisation, known_child, organisation
from tests.websupport import ORG_CODE, live_server, make_account, make_principal, store_children

SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Patel", "Khan")


@contextmanager
def live_server_client(runtime: Runtime) -> Iterator[httpx.Client]:
    """A live server and an HTTP client pointed at it."""
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def _acting(key: str, practitioner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", PRACTITIONER_HEADER: practitioner, REASON_HEADER: "assessment"}


def _staff(runtime: Runtime, org: Organisation) -> list[str]:
    second = make_account(runtime, Role.PRACTITIONER, org_code=ORG_CODE)
    return [org.practitioner.username, second.username]


def _search(client: httpx.Client, org: Organisation, practitioner: str, i: int) -> httpx.Response:
    params = {"family": SURNAMES[i % len(SURNAMES)], "birthdate": f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}"}
    return client.get("/fhir/Patient", params=params, headers=_acting(org.key, practitioner))


def _alerts_on(runtime: Runtime, user_id: int) -> list[str]:
    auditor = make_principal(runtime, Role.AUDITOR)  # the LA's own auditor
    return [alert.kind for alert in list_alerts(runtime, auditor) if alert.user_id == user_id]


def test_a_key_searching_across_its_staff_without_reading_raises_an_alert_naming_the_client_system(
    runtime: Runtime,
) -> None:
    org = organisation(runtime)
    staff = _staff(runtime, org)
    with live_server_client(runtime) as client:
        answers = [_search(client, org, staff[i % 2], i) for i in range(PROBING_MIN_SEARCHES)]
    assert {answer.status_code for answer in answers} == {200}
    assert _alerts_on(runtime, org.client_id).count(Signal.CLIENT_PROBING.value) == 1


def test_a_client_that_reads_what_it_searches_raises_no_probing_alert(
    runtime: Runtime, factory: ChildFactory
) -> None:
    org = organisation(runtime)
    (child,) = store_children(runtime, [known_child(factory)])
    with live_server_client(runtime) as client:
        for i in range(PROBING_MIN_SEARCHES):
            _search(client, org, org.practitioner.username, i)
            if i % 3 == 0:
                read = client.get(
                    f"/fhir/Patient/{child.cp_id.value}", headers=_acting(org.key, org.practitioner.username)
                )
                assert read.status_code == 200
    assert Signal.CLIENT_PROBING.value not in _alerts_on(runtime, org.client_id)


def test_a_key_has_an_hourly_ceiling_whichever_practitioners_it_names(
    runtime: Runtime, settings: Settings, clock: FixedClock
) -> None:
    ceiling = 6
    limited = build_runtime(
        settings.model_copy(update={"fhir_client_requests_per_hour": ceiling}), clock=clock
    )
    try:
        org = organisation(limited)
        staff = _staff(limited, org)
        with live_server_client(limited) as client:
            within = []
            for i in range(ceiling):
                within.append(_search(client, org, staff[i % 2], i))
                clock.advance(timedelta(minutes=2))  # well under the per-minute limit
            over = [_search(client, org, name, ceiling) for name in staff]
            clock.advance(timedelta(hours=1))
            later = _search(client, org, staff[0], 0)
        alerts = _alerts_on(limited, org.client_id)
    finally:
        limited.close()
    assert [answer.status_code for answer in within] == [200] * ceiling
    assert [answer.status_code for answer in over] == [429, 429]
    assert all(int(answer.headers["Retry-After"]) >= 1 for answer in over)
    assert later.status_code == 200
    assert alerts.count(Signal.CLIENT_CEILING.value) == 1
