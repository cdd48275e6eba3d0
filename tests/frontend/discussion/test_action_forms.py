"""A comment's action forms load when opened (issue 14): the pages carry a link to each, the
form comes from ``/comments/<id>/forms/<action>/``, authorized as the action's POST, as a
fragment for htmx and as a page of its own without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.discussion import services as discussion
from deliberation.models import Clause, Comment, Flag
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

ACTIONS = ("reply", "edit", "delete", "flag", "moderate", "disposition")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world, status="consultation")


@pytest.fixture
def comment(drafting: Drafting) -> Comment:
    return discussion.comment_post(
        actor=drafting.world.policymaker, clause=drafting.scope, body="Too broad."
    )


def _form(comment: Comment, action: str, query: str = "") -> str:
    return f"/comments/{comment.pk}/forms/{action}/{query}"


# actor → the status of each action's form, in ACTIONS order. The policymaker wrote the comment:
# they may edit and delete it but not flag it (409: the page draws no flag control for them
# either); the industry delegate may reply and flag; only organizers moderate and dispose.
TABLE = {
    "anonymous": (302, 302, 302, 302, 302, 302),
    "outsider": (403, 403, 403, 403, 403, 403),
    "observer": (200, 403, 403, 200, 403, 403),
    "policymaker": (200, 200, 200, 409, 403, 403),
    "industry": (200, 403, 403, 200, 403, 403),
    "organizer": (200, 403, 403, 200, 200, 200),
}


@pytest.mark.parametrize("actor", TABLE)
def test_each_form_is_authorized_as_its_action(world: World, comment: Comment, actor: str) -> None:
    user = None if actor == "anonymous" else getattr(world, actor)
    client = page_client(user)
    got = tuple(client.get(_form(comment, action)).status_code for action in ACTIONS)
    assert got == TABLE[actor]
    # htmx asks for the fragment: the same answers (a sign-in redirect is htmx's to follow).
    fragments = [client.get(_form(comment, action), headers=HTMX) for action in ACTIONS]
    for expected, response in zip(TABLE[actor], fragments, strict=True):
        if expected == 302:
            assert response.status_code in (200, 302)
            assert "/accounts/login/" in (response.get("HX-Redirect") or response["Location"])
        else:
            assert response.status_code == expected


def test_anonymous_readers_are_sent_to_sign_in_and_back(comment: Comment) -> None:
    response = page_client(None).get(_form(comment, "reply"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert f"/comments/{comment.pk}/forms/reply/" in response["Location"]


def test_an_unknown_action_or_comment_is_not_found(world: World, comment: Comment) -> None:
    client = page_client(world.organizer)
    assert client.get(f"/comments/{comment.pk}/forms/react/").status_code == 404
    assert client.get(f"/comments/{comment.pk}/forms/approve/").status_code == 404
    assert client.get("/comments/999999/forms/reply/").status_code == 404
    assert client.post(_form(comment, "reply")).status_code == 405


def test_the_htmx_answer_is_the_form_alone(world: World, comment: Comment) -> None:
    html = page_client(world.industry).get(_form(comment, "reply"), headers=HTMX).content.decode()
    assert html.lstrip().startswith("<form") or "<form" in html.split("\n", 2)[1]
    assert "<html" not in html
    assert f'id="reply-{comment.pk}-body"' in html
    assert f'action="/comments/{comment.pk}/reply/"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "", "/%0a"]
)
def test_a_foreign_or_odd_next_is_not_carried(world: World, comment: Comment, target: str) -> None:
    query = f"?next={target}&base=zz"
    response = page_client(world.industry).get(_form(comment, "reply", query), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "evil.example" not in html and "javascript:" not in html
    assert 'name="base" value="0"' in html


def test_a_page_of_this_site_is_where_the_form_returns(world: World, comment: Comment) -> None:
    back = f"/comments/{comment.pk}/thread/"
    query = f"?next={back}%23somewhere&base=1"
    html = page_client(world.industry).get(_form(comment, "flag", query), headers=HTMX)
    assert f'name="next" value="{back}"' in html.content.decode()
    assert 'name="base" value="1"' in html.content.decode()


def test_without_javascript_the_form_is_a_page_that_posts_the_action(
    world: World, comment: Comment
) -> None:
    client = page_client(world.industry)
    page = client.get(_form(comment, "reply", f"?next=/clauses/{comment.clause_id}/comments/"))
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>Reply to a comment</h1>" in html
    assert "Too broad." in html
    next_value = re.search(r'name="next" value="([^"]*)"', html)
    assert next_value is not None
    response = client.post(
        f"/comments/{comment.pk}/reply/",
        {"body": "Narrow it to frontier labs.", "next": next_value.group(1), "base": "0"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/clauses/{comment.clause_id}/comments/#comment-")
    assert Comment.objects.filter(parent=comment, body="Narrow it to frontier labs.").exists()


def test_a_state_that_forbids_the_action_says_why_instead_of_a_form(
    world: World, comment: Comment
) -> None:
    Flag.objects.create(comment=comment, user=world.industry, reason="Off topic")
    response = page_client(world.industry).get(_form(comment, "flag"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "already flagged" in html and f'id="flag-{comment.pk}-reason"' not in html


def test_the_disposition_form_names_the_clauses_versions_and_amendments(
    world: World, drafting: Drafting, comment: Comment
) -> None:
    html = page_client(world.organizer).get(_form(comment, "disposition"), headers=HTMX)
    text = html.content.decode()
    assert '<option value="1"' in text  # version 1 of the clause
    assert '<option value="" selected>— choose an outcome —</option>' in text


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=HTMX)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


def test_a_form_costs_the_same_on_a_quiet_or_busy_clause(world: World, drafting: Drafting) -> None:
    counts = []
    for size in (2, 40):
        clause = drafting.trigger if size == 2 else drafting.scope
        posted = [
            discussion.comment_post(actor=world.policymaker, clause=clause, body=f"Point {n}.")
            for n in range(size)
        ]
        organizer = page_client(world.organizer)
        counts.append(
            [_queries(organizer, _form(posted[-1], action)) for action in ("reply", "disposition")]
        )
    assert counts[0] == counts[1]


def _clause_page(client: object, clause: Clause) -> str:
    response = client.get(f"/clauses/{clause.pk}/comments/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_clause_page_carries_no_action_form_per_comment(
    world: World, drafting: Drafting
) -> None:
    """Only the new-comment form and each comment's reaction buttons are forms on the page; an
    organizer's page grows by well under what the six forms a comment had cost."""
    sizes = {}
    for count in (5, 15):  # both within one page of threads
        clause = drafting.scope if count == 5 else drafting.trigger
        for n in range(count):
            discussion.comment_post(actor=world.industry, clause=clause, body=f"Point {n}.")
        html = _clause_page(page_client(world.organizer), clause)
        posts = [f for f in re.findall(r"<form [^>]*>", html) if 'method="post"' in f]
        forms = [re.search(r'action="([^"]+)"', f).group(1) for f in posts]  # type: ignore[union-attr]
        forms = [f for f in forms if f.startswith(("/clauses/", "/comments/"))]
        assert [f for f in forms if "/react/" not in f] == [f"/clauses/{clause.pk}/comments/"]
        assert html.count("<textarea") == 1
        assert html.count("/forms/disposition/") == count
        sizes[count] = len(html)
    per_comment = (sizes[15] - sizes[5]) / 10
    assert per_comment < 4000, per_comment
