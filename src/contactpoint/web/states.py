"""The UI's saved page states as typed values: a route saves what its page showed and redirects to an
opaque URL naming it; the GET route loads it again (app/accounts/page_states.py keeps them sealed)."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from fastapi import Request

from contactpoint.app.accounts.page_states import load_state, save_state
from contactpoint.app.runtime import Runtime
from contactpoint.web.config import SESSION_COOKIE

State = TypeVar("State", bound=msgspec.Struct)


def _session_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def load(
    request: Request, runtime: Runtime, kind: str, state_id: str | None, into: type[State]
) -> State | None:
    """A saved page state of this session, or None (unknown, expired, another session's)."""
    if not state_id:
        return None
    raw = load_state(runtime, _session_token(request), kind, state_id)
    return None if raw is None else msgspec.json.decode(raw, type=into)


def save(request: Request, runtime: Runtime, kind: str, state: msgspec.Struct) -> str:
    """Save a page state for this session; returns the ID its URL carries."""
    return save_state(runtime, _session_token(request), kind, msgspec.json.encode(state).decode())
