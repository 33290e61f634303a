"""Saved page states: what a page reached by POST showed (a search and its results, a record opened
with a reason), kept server-side under a random ID so the browser can be redirected to an opaque URL.

Back, refresh and "back to results" then load the state again without resubmitting a form, and no
personal detail enters a URL. A state is sealed (AES-GCM, bound to its ID, kind and session), readable
only by the session that saved it, and lasts as long as a session may sit idle; signing out or the
session's end deletes it with the session. Its ID and session are kept as keyed hashes
(`access/tokens.TokenHasher`), like the session itself.
"""

from __future__ import annotations

import re
import secrets

from contactpoint.app.accounts.accounts import IDLE_LIMIT
from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import IntegrityFailure, KeyringError

LIFETIME = IDLE_LIMIT
_STATE_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")


def _binding(kind: str, id_hash: bytes, session_hash: bytes) -> str:
    """What the seal binds a state to: a state moved to another ID, kind or session fails to open."""
    return f"{kind}:{id_hash.hex()}:{session_hash.hex()}"


def save_state(runtime: Runtime, session_token: str, kind: str, payload: str) -> str:
    """Seal and save a page state for this session; returns its random ID (for the page's URL)."""
    state_id = secrets.token_urlsafe(18)
    id_hash, session_hash = runtime.token_hasher.digest(state_id), runtime.token_hasher.digest(session_token)
    sealed = runtime.state_box.seal(payload, _binding(kind, id_hash, session_hash))
    now = runtime.clock.now()
    with runtime.unit_of_work() as uow:
        uow.page_states.put(id_hash, session_hash, kind, sealed, expires_at=now + LIFETIME, now=now)
        uow.commit()
    return state_id


def load_state(runtime: Runtime, session_token: str, kind: str, state_id: str) -> str | None:
    """The state saved under this ID by this session, if it is of this kind and not expired."""
    if not _STATE_ID.fullmatch(state_id):
        return None
    id_hash, session_hash = runtime.token_hasher.digest(state_id), runtime.token_hasher.digest(session_token)
    with runtime.unit_of_work() as uow:
        sealed = uow.page_states.get(id_hash, session_hash, kind, runtime.clock.now())
    if sealed is None:
        return None
    try:
        return runtime.state_box.open(sealed, _binding(kind, id_hash, session_hash))
    except (IntegrityFailure, KeyringError):  # altered, or sealed under a key version since retired
        return None
