"""The one place the CLI turns domain errors into a message and an exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from contactpoint.domain.errors import (
    ContactPointError,
    IndexNotEmpty,
    IntegrityFailure,
    KeyringError,
    NotFound,
    StoreUnavailable,
    ValidationError,
)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CODES: dict[type[ContactPointError], int] = {
    ValidationError: 2,
    KeyringError: 3,
    StoreUnavailable: 4,
    IntegrityFailure: 5,
    NotFound: 6,
    IndexNotEmpty: 9,
}
_err = Console(stderr=True)


def exit_code_for(error: ContactPointError) -> int:
    """The most specific exit code for an error; 1 for anything else of ours."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODES:
            return EXIT_CODES[kind]
    return 1


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a domain error plainly (it never holds personal data) and exit with its code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ContactPointError as error:
            _err.print(f"[bold red]Error:[/] {error}")
            raise typer.Exit(exit_code_for(error)) from error

    return wrapper
