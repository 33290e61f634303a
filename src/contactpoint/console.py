"""The `contactpoint` command: the operator's commands plus the synthetic and evaluation tools.

This is the one module that joins production commands (`contactpoint.cli`) with the synthetic
generator and evaluation code; no production module imports those (import-linter keeps it so).
"""

from __future__ import annotations

from contactpoint.cli.linkage import linkage_app
from contactpoint.cli.main import app
from contactpoint.evaluation.demo_command import demo
from contactpoint.evaluation.evaluate_command import evaluate_command
from contactpoint.evaluation.geography_command import geography_command
from contactpoint.evaluation.train_command import train_command
from contactpoint.synth.cli import synth_app

synth_app.command("geography")(geography_command)
app.add_typer(synth_app, name="synth")
app.command()(demo)
linkage_app.command("train")(train_command)
linkage_app.command("evaluate")(evaluate_command)

__all__ = ["app"]
