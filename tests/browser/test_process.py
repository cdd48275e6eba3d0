"""The dated process and the organizer tools in a real browser: the framework page shows the
timeline with its current step and a countdown; the organizer follows the tools panel to the
moderation queue and dismisses a flag with a reason (htmx: focus moves to the queue and the live
region says so); axe finds nothing serious at desktop and phone widths."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from deliberation.discussion import services as discussion
from deliberation.text import services
from tests.browser.test_acceptance import sign_in
from tests.browser.test_voting import check_axe
from tests.conftest import World
from tests.deliberation.conftest import make_drafting


def test_organizer_follows_the_tools_to_dismiss_a_flag(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    slug = drafting.framework.slug
    services.framework_update(
        actor=world.organizer,
        framework=drafting.framework,
        consultation_closes_at=timezone.now() + timedelta(days=3, hours=1),
    )
    comment = discussion.comment_post(actor=world.industry, clause=drafting.trigger, body="Hot.")
    discussion.comment_flag(actor=world.observer, comment=comment, reason="Rude.")

    sign_in(page, world.organizer.email)
    page.goto(f"/f/{slug}/")
    current = page.locator('.timeline [aria-current="step"]')
    assert "Consultation" in current.inner_text()
    assert page.locator(".countdown", has_text="Consultation closes in 3 days").count() == 1
    found: dict[str, list[str]] = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/f/{slug}/")
        check_axe(page, f"framework@{width}", found)
        page.goto(f"/c/{world.convening.slug}/")
        check_axe(page, f"convening@{width}", found)
        page.goto(f"/f/{slug}/moderation/")
        check_axe(page, f"moderation@{width}", found)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/f/{slug}/")
    tools = page.locator(".organizer-counts")
    assert "1 comment with open flags" in tools.inner_text()
    tools.get_by_role("link", name="Moderation queue").click()
    page.wait_for_url(f"**/f/{slug}/moderation/")
    page.get_by_label("Why the flags are unfounded").fill("Robust, not rude.")
    page.get_by_role("button", name="Dismiss flags").click()
    page.locator("#queue-status", has_text="Flags dismissed").wait_for()
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'moderation-queue'"
    )
    assert "Nothing to review" in page.locator("#moderation-queue").inner_text()
    assert found == {}, found
    assert list(problems) == [], problems
