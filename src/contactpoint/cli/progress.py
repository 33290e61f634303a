"""The progress bar every long-running command shows."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def progress_bar(label: str, console: Console) -> Progress:
    """A bar with a label, done/total counts and time remaining."""
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    )


@dataclass(frozen=True, slots=True)
class JobProgress:
    """The two callbacks a paged batch job (rotation, retention, a term-frequency build) reports by."""

    on_start: Callable[[int], None]
    on_batch: Callable[[int], None]


@contextmanager
def job_progress(label: str, console: Console) -> Iterator[JobProgress]:
    """A bar whose total the job sets when it has counted its work, and which each page advances."""
    with progress_bar(label, console) as progress:
        task = progress.add_task(label, total=None)
        yield JobProgress(
            on_start=lambda total: progress.update(task, total=total),
            on_batch=lambda n: progress.advance(task, n),
        )
