"""`contactpoint review`: the operator's tools for the match-review queue.

LA data administrators work their own LA's queue in the web application (API and screens). These
commands are the operator's, run on the server with the key file like every other command: chiefly
the national queue (rows no LA could be found for), and merges. They are system actions, audited
without a user, as `read_child` is.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.feeds.merges import merge_records, unmerge_records
from contactpoint.app.feeds.review import ReviewAction, decide_review_as_operator, list_reviews_as_operator
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.domain.identifiers import ContactPointId

review_app = typer.Typer(
    help="The match-review queue: rows the linkage could not decide.", no_args_is_help=True
)
console = Console()


@review_app.command("list")
@handles_errors
def list_command(
    ctx: typer.Context,
    la: Annotated[
        str | None, typer.Option(help="The LA's three-digit code; omit for the national queue.")
    ] = None,
    private: Annotated[
        bool, typer.Option(help="Include items about shielded or sealed records (the LA's private queue).")
    ] = False,
) -> None:
    """Each held row with its candidate, match weight and which fields agreed, and how strongly."""
    runtime = state(ctx).runtime()
    try:
        items = list_reviews_as_operator(runtime, la, private=private)
    finally:
        runtime.close()
    console.print(f"[bold]Review queue {la or 'national'}[/]: {len(items)} open item(s)")
    for item in items:
        weight = f"{item.match_weight:.1f}" if item.match_weight is not None else "-"
        marker = " [private]" if item.private else ""
        table = Table(
            title=f"item {item.item_id}{marker}: {item.source} row {item.row_key}, "
            f"candidate {item.candidate_cp_id or '-'}, weight {weight}, reason {item.reason}",
            title_justify="left",
        )
        table.add_column("field")
        table.add_column("how it compared")
        table.add_column("weight", justify="right")
        for agreement in item.explanation:
            table.add_row(str(agreement["field"]), str(agreement["level"]), f"{agreement['weight']:+}")
        console.print(table)


def _decide(
    ctx: typer.Context,
    item: int,
    action: ReviewAction,
    link_to: str | None = None,
    la_code: str | None = None,
) -> None:
    runtime = state(ctx).runtime()
    try:
        cp_id = decide_review_as_operator(
            runtime,
            item,
            action,
            link_to=ContactPointId(link_to) if link_to is not None else None,
            la_code=la_code,
        )
    finally:
        runtime.close()
    console.print(f"Item {item}: {action.value}" + (f" -> {cp_id}" if cp_id else ""))


@review_app.command("link")
@handles_errors
def link_command(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="The review item.")],
    to: Annotated[str | None, typer.Option(help="Link to this record instead of the candidate.")] = None,
) -> None:
    """The row is about the candidate (or the named record): apply it there."""
    _decide(ctx, item, ReviewAction.LINK, to)


@review_app.command("new")
@handles_errors
def new_command(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="The review item.")],
    la: Annotated[
        str | None,
        typer.Option(help="The LA to place the child in, when the row names none the index can find."),
    ] = None,
) -> None:
    """The row is about a child not yet in the index: create their record."""
    _decide(ctx, item, ReviewAction.NEW_CHILD, la_code=la)


@review_app.command("reject")
@handles_errors
def reject_command(ctx: typer.Context, item: Annotated[int, typer.Argument(help="The review item.")]) -> None:
    """The row is wrong or not about a child in England: drop it."""
    _decide(ctx, item, ReviewAction.REJECT)


@review_app.command("merge")
@handles_errors
def merge_command(
    ctx: typer.Context,
    survivor: Annotated[str, typer.Argument(help="The record that stays.")],
    absorbed: Annotated[str, typer.Argument(help="The record folded into it.")],
) -> None:
    """Two records are one child: merge them, keeping both as they were for an unmerge."""
    runtime = state(ctx).runtime()
    try:
        merge_id = merge_records(runtime, ContactPointId(survivor), ContactPointId(absorbed))
    finally:
        runtime.close()
    console.print(
        f"Merged {absorbed} into {survivor} (merge {merge_id}; undo with `review unmerge {merge_id}`)"
    )


@review_app.command("unmerge")
@handles_errors
def unmerge_command(
    ctx: typer.Context, merge: Annotated[int, typer.Argument(help="The merge number.")]
) -> None:
    """Undo a merge: both records as they were, plus what arrived since."""
    runtime = state(ctx).runtime()
    try:
        survivor, absorbed = unmerge_records(runtime, merge)
    finally:
        runtime.close()
    console.print(f"Restored {survivor.value} and {absorbed.value}")
