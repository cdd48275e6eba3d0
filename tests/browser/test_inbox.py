"""Acceptance 8 of the Notifications issue in real Chromium: the header's unread badge updates
without a reload when a reply arrives, the inbox links to the comment, and marking read moves
focus sensibly; the inbox and settings pages have no serious or critical axe violations, at
1280 and 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings

from deliberation.discussion import services as discussion
from tests.browser.test_acceptance import sign_in
from tests.browser.test_voting import check_axe
from tests.conftest import World
from tests.deliberation.conftest import make_drafting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(INBOX_POLL_SECONDS=1)
def test_the_badge_updates_and_the_inbox_links_to_the_reply(
    world: World, browser_page: tuple[Any, list[str]]
) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    top = discussion.comment_post(
        actor=world.policymaker, clause=drafting.scope, body="The scope is too broad."
    )
    sign_in(page, world.policymaker.email)
    page.goto(f"/clauses/{drafting.scope.pk}/")
    badge = page.locator("#inbox-link")
    badge.wait_for()
    assert badge.locator(".badge").count() == 0

    reply = discussion.comment_post(
        actor=world.industry,
        clause=drafting.scope,
        body="We would narrow it to frontier developers.",
        parent_id=top.pk,
    )
    # No reload: the polled badge swaps itself in.
    page.locator("#inbox-link .badge", has_text="1").wait_for(timeout=15_000)

    axe: dict[str, list[str]] = {}
    page.locator("#inbox-link").click()
    page.wait_for_url("**/inbox/")
    item = page.locator(".notice-unread").first
    assert "replied to your comment" in item.inner_text()
    check_axe(page, "inbox", axe)

    item.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/clauses/\d+/comments/\?after=\d+#comment-{reply.pk}$"))
    assert page.locator(f"#comment-{reply.pk}").is_visible()

    # Opening it marked it read: the badge is gone on the next page.
    page.goto("/inbox/")
    assert page.locator(".notice-unread").count() == 0
    page.locator("#inbox-link").wait_for()
    assert page.locator("#inbox-link .badge").count() == 0

    page.goto("/account/notifications/")
    check_axe(page, "notification settings", axe)
    page.get_by_label("Replies to your comments").select_option("digest")
    page.get_by_role("button", name="Save").click()
    page.locator(".message-success").wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/inbox/")
    check_axe(page, "inbox at 390 px", axe)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert axe == {}, axe
    assert problems == [], problems


@override_settings(INBOX_POLL_SECONDS=1)
def test_marking_one_read_with_htmx_announces_it_and_keeps_focus_in_the_list(
    world: World, browser_page: tuple[Any, list[str]]
) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    for n in range(2):
        top = discussion.comment_post(
            actor=world.policymaker, clause=drafting.scope, body=f"Point {n}."
        )
        discussion.comment_post(
            actor=world.industry, clause=drafting.scope, body="Agreed.", parent_id=top.pk
        )
    sign_in(page, world.policymaker.email)
    page.goto("/inbox/")
    page.wait_for_load_state("networkidle")  # htmx has wired the forms
    first = page.locator(".notice").first
    first.get_by_role("button", name="Mark read").focus()
    page.keyboard.press("Enter")
    page.locator(".notice [role=status]", has_text="Marked read.").wait_for()
    page.wait_for_function("document.querySelectorAll('.notice-unread').length === 1")
    focused = page.evaluate("document.activeElement.closest('.notice') !== null")
    assert focused, "focus left the list after the swap"
    assert problems == [], problems


def test_typing_an_at_suggests_members_and_the_keyboard_inserts_one(
    world: World, browser_page: tuple[Any, list[str]]
) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    sign_in(page, world.policymaker.email)
    page.goto(f"/clauses/{drafting.scope.pk}/")
    box = page.locator("#new-comment-body")
    box.click()
    box.press_sequentially("Ask @ind")
    option = page.locator(".mention-option", has_text=f"@{world.industry.handle}")
    option.wait_for()
    page.locator("#new-comment-body-mentions-status", has_text="to mention").wait_for()
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('mention-option')")
    page.keyboard.press("Enter")
    assert box.input_value() == f"Ask @{world.industry.handle} "
    assert page.locator(".mention-option").count() == 0
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    link = page.locator(f".comment-body a[href$='#member-{world.industry.handle}']")
    link.first.wait_for()
    assert problems == [], problems
