"""htmx actions on a comment confirm themselves: the live region's text comes out of band,
focus is named for after the swap, flagging leaves a "You flagged this" state, and a blank
comment or reply is answered in place (issue 13)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from deliberation.discussion import services
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from tests.conftest import World
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clause(world: World) -> Clause:
    return text_services.clause_create(
        actor=world.organizer,
        framework=make_drafting(world).framework,
        kind="general",
        title="Checks",
        text="The parties verify compliance through audits.",
    )


@pytest.fixture
def comment(world: World, clause: Clause) -> Comment:
    return services.comment_post(actor=world.policymaker, clause=clause, body="Too slow.")


def _hx_post(client: Client, url: str, **data: Any) -> tuple[int, str]:
    response = client.post(url, {"next": "/", **data}, **HX)
    return response.status_code, response.content.decode()


def _live(html: str) -> str:
    found = re.search(r'<div id="live-region" hx-swap-oob="innerHTML">(.*?)</div>', html)
    return found.group(1) if found else ""


def _focused(html: str) -> str:
    """The start tag that takes focus after the swap."""
    found = re.search(r"<[^<>]*data-focus-after-swap[^<>]*>", html)
    return found.group(0) if found else ""


def test_flagging_announces_and_shows_the_flagged_state(world: World, comment: Comment) -> None:
    status, html = _hx_post(
        page_client(world.industry), f"/comments/{comment.pk}/flag/", reason="Off topic"
    )
    assert status == 200
    assert _live(html) == "Thank you: the organizers will review it."
    assert f'id="comment-{comment.pk}-flagged"' in _focused(html)
    assert "You flagged this" in html and "action-flag" not in html


def test_the_flagged_state_stays_on_the_page(
    world: World, clause: Clause, comment: Comment
) -> None:
    services.comment_flag(actor=world.industry, comment=comment, reason="Spam")
    html = page_client(world.industry).get(f"/clauses/{clause.pk}/comments/").content.decode()
    assert "You flagged this" in html
    other = page_client(world.civil_society).get(f"/clauses/{clause.pk}/comments/")
    assert "You flagged this" not in other.content.decode()


def test_a_reply_takes_focus_and_is_announced(world: World, comment: Comment) -> None:
    status, html = _hx_post(
        page_client(world.industry), f"/comments/{comment.pk}/reply/", body="Agreed."
    )
    reply = Comment.objects.get(parent=comment)
    assert status == 200 and _live(html) == "Your reply is posted."
    assert f'id="comment-{reply.pk}"' in _focused(html)


@pytest.mark.parametrize(
    ("action", "data", "focused"),
    [
        ("react", {"stance": "agree"}, 'value="agree"'),
        ("edit", {"body": "Too slow, really."}, "<summary"),
        ("delete", {}, "<article"),
        ("moderate", {"action": "hide", "reason": "Off topic"}, "<summary"),
        ("disposition", {"outcome": "noted", "response": "Thanks."}, "<summary"),
    ],
)
def test_the_control_pressed_keeps_focus(
    world: World, comment: Comment, action: str, data: dict[str, str], focused: str
) -> None:
    who = {"react": world.industry, "moderate": world.organizer, "disposition": world.organizer}
    status, html = _hx_post(
        page_client(who.get(action, world.policymaker)), f"/comments/{comment.pk}/{action}/", **data
    )
    assert status == 200 and _live(html)
    assert focused in _focused(html)


def test_a_blank_reply_is_answered_in_place(world: World, comment: Comment) -> None:
    response = page_client(world.industry).post(
        f"/comments/{comment.pk}/reply/", {"next": "/", "body": "   "}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 400 and response["X-Comment-Partial"] == str(comment.pk)
    assert f'aria-describedby="comment-{comment.pk}-error"' in html
    assert 'aria-invalid="true"' in html and "Write something" in html
    assert not _live(html)


def test_a_blank_comment_is_answered_with_the_form_in_place(world: World, clause: Clause) -> None:
    url = f"/clauses/{clause.pk}/comments/"
    response = page_client(world.policymaker).post(url, {"next": url, "body": ""}, **HX)
    html = response.content.decode()
    assert response.status_code == 400 and response["X-Comment-Partial"] == "new"
    assert 'aria-describedby="new-comment-error"' in html and "Write something" in html


def test_a_comment_posted_with_htmx_loads_the_page_at_it(world: World, clause: Clause) -> None:
    url = f"/clauses/{clause.pk}/comments/"
    response = page_client(world.policymaker).post(url, {"next": url, "body": "Hi."}, **HX)
    posted = Comment.objects.get(clause=clause)
    assert response.status_code == 204
    assert response["X-Comment-Posted"] == f"{url}#comment-{posted.pk}"


def test_without_javascript_a_blank_comment_re_shows_the_form_with_its_error(
    world: World, clause: Clause
) -> None:
    url = f"/clauses/{clause.pk}/comments/"
    response = page_client(world.policymaker).post(url, {"next": url, "body": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'action="{url}"' in html and "Write something" in html
    assert 'aria-invalid="true" aria-describedby="new-comment-error"' in html
