"""Counting sign-in attempts before they are verified, so concurrent guesses cannot share one check.

An attempt is reserved in its own short unit of work: the counters it touches are locked (the
store's writer lock on SQLite, row locks on PostgreSQL), checked against their rules and counted,
and that is committed before the password or code is looked at. A guess that would go over a rule
is refused without being verified. An attempt that succeeds is refunded afterwards, so only
failures stay counted, as `access/throttle.py` describes. A refused attempt is audited
(`sessions:sign-in-throttled`) once per counter and wait: a marker counter remembers the failure
the wait began with, so a flood of refused attempts cannot flood the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contactpoint.access import throttle
from contactpoint.access.errors import AuthenticationFailed, Throttled
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.store.unit_of_work import UnitOfWork

Keys = list[tuple[throttle.ThrottleRule, bytes]]


@dataclass(frozen=True, slots=True)
class Reservation:
    """The counters one attempt was counted against, and the count each now holds."""

    counts: dict[bytes, int]

    def reached(self, key: bytes, limit: int) -> bool:
        """True when this attempt was the `limit`-th on `key`."""
        return self.counts.get(key, 0) >= limit


def reserve_attempt(
    runtime: Runtime, keys: Keys, now: datetime, *, stage: bytes | None = None
) -> Reservation:
    """Count one attempt against every key, or refuse it uncounted.

    Raises `Throttled` when a key's rule asks for a wait; with `stage` (a password-stage session's
    code counter), raises `AuthenticationFailed` once that stage has had its handful of codes.
    """
    with runtime.unit_of_work() as uow:
        held = uow.throttle.hold([key for _, key in keys] + ([stage] if stage else []), now)
        waits = [throttle.retry_after(rule, *held[key], now) for rule, key in keys]
        if any(waits):
            waiting = [(r, k) for (r, k), w in zip(keys, waits, strict=True) if w]
            _audit_refusal(runtime, uow, waiting, held, now)
            uow.commit()
            raise Throttled(max(waits))
        counts = {}
        for rule, key in keys + ([(throttle.CODES_PER_STAGE, stage)] if stage else []):
            failures, last = held[key]
            fresh = failures == 0 or now - last >= throttle.FORGET_AFTER
            counts[key] = 1 if fresh else failures + 1
            if key == stage and counts[key] > rule.free_attempts:
                raise AuthenticationFailed("sign in again")
            uow.throttle.count(key, counts[key], now)
        uow.commit()
    return Reservation(counts)


def _audit_refusal(
    runtime: Runtime, uow: UnitOfWork, waiting: Keys, held: dict[bytes, tuple[int, datetime]], now: datetime
) -> None:
    """Audit the first refusal of each counter's current wait (its marker holds the failure that
    began the wait); later refusals during the same wait are not written again."""
    markers = {throttle.throttle_key(throttle.REFUSALS_AUDITED, key.hex()): key for _, key in waiting}
    seen = uow.throttle.hold(list(markers), now)
    for rule, key in waiting:
        marker = throttle.throttle_key(throttle.REFUSALS_AUDITED, key.hex())
        failures, began = held[key]
        if seen[marker] == (failures, began):
            continue
        uow.throttle.count(marker, failures, began)
        audit_log(runtime, uow).append(
            AuditEvent(AuditKind.SIGN_IN_THROTTLED, None, (), {"counter": rule.name, "failures": failures})
        )


def refund(uow: UnitOfWork, reservation: Reservation, *, clear: tuple[bytes, ...] = ()) -> None:
    """The attempt succeeded: forget the guesser's own counters in `clear`, and take the attempt
    back from the others (in the caller's unit of work)."""
    for key in sorted(reservation.counts):  # the order `hold` locks them in, so no two units deadlock
        if key in clear:
            uow.throttle.clear(key)
        else:
            uow.throttle.refund(key)
