"""The reader of a published framework in headless Chromium: readable at 390 px without
horizontal scroll, axe-core clean, its contents links move focus to the clause, and its print
stylesheet hides the navigation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_voting import serious_violations, tab_until
from tests.conftest import make_world
from tests.frontend.publishing.conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slug() -> str:
    return publish(make_world()).framework.slug


def test_the_reader_at_390_px_is_axe_clean_without_horizontal_scroll(
    browser_page: tuple[Any, list[str]], slug: str
) -> None:
    page, problems = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/frameworks/{slug}/")
    page.get_by_role("heading", level=1).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert serious_violations(page) == []
    assert problems == []


def test_contents_links_move_focus_to_the_clause(
    browser_page: tuple[Any, list[str]], slug: str
) -> None:
    page, problems = browser_page
    page.goto(f"/frameworks/{slug}/")
    tab_until(page, "el.getAttribute('href') === '#clause-2'", limit=40)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'clause-2'")
    assert page.evaluate("location.hash") == "#clause-2"
    top = page.evaluate("document.getElementById('clause-2').getBoundingClientRect().top")
    assert 0 <= top < 200
    assert problems == []


def test_print_hides_the_navigation_and_exports(
    browser_page: tuple[Any, list[str]], slug: str
) -> None:
    page, problems = browser_page
    page.goto(f"/frameworks/{slug}/")
    assert page.locator("nav[aria-label='Main']").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav[aria-label='Main']").is_visible()
    assert not page.locator("nav[aria-label='Downloads']").is_visible()
    assert page.locator("#clause-1 h2").is_visible()
    assert problems == []
