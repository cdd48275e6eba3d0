"""The API reference as integrators read it (issue 9): Swagger UI and ReDoc, served locally,
render the served schema with a summary for every operation, under the site's CSP."""

from __future__ import annotations

from typing import Any

import pytest

from convene.api.summaries import SUMMARIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shown_summaries(page: Any, selector: str) -> set[str]:
    page.wait_for_selector(selector, state="attached", timeout=30_000)
    texts = page.locator(selector).all_text_contents()
    return {" ".join(text.split()) for text in texts}


def test_swagger_ui_shows_a_summary_for_every_operation(browser_page: Any) -> None:
    page, problems = browser_page
    page.goto("/api/v1/docs/")
    shown = _shown_summaries(page, ".opblock-summary-description")
    assert set(SUMMARIES.values()) <= shown, set(SUMMARIES.values()) - shown
    assert problems == []


# ReDoc's bundle links the "API docs by Redocly" badge from its CDN; the CSP keeps the page from
# loading anything from outside, which is the point, so that refusal is expected.
REDOC_BADGE = "https://cdn.redoc.ly/"


def test_redoc_shows_a_summary_for_every_operation(browser_page: Any) -> None:
    page, problems = browser_page
    page.goto("/api/v1/redoc/")
    # ReDoc titles each operation with its summary (an h2 in the operation's section).
    shown = _shown_summaries(page, "h2")
    assert set(SUMMARIES.values()) <= shown, set(SUMMARIES.values()) - shown
    assert [p for p in problems if REDOC_BADGE not in p] == []
