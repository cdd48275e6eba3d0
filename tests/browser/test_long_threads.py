"""A long thread on the clause page (issues 13 and 14): its first replies are shown, "Show all N
replies" brings the rest in place, focus moves to the first reply that was left out and the live
region says how many appeared."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.discussion import services as discussion
from deliberation.discussion.selectors import REPLIES_SHOWN
from tests.conftest import World
from tests.deliberation.conftest import make_drafting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_show_all_replies_loads_them_in_place_with_focus(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    root = discussion.comment_post(actor=world.policymaker, clause=drafting.scope, body="Root.")
    replies = [
        discussion.comment_post(
            actor=world.industry, clause=drafting.scope, body=f"Reply {n}.", parent_id=root.pk
        )
        for n in range(REPLIES_SHOWN + 2)
    ]
    page.goto(f"/clauses/{drafting.scope.pk}/comments/")
    assert page.locator(f"#comment-{replies[-1].pk}").count() == 0
    link = page.get_by_role("link", name=f"Show all {len(replies)} replies")
    link.focus()
    page.keyboard.press("Enter")
    first_left_out = page.locator(f"#comment-{replies[REPLIES_SHOWN].pk}")
    first_left_out.wait_for()
    focused = f"comment-{replies[REPLIES_SHOWN].pk}"
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{focused}'")
    page.locator("#live-region", has_text="2 more replies shown.").wait_for()
    assert page.locator(f"#comment-{replies[-1].pk}").is_visible()
    assert page.url.endswith(f"/clauses/{drafting.scope.pk}/comments/")  # stayed on the page
    assert problems == []
