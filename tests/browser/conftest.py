"""Real headless Chromium (Debian's build) driven by Playwright's sync API against
pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls made from the test body (and the live server's fixtures) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _record_failure(problems: list[str], request: Any) -> None:
    """A request the browser gave up on. A navigation cancels what the old page was still
    loading (net::ERR_ABORTED), e.g. its favicon under load; that is not a page fault."""
    if request.failure == "net::ERR_ABORTED" and request.resource_type in {"image", "other"}:
        return
    # Likewise a background request in flight when the test navigates (the inbox badge's poll).
    if request.failure == "net::ERR_ABORTED" and request.resource_type in {"xhr", "fetch"}:
        return
    problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests.")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Problems(list[str]):
    """Console errors, uncaught exceptions, CSP violations and failed requests of one page."""


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[tuple[Any, Problems]]:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: _record_failure(problems, r))
    yield page, problems
    context.close()
