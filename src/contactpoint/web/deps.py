"""Request dependencies: the runtime, the signed-in account, and per-route permissions.

`Need(permission)` is how a route declares what it needs; the authorisation-matrix test finds every
route's Need by walking its dependencies, so an undeclared route fails the test.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contactpoint.access.errors import AuthenticationFailed
from contactpoint.access.policy import Principal, require
from contactpoint.access.roles import Permission
from contactpoint.access.tokens import Channel
from contactpoint.app.accounts.accounts import Authenticated, authenticate
from contactpoint.app.feeds.sources import authenticate_source, is_source_key
from contactpoint.app.runtime import Runtime
from contactpoint.web.config import SESSION_COOKIE

_bearer = HTTPBearer(
    auto_error=False, description="The token from POST /api/v1/sessions, or a data source's API key"
)


async def get_runtime(request: Request) -> Runtime:
    """The process's runtime, built once by the app factory (async: it does no I/O, and a sync
    dependency would cost a hop to the thread pool on every request)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def client_address(request: Request) -> str:
    """The peer address (the throttle's key; a proxy's forwarded address only if settings name it)."""
    return request.client.host if request.client else "unknown"


def api_session(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    changing_password: bool = False,
) -> Authenticated:
    """API callers authenticate with a bearer token (never a cookie, so no CSRF is possible)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationFailed("not signed in")
    if is_source_key(credentials.credentials):  # a data source's API key (app/feeds/sources.py)
        return authenticate_source(runtime, credentials.credentials)
    return authenticate(runtime, credentials.credentials, Channel.API, changing_password=changing_password)


def ui_session(request: Request, runtime: RuntimeDep, changing_password: bool = False) -> Authenticated:
    """UI callers authenticate with the session cookie; forms carry the session's CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationFailed("not signed in")
    return authenticate(runtime, token, Channel.UI, changing_password=changing_password)


class Need:
    """An API route's permission: a bearer token whose account's role holds it.

    Routes marked `changing_password` (changing it, signing out) also take a session signed in with
    a one-time password; every other route answers such a session 403 `password_change_required`.
    """

    def __init__(self, permission: Permission, *, changing_password: bool = False) -> None:
        self.permission = permission
        self.changing_password = changing_password

    def __call__(
        self,
        runtime: RuntimeDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Authenticated:
        """Authenticate, then check the role (scope is the use case's business, via the policy)."""
        session = api_session(runtime, credentials, self.changing_password)
        require(session.principal, self.permission)
        return session


class UiNeed:
    """A UI route's permission: the session cookie's account's role holds it (`changing_password`
    as for `Need`; other pages send a one-time password's session to the change page)."""

    def __init__(self, permission: Permission, *, changing_password: bool = False) -> None:
        self.permission = permission
        self.changing_password = changing_password

    def __call__(self, request: Request, runtime: RuntimeDep) -> Authenticated:
        """Authenticate, then check the role."""
        session = ui_session(request, runtime, self.changing_password)
        require(session.principal, self.permission)
        return session


def principal_of(session: Authenticated) -> Principal:
    """Shorthand for handlers."""
    return session.principal
