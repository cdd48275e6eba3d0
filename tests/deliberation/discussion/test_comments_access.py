"""Who may call what on the comments API, and when: the authorization table of issue 4.

Each row is (method, url, body, expectations(private) -> {actor: status}). The framework is in
consultation, so only the actor decides. Private convenings are 404 to non-members, never 403;
anonymous writes are 401. Observers are members: they comment, react and flag.
The phase gates follow as a second table: framework status x actor -> status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deliberation.discussion import services as discussion_services
from deliberation.models import Comment, Framework
from tests.conftest import ACTORS, World, client_for, make_world
from tests.deliberation.conftest import Drafting, framework_move, make_drafting

ANON, OUT, OBS, PART, OTHER, ORG = ACTORS


def _readers(*, private: bool) -> dict[str, int]:
    if not private:
        return dict.fromkeys(ACTORS, 200)
    return {ANON: 404, OUT: 404, OTHER: 404, OBS: 200, PART: 200, ORG: 200}


def _members(ok: int, *, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: ok, PART: ok, ORG: ok}


def _organizers(ok: int, *, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: 403, ORG: ok}


def _author(ok: int, *, private: bool) -> dict[str, int]:
    """The comment was written by the participant (policymaker); organizers may not edit it."""
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: ok, ORG: 403}


# Placeholders: {clause}, {mine} (the policymaker's comment), {theirs} (industry's), {framework}.
TABLE: list[tuple[str, str, dict[str, Any] | None, Any]] = [
    ("get", "/api/v1/clauses/{clause}/comments/", None, lambda p: _readers(private=p)),
    (
        "get",
        "/api/v1/clauses/{clause}/comments/?root={theirs}",
        None,
        lambda p: _readers(private=p),
    ),
    (
        "post",
        "/api/v1/clauses/{clause}/comments/",
        {"body": "A new point."},
        lambda p: _members(201, private=p),
    ),
    (
        "post",
        "/api/v1/clauses/{clause}/comments/",
        {"body": "A reply.", "parent": "{theirs}"},
        lambda p: _members(201, private=p),
    ),
    ("get", "/api/v1/comments/{mine}/", None, lambda p: _readers(private=p)),
    ("patch", "/api/v1/comments/{mine}/", {"body": "Edited."}, lambda p: _author(200, private=p)),
    ("delete", "/api/v1/comments/{mine}/", None, lambda p: _author(200, private=p)),
    (
        "put",
        "/api/v1/comments/{theirs}/reaction/",
        {"stance": "agree"},
        lambda p: _members(200, private=p),
    ),
    ("delete", "/api/v1/comments/{theirs}/reaction/", None, lambda p: _members(200, private=p)),
    (
        "post",
        "/api/v1/comments/{theirs}/flag/",
        {"reason": "Off-topic."},
        lambda p: _members(201, private=p),
    ),
    (
        "post",
        "/api/v1/comments/{theirs}/moderate/",
        {"action": "hide", "reason": "Off-topic."},
        lambda p: _organizers(200, private=p),
    ),
    (
        "put",
        "/api/v1/comments/{theirs}/disposition/",
        {"outcome": "noted", "response": "Thank you."},
        lambda p: _organizers(200, private=p),
    ),
    ("get", "/api/v1/frameworks/{framework}/dispositions/", None, lambda p: _readers(private=p)),
    (
        "get",
        "/api/v1/frameworks/{framework}/dispositions/?format=csv",
        None,
        lambda p: _readers(private=p),
    ),
]


@dataclass
class Scene:
    drafting: Drafting
    mine: Comment
    theirs: Comment

    def fill(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if not isinstance(value, str):
            return value
        filled = value.format(
            clause=self.drafting.trigger.pk,
            mine=self.mine.pk,
            theirs=self.theirs.pk,
            framework=self.drafting.framework.slug,
        )
        return int(filled) if value.startswith("{") and filled.isdigit() else filled


def make_scene(world: World, *, status: str = "consultation") -> Scene:
    drafting = make_drafting(world)
    clause = drafting.trigger
    mine = discussion_services.comment_post(
        actor=world.policymaker, clause=clause, body="Too slow."
    )
    theirs = discussion_services.comment_post(actor=world.industry, clause=clause, body="Too fast.")
    if status != "consultation":
        drafting.framework = walk(world, drafting.framework, status)
    return Scene(drafting, mine, theirs)


# From consultation to every other status, by allowed transitions.
PATHS = {
    "draft": ["draft"],
    "consultation": [],
    "voting": ["voting"],
    "adopted": ["voting", "adopted"],
    "published": ["voting", "adopted", "published"],
    "withdrawn": ["withdrawn"],
}


def walk(world: World, framework: Framework, status: str) -> Framework:
    for to in PATHS[status]:
        framework = framework_move(actor=world.organizer, framework=framework, to=to)
    return framework


CASES = [
    pytest.param(method, url, body, expect, actor, private, id=f"{method}-{url}-{actor}-{vis}")
    for method, url, body, expect in TABLE
    for private, vis in [(False, "public"), (True, "private")]
    for actor in ACTORS
]


@pytest.mark.parametrize(("method", "url", "body", "expect", "actor", "private"), CASES)
def test_comment_api_authorization(
    db: Any, method: str, url: str, body: Any, expect: Any, actor: str, private: bool
) -> None:
    world = make_world(visibility="private" if private else "public")
    scene = make_scene(world)
    client = client_for(world.actor(actor))
    response = getattr(client, method)(scene.fill(url), scene.fill(body), format="json")
    expected = expect(private)[actor]
    assert response.status_code == expected, response.content[:500]
    if response.status_code >= 400 and "format=csv" not in url:
        payload = response.json()
        assert isinstance(payload["detail"], str) and payload["detail"]
        assert isinstance(payload["errors"], dict)


def test_private_comment_is_invisible_to_outsiders_even_by_id(private_drafting: Drafting) -> None:
    world = private_drafting.world
    comment = discussion_services.comment_post(
        actor=world.policymaker, clause=private_drafting.trigger, body="Members only."
    )
    for user in (None, world.outsider, world.other_organizer):
        response = client_for(user).get(f"/api/v1/comments/{comment.pk}/")
        assert response.status_code == 404
        assert "Members only" not in response.content.decode()


def test_unknown_comment_and_clause_are_404(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    assert client.get("/api/v1/comments/999999/").status_code == 404
    assert client.get("/api/v1/clauses/999999/comments/").status_code == 404
    response = client.post("/api/v1/clauses/999999/comments/", {"body": "x"}, format="json")
    assert response.status_code == 404
    assert client.get("/api/v1/frameworks/no-such-thing/dispositions/").status_code == 404


def test_organizer_of_another_convening_cannot_moderate_here(drafting: Drafting) -> None:
    world = drafting.world
    comment = discussion_services.comment_post(
        actor=world.industry, clause=drafting.trigger, body="Hm."
    )
    response = client_for(world.other_organizer).post(
        f"/api/v1/comments/{comment.pk}/moderate/",
        {"action": "hide", "reason": "Mine now."},
        format="json",
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


# --- phase gates ------------------------------------------------------------------------------
POSTERS = [OBS, PART, ORG]
STATUSES = ["draft", "consultation", "voting", "adopted", "published", "withdrawn"]


def _post_status(status: str, actor: str) -> int:
    if status == "consultation":
        return 201
    if status == "draft" and actor == ORG:
        return 201
    return 409


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("actor", POSTERS)
@pytest.mark.parametrize("reply", [False, True], ids=["top-level", "reply"])
def test_commenting_is_gated_by_framework_status(
    world: World, status: str, actor: str, reply: bool
) -> None:
    scene = make_scene(world, status=status)
    assert scene.drafting.framework.status == status
    body: dict[str, Any] = {"body": "A point."}
    if reply:
        body["parent"] = scene.theirs.pk
    response = client_for(world.actor(actor)).post(
        f"/api/v1/clauses/{scene.drafting.trigger.pk}/comments/", body, format="json"
    )
    expected = _post_status(status, actor)
    assert response.status_code == expected, response.json()
    if expected == 409:
        detail = response.json()["detail"]
        assert "consultation" in detail and status in detail
        assert Comment.objects.filter(clause=scene.drafting.trigger).count() == 2


@pytest.mark.parametrize("status", STATUSES)
def test_editing_is_gated_by_framework_status(world: World, status: str) -> None:
    scene = make_scene(world, status=status)
    response = client_for(world.policymaker).patch(
        f"/api/v1/comments/{scene.mine.pk}/", {"body": "Second thoughts."}, format="json"
    )
    expected = 200 if status == "consultation" else 409
    assert response.status_code == expected, response.json()
    scene.mine.refresh_from_db()
    assert scene.mine.body == ("Second thoughts." if expected == 200 else "Too slow.")


@pytest.mark.parametrize("status", STATUSES)
def test_reading_comments_works_in_every_status(world: World, status: str) -> None:
    scene = make_scene(world, status=status)
    response = client_for(None).get(f"/api/v1/clauses/{scene.drafting.trigger.pk}/comments/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
