"""Issue 10's pages in headless Chromium: the organizer builds a round through the builder (the
rule explained as it is typed) and opens it; three delegates from the three groups vote, one
ranking the alternatives with the keyboard only; the organizer closes it; the results lead with
the narrative and draw the SVG charts; a delegate finds their receipt in the record. axe-core
finds no serious or critical violation on the round, ballot, results and record pages, and the
ballot page has no horizontal scroll at 390 px."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from deliberation.models import Ballot, Framework, VotingRound
from tests.browser.test_acceptance import sign_in
from tests.conftest import World
from tests.deliberation.voting.conftest import make_voting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def check_axe(page: Any, where: str, found: dict[str, list[str]]) -> None:
    violations = serious_violations(page)
    if violations:
        found[where] = violations


def tab_until(page: Any, test: str, limit: int = 15) -> None:
    """Press Tab until ``test`` (a JS expression on ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {test}; }})()"):
            return
    raise AssertionError(f"Tab never reached {test}")


def announced(page: Any, text: str) -> None:
    page.locator("#ballot-announcer", has_text=text).wait_for()


def build_round(page: Any, slug: str, voting: Any) -> int:
    page.goto(f"/f/{slug}/")
    page.get_by_role("link", name="Voting rounds").click()
    page.get_by_role("link", name="Draft a round").click()
    page.get_by_label("Title").fill("Final reading")
    page.get_by_label("Closes at (UTC)").fill(
        (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Choose the wording of §2 Capability trigger").check()
    page.get_by_label(f"Accept amendment {voting.amendment.number} to §3").check()
    page.get_by_label("Adopt the framework as a whole").check()
    # The rule in words follows the fields (htmx re-renders it; no inline script).
    explained = page.locator("#explained-adopt_framework")
    assert explained.inner_text().startswith("Adopted if more than half of votes cast")
    page.locator("#rule-adopt_framework").locator("xpath=..").locator("summary").click()
    page.locator("#id_adopt_framework-threshold").select_option("two_thirds")
    page.locator("#explained-adopt_framework", has_text="at least two-thirds").wait_for()
    page.locator("#id_adopt_framework-threshold").select_option("simple")
    page.locator("#explained-adopt_framework", has_text="more than half").wait_for()
    page.get_by_role("button", name="Draft round").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.get_by_text("Open the round…").click()
    page.get_by_role("button", name="Yes, open it").click()
    page.locator(".message-success", has_text="The round is open").wait_for()
    return round_id


def cast_and_check(page: Any) -> str:
    """After an htmx cast: focus on the confirmation, announced, with the receipt."""
    page.locator("#ballot-done").wait_for()
    assert page.evaluate("document.activeElement.id") == "ballot-done"
    announced(page, "Your ballot is cast.")
    assert page.locator(".copy-button").is_visible()
    return str(page.locator("#receipt-leaf").inner_text()).strip()


def test_a_round_from_builder_to_record(
    world: World, browser_page: Any, chromium: Any, live_server: Any
) -> None:
    page, problems = browser_page
    voting = make_voting(world)
    slug = voting.framework.slug
    axe: dict[str, list[str]] = {}

    sign_in(page, world.organizer.email)
    round_id = build_round(page, slug, voting)
    check_axe(page, "round page (organizer)", axe)
    round_ = VotingRound.objects.get(pk=round_id)
    motions = {m.kind: m for m in round_.motions.all()}
    assert [m.position for m in motions.values()] == [1, 2, 3]
    sign_out(page)

    # The policymaker votes with the mouse, dragging option A into the ranking.
    sign_in(page, world.policymaker.email)
    page.goto(f"/rounds/{round_id}/")
    ballot = page.locator("#ballot")
    ballot.locator(f"#ballot-motion-{motions['accept_amendment'].pk}").get_by_label("Yes").check()
    ballot.locator(f"#ballot-motion-{motions['adopt_framework'].pk}").get_by_label("Yes").check()
    ranking = ballot.locator(f"#ballot-motion-{motions['choose_alternative'].pk}")
    ranking.locator(".unranked .rank-item", has_text="Option A").drag_to(ranking.locator(".ranked"))
    ranking.locator(".ranked .rank-item", has_text="Option A").wait_for()
    ranking.get_by_role("button", name="Add Option B to your ranking").click()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # caret="initial": hiding the caret would leave style="" on inputs, which htmx copies.
    page.screenshot(path="/tmp/convene-ballot-390.png", full_page=True, caret="initial")
    page.set_viewport_size({"width": 1280, "height": 900})
    ballot.get_by_role("button", name="Cast my ballot").click()
    policymaker_leaf = cast_and_check(page)
    # After the swap: axe marks the elements it inspects, which htmx would carry into a swap.
    check_axe(page, "ballot page (delegate, with receipt)", axe)
    sign_out(page)

    # Industry objects, with a reason the page asks for only then.
    sign_in(page, world.industry.email)
    page.goto(f"/rounds/{round_id}/")
    framework_motion = page.locator(f"#ballot-motion-{motions['adopt_framework'].pk}")
    reason = framework_motion.get_by_label("Reason for objecting to motion 3")
    assert not reason.is_visible()
    framework_motion.get_by_label("Object", exact=True).check()
    assert reason.is_visible()
    # Without the reason, the ballot comes back with the error, focused and announced.
    with page.expect_response(re.compile(rf"/rounds/{round_id}/ballot/$")) as refused:
        page.get_by_role("button", name="Cast my ballot").click()
    assert refused.value.status == 400
    page.locator("#ballot-error").wait_for()
    assert page.evaluate("document.activeElement.id") == "ballot-error"
    announced(page, "Your ballot was not cast.")
    assert "Give a reason for your objection." in page.locator("#ballot-error").inner_text()
    # The expected refusal, as the page's listeners saw it; nothing else may have gone wrong.
    problems.remove(f"HTTP 400 {live_server.url}/rounds/{round_id}/ballot/")
    problems.remove(
        "console error: Failed to load resource: the server responded with a status of 400 "
        "(Bad Request)"
    )
    reason.fill("The trigger is too late to matter.")
    page.locator(f"#ballot-motion-{motions['choose_alternative'].pk}").get_by_role(
        "button", name="Add Option B to your ranking"
    ).click()
    page.get_by_role("button", name="Cast my ballot").click()
    cast_and_check(page)
    sign_out(page)

    # Civil society ranks with the keyboard only: add B, add A, move A up, then back down.
    sign_in(page, world.civil_society.email)
    page.goto(f"/rounds/{round_id}/")
    choose = page.locator(f"#ballot-motion-{motions['choose_alternative'].pk}")
    choose.get_by_role("button", name="Add Option B to your ranking").focus()
    page.keyboard.press("Enter")
    announced(page, "Option B: rank 1 of 1.")
    tab_until(page, "el.textContent.includes('Add') && el.textContent.includes('Option A')")
    page.keyboard.press("Enter")
    announced(page, "Option A: rank 2 of 2.")
    assert "Move up" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    announced(page, "Option A: rank 1 of 2.")
    page.keyboard.press("Enter")  # focus stayed on option A, now on its Move down button
    announced(page, "Option A: rank 2 of 2.")
    tab_until(page, f"el.name === 'motion-{motions['accept_amendment'].pk}-position'")
    page.keyboard.press("Space")
    tab_until(page, f"el.name === 'motion-{motions['adopt_framework'].pk}-position'")
    page.keyboard.press("Space")
    tab_until(page, "el.type === 'submit' && el.textContent.includes('Cast my ballot')")
    page.keyboard.press("Enter")
    cast_and_check(page)
    sign_out(page)
    civil = Ballot.objects.get(round_id=round_id, voter=world.civil_society)
    option_a, option_b = voting.option_a.pk, voting.option_b.pk
    assert {"motion": motions["choose_alternative"].pk, "ranking": [option_b, option_a]} in (
        civil.choices
    )

    # The organizer closes the round; the results lead with the narrative, then the charts.
    sign_in(page, world.organizer.email)
    page.goto(f"/rounds/{round_id}/")
    page.get_by_text("Close the round…").click()
    page.get_by_role("button", name="Yes, close and count").click()
    page.wait_for_url(f"**/rounds/{round_id}/results/")
    result = page.locator(f"#result-{motions['adopt_framework'].pk}")
    narrative = result.locator(".narrative")
    assert narrative.inner_text().startswith("Adopted.")
    assert "one objection recorded from industry" in narrative.inner_text()
    bars = result.locator("svg.bars")
    assert bars.is_visible() and bars.locator("rect.seg-yes").count() == 2
    assert narrative.bounding_box()["y"] < bars.bounding_box()["y"]
    assert "The trigger is too late to matter." in result.locator(".objections").inner_text()
    assert (
        "Chosen: Option B"
        in page.locator(f"#result-{motions['choose_alternative'].pk}").inner_text()
    )
    check_axe(page, "results page", axe)
    assert Framework.objects.get(pk=voting.framework.pk).status == "adopted"
    sign_out(page)

    # The policymaker finds their receipt in the published record.
    sign_in(page, world.policymaker.email)
    page.goto(f"/rounds/{round_id}/record/")
    page.get_by_role("textbox", name="Receipt").fill(policymaker_leaf)
    page.get_by_role("button", name="Find").click()
    page.locator("#receipt-result", has_text="Found").wait_for()
    match = page.locator("tr.receipt-match")
    assert match.count() == 1 and policymaker_leaf in match.inner_text()
    check_axe(page, "record page", axe)

    assert axe == {}, axe
    assert problems == [], "\n".join(problems)
