"""The members' reading view in headless Chromium: axe-clean at 1280 and 390 px without
horizontal scroll; its contents and §n links move focus to the clause."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.text import services
from tests.browser.test_voting import serious_violations, tab_until
from tests.conftest import make_world
from tests.deliberation.conftest import make_drafting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slug() -> str:
    drafting = make_drafting(make_world())
    world = drafting.world
    for text in ("Developers only.", "Developers and deployers."):
        services.alternative_propose(actor=world.industry, clause=drafting.scope, text=text)
    services.clause_update(
        actor=world.organizer,
        clause=drafting.trigger,
        text="Within the scope of §1, a pause is triggered when the horizon doubles too fast.",
        rationale="Refer to the scope.",
    )
    return drafting.framework.slug


def test_the_reading_view_is_usable_and_links_move_focus(
    browser_page: tuple[Any, list[str]], slug: str
) -> None:
    page, problems = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/f/{slug}/read/")
    page.locator(".brackets").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    assert serious_violations(page) == []
    tab_until(page, "el.getAttribute('href') === '#clause-2'", limit=40)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'clause-2'")
    page.locator("#clause-2 .prose a", has_text="§1").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'clause-1'")
    assert problems == []
