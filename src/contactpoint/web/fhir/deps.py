"""Who a FHIR request comes from: a client system's key, and the practitioner it acts for.

`ActingFor` is how a /fhir route declares that it needs a client system acting for a named
practitioner (the authorisation-matrix test finds it as it finds `Need`). The client system signs
in with its key as a bearer credential; the practitioner and the reason travel in headers on every
request, since a client system serves many staff at once:

- `X-ContactPoint-Practitioner`: the practitioner's ContactPoint username;
- `X-ContactPoint-Reason`: one of the access reasons the UI offers (`app/children/reasons.py`).

A person's session token or a data source's key is refused (403): FHIR is for client systems.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contactpoint.access.errors import AuthenticationFailed, PermissionDenied
from contactpoint.access.policy import require
from contactpoint.access.roles import Permission
from contactpoint.app.accounts.client_systems import Acting, act_for, authenticate_client, is_client_key
from contactpoint.app.children.matching import Matcher
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.feeds.linker import build_linker
from contactpoint.domain.errors import ValidationError
from contactpoint.web.deps import RuntimeDep, api_session

PRACTITIONER_HEADER = "X-ContactPoint-Practitioner"
REASON_HEADER = "X-ContactPoint-Reason"

_bearer = HTTPBearer(auto_error=False, description="A client system's API key")
_matcher_lock = threading.Lock()


class ActingFor:
    """A /fhir route's caller: a client system's key, and the practitioner and reason it names."""

    def __init__(self, interaction: str) -> None:
        self.permission = Permission.ACT_FOR_PRACTITIONER
        self.interaction = interaction

    def __call__(
        self,
        runtime: RuntimeDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        practitioner: Annotated[
            str | None,
            Header(alias=PRACTITIONER_HEADER, description="The username of the practitioner acted for"),
        ] = None,
        reason: Annotated[
            AccessReason | None, Header(alias=REASON_HEADER, description="Why the practitioner looks")
        ] = None,
    ) -> Acting:
        """Authenticate the client, check the role, then resolve (and audit) the practitioner."""
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthenticationFailed("not signed in")
        if not is_client_key(credentials.credentials):
            session = api_session(runtime, credentials)  # a person or a data source: known, but refused
            require(session.principal, self.permission)
            raise PermissionDenied("FHIR lookups are made by client systems with their key")
        client = authenticate_client(runtime, credentials.credentials).principal
        require(client, self.permission)
        if not practitioner:
            raise ValidationError(PRACTITIONER_HEADER, "name the practitioner this request is for")
        if reason is None:
            raise ValidationError(REASON_HEADER, "give the reason for this request")
        return act_for(runtime, client, practitioner, reason, self.interaction)


def get_matcher(request: Request, runtime: RuntimeDep) -> Matcher:
    """The app's one matcher, built on first use (loading the model takes a moment)."""
    with _matcher_lock:
        matcher: Matcher | None = getattr(request.app.state, "fhir_matcher", None)
        if matcher is None:
            matcher = Matcher(build_linker(runtime))
            request.app.state.fhir_matcher = matcher
    return matcher


MatcherDep = Annotated[Matcher, Depends(get_matcher)]
