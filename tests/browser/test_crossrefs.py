"""Clause references survive renumbering, in a real browser: the organizer renumbers clauses
with the workspace's reorder form; the clause that says "the threshold in §2" now says §1, and
its link still leads to the trigger clause. The pages stay axe-clean at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

from deliberation.text import services
from tests.browser.targets import check_target_sizes
from tests.browser.test_acceptance import sign_in
from tests.browser.test_voting import check_axe
from tests.conftest import World
from tests.deliberation.conftest import make_drafting


def test_a_reference_follows_its_clause_when_the_organizer_renumbers(
    world: World, browser_page: Any
) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    review = services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Review",
        text="The threshold in §2 is reviewed every year.",
    )
    slug = drafting.framework.slug

    sign_in(page, world.organizer.email)
    page.goto(f"/f/{slug}/")
    page.get_by_text("Renumber clauses…").click()
    page.get_by_label("New number for §2 Capability trigger").fill("1")
    page.get_by_role("button", name="Save order").click()
    page.get_by_label("New number for §1 Capability trigger").wait_for(state="attached")

    page.goto(f"/clauses/{review.pk}/")
    text = page.locator("#clause-text")
    assert "The threshold in §1 is reviewed every year." in text.inner_text()
    axe: dict[str, list[str]] = {}
    small: dict[str, list[str]] = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/clauses/{review.pk}/")
        check_axe(page, f"clause@{width}", axe)
        check_target_sizes(page, f"clause@{width}", small)
        page.goto(f"/f/{slug}/read/")
        check_axe(page, f"reading@{width}", axe)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/clauses/{review.pk}/")
    page.locator("#clause-text").get_by_role("link", name="§1").click()
    page.wait_for_url(f"**/clauses/{drafting.trigger.pk}/")
    assert "Capability trigger" in page.locator("h1").inner_text()
    assert axe == {}, axe
    assert small == {}, small
    assert list(problems) == [], problems
