"""Issue 13 in real Chromium: a delegate proposes an amendment with a duration typed in words;
its card shows the text diff (insertions and deletions) and only the spec field it changes, in
words; the organizer accepts it with a reason and the history credits both. The clause page
and the history have no serious axe violation and no target under 24x24 px, at 390 and 1280 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deliberation.models import Amendment
from tests.browser.targets import check_pages
from tests.browser.test_acceptance import sign_in
from tests.browser.test_drafting import sign_out
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import make_drafting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMENDED = "A pause is triggered when the task horizon doubles within one measurement window."


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield


def test_amendment_card_shows_the_diff_and_the_history_credits_both(
    world: World, browser_page: Any
) -> None:
    page, problems = browser_page
    clause = make_drafting(world).trigger
    assert clause.spec and clause.spec["window"] == "P180D"

    # The delegate proposes new wording and a shorter window, typed in words.
    sign_in(page, world.industry.email)
    page.goto(f"/clauses/{clause.pk}/")
    assert "P180D" not in page.locator("#clause-drafting").inner_text()
    page.get_by_role("link", name="Propose an amendment").click()
    form = page.locator("#amendment-form")
    form.get_by_label("Text").wait_for()
    window = form.get_by_label("Measurement window")
    assert window.input_value() == "180 days"
    form.get_by_label("Text").fill(AMENDED)
    window.fill("90 days")
    form.get_by_label("Rationale").fill("Half the window catches a faster take-off.")
    form.get_by_role("button", name="Propose amendment").click()
    page.locator("#drafting-done", has_text="Amendment proposed.").wait_for()
    amendment = Amendment.objects.get(clause=clause)
    assert amendment.spec and amendment.spec["window"] == "P90D"

    card = page.locator(f"#amendment-{amendment.pk}")
    assert card.get_by_role("heading", name="Amendment 1 to §2").is_visible()
    assert card.locator(".diff-inline ins").first.is_visible()
    assert card.locator(".diff-inline del").first.is_visible()
    assert "measurement window" in " ".join(card.locator(".diff-inline ins").all_inner_texts())
    # Told apart without colour: underlined and struck through.
    assert "underline" in card.locator(".diff-inline ins").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    assert "line-through" in card.locator(".diff-inline del").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    rows = card.locator(".spec-changes tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "Measurement window" in row and "180 days" in row and "90 days" in row
    assert "P90D" not in card.inner_text() and "P180D" not in card.inner_text()
    assert "Evidence source" not in card.inner_text()

    axe: dict[str, list[str]] = {}
    small: dict[str, list[str]] = {}
    check_pages(page, {"clause page": f"/clauses/{clause.pk}/"}, "delegate", axe, small)
    sign_out(page)

    # The organizer accepts it with a reason; the history credits proposer and acceptor.
    sign_in(page, world.organizer.email)
    page.goto(f"/clauses/{clause.pk}/")
    card = page.locator(f"#amendment-{amendment.pk}")
    card.get_by_label("Reason for accepting amendment 1 (optional)").fill("Agreed in session.")
    card.get_by_role("button", name="Accept amendment 1").click()
    page.locator(".message-success", has_text="Amendment 1 to §2 accepted").wait_for()
    page.goto(f"/clauses/{clause.pk}/history/")
    credit = page.locator("#version-2").inner_text()
    assert (
        f"Proposed by {world.industry.display_name} in amendment 1, accepted by "
        f"{world.organizer.display_name} with reason “Agreed in session.”"
    ) in " ".join(credit.split())

    check_pages(
        page,
        {"clause page": f"/clauses/{clause.pk}/", "history": f"/clauses/{clause.pk}/history/"},
        "organizer",
        axe,
        small,
    )
    assert axe == {}, "\n".join(f"{k}: {v}" for k, v in axe.items())
    assert small == {}, "\n".join(f"{k}: {v}" for k, v in small.items())
    assert problems == []
