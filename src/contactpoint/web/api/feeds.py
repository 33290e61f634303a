"""The feeds API: data sources upload their feeds; the LA team works the match-review queue.

The body is the feed itself, streamed into the pipeline as it arrives and never spooled: Starlette's
UploadFile and multipart forms write to a temporary file, which would hold plaintext (invariant 1).
The event loop reads `request.stream()` into a small buffer; a worker thread splits the chunks into
lines and runs the (synchronous, CPU-bound) pipeline on them, so memory is bounded by a batch and
the socket is read only as fast as rows are ingested.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Annotated

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from starlette.requests import ClientDisconnect

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.feeds import review, sources
from contactpoint.app.feeds.ingest import DEFAULT_BATCH
from contactpoint.app.feeds.linker import Linker, build_linker
from contactpoint.domain.errors import ContactPointError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.ingest.readers import FeedFormat
from contactpoint.store.review_repository import OpenReview
from contactpoint.web.api.feeds_schemas import (
    FeedRejectRead,
    FeedRunRead,
    ReviewDecisionCreate,
    ReviewDecisionRead,
    ReviewItemOpenedRead,
    ReviewItemRead,
)
from contactpoint.web.api.shared import ERRORS, ErrorRead, links
from contactpoint.web.deps import Need, RuntimeDep

MEDIA_TYPES = {
    "text/csv": FeedFormat.CSV,
    "application/x-ndjson": FeedFormat.JSON_LINES,
    "application/fhir+json": FeedFormat.FHIR_BUNDLE,
}
MAX_BODY_BYTES = 8 << 30  # above the largest national extract (every child, as CSV)
MAX_FHIR_BYTES = 4 << 20  # a Bundle is one JSON document, parsed whole in memory (many times its size)
MAX_LISTED_REJECTS = 10_000
BATCH_ROWS = DEFAULT_BATCH  # rows per transaction, as for the CLI
_BUFFERED_CHUNKS = 16  # up to about 1 MiB of body waiting for the pipeline

router = APIRouter(prefix="/api/v1", responses=ERRORS)
Submitter = Annotated[Authenticated, Depends(Need(Permission.SUBMIT_FEED))]
Reviewer = Annotated[Authenticated, Depends(Need(Permission.WORK_REVIEW_QUEUE))]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SourceName = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="The source's name")]


class UploadInterrupted(ContactPointError):
    """The body stopped before its end (the client went, or it was too large): the pipeline stops
    before its last, incomplete batch; committed batches stay, and a resubmission completes them."""


@dataclass
class _Intake:
    """Per app: one submission runs at a time, on its own thread (the default pool serves searches),
    with the linkage model loaded once."""

    limiter: anyio.CapacityLimiter
    linker: Linker | None = None


def _intake(request: Request) -> _Intake:
    intake: _Intake | None = getattr(request.app.state, "feed_intake", None)
    if intake is None:  # made on the event loop, where a limiter must be made
        intake = _Intake(anyio.CapacityLimiter(1))
        request.app.state.feed_intake = intake
    return intake


class _Body:
    """The request body handed chunk by chunk from the event loop to the pipeline's thread."""

    def __init__(self, limit: int) -> None:
        self._send, self._receive = anyio.create_memory_object_stream[bytes](_BUFFERED_CHUNKS)
        self._limit = limit
        self.failure: HTTPException | None = None

    async def pump(self, request: Request) -> None:
        """Read the socket into the buffer (waiting while it is full); note why it stopped early.

        Only a body read to its end is complete: a disconnect, the size limit or a cancellation
        (server shutdown) leaves a failure, so the pipeline never takes a line cut short as a row.
        """
        received, complete = 0, False
        try:
            async for chunk in request.stream():
                received += len(chunk)
                if received > self._limit:
                    self.failure = HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the feed is too large")
                    return
                if chunk:
                    await self._send.send(chunk)
            complete = True
        except ClientDisconnect:
            pass
        except anyio.BrokenResourceError:
            complete = True  # the pipeline stopped reading because it failed; its error is the answer
        finally:
            if not complete and self.failure is None:
                self.failure = HTTPException(status.HTTP_400_BAD_REQUEST, "the upload was interrupted")
            self._send.close()

    def chunks(self) -> Iterator[bytes]:
        """The body, in the worker thread; raises if it ended early, so no partial line is taken."""
        while True:
            try:
                chunk = anyio.from_thread.run(self._receive.receive)
            except anyio.EndOfStream:
                if self.failure is not None:
                    raise UploadInterrupted(str(self.failure.detail)) from None
                return
            yield chunk

    def stop(self) -> None:
        """From the worker thread, when the pipeline is done: the pump stops at its next chunk."""
        anyio.from_thread.run_sync(self._receive.close)


def _format(request: Request) -> FeedFormat:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send CSV, JSON Lines or a FHIR Bundle")
    return MEDIA_TYPES[media]


def _report(receipt: sources.SubmissionReceipt) -> FeedRunRead:
    listed = receipt.rejects[:MAX_LISTED_REJECTS]
    return FeedRunRead(
        source=receipt.source,
        reference=receipt.reference,
        read=receipt.read,
        accepted=receipt.accepted,
        skipped=receipt.skipped,
        rejected=receipt.rejected,
        dropped=dict(receipt.dropped),
        rejects=[
            FeedRejectRead(line=r.line, row_key=r.row_key, field=r.field, rule=r.reason) for r in listed
        ],
        rejects_total=len(receipt.rejects),
    )


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "The feed file itself, streamed (not a multipart form).",
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES},
    }
}


@router.post(
    "/feeds/{source}/submissions",
    tags=["feeds"],
    openapi_extra=_BODY_DOC,
    responses={
        413: {"model": ErrorRead, "description": "Larger than the limit (4 MiB for a FHIR Bundle)"},
        415: {"model": ErrorRead, "description": "Not CSV, JSON Lines or a FHIR Bundle"},
        429: {"model": ErrorRead, "description": "More submissions from this key than a window allows"},
    },
)
async def submit_feed(
    source: SourceName, request: Request, runtime: RuntimeDep, session: Submitter
) -> FeedRunRead:
    """Submit your source's feed (bearer: its API key). Rows already taken are skipped, so a broken
    upload is completed by sending the same file again. Returns a receipt: rows accepted, skipped
    and rejected (with why), never what became of a row accepted."""
    sources.check_submission(runtime, session.principal, source)
    feed_format = _format(request)
    limit = MAX_FHIR_BYTES if feed_format is FeedFormat.FHIR_BUNDLE else MAX_BODY_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the feed is too large")
    body, intake = _Body(limit), _intake(request)

    def work() -> sources.SubmissionReceipt | ContactPointError:
        try:
            if intake.linker is None:
                intake.linker = build_linker(runtime)
            return sources.submit_feed(
                runtime,
                session.principal,
                source,
                feed_format,
                body.chunks(),
                linker=intake.linker,
                batch_size=BATCH_ROWS,
            )
        except ContactPointError as error:
            return error  # raised below, on the event loop: a task group would wrap it in a group
        finally:
            body.stop()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(body.pump, request)
        outcome = await anyio.to_thread.run_sync(work, limiter=intake.limiter)
        tasks.cancel_scope.cancel()
    if isinstance(outcome, UploadInterrupted) and body.failure is not None:
        raise body.failure  # 413, or 400 for a client that is gone
    if isinstance(outcome, ContactPointError):
        raise outcome
    return _report(outcome)


# The match-review queue ------------------------------------------------------------------------


def _review_read(item: OpenReview) -> ReviewItemRead:
    return ReviewItemRead(
        id=item.item_id,
        source=item.source,
        row_key=item.row_key,
        reason=item.reason,
        private=item.private,
        la_code=item.la_code,
        candidate_cp_id=item.candidate_cp_id,
        candidate_sealed=item.candidate_sealed,
        match_weight=item.match_weight,
        explanation=review.factors(item),
    )


_FIRST_ITEM = {"item_id": "$response.body#/0/id"}


@router.get(
    "/review-items",
    tags=["review"],
    responses=links(
        200,
        open=("GET", "/api/v1/review-items/{item_id}", _FIRST_ITEM),
        decide=("POST", "/api/v1/review-items/{item_id}/decision", _FIRST_ITEM),
    ),
)
def list_review_items(runtime: RuntimeDep, session: Reviewer) -> list[ReviewItemRead]:
    """Your LA's open review items, private ones included."""
    return [_review_read(item) for item in review.list_reviews(runtime, session.principal)]


@router.get("/review-items/{item_id}", tags=["review"])
def open_review_item(item_id: ItemId, runtime: RuntimeDep, session: Reviewer) -> ReviewItemOpenedRead:
    """Open an item: the held row beside its candidate, and the per-field explanation (audited)."""
    opened = review.open_review(runtime, session.principal, item_id)
    return ReviewItemOpenedRead.model_validate({**asdict(opened), "id": opened.item_id})


@router.post("/review-items/{item_id}/decision", tags=["review"])
def decide_review_item(
    item_id: ItemId, body: ReviewDecisionCreate, runtime: RuntimeDep, session: Reviewer
) -> ReviewDecisionRead:
    """Link the row, make it a new child, or reject it (audited)."""
    cp_id = review.decide_review(
        runtime,
        session.principal,
        item_id,
        body.action,
        link_to=ContactPointId(body.link_to) if body.link_to else None,
    )
    return ReviewDecisionRead(cp_id=cp_id)
