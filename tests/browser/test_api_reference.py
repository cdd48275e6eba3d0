"""The API reference as integrators read it (issues 9 and 13): Swagger UI and ReDoc, served
locally, render the served schema with a summary for every operation, under the site's CSP;
Swagger UI and the guide it links to pass axe and the target-size check at two widths."""

from __future__ import annotations

from typing import Any

import pytest

from convene.api.summaries import SUMMARIES
from tests.browser.targets import check_target_sizes
from tests.browser.test_voting import check_axe

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


def test_swagger_ui_is_accessible_and_leads_to_the_guide(browser_page: Any) -> None:
    page, problems = browser_page
    found: dict[str, list[str]] = {}
    small: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".opblock-summary-control", timeout=30_000)
        # An operation opened shows its parameters and responses (the error shape among them).
        page.locator(".opblock-summary-control").first.click()
        page.wait_for_selector(".responses-table", timeout=10_000)
        check_axe(page, f"docs@{width}", found)
        check_target_sizes(page, f"docs@{width}", small)
    assert found == {}
    assert small == []
    # The description's link and the header's both lead to the guide, served by the app.
    page.locator(".info").get_by_role("link", name="API guide").wait_for()
    page.locator(".reference-header").get_by_role("link", name="API guide").click()
    page.get_by_role("heading", level=1, name="Convene API guide (v1)").wait_for()
    assert problems == []  # No CSP refusal, console error or failed request on the way.


def test_the_api_guide_page_is_accessible(browser_page: Any) -> None:
    page, problems = browser_page
    found: dict[str, list[str]] = {}
    small: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/api/v1/guide/")
        check_axe(page, f"guide@{width}", found)
        check_target_sizes(page, f"guide@{width}", small)
    assert found == {}
    assert small == []
    page.get_by_role("link", name="Errors", exact=True).click()
    assert page.evaluate("location.hash") == "#errors"
    assert problems == []
