"""Per-invocation state shared by the commands: the settings chosen by --data-dir or the environment."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.settings import Settings


@dataclass
class CliState:
    """What the top-level callback resolved."""

    settings: Settings

    def runtime(self) -> Runtime:
        """Build the runtime for this command (the store must have been initialised)."""
        return build_runtime(self.settings)


def state(ctx: typer.Context) -> CliState:
    """The state the top-level callback stored."""
    found = ctx.find_root().obj
    if not isinstance(found, CliState):
        raise TypeError("the CLI callback did not run")
    return found
