"""Acceptance (issue 3, point 8) in headless Chromium: a delegate proposes an amendment through
the clause page, the organizer accepts it, and the diff between the two versions shows the
change highlighted. With JavaScript, htmx does both in place, without a page load."""

from __future__ import annotations

import re
from typing import Any

import pytest

from deliberation.models import Amendment
from tests.conftest import World
from tests.deliberation.conftest import make_drafting
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "This framework applies to frontier AI developers."
AMENDED = "This framework applies to all frontier AI developers and their compute providers."


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url("**/")


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def test_delegate_proposes_organizer_accepts_diff_highlights(
    world: World, browser_page: Any
) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    clause = drafting.scope
    assert clause.text == ORIGINAL

    # The delegate finds the clause from the convening page and proposes an amendment.
    sign_in(page, world.industry.email)
    page.goto(f"/c/{world.convening.slug}/")
    page.get_by_role("link", name=drafting.framework.title).click()
    page.wait_for_url(f"**/f/{drafting.framework.slug}/")
    page.get_by_role("link", name="Scope", exact=True).click()
    page.wait_for_url(f"**/clauses/{clause.pk}/")
    # htmx fetches the form into the page rather than following the link.
    page.get_by_role("link", name="Propose an amendment").click()
    form = page.locator("#amendment-form")
    text = form.get_by_label("Text")
    text.wait_for()
    assert page.url.endswith(f"/clauses/{clause.pk}/")
    assert page.evaluate("document.activeElement.id") == "amendment-text"
    assert text.input_value() == ORIGINAL  # prefilled with the current text
    text.fill(AMENDED)
    form.get_by_label("Rationale").fill("Compute providers enable the training runs.")
    form.get_by_role("button", name="Propose amendment").click()
    page.locator("#drafting-done", has_text="Amendment proposed.").wait_for()
    assert page.url.endswith(f"/clauses/{clause.pk}/")
    amendment = Amendment.objects.get(clause=clause)
    item = page.locator(f"#amendment-{amendment.pk}")
    assert item.locator("ins", has_text="all").first.is_visible()
    # A delegate may not decide.
    assert item.get_by_role("button", name=re.compile("^Accept")).count() == 0
    sign_out(page)

    # The organizer accepts it, in place: no navigation, the page's window state survives.
    sign_in(page, world.organizer.email)
    page.goto(f"/clauses/{clause.pk}/")
    assert "Version 1" in page.locator("#clause-drafting .page-head").inner_text()
    page.evaluate("window.conveneMarker = 'still here'")
    navigations = page.evaluate("performance.getEntriesByType('navigation').length")
    with page.expect_response(re.compile(rf"/amendments/{amendment.pk}/accept/$")) as accepted:
        page.locator(f"#amendment-{amendment.pk}").get_by_role(
            "button", name=re.compile("^Accept")
        ).click()
    assert accepted.value.status == 200
    done = page.locator(
        ".message-success",
        has_text=f"Amendment {amendment.number} to §{amendment.clause.position} accepted",
    )
    done.wait_for()
    assert page.evaluate("window.conveneMarker") == "still here"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == navigations
    assert page.url.endswith(f"/clauses/{clause.pk}/")
    assert page.evaluate("document.activeElement.id") == "drafting-done"  # focus follows
    assert "Version 2" in page.locator("#clause-drafting .page-head").inner_text()
    assert page.locator("#version-2.current-version").is_visible()
    assert AMENDED in page.locator("#clause-text").inner_text()
    amendment.refresh_from_db()
    assert amendment.status == "accepted"

    # The diff between v1 and v2, swapped in by htmx under the history.
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    with page.expect_response(re.compile(r"/history/\?")) as response:
        page.get_by_role("button", name="Compare").click()
    assert response.value.status == 200
    assert page.url.endswith(f"/clauses/{clause.pk}/")  # no navigation
    inserted = page.locator("#diff-result .diff-inline ins", has_text="compute providers")
    inserted.wait_for()
    assert inserted.is_visible()
    assert "all" in page.locator("#diff-result .diff-inline ins").first.inner_text()

    def style(selector: str) -> dict[str, str]:
        return page.eval_on_selector(
            selector,
            """el => { const s = getComputedStyle(el);
                return {bg: s.backgroundColor, deco: s.textDecorationLine, color: s.color}; }""",
        )

    ins_style = style("#diff-result .diff-inline ins")
    plain_style = style("#diff-result .diff-inline")
    assert ins_style["bg"] != plain_style["bg"]
    assert "underline" in ins_style["deco"]  # a cue that does not depend on colour
    assert "underline" not in plain_style["deco"]

    # Side by side, still inline on the page.
    page.get_by_role("link", name="Show side by side").click()
    page.locator("#diff-result .diff-new ins", has_text="compute providers").wait_for()
    assert page.locator("#diff-result .diff-old ins").count() == 0

    assert problems == [], problems


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_clause_page_layout(
    world: World, chromium: Any, live_server: Any, width: int, height: int
) -> None:
    drafting = make_drafting(world)
    from deliberation.text import services

    trigger = drafting.trigger
    services.clause_update(
        actor=world.organizer,
        clause=trigger,
        text="A pause is triggered when the task horizon doubles too fast, as measured.",
        rationale="Say how it is measured.",
    )
    services.amendment_propose(
        actor=world.industry,
        clause=trigger,
        text="A pause is triggered sooner.",
        rationale="Earlier.",
    )
    for text in ("Option one wording.", "Option two wording."):
        services.alternative_propose(actor=world.civil_society, clause=trigger, text=text)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, device_scale_factor=1
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    sign_in(page, world.organizer.email)
    page.goto(f"/clauses/{trigger.pk}/history/?from=1&to=2&view=side")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/clauses/{trigger.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/convene-clause-{width}.png", full_page=True)
    page.goto(f"/f/{drafting.framework.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/convene-workspace-{width}.png", full_page=True)
    page.goto(f"/f/{drafting.framework.slug}/clauses/new/")
    page.get_by_label("Kind").select_option("verification")
    assert page.locator("fieldset[data-spec-kind='verification']").is_visible()
    assert not page.locator("fieldset[data-spec-kind='trigger']").is_visible()
    context.close()
    assert problems == [], problems
