"""Issue 13 in real Chromium: overlapping quotes are all highlighted and each quote's link
lands on its mark; flagging and replying confirm themselves (focus where a keyboard user
expects it, the live region's text); a blank reply is answered in place; the clause page has
no serious axe violation and no target under 24x24 px, at 390 and 1280 px, signed out, as a
delegate and as an organizer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from deliberation.discussion import services
from deliberation.discussion.anchors import mark_id
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from tests.browser.targets import check_pages
from tests.browser.test_acceptance import sign_in
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import make_drafting


def _mark(comment: Comment) -> str:
    """The id of the mark a comment's quote links to (as stored, grown to whole words)."""
    comment.refresh_from_db()
    assert comment.anchor_paragraph is not None
    return mark_id(comment.anchor_paragraph, comment.anchor_quote)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Each developer reports its compute budget every quarter.\n\n"
    "The parties verify compliance through independent audits every year, and publish "
    "the auditors' findings in full."
)
QUOTES = ["parties verify compliance", "compliance through independent", "verify compliance"]


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
        text=TEXT,
    )


def _quoted(world: World, clause: Clause) -> list[Comment]:
    authors = [world.policymaker, world.civil_society, world.observer]
    return [
        services.comment_post(
            actor=author,
            clause=clause,
            body=f"On “{quote}”.",
            anchor={"paragraph": 1, "quote": quote},
        )
        for author, quote in zip(authors, QUOTES, strict=True)
    ]


def _active(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _wait_for_focus(page: Any, element_id: str) -> None:
    """Poll from Python: the page's CSP forbids the eval that ``wait_for_function`` uses."""
    for _ in range(50):
        if _active(page) == element_id:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"focus is on #{_active(page)}, not #{element_id}")


def _live(page: Any) -> str:
    return str(page.locator("#live-region").inner_text()).strip()


def test_overlapping_quotes_are_highlighted_and_each_link_lands_on_its_mark(
    world: World, clause: Clause, browser_page: Any
) -> None:
    page, problems = browser_page
    comments = _quoted(world, clause)
    page.goto(f"/clauses/{clause.pk}/comments/")
    for comment, quote in zip(comments, QUOTES, strict=True):
        mark = page.locator(f"#clause-text mark#{_mark(comment)}")
        assert mark.is_visible()
        pieces = page.locator(f"#clause-text mark[data-comment='{comment.pk}']")
        highlighted = "".join(pieces.nth(i).inner_text() for i in range(pieces.count()))
        assert quote.replace(" ", "") in highlighted.replace(" ", "")
    for comment in reversed(comments):
        page.locator(f"#comment-{comment.pk} .comment-anchor a").click()
        _wait_for_focus(page, _mark(comment))
        assert page.evaluate("location.hash") == f"#{_mark(comment)}"
        assert page.evaluate(
            f"""(() => {{ const r = document.getElementById('{_mark(comment)}')
                .getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }})()"""
        )
    assert problems == []


def test_flag_and_reply_confirm_themselves_and_keep_focus(
    world: World, clause: Clause, browser_page: Any
) -> None:
    page, problems = browser_page
    top = services.comment_post(actor=world.policymaker, clause=clause, body="Too slow.")
    other = services.comment_post(actor=world.civil_society, clause=clause, body="Too fast.")
    sign_in(page, world.industry.email)
    page.goto(f"/clauses/{clause.pk}/comments/")

    page.locator(f"#comment-{top.pk} .action-flag summary").click()
    page.locator(f"#flag-{top.pk}-reason").fill("Off topic")
    page.locator(f"#flag-{top.pk}-reason").press("Enter")
    page.locator(f"#comment-{top.pk}-flagged").wait_for()
    _wait_for_focus(page, f"comment-{top.pk}-flagged")
    assert "You flagged this" in page.locator(f"#comment-{top.pk}-flagged").inner_text()
    assert _live(page) == "Thank you: the organizers will review it."
    assert page.locator(f"#comment-{top.pk} .action-flag").count() == 0

    agree = page.locator(f"#comment-{top.pk} > .reactions button[value='agree']")
    agree.focus()
    page.keyboard.press("Enter")
    page.locator(
        f"#comment-{top.pk} > .reactions button[value='agree'][aria-pressed='true']"
    ).wait_for()
    # htmx swaps the reactions, then the focus moves to the new button: poll, not one read.
    for _ in range(50):
        if page.evaluate("document.activeElement.value") == "agree":
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.value") == "agree"
    assert _live(page) == "Your reaction is recorded."

    page.locator(f"#comment-{top.pk} .action-reply summary").click()
    page.locator(f"#reply-{top.pk}-body").fill("Audits need thirty days.")
    page.locator(f"#comment-{top.pk} .action-reply button[type=submit]").click()
    reply = page.locator(f"#comment-{top.pk} .replies article")
    reply.wait_for()
    reply_id = str(reply.get_attribute("id"))
    _wait_for_focus(page, f"{reply_id}")
    assert reply_id == f"comment-{Comment.objects.get(parent=top).pk}"
    assert _live(page) == "Your reply is posted."

    page.locator(f"#comment-{other.pk} .action-reply summary").click()
    page.locator(f"#comment-{other.pk} .action-reply button[type=submit]").click()
    error = page.locator(f"#comment-{other.pk}-error")
    error.wait_for()
    _wait_for_focus(page, f"reply-{other.pk}-body")
    field = page.locator(f"#reply-{other.pk}-body")
    assert field.get_attribute("aria-describedby") == f"comment-{other.pk}-error"
    assert "Write something" in error.inner_text()
    assert page.url.endswith(f"/clauses/{clause.pk}/comments/")
    assert Comment.objects.filter(parent=other).count() == 0
    # The blank reply's 400 is the answer shown in place.
    assert [p for p in problems if "400" not in p] == []


def test_a_blank_comment_shows_its_error_in_place(
    world: World, clause: Clause, browser_page: Any
) -> None:
    page, problems = browser_page
    sign_in(page, world.policymaker.email)
    url = f"/clauses/{clause.pk}/comments/"
    page.goto(url)
    page.get_by_role("button", name="Post comment").click()
    page.locator("#new-comment-error").wait_for()
    _wait_for_focus(page, "new-comment-body")
    body = page.locator("#new-comment-body")
    assert body.get_attribute("aria-describedby") == "new-comment-error"
    assert "Write something" in page.locator("#new-comment-error").inner_text()
    assert page.url.endswith(url)
    body.fill("Now with words.")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator("#comments article.comment", has_text="Now with words.")
    posted.wait_for()
    assert Comment.objects.filter(clause=clause).count() == 1
    assert [p for p in problems if "400" not in p] == []


def _busy_clause(world: World, clause: Clause) -> None:
    """Quotes, a reply, reactions from every group, a flag and a disposition."""
    comments = _quoted(world, clause)
    top = comments[0]
    services.comment_post(actor=world.industry, clause=clause, body="Agreed.", parent_id=top.pk)
    for user, stance in [
        (world.industry, "agree"),
        (world.civil_society, "disagree"),
        (world.organizer, "pass"),
    ]:
        services.reaction_set(actor=user, comment=top, stance=stance)
    services.comment_flag(actor=world.industry, comment=comments[1], reason="Off topic")
    services.disposition_set(
        actor=world.organizer, comment=top, outcome="noted", response="Thank you."
    )
    services.comment_moderate(
        actor=world.organizer, comment=comments[2], action="hide", reason="Off topic"
    )


@pytest.mark.parametrize("who", ["anonymous", "industry", "organizer"])
def test_comment_pages_are_clean_and_large_enough_at_both_widths(
    world: World, clause: Clause, browser_page: Any, who: str
) -> None:
    page, problems = browser_page
    _busy_clause(world, clause)
    if who != "anonymous":
        sign_in(page, getattr(world, who).email)
    axe: dict[str, list[str]] = {}
    small: dict[str, list[str]] = {}
    top = Comment.objects.filter(clause=clause, parent=None).order_by("id").first()
    assert top is not None
    pages = {
        "clause page": f"/clauses/{clause.pk}/comments/",
        "thread": f"/comments/{top.pk}/thread/",
    }
    check_pages(page, pages, who, axe, small, widths=(390, 1280))
    assert axe == {}, "\n".join(f"{k}: {v}" for k, v in axe.items())
    assert small == {}, "\n".join(f"{k}: {v}" for k, v in small.items())
    assert problems == []
