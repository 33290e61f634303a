"""Four eyes holds against a data administrator who can also write the database, over real HTTP on
SQLite and PostgreSQL.

A pending unshield (or adoption) request inserted in the database in a colleague's name, a genuine
request edited there, or a decided one put back to pending, is refused at its decision: the child
stays as it was and a misuse alert reaches the auditors. A request made through the application is
decided as before, and the migration tags the requests already in a store.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import insert, text

from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import principal_of
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.adoption import AdoptiveIdentity, request_adoption
from contactpoint.app.safeguards.shielding import decide_shielding_change, request_shielding_change
from contactpoint.crypto.request_tag import RequestTagger
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.shielding import (
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store import migrate
from contactpoint.store.models import Base
from tests.factories import ChildFactory
from tests.websupport import (
    HOME_LA,
    Account,
    api_token,
    live_server,
    make_account,
    make_principal,
    store_children,
)

UNSHIELD = ShieldingRequestDetails(
    ShieldingChange.UNSHIELD, ShieldingReason.RISK_ENDED, RequestedBy.LA_REVIEW, None
)


def _plant_unshield(runtime: Runtime, cp_id: str, requester_id: int) -> int:
    """What the insider wrote: a pending request in a colleague's name, straight into the table."""
    table = Base.metadata.tables["shielding_requests"]
    with runtime.engine.begin() as connection:
        result = connection.execute(
            insert(table).values(
                cp_id=cp_id,
                la_code=HOME_LA,
                change="unshield",
                reason="risk_ended",
                requested_by="la_review",
                review_on=None,
                state="pending",
                requester_id=requester_id,
                requested_at=datetime.now(UTC),
            )
        )
        (request_id,) = result.inserted_primary_key or (0,)
    return int(request_id)


def _decide(runtime: Runtime, clock, insider: Account, path: str) -> httpx.Response:
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, insider)}"}
        return client.post(path, json={"approve": True}, headers=headers)


def _status(runtime: Runtime, cp_id) -> RecordStatus:
    with runtime.unit_of_work() as uow:
        return uow.children.get(cp_id).record.status


def _tamper_alerts(runtime: Runtime, user_id: int) -> int:
    auditor = make_principal(runtime, Role.NATIONAL_AUDITOR)
    return sum(
        1
        for alert in list_alerts(runtime, auditor)
        if alert.kind == Signal.REQUEST_TAMPERED.value and alert.user_id == user_id
    )


@pytest.fixture
def shielded(runtime: Runtime, factory: ChildFactory):
    (child,) = store_children(runtime, [factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA)])
    return child


def test_an_unshield_request_planted_in_a_colleagues_name_is_refused_and_alerted(
    runtime: Runtime, clock, shielded
) -> None:
    colleague = make_principal(runtime, Role.LA_DATA_ADMIN)
    insider = make_account(runtime, Role.LA_DATA_ADMIN)
    request_id = _plant_unshield(runtime, shielded.cp_id.value, colleague.user_id)

    decided = _decide(runtime, clock, insider, f"/api/v1/shielding-requests/{request_id}/decision")

    assert decided.status_code == 403, decided.text
    assert _status(runtime, shielded.cp_id) is RecordStatus.SHIELDED
    assert _tamper_alerts(runtime, insider.user_id) == 1


def test_a_genuine_request_edited_or_put_back_to_pending_is_refused(
    runtime: Runtime, clock, shielded
) -> None:
    colleague = make_principal(runtime, Role.LA_DATA_ADMIN)
    insider = make_account(runtime, Role.LA_DATA_ADMIN)
    third = make_principal(runtime, Role.LA_DATA_ADMIN)
    # A genuine request whose requester was then changed in the table
    own = request_shielding_change(runtime, third, shielded.cp_id, UNSHIELD)
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE shielding_requests SET requester_id = :who WHERE id = :id"),
            {"who": colleague.user_id, "id": own},
        )
    edited = _decide(runtime, clock, insider, f"/api/v1/shielding-requests/{own}/decision")
    assert edited.status_code == 403, edited.text
    assert _status(runtime, shielded.cp_id) is RecordStatus.SHIELDED

    # A request rejected once, put back to pending in the table
    with runtime.engine.begin() as connection:
        connection.execute(text("DELETE FROM shielding_requests WHERE id = :id"), {"id": own})
    genuine = request_shielding_change(runtime, colleague, shielded.cp_id, UNSHIELD)
    decide_shielding_change(runtime, third, genuine, approve=False)
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE shielding_requests SET state = 'pending', decider_id = NULL WHERE id = :id"),
            {"id": genuine},
        )
    replayed = _decide(runtime, clock, insider, f"/api/v1/shielding-requests/{genuine}/decision")
    assert replayed.status_code == 403, replayed.text
    assert _status(runtime, shielded.cp_id) is RecordStatus.SHIELDED
    assert _tamper_alerts(runtime, insider.user_id) == 2


def test_a_request_made_through_the_application_is_decided_as_before(
    runtime: Runtime, clock, shielded
) -> None:
    colleague = make_principal(runtime, Role.LA_DATA_ADMIN)
    insider = make_account(runtime, Role.LA_DATA_ADMIN)
    request_id = request_shielding_change(runtime, colleague, shielded.cp_id, UNSHIELD)

    decided = _decide(runtime, clock, insider, f"/api/v1/shielding-requests/{request_id}/decision")

    assert decided.status_code == 204, decided.text
    assert _status(runtime, shielded.cp_id) is RecordStatus.ACTIVE
    assert _tamper_alerts(runtime, insider.user_id) == 0


def test_an_adoption_request_re_attributed_in_the_database_is_refused(
    runtime: Runtime, clock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    colleague = make_principal(runtime, Role.LA_DATA_ADMIN)
    insider = make_account(runtime, Role.LA_DATA_ADMIN)
    with runtime.unit_of_work() as uow:
        as_insider = principal_of(uow.users.get(insider.user_id))
    adoptive = AdoptiveIdentity(
        ChildNames(PersonName(child.names.current.given, "Zanzibarova")), child.whereabouts, HOME_LA
    )
    request_id = request_adoption(runtime, as_insider, child.cp_id, adoptive)
    with runtime.engine.begin() as connection:  # the insider's own request, now in a colleague's name
        connection.execute(
            text("UPDATE adoption_requests SET requester_id = :who WHERE id = :id"),
            {"who": colleague.user_id, "id": request_id},
        )

    decided = _decide(runtime, clock, insider, f"/api/v1/adoption-requests/{request_id}/decision")

    assert decided.status_code == 403, decided.text
    assert _status(runtime, child.cp_id) is RecordStatus.ACTIVE
    assert _tamper_alerts(runtime, insider.user_id) == 1


def test_the_migration_tags_existing_requests_with_the_keyring_and_refuses_without_it(
    runtime: Runtime, clock, shielded, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    colleague = make_principal(runtime, Role.LA_DATA_ADMIN)
    insider = make_account(runtime, Role.LA_DATA_ADMIN)
    unshield = request_shielding_change(runtime, colleague, shielded.cp_id, UNSHIELD)
    adoptive = ChildNames(PersonName(child.names.current.given, "Zanzibarova"))
    adopt = request_adoption(
        runtime, colleague, child.cp_id, AdoptiveIdentity(adoptive, child.whereabouts, HOME_LA)
    )
    migrate.downgrade(runtime.engine, "0022")
    with pytest.raises(RuntimeError, match="keyring"):
        migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    migrate.upgrade(
        runtime.engine, account_tagger=runtime.account_tagger, request_tagger=RequestTagger(runtime.keyring)
    )

    assert (
        _decide(runtime, clock, insider, f"/api/v1/shielding-requests/{unshield}/decision").status_code == 204
    )
    assert _decide(runtime, clock, insider, f"/api/v1/adoption-requests/{adopt}/decision").status_code == 200
    assert _status(runtime, shielded.cp_id) is RecordStatus.ACTIVE
    assert _status(runtime, child.cp_id) is RecordStatus.SEALED
