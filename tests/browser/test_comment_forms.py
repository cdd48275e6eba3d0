"""A comment's action forms load when their disclosure opens (issue 14), in Chromium: by
keyboard, focus staying on the summary; the loaded form posts as before; an organizer's
disposition form names the clause's versions; the page is axe-clean with the forms open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deliberation.discussion import services
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from tests.browser.test_acceptance import sign_in
from tests.browser.test_voting import check_axe
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import make_drafting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield


@pytest.fixture
def clause(world: World) -> Clause:
    return text_services.clause_create(
        actor=world.organizer,
        framework=make_drafting(world).framework,
        kind="general",
        title="Verification",
        text="The parties verify compliance through independent audits.",
    )


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.outerHTML"))


def test_a_reply_form_opens_by_keyboard_and_posts(
    world: World, clause: Clause, browser_page: Any
) -> None:
    page, problems = browser_page
    top = services.comment_post(actor=world.policymaker, clause=clause, body="Too slow.")
    sign_in(page, world.industry.email)
    page.goto(f"/clauses/{clause.pk}/comments/")
    # Not in the page until opened: only the link that works without JavaScript.
    assert page.locator(f"#reply-{top.pk}-body").count() == 0
    summary = page.locator(f"#comment-{top.pk} .action-reply summary")
    summary.focus()
    page.keyboard.press("Enter")
    field = page.locator(f"#reply-{top.pk}-body")
    field.wait_for()
    assert "<summary>Reply" in _focused(page)  # focus stays on the disclosure
    assert page.locator(f"#comment-{top.pk} .action-reply .action-form-link").count() == 0
    page.keyboard.press("Tab")
    page.keyboard.type("Audits need thirty days.")
    assert field.input_value() == "Audits need thirty days."
    page.locator(f"#comment-{top.pk} .action-reply button[type=submit]").click()
    page.locator(f"#comment-{top.pk} .replies article").wait_for()
    assert Comment.objects.filter(parent=top, body="Audits need thirty days.").exists()
    assert problems == []


def test_an_organizers_forms_load_with_their_choices_and_stay_accessible(
    world: World, clause: Clause, browser_page: Any
) -> None:
    page, problems = browser_page
    top = services.comment_post(actor=world.policymaker, clause=clause, body="Too slow.")
    sign_in(page, world.organizer.email)
    page.goto(f"/clauses/{clause.pk}/comments/")
    for action in ("disposition", "moderate", "reply", "flag"):
        page.locator(f"#comment-{top.pk} .action-{action} summary").click()
    page.locator(f"#disposition-{top.pk}-version option[value='1']").wait_for(state="attached")
    page.locator(f"#moderate-{top.pk}-reason").wait_for()
    page.locator(f"#flag-{top.pk}-reason").wait_for()
    page.locator(f"#reply-{top.pk}-body").wait_for()
    assert page.locator(f"#disposition-{top.pk}-outcome option").count() > 1
    found: dict[str, list[str]] = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_axe(page, f"clause comments with forms open @{width}", found)
    assert found == {}
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"#disposition-{top.pk}-outcome").select_option("noted")
    page.locator(f"#disposition-{top.pk}-response").fill("Noted for the next draft.")
    page.locator(f"#comment-{top.pk} .action-disposition button[type=submit]").click()
    page.locator(f"#comment-{top.pk} .disposition-outcome").wait_for()
    assert problems == []


def test_without_javascript_the_link_opens_the_form_page(
    world: World, clause: Clause, chromium: Any, live_server: Any
) -> None:
    top = services.comment_post(actor=world.policymaker, clause=clause, body="Too slow.")
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, world.industry.email)
        page.goto(f"/clauses/{clause.pk}/comments/")
        page.locator(f"#comment-{top.pk} .action-flag summary").click()
        page.locator(f"#comment-{top.pk} .action-flag .action-form-link").click()
        page.wait_for_url(f"**/comments/{top.pk}/forms/flag/**")
        page.get_by_label("Why should organizers look at it?").fill("Off topic")
        page.get_by_role("button", name="Flag").click()
        page.wait_for_url(f"**/clauses/{clause.pk}/comments/**")
        assert page.locator(f"#comment-{top.pk}-flagged").count() == 1
    finally:
        context.close()
