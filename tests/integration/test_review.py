"""The review queue on SQLite and PostgreSQL: each LA's data administrators work their own queue,
private items included and nobody else's; opening and deciding are audited; the national queue is the
operator's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Role
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.review import (
    ReviewAction,
    count_reviews,
    decide_review,
    decide_review_as_operator,
    list_reviews,
    list_reviews_as_operator,
    open_review,
)
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.adoption import AdoptiveIdentity, decide_adoption, request_adoption
from contactpoint.app.safeguards.shielding import decide_shielding_change, request_shielding_change
from contactpoint.audit.events import Detail
from contactpoint.console import app
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName, RetentionExtension, Whereabouts
from contactpoint.domain.shielding import (
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import AddressState, ExtensionBasis, RecordStatus
from contactpoint.settings import Settings
from contactpoint.store.models import Base
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row
from tests.review_support import close_variant, hold_rows, make_linker
from tests.websupport import HOME_LA, OTHER_LA, make_principal, store_children


@pytest.fixture
def linker(settings: Settings) -> Linker:
    """Thresholds from the settings; factory postcodes all placed in LA 201."""
    return make_linker(settings)


def principal(runtime: Runtime, role: Role, la: str | None = HOME_LA) -> Principal:
    return make_principal(runtime, role, la_code=la)


@pytest.fixture
def admin(runtime: Runtime) -> Principal:
    return principal(runtime, Role.LA_DATA_ADMIN)


def _store(runtime: Runtime, record: ChildRecord) -> ChildRecord:
    return store_children(runtime, [record])[0]


def _hold(runtime: Runtime, linker: Linker, rows: list[dict[str, str]], tmp_path: Path) -> int:
    (item_id,) = hold_rows(runtime, linker, rows, tmp_path)
    return item_id


def _hold_one(runtime: Runtime, linker: Linker, record: ChildRecord, tmp_path: Path) -> int:
    return _hold(runtime, linker, [close_variant(record)], tmp_path)


def _audit(runtime: Runtime) -> list[tuple[str, int | None, dict[str, Detail]]]:
    keys = runtime.audit_keys
    table = Base.metadata.tables["audit_entries"]
    with runtime.engine.connect() as connection:
        rows = connection.execute(table.select().order_by(table.c.seq)).mappings().all()
    return [
        (row["kind"], row["actor_id"], keys.open(row["seq"], row["kind"], row["key_version"], row["payload"]))
        for row in rows
    ]


def _review_entries(runtime: Runtime) -> list[tuple[str, int | None, dict[str, Detail]]]:
    return [entry for entry in _audit(runtime) if entry[0].startswith("review:")]


def test_an_la_team_sees_its_own_queue_with_private_items_and_never_another_las(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    shielded = _store(runtime, factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA))
    _hold_one(runtime, linker, shielded, tmp_path)

    (item,) = list_reviews(runtime, admin)
    assert item.private
    assert item.candidate_cp_id == shielded.cp_id.value
    assert {entry["field"] for entry in item.explanation} >= {"given_name", "dob", "postcode"}
    assert count_reviews(runtime, admin) == 1
    outsider = principal(runtime, Role.LA_DATA_ADMIN, OTHER_LA)
    assert (list_reviews(runtime, outsider), count_reviews(runtime, outsider)) == ([], 0)
    assert list_reviews_as_operator(runtime, HOME_LA) == []  # the operator's default hides private items


@pytest.mark.parametrize(
    "outsider",
    [
        (Role.LA_DATA_ADMIN, OTHER_LA),
        (Role.PRACTITIONER, HOME_LA),
        (Role.CHILD_PROTECTION, HOME_LA),
        (Role.LA_USER_ADMIN, HOME_LA),
        (Role.AUDITOR, HOME_LA),
        (Role.NATIONAL_ADMIN, None),
        (Role.NATIONAL_AUDITOR, None),
    ],
)
def test_nobody_but_the_owning_las_data_administrators_opens_or_decides_an_item(
    runtime: Runtime,
    linker: Linker,
    factory: ChildFactory,
    tmp_path: Path,
    outsider: tuple[Role, str | None],
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)
    role, la = outsider
    who = principal(runtime, role, la)

    # Another LA's team is answered as for a missing item; other roles are refused outright
    refused = NotFound if role is Role.LA_DATA_ADMIN else PermissionDenied
    if role is not Role.LA_DATA_ADMIN:
        with pytest.raises(PermissionDenied):
            list_reviews(runtime, who)
    with pytest.raises(refused):
        open_review(runtime, who, item_id)
    for action in ReviewAction:
        with pytest.raises(refused):
            decide_review(runtime, who, item_id, action)

    with runtime.unit_of_work() as uow:
        assert [i.item_id for i in uow.reviews.all_open()] == [item_id]
        assert uow.children.get(child.cp_id).version == 1
    assert _review_entries(runtime) == []


def test_opening_an_item_shows_the_row_beside_its_candidate_and_is_audited_first(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)

    opened = open_review(runtime, admin, item_id)

    fields = {f.label: f for f in opened.fields}
    family = child.names.current.family
    assert fields["Name"].record_value == f"{child.names.current.given} {family}"
    assert fields["Name"].row_value != fields["Name"].record_value
    assert family in fields["Name"].row_value
    assert fields["Date of birth"].row_value == fields["Date of birth"].record_value
    assert opened.candidate_shown
    assert opened.candidate_cp_id == child.cp_id.value
    assert {f.field for f in opened.explanation} >= {"given_name", "dob"}
    assert all(isinstance(f.weight, float) for f in opened.explanation)
    ((kind, actor, payload),) = _review_entries(runtime)
    assert (kind, actor) == ("review:open", admin.user_id)
    assert payload["children"] == [child.cp_id.value]
    assert payload["item"] == item_id
    assert payload["level"] == "admin"
    assert family not in repr(payload)


def test_a_sealed_candidate_is_withheld_yet_the_row_can_be_absorbed_by_it(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    sealed = _store(runtime, factory.child(status=RecordStatus.SEALED, la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, sealed, tmp_path)

    opened = open_review(runtime, admin, item_id)
    assert opened.private
    assert not opened.candidate_shown
    assert all(f.record_value is None for f in opened.fields)
    assert sealed.names.current.family not in repr(opened.fields[0].record_value)

    assert opened.candidate_cp_id is None
    assert opened.candidate_sealed
    with pytest.raises(ValidationError):
        decide_review(runtime, admin, item_id, ReviewAction.NEW_CHILD)
    assert decide_review(runtime, admin, item_id, ReviewAction.LINK) is None  # absorbed, its ID unsaid
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(sealed.cp_id)
        assert stored.version == 2
        assert stored.record.status is RecordStatus.SEALED


def test_linking_an_item_applies_the_row_to_the_candidate_and_is_audited(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)

    cp_id = decide_review(runtime, admin, item_id, ReviewAction.LINK)

    assert cp_id == child.cp_id.value
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).version == 2
        assert uow.reviews.all_open() == []
        assert dict(uow.ledger.links("child_benefit")) == {"CBR1": cp_id}
    ((kind, actor, payload),) = _review_entries(runtime)
    assert (kind, actor) == ("review:decide", admin.user_id)
    assert payload["action"] == "link"
    assert payload["children"] == [cp_id]


def test_an_item_is_decided_once(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)
    second = principal(runtime, Role.LA_DATA_ADMIN)

    decide_review(runtime, admin, item_id, ReviewAction.REJECT)

    with pytest.raises(ValidationError):
        decide_review(runtime, second, item_id, ReviewAction.NEW_CHILD)
    with pytest.raises(ValidationError):
        open_review(runtime, second, item_id)
    assert list_reviews(runtime, second) == []


def test_linking_elsewhere_needs_a_record_of_the_teams_own_la(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    elsewhere = _store(runtime, factory.child(la_code=OTHER_LA))
    sealed = _store(runtime, factory.child(la_code=HOME_LA, status=RecordStatus.SEALED))
    item_id = _hold_one(runtime, linker, child, tmp_path)

    with pytest.raises(NotFound):  # another LA's record is answered as a missing one
        decide_review(runtime, admin, item_id, ReviewAction.LINK, link_to=elsewhere.cp_id)
    with pytest.raises(NotFound):
        decide_review(runtime, admin, item_id, ReviewAction.LINK, link_to=sealed.cp_id)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(elsewhere.cp_id).version == 1
        assert len(uow.reviews.all_open()) == 1


def test_a_new_child_decision_creates_a_record_and_a_reject_creates_none(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)

    cp_id = decide_review(runtime, admin, item_id, ReviewAction.NEW_CHILD)

    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 2
        assert cp_id is not None
        assert uow.children.get(ContactPointId(cp_id)).record.names.current != child.names.current


def test_a_rejected_item_changes_no_record(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)

    assert decide_review(runtime, admin, item_id, ReviewAction.REJECT) is None

    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 1
        assert uow.children.get(child.cp_id).version == 1
        assert uow.ledger.outcome_counts().get("rejected") == 1


def test_the_national_queue_is_worked_by_the_operator_who_places_the_child(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    homeless = replace(factory.child(), whereabouts=Whereabouts(AddressState.NO_KNOWN_ADDRESS))
    item_id = _hold(runtime, linker, [child_benefit_row("CBR9", homeless)], tmp_path)

    (item,) = list_reviews_as_operator(runtime, None)
    assert item.la_code is None
    assert item.reason == "no_local_authority"
    assert list_reviews(runtime, admin) == []
    with pytest.raises(NotFound):  # the national queue's items are not the LA's to know of
        open_review(runtime, admin, item_id)
    with pytest.raises(NotFound):
        decide_review(runtime, admin, item_id, ReviewAction.NEW_CHILD)
    with pytest.raises(ValidationError):
        decide_review_as_operator(runtime, item_id, ReviewAction.NEW_CHILD)

    cp_id = decide_review_as_operator(runtime, item_id, ReviewAction.NEW_CHILD, la_code=OTHER_LA)

    assert cp_id is not None
    with runtime.unit_of_work() as uow:
        assert uow.children.get(ContactPointId(cp_id)).record.la_code == OTHER_LA
    ((kind, actor, payload),) = _review_entries(runtime)
    assert (kind, actor) == ("review:decide", None)
    assert payload["children"] == [cp_id]


def test_the_review_and_feeds_commands_show_ids_codes_and_levels_but_no_personal_values(
    runtime: Runtime, linker: Linker, settings: Settings, factory: ChildFactory, tmp_path: Path
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)
    runner = CliRunner()
    environment = {"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(), "COLUMNS": "200"}
    base = ["--data-dir", str(settings.home)]

    listed = runner.invoke(app, [*base, "review", "list", "--la", HOME_LA], env=environment)
    links = tmp_path / "links.csv"
    exported = runner.invoke(
        app,
        [*base, "feeds", "export-links", "--source", "child_benefit", "--out", str(links)],
        env=environment,
    )
    rejected = runner.invoke(app, [*base, "review", "reject", str(item_id)], env=environment)

    assert listed.exit_code == 0, listed.output
    assert "possible_twin" in listed.output
    assert "Exact match on dob" in listed.output
    assert child.names.current.family not in listed.output
    assert child.cp_id.value in listed.output
    assert exported.exit_code == 0, exported.output
    assert links.read_text(encoding="utf-8").splitlines() == [
        "row_key,contactpoint_id"
    ]  # held rows have no ID
    assert rejected.exit_code == 0, rejected.output
    assert [(kind, actor) for kind, actor, _ in _review_entries(runtime)] == [("review:decide", None)]


@pytest.mark.parametrize("protect", ["shield", "adopt"])
def test_items_held_before_a_record_is_shielded_or_sealed_move_to_its_las_private_queue(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path, protect: str
) -> None:
    child = _store(runtime, factory.child(la_code=HOME_LA))
    item_id = _hold_one(runtime, linker, child, tmp_path)
    first, second = principal(runtime, Role.LA_DATA_ADMIN), principal(runtime, Role.LA_DATA_ADMIN)
    if protect == "shield":
        details = ShieldingRequestDetails(
            ShieldingChange.SHIELD, ShieldingReason.DOMESTIC_ABUSE, RequestedBy.POLICE, date(2027, 3, 1)
        )
        request = request_shielding_change(runtime, first, child.cp_id, details)
        decide_shielding_change(runtime, second, request, approve=True)
    else:
        adoptive = AdoptiveIdentity(
            ChildNames(PersonName("Robin", "Quillfeather")), factory.child().whereabouts, OTHER_LA
        )
        request = request_adoption(runtime, first, child.cp_id, adoptive)
        decide_adoption(runtime, second, request, approve=True)
    with runtime.unit_of_work() as uow:
        (item,) = [i for i in uow.reviews.all_open() if i.item_id == item_id]
    assert (item.private, item.la_code) == (True, child.la_code)


def test_a_new_child_is_not_made_from_a_row_about_an_adult(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    kept = replace(
        factory.child(la_code=HOME_LA),
        date_of_birth=date(2006, 5, 1),  # 19 on the row's date: kept to 25 with consent
        retention_extension=RetentionExtension(ExtensionBasis.CARE_LEAVER, date(2024, 4, 1)),
    )
    child = _store(runtime, kept)
    item_id = _hold_one(runtime, linker, child, tmp_path)

    with pytest.raises(ValidationError) as refused:
        decide_review(runtime, admin, item_id, ReviewAction.NEW_CHILD)

    assert refused.value.field == "date_of_birth"
    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 1
    assert decide_review(runtime, admin, item_id, ReviewAction.LINK) == child.cp_id.value


def test_a_partial_row_held_for_review_may_be_linked_but_never_made_a_new_child(
    runtime: Runtime, linker: Linker, factory: ChildFactory, admin: Principal, tmp_path: Path
) -> None:
    """Without its given name the row cannot tell the child from a twin at the same address."""
    child = _store(runtime, factory.child(la_code=HOME_LA))
    current = child.names.current
    twin = replace(
        factory.child(la_code=HOME_LA),
        names=replace(child.names, current=replace(current, given="Zebedee")),
        date_of_birth=child.date_of_birth,
        gender=child.gender,
        whereabouts=child.whereabouts,
    )
    _store(runtime, twin)
    item_id = _hold(runtime, linker, [{**child_benefit_row("CBP1", child), "CHILD_FORENAMES": ""}], tmp_path)

    view = open_review(runtime, admin, item_id)
    with pytest.raises(ValidationError) as refused:
        decide_review(runtime, admin, item_id, ReviewAction.NEW_CHILD)

    assert view.reason == "ambiguous"
    assert next(f.row_value for f in view.fields if f.label == "Name").startswith("(not given)")
    assert refused.value.field == "given_name"
    assert view.candidate_cp_id is not None
    assert decide_review(runtime, admin, item_id, ReviewAction.LINK) == view.candidate_cp_id
    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 2
        assert uow.children.get(ContactPointId(view.candidate_cp_id)).record.names.current.given != ""
