"""Opening records has an hourly hard limit, as searching has: a practitioner holding a list of IDs
cannot turn it into a list of addresses at machine speed. Past the limit the account is suspended,
its session ends, the record is not shown, and the LA user administrator is alerted."""

from __future__ import annotations

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import HOURLY_VIEW_LIMIT
from tests.websupport import HOME_LA, api_token, live_server, make_account, make_principal, store_children


def test_the_view_past_the_hourly_limit_is_refused_and_suspends_the_account(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        url = f"/api/v1/children/{child.cp_id.value}/views"
        for _ in range(HOURLY_VIEW_LIMIT):
            assert client.post(url, headers=headers, json={"reason": "assessment"}).status_code == 200

        past = client.post(url, headers=headers, json={"reason": "assessment"})

        assert past.status_code == 401
        assert child.names.current.family not in past.text
        assert client.get("/api/v1/me", headers=headers).status_code == 401  # the session has ended
    with runtime.unit_of_work() as uow:
        assert uow.users.get(practitioner.user_id).suspended
    user_admin = make_principal(runtime, Role.LA_USER_ADMIN)
    assert [a.kind for a in list_alerts(runtime, user_admin)] == ["hard_limit_suspended"]


def test_refused_views_count_too_so_ids_cannot_be_probed_without_limit(runtime, clock, factory):
    never_issued = factory.child().cp_id  # an ID no record holds: each try is a refused view
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        answers = [
            client.post(
                f"/api/v1/children/{never_issued.value}/views", headers=headers, json={"reason": "assessment"}
            ).status_code
            for _ in range(HOURLY_VIEW_LIMIT + 1)
        ]

    assert set(answers[:-1]) == {404}
    assert answers[-1] == 401
