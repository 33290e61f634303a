"""Typed errors of the whole system, translated once per entrypoint (HTTP, HTML, CLI).

Messages never carry personal data: they name the field and the rule, not the value.
"""


class ContactPointError(Exception):
    """Base of every error this system raises on purpose."""


class ValidationError(ContactPointError):
    """Input broke a rule of the record; `field` names where, the message says which rule."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class InvalidContactPointId(ValidationError):
    """A ContactPoint ID of the wrong shape or with a wrong check digit."""

    def __init__(self, rule: str) -> None:
        super().__init__("contactpoint_id", rule)


class NotFound(ContactPointError):
    """No record answers that key (or the caller may not know that one does)."""


class ConcurrentUpdate(ContactPointError):
    """The record changed since it was read; re-read and try again."""


class IntegrityFailure(ContactPointError):
    """Stored data failed authentication: tampered, moved between rows, or under an unknown key."""


class KeyringError(ContactPointError):
    """The keyring is missing, unreadable, too widely readable, or lacks a needed key version."""


class StoreUnavailable(ContactPointError):
    """The database could not be reached or refused the operation, or the data directory holding it
    is open to others."""


class StoreBusy(StoreUnavailable):
    """Another writer (a backup, an operator's command, an open transaction) held the lock this change
    needed for longer than the store waits; the same request may succeed in `retry_after` seconds."""

    def __init__(
        self, message: str = "the database is busy; try again shortly", retry_after: int = 5
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IndexNotEmpty(ContactPointError):
    """An initial load was asked for, but the index already holds records or feed rows."""
