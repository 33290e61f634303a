"""Involvement dates lie in the child's life, over real HTTP on SQLite and PostgreSQL: a start long
before the birth or in the future, or an end in the future, is refused with the field named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx
import pytest

from contactpoint.access.roles import Role
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children

BORN = date(2016, 4, 9)


@pytest.mark.parametrize(
    ("start", "answer"),
    [
        ("0001-01-01", 422),
        ("2015-06-01", 422),  # more than a pregnancy before the birth
        ("2099-01-01", 422),
        ("2026-11-24", 422),  # tomorrow
        ("2015-08-01", 201),  # before the birth, as health visiting and midwifery begin
        ("2026-11-23", 201),  # today
    ],
)
def test_an_involvement_starts_within_the_childs_life(runtime, clock, factory, start, answer):
    (child,) = store_children(runtime, [replace(factory.child(la_code=HOME_LA), date_of_birth=BORN)])
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        response = client.post(
            f"/api/v1/children/{child.cp_id.value}/involvements",
            json={
                "practitioner_given": "Sam",
                "practitioner_family": "Okafor",
                "start": start,
                "expected_version": 1,
            },
            headers=headers,
        )

    assert response.status_code == answer, response.text
    if answer == 422:
        assert "start" in response.text
