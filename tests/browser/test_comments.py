"""Acceptance 4 in real Chromium: a delegate selects a sentence of the clause and comments on
it, a delegate from another group replies and agrees, the organizer records a disposition;
the anchor (marked in the text, quoted on the comment) and the disposition show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from deliberation.discussion import services as discussion_services
from deliberation.discussion.anchors import mark_id
from deliberation.models import Comment, Disposition, Reaction
from deliberation.text import services as text_services
from tests.browser.test_acceptance import sign_in
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import make_drafting


def _mark(comment: Comment) -> str:
    """The id of the mark a comment's quote links to (as stored, grown to whole words)."""
    comment.refresh_from_db()
    assert comment.anchor_paragraph is not None
    return mark_id(comment.anchor_paragraph, comment.anchor_quote)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = "The panel confirms the measurement within thirty days."
TEXT = (
    "A pause is triggered when the task horizon doubles in under four months.\n\n"
    f"{SENTENCE} Developers publish the evidence."
)

SELECT_SENTENCE = """(sentence) => {
  const paragraph = document.querySelector('#clause-text .clause-paragraph[data-paragraph="1"] p');
  const node = paragraph.firstChild;
  const start = node.textContent.indexOf(sentence);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + sentence.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  paragraph.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  document.dispatchEvent(new Event('selectionchange'));
}"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.context.clear_cookies()


def test_select_comment_reply_agree_and_dispose(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    clause = text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="verification",
        title="Verification",
        text=TEXT,
        spec={
            "mechanism": "compute audit",
            "verifier": "accredited auditor",
            "frequency": "quarterly",
        },
    )
    url = f"/clauses/{clause.pk}/comments/"

    # A policymaker selects a sentence and comments on it.
    sign_in(page, world.policymaker.email)
    page.goto(url)
    assert page.locator("#anchor-preview").is_hidden()
    page.evaluate(SELECT_SENTENCE, SENTENCE)
    button = page.get_by_role("button", name="Comment on this")
    button.wait_for(state="visible")
    button.click()
    assert page.locator("#anchor-preview-quote").inner_text() == SENTENCE
    assert page.locator("#anchor-paragraph").input_value() == "1"
    assert page.locator("#anchor-quote").input_value() == SENTENCE
    assert page.evaluate("document.activeElement.id") == "new-comment-body"
    page.keyboard.type("Thirty days is too slow for a *pause* decision.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get(clause=clause)
    assert comment.anchor == {"paragraph": 1, "quote": SENTENCE}
    mark = page.locator(f"#clause-text mark#{_mark(comment)}")
    assert mark.inner_text() == SENTENCE
    quote = page.locator(f"#comment-{comment.pk} blockquote.comment-anchor a")
    assert SENTENCE in quote.inner_text()
    assert quote.get_attribute("href") == f"#{_mark(comment)}"
    sign_out(page)

    # An industry delegate replies (htmx, inline) and agrees.
    sign_in(page, world.industry.email)
    page.goto(url)
    article = page.locator(f"#comment-{comment.pk}")
    article.locator("summary", has_text="Reply").first.click()
    article.get_by_label("Your reply").fill("Thirty days is what audits need.")
    with page.expect_response(re.compile(rf"/comments/{comment.pk}/reply/$")) as reply_response:
        article.get_by_role("button", name="Post reply").click()
    assert reply_response.value.status == 200
    page.locator(".comment-body", has_text="Thirty days is what audits need.").wait_for()
    reply = Comment.objects.get(parent=comment)
    assert reply.author_group == "industry"
    with page.expect_response(re.compile(rf"/comments/{comment.pk}/react/$")):
        page.locator(f"#comment-{comment.pk} > .reactions button[value='agree']").click()
    agree = page.locator(f"#comment-{comment.pk} > .reactions button[value='agree']")
    agree.and_(page.locator("[aria-pressed='true']")).wait_for()
    assert "1" in agree.inner_text()
    assert Reaction.objects.get(comment=comment).stakeholder_group == "industry"
    assert (
        "1 agree"
        in page.locator(f"#comment-{comment.pk} > .reactions .reaction-groups").inner_text()
    )
    assert page.url.endswith(url)  # no page load: htmx swapped the comment in place
    sign_out(page)

    # The organizer records a disposition.
    sign_in(page, world.organizer.email)
    page.goto(url)
    article = page.locator(f"#comment-{comment.pk}")
    article.locator("summary", has_text="Record a disposition").click()
    article.get_by_label("Outcome").select_option("partly_accepted")
    article.get_by_label("Response").fill("We shorten it to fourteen days.")
    article.get_by_label("Resulting version (optional)").select_option("1")
    with page.expect_response(re.compile(rf"/comments/{comment.pk}/disposition/$")):
        article.get_by_role("button", name="Save the disposition").click()
    disposition = page.locator(f"#comment-{comment.pk} > .disposition")
    disposition.wait_for()
    assert "Partly accepted — We shorten it to fourteen days." in disposition.inner_text()
    assert Disposition.objects.get(comment=comment).outcome == "partly_accepted"

    # Everyone sees the anchor and the disposition after a reload, and in the table.
    page.goto(url)
    assert page.locator(f"#clause-text mark#{_mark(comment)}").is_visible()
    assert "Partly accepted" in page.locator(f"#comment-{comment.pk} > .disposition").inner_text()
    page.screenshot(path="/tmp/convene-comments.png", full_page=True)
    page.goto(f"/f/{drafting.framework.slug}/dispositions/")
    row = page.locator(f"#disposition-row-{comment.pk}")
    assert "Partly accepted" in row.inner_text() and "Policymaker" in row.inner_text()
    page.get_by_label("Outcome").select_option("awaiting_response")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"outcome=awaiting_response"))
    assert page.locator(f"#disposition-row-{comment.pk}").count() == 0
    assert problems == [], problems


def test_refused_reply_shows_its_message_inline(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    drafting = make_drafting(world)
    comment = discussion_services.comment_post(
        actor=world.policymaker, clause=drafting.trigger, body="Hi"
    )
    sign_in(page, world.industry.email)
    page.goto(f"/clauses/{drafting.trigger.pk}/comments/")
    article = page.locator(f"#comment-{comment.pk}")
    article.locator("summary", has_text="Reply").first.click()
    article.get_by_label("Your reply").fill("x" * 10_001)
    with page.expect_response(re.compile(rf"/comments/{comment.pk}/reply/$")) as response:
        article.get_by_role("button", name="Post reply").click()
    assert response.value.status == 400
    message = page.locator(f"#comment-{comment.pk}-error")
    message.wait_for()
    assert "at most 10,000 characters" in message.inner_text()
    # Focus is on the field in error, which names the message (issue 13).
    assert page.evaluate("document.activeElement.id") == f"reply-{comment.pk}-body"
    field = page.locator(f"#reply-{comment.pk}-body")
    assert field.get_attribute("aria-describedby") == f"comment-{comment.pk}-error"
    # The expected 400 shows up twice (our response log and Chromium's console); nothing else.
    assert len(problems) == 2 and all("400" in p for p in problems), problems


def test_anchor_picker_works_without_javascript(
    world: World, chromium: Any, live_server: Any
) -> None:
    drafting = make_drafting(world)
    clause = text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Plain",
        text=TEXT,
    )
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, world.civil_society.email)
    page.goto(f"/clauses/{clause.pk}/comments/")
    page.locator("#anchor-picker summary").click()
    page.get_by_label("Paragraph").select_option("0")
    page.get_by_label("Words you comment on").fill("doubles in under four months")
    page.get_by_label("Your comment").fill("Why four?")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get(clause=clause)
    assert comment.anchor == {"paragraph": 0, "quote": "doubles in under four months"}
    assert page.locator(f"mark#{_mark(comment)}").inner_text() == "doubles in under four months"
    context.close()
