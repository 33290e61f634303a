"""`contactpoint retention run` through Typer against a real store, on the system clock."""

from collections import Counter
from dataclasses import replace
from datetime import date

from typer.testing import CliRunner

from contactpoint.app.children.records import register_children
from contactpoint.bootstrap import build_runtime
from contactpoint.console import app
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.settings import Settings

runner = CliRunner()


def test_a_dry_run_reports_and_a_real_run_archives_adults(tmp_path, factory):
    home = tmp_path / "store"
    assert runner.invoke(app, ["--data-dir", str(home), "init"]).exit_code == 0
    runtime = build_runtime(Settings(home=home))
    register_children(
        runtime, range(5), lambda _i, cp_id: replace(factory.child(cp_id), date_of_birth=date(2001, 1, 1))
    )
    register_children(runtime, range(3), lambda _i, cp_id: factory.child(cp_id))

    dry = runner.invoke(app, ["--data-dir", str(home), "retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Retention due" in dry.output
    assert "archive: turned_18" in dry.output
    assert "5" in dry.output
    assert _counts(runtime) == {RecordStatus.ACTIVE: 8}

    applied = runner.invoke(app, ["--data-dir", str(home), "retention", "run"])
    assert applied.exit_code == 0, applied.output
    assert "Retention applied" in applied.output
    assert _counts(runtime) == {RecordStatus.ACTIVE: 3, RecordStatus.ARCHIVED: 5}
    runtime.close()


def _counts(runtime):
    totals: Counter[RecordStatus] = Counter()
    with runtime.unit_of_work() as uow:
        for count in uow.children.counts_by_la_and_status():
            totals[count.status] += count.count
    return dict(totals)
