"""Errors of sign-in and authorisation. Like every error here, they never carry personal data."""

from contactpoint.domain.errors import ContactPointError


class AuthenticationFailed(ContactPointError):
    """Wrong username, password or code, or no valid session. Deliberately says no more than that."""


class SecondFactorRequired(ContactPointError):
    """The password was right; the session needs a TOTP code (or enrolment) before it is complete."""


class Throttled(ContactPointError):
    """Too many failed attempts from this address; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


class SubmissionsLimited(Throttled):
    """A data source's key has made as many submissions as a window allows; wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.args = (f"too many submissions from this key; try again in {retry_after} seconds",)


class RequestsLimited(Throttled):
    """A client system's key has made as many requests as a minute or an hour allows; wait
    `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.args = (f"too many requests from this key; try again in {retry_after} seconds",)


class PermissionDenied(ContactPointError):
    """The signed-in user's role or scope does not allow this."""


class PasswordChangeRequired(PermissionDenied):
    """Signed in with a one-time password: nothing but changing it is allowed until it is changed."""
