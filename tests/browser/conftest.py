"""Browser tests: Playwright driving Debian's chromium (installed by .ci/run), headless.

The app is served over plain HTTP on 127.0.0.1. Its session cookie is `__Host-` prefixed and
Secure; chromium treats http://127.0.0.1 as a potentially trustworthy origin and so accepts and
sends Secure cookies there, which is exactly the production behaviour over HTTPS. (A self-signed
TLS server would test the same cookie rules with more moving parts.) These tests run on SQLite
only: the store's behaviour on both databases is covered by the integration tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"  # noqa: TID251  # CI=true turns a missing browser into a failure


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Browser tests use the embedded store only."""
    return f"sqlite:///{tmp_path / 'store' / 'contactpoint.db'}"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium for the session."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("Debian chromium is missing at /usr/bin/chromium (required because CI=true)")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  # only when a browser is available

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()
