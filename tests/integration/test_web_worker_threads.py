from concurrent.futures import ThreadPoolExecutor

import anyio
import anyio.to_thread

from contactpoint.app.runtime import Runtime
from contactpoint.web.app import create_app
from contactpoint.web.config import WebConfig


def test_the_app_runs_blocking_work_on_at_most_the_configured_number_of_threads(runtime: Runtime) -> None:
    app = create_app(runtime, WebConfig(worker_threads=3))

    async def started() -> float:
        async with app.router.lifespan_context(app):
            return anyio.to_thread.current_default_thread_limiter().total_tokens

    # A thread of its own: other tests (Playwright's sync API) may leave a loop on this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(anyio.run, started).result() == 3
