"""Misuse signals from practice, raised as alerts in the reading transaction.

Each signal has a score so auditors see the worst first. Hard limits suspend the account at once
(its sessions end) and raise an alert the LA user administrator sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from contactpoint.access.policy import Principal
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.audit.log import AuditLog
from contactpoint.settings import Settings
from contactpoint.store.unit_of_work import UnitOfWork

LONDON = ZoneInfo("Europe/London")
WORKING_HOURS = range(7, 20)
HOURLY_SEARCH_LIMIT = 120  # hard: no practitioner needs two searches a minute for an hour
HOURLY_VIEW_LIMIT = 120  # hard, likewise for opening records (granted, overridden or refused)
VIEW_KINDS = (AuditKind.VIEW, AuditKind.OVERRIDE, AuditKind.VIEW_REFUSED)
SUSPENDED = "this account has been suspended; contact your user administrator"
PROBING_MIN_SEARCHES = 30
PROBING_MAX_VIEW_RATIO = 0.1
PEER_MULTIPLE = 5


class Signal(StrEnum):
    """Kinds of alert, with their scores below."""

    OVERRIDE = "override_use"
    SHIELDED_HIT = "shielded_hit"
    OUTSIDE_LA = "outside_la"
    OUT_OF_HOURS = "out_of_hours"
    PROBING = "probing"
    VOLUME = "volume_above_peers"
    HARD_LIMIT = "hard_limit_suspended"
    SHARES_SURNAME = "shares_surname"
    SHARES_POSTCODE = "shares_postcode"
    FEED_PROBING = "feed_probing"
    ACCOUNT_TAMPERED = "account_tampered"
    CLIENT_PROBING = "client_probing"
    DIRECTORY_TAMPERED = "directory_tampered"
    CLIENT_CEILING = "client_hourly_ceiling"
    REQUEST_TAMPERED = "request_tampered"


SCORES: dict[Signal, int] = {
    Signal.ACCOUNT_TAMPERED: 100,  # an account edited in the database, not through the application
    Signal.REQUEST_TAMPERED: 100,  # a shielding or adoption request planted or edited in the database
    Signal.HARD_LIMIT: 100,
    Signal.DIRECTORY_TAMPERED: 100,  # an LA team contact edited in the database: contact redirected
    Signal.OVERRIDE: 60,
    Signal.PROBING: 40,
    Signal.FEED_PROBING: 50,  # a data source's key trying rows one by one: leaked, or an insider
    Signal.CLIENT_CEILING: 60,  # a client system's key at its hourly ceiling: refused until the hour ends
    Signal.CLIENT_PROBING: 40,  # a client system searching and seldom reading, whoever it acts for
    Signal.SHIELDED_HIT: 30,
    Signal.VOLUME: 25,
    Signal.SHARES_POSTCODE: 35,  # a neighbour or the household: personal interest, not work
    Signal.SHARES_SURNAME: 20,  # phonetic keys: a common name will share by chance
    Signal.OUTSIDE_LA: 5,
    Signal.OUT_OF_HOURS: 5,
}


def raise_alert(log: AuditLog, principal: Principal, signal: Signal, seq: int | None) -> None:
    """Store one alert for the auditors of the user's LA (and national auditors), recorded in the
    audit chain so that deleting or downgrading it is detected."""
    log.record_alert(
        user_id=principal.user_id,
        la_code=principal.la_code,
        signal=signal.value,
        score=SCORES[signal],
        trigger_seq=seq,
    )


def out_of_hours(now: datetime) -> bool:
    """Outside 07:00-20:00 London time, or at a weekend."""
    local = now.astimezone(LONDON)
    return local.weekday() >= 5 or local.hour not in WORKING_HOURS


def after_search(
    uow: UnitOfWork, log: AuditLog, principal: Principal, now: datetime, seq: int, *, shielded_hits: int
) -> bool:
    """Signals of a search; returns True when a hard limit suspended the account."""
    if shielded_hits:
        raise_alert(log, principal, Signal.SHIELDED_HIT, seq)
    if out_of_hours(now):
        raise_alert(log, principal, Signal.OUT_OF_HOURS, seq)
    day = now - timedelta(days=1)
    searches, hour = uow.audit.counts_since(
        principal.user_id, AuditKind.SEARCH.value, day, now - timedelta(hours=1)
    )
    if hour > HOURLY_SEARCH_LIMIT:
        _suspend(uow, log, principal, seq)
        return True
    if searches >= PROBING_MIN_SEARCHES and searches % PROBING_MIN_SEARCHES == 0:
        views = uow.audit.count_by_actor(principal.user_id, AuditKind.VIEW.value, day)
        if views < searches * PROBING_MAX_VIEW_RATIO:
            raise_alert(log, principal, Signal.PROBING, seq)
        if principal.la_code is not None:
            peers = uow.audit.counts_by_actor(
                AuditKind.SEARCH.value, day, uow.users.ids_in_la(principal.la_code)
            )
            others = sorted(n for user, n in peers.items() if user != principal.user_id)
            baseline = others[len(others) // 2] if others else 0
            if searches > PEER_MULTIPLE * max(baseline, 1):
                raise_alert(log, principal, Signal.VOLUME, seq)
    return False


def _suspend(uow: UnitOfWork, log: AuditLog, principal: Principal, seq: int) -> None:
    """A hard limit was passed: suspend the account, end its sessions, alert and audit it."""
    raise_alert(log, principal, Signal.HARD_LIMIT, seq)
    uow.users.set_suspended(principal.user_id, True)
    uow.sessions.delete_for_user(principal.user_id)
    log.append(
        AuditEvent(AuditKind.ACCOUNT_SUSPENDED, principal.user_id, (), {"signal": Signal.HARD_LIMIT.value})
    )


def over_view_limit(uow: UnitOfWork, log: AuditLog, principal: Principal, now: datetime, seq: int) -> bool:
    """Whether this attempt to open a record passes the hourly hard limit, which then suspends the
    account: a list of IDs must not become a list of addresses at machine speed."""
    hour_ago = now - timedelta(hours=1)
    opened = sum(uow.audit.count_by_actor(principal.user_id, k.value, hour_ago) for k in VIEW_KINDS)
    if opened > HOURLY_VIEW_LIMIT:
        _suspend(uow, log, principal, seq)
        return True
    return False


def after_view(
    log: AuditLog,
    principal: Principal,
    now: datetime,
    seq: int,
    *,
    shielded: bool,
    override: bool,
    la_code: str,
    shares: tuple[bool, bool] = (False, False),
) -> None:
    """Signals of opening a record; `shares` says whether the child shares the user's family name
    and home postcode (app/affinity.py)."""
    if override:
        raise_alert(log, principal, Signal.OVERRIDE, seq)
    elif shielded:
        raise_alert(log, principal, Signal.SHIELDED_HIT, seq)
    if principal.la_code is not None and la_code != principal.la_code:
        raise_alert(log, principal, Signal.OUTSIDE_LA, seq)
    if out_of_hours(now):
        raise_alert(log, principal, Signal.OUT_OF_HOURS, seq)
    shares_surname, shares_postcode = shares
    if shares_surname:
        raise_alert(log, principal, Signal.SHARES_SURNAME, seq)
    if shares_postcode:
        raise_alert(log, principal, Signal.SHARES_POSTCODE, seq)


@dataclass(frozen=True, slots=True)
class ClientHour:
    """A client system's requests in its current hour, this one included."""

    requests: int
    reads: int
    ceiling: int
    read: bool  # whether this request was a read

    @property
    def searches(self) -> int:
        """Searches and matches: every request that is not a read."""
        return self.requests - self.reads


def after_client_request(log: AuditLog, client: Principal, hour: ClientHour, seq: int) -> None:
    """Signals of a client system's own traffic, raised on the client system (with its LA), not on
    the practitioners it names: a leaked key sweeping searches across the organisation's staff
    stays under each one's limits and would otherwise alert only about them."""
    if hour.requests == hour.ceiling:
        raise_alert(log, client, Signal.CLIENT_CEILING, seq)
    searches = hour.searches
    if (
        not hour.read  # the search that reaches each multiple, once
        and searches >= PROBING_MIN_SEARCHES
        and searches % PROBING_MIN_SEARCHES == 0
        and hour.reads < searches * PROBING_MAX_VIEW_RATIO
    ):
        raise_alert(log, client, Signal.CLIENT_PROBING, seq)


def after_submission(
    uow: UnitOfWork,
    log: AuditLog,
    principal: Principal,
    settings: Settings,
    now: datetime,
    *,
    seq: int,
    run_id: int,
    rows: int,
    partial_rows: int = 0,
) -> None:
    """Signals of a data source's submission, for the national team (a source has no LA).

    Real feeds are extracts of thousands of rows sent a few times a day, a row key comes back with
    new content when the child's details change, and few rows lack a name or date of birth. Someone
    with a source's key looking for a child sends instead one small feed after another, the same
    row with one guess after another, or one feed of guesses lacking a given name (which can only
    add to a record that exists), whatever its size.
    """
    source = principal.source
    if source is None:
        return
    if (
        partial_rows >= settings.feed_partial_rows_alert
        and partial_rows >= settings.feed_partial_share_alert * rows
    ):
        raise_alert(log, principal, Signal.FEED_PROBING, seq)
        return
    if rows > settings.feed_small_submission_rows:
        return  # a full extract is not someone reading answers row by row
    since = now - timedelta(seconds=settings.feed_submission_window_seconds)
    reads = uow.feed_runs.reads_since(source, since)
    small = sum(1 for read in reads if read <= settings.feed_small_submission_rows)
    many_small = small >= settings.feed_small_submissions_alert
    if many_small or uow.ledger.most_versions(source, run_id, since) >= settings.feed_row_versions_alert:
        raise_alert(log, principal, Signal.FEED_PROBING, seq)
