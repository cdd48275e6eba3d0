"""Who may open the comment pages and take each action: a table of
(action, visibility, actor) → outcome, and the phase gates per framework status.

LOGIN means a redirect to the sign-in page; DONE means the action succeeded and redirected
back (POST/redirect/GET); numbers are the response status. A refused POST changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.discussion import services as discussion_services
from deliberation.models import Comment, Disposition, Flag, Reaction
from tests.conftest import ACTORS, World, clear_cache, make_world
from tests.deliberation.conftest import Drafting, framework_move, make_drafting
from tests.frontend.conftest import page_client

LOGIN = "login"
DONE = "done"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield


def table(public: dict[str, Any], private: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"public": public, "private": private}


READ = table(
    dict.fromkeys(ACTORS, 200),
    {
        "anonymous": 404,
        "outsider": 404,
        "observer": 200,
        "policymaker": 200,
        "other_organizer": 404,
        "organizer": 200,
    },
)
# Members act (observers comment too); outsiders of a public convening see the page but the
# service refuses them (403), of a private one they do not see it at all (404).
MEMBERS = table(
    {
        "anonymous": LOGIN,
        "outsider": 403,
        "observer": DONE,
        "policymaker": DONE,
        "other_organizer": 403,
        "organizer": DONE,
    },
    {
        "anonymous": LOGIN,
        "outsider": 404,
        "observer": DONE,
        "policymaker": DONE,
        "other_organizer": 404,
        "organizer": DONE,
    },
)
# The comment acted on is the industry delegate's: only its author may edit or delete it.
AUTHOR = table(
    {**MEMBERS["public"], "observer": 403, "policymaker": 403, "organizer": 403},
    {**MEMBERS["private"], "observer": 403, "policymaker": 403, "organizer": 403},
)
ORGANIZERS = table(
    {
        "anonymous": LOGIN,
        "outsider": 403,
        "observer": 403,
        "policymaker": 403,
        "other_organizer": 403,
        "organizer": DONE,
    },
    {
        "anonymous": LOGIN,
        "outsider": 404,
        "observer": 403,
        "policymaker": 403,
        "other_organizer": 404,
        "organizer": DONE,
    },
)
ORGANIZER_PAGE = table(
    {**ORGANIZERS["public"], "organizer": 200}, {**ORGANIZERS["private"], "organizer": 200}
)


@dataclass
class Scene:
    world: World
    drafting: Drafting
    comment: Comment  # top-level, by the industry delegate
    reply: Comment


def make_scene(visibility: str) -> Scene:
    world = make_world(visibility=visibility)
    drafting = make_drafting(world)
    comment = discussion_services.comment_post(
        actor=world.industry, clause=drafting.trigger, body="Mine."
    )
    reply = discussion_services.comment_post(
        actor=world.civil_society, clause=drafting.trigger, body="Reply.", parent_id=comment.pk
    )
    return Scene(world, drafting, comment, reply)


Action = tuple[Callable[[Scene, Client], Any], Callable[[Scene], bool] | None]


def _clause(s: Scene) -> str:
    return f"/clauses/{s.drafting.trigger.pk}/comments/"


def _on(s: Scene, verb: str) -> str:
    return f"/comments/{s.comment.pk}/{verb}/"


ACTIONS: dict[str, Action] = {
    "clause_comments_get": (lambda s, c: c.get(_clause(s)), None),
    "thread_get": (lambda s, c: c.get(f"/comments/{s.reply.pk}/thread/"), None),
    "dispositions_get": (
        lambda s, c: c.get(f"/f/{s.drafting.framework.slug}/dispositions/"),
        None,
    ),
    "moderation_get": (lambda s, c: c.get(f"/f/{s.drafting.framework.slug}/moderation/"), None),
    "comment_post": (
        lambda s, c: c.post(_clause(s), {"body": "New point."}),
        lambda s: Comment.objects.filter(body="New point.").exists(),
    ),
    "reply_post": (
        lambda s, c: c.post(_on(s, "reply"), {"body": "New reply."}),
        lambda s: Comment.objects.filter(body="New reply.").exists(),
    ),
    "react_post": (
        lambda s, c: c.post(_on(s, "react"), {"stance": "agree"}),
        lambda s: Reaction.objects.filter(comment=s.comment).exists(),
    ),
    "flag_post": (
        lambda s, c: c.post(_on(s, "flag"), {"reason": "spam"}),
        lambda s: Flag.objects.filter(comment=s.comment).exists(),
    ),
    "edit_post": (
        lambda s, c: c.post(_on(s, "edit"), {"body": "Changed."}),
        lambda s: Comment.objects.filter(pk=s.comment.pk, body="Changed.").exists(),
    ),
    "delete_post": (
        lambda s, c: c.post(_on(s, "delete")),
        lambda s: Comment.objects.filter(pk=s.comment.pk, status="deleted").exists(),
    ),
    "moderate_post": (
        lambda s, c: c.post(_on(s, "moderate"), {"action": "hide", "reason": "off-topic"}),
        lambda s: Comment.objects.filter(pk=s.comment.pk, status="hidden").exists(),
    ),
    "disposition_post": (
        lambda s, c: c.post(_on(s, "disposition"), {"outcome": "noted", "response": "Thanks."}),
        lambda s: Disposition.objects.filter(comment=s.comment).exists(),
    ),
}

TABLE: dict[str, dict[str, dict[str, Any]]] = {
    "clause_comments_get": READ,
    "thread_get": READ,
    "dispositions_get": READ,
    "moderation_get": ORGANIZER_PAGE,
    "comment_post": MEMBERS,
    "reply_post": MEMBERS,
    "react_post": MEMBERS,
    "flag_post": MEMBERS,
    "edit_post": AUTHOR,
    "delete_post": AUTHOR,
    "moderate_post": ORGANIZERS,
    "disposition_post": ORGANIZERS,
}

CASES = [
    (action, visibility, actor, expected)
    for action, by_visibility in TABLE.items()
    for visibility, by_actor in by_visibility.items()
    for actor, expected in by_actor.items()
]


@pytest.mark.parametrize(("action", "visibility", "actor", "expected"), CASES)
def test_comment_page_access(
    db: Any, action: str, visibility: str, actor: str, expected: Any
) -> None:
    scene = make_scene(visibility)
    perform, effect = ACTIONS[action]
    response = perform(scene, page_client(scene.world.actor(actor)))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content[:500]
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, response.content[:500]
    if effect is not None:
        assert effect(scene) == (expected == DONE)


@pytest.mark.parametrize("action", ["edit_post", "delete_post"])
@pytest.mark.parametrize("visibility", ["public", "private"])
def test_the_author_may_edit_and_delete(db: Any, action: str, visibility: str) -> None:
    scene = make_scene(visibility)
    perform, effect = ACTIONS[action]
    response = perform(scene, page_client(scene.world.industry))
    assert response.status_code == 302
    assert effect is not None and effect(scene)


def test_every_actor_is_in_the_table() -> None:
    assert set(TABLE) == set(ACTIONS)
    for by_visibility in TABLE.values():
        for by_actor in by_visibility.values():
            assert set(by_actor) == set(ACTORS)


@pytest.mark.parametrize(
    "path",
    ["/clauses/{clause}/comments/", "/comments/{comment}/thread/", "/f/{slug}/dispositions/"],
)
def test_reading_pages_refuse_other_methods(db: Any, path: str) -> None:
    scene = make_scene("public")
    url = path.format(
        clause=scene.drafting.trigger.pk,
        comment=scene.comment.pk,
        slug=scene.drafting.framework.slug,
    )
    client = page_client(scene.world.organizer)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_unknown_comment_is_404(db: Any) -> None:
    scene = make_scene("public")
    client = page_client(scene.world.organizer)
    assert client.get("/comments/999999/thread/").status_code == 404
    assert client.post("/comments/999999/react/", {"stance": "agree"}).status_code == 404
    assert client.get("/clauses/999999/comments/").status_code == 404
    assert client.get("/f/no-such-framework/dispositions/").status_code == 404


# --- phase gates ----------------------------------------------------------------------------
# status → (a participant may post, an organizer may post)
PHASES = {
    "draft": (False, True),
    "consultation": (True, True),
    "voting": (False, False),
    "adopted": (False, False),
    "published": (False, False),
    "withdrawn": (False, False),
}


@pytest.mark.parametrize("status", list(PHASES))
@pytest.mark.parametrize("who", ["policymaker", "organizer"])
@pytest.mark.parametrize("what", ["comment", "reply", "edit"])
def test_phase_gates_by_framework_status(world: World, status: str, who: str, what: str) -> None:
    drafting = make_drafting(world)
    clause = drafting.scope
    actor = getattr(world, who)
    own = discussion_services.comment_post(
        actor=actor, clause=clause, body="Written in consultation."
    )
    if status != "consultation":
        path = {
            "draft": ["draft"],
            "voting": ["voting"],
            "adopted": ["voting", "adopted"],
            "published": ["voting", "adopted", "published"],
            "withdrawn": ["withdrawn"],
        }
        for to in path[status]:
            framework_move(actor=world.organizer, framework=drafting.framework, to=to)
    client = page_client(actor)
    if what == "comment":
        response = client.post(f"/clauses/{clause.pk}/comments/", {"body": "Gate?"})
    elif what == "reply":
        response = client.post(f"/comments/{own.pk}/reply/", {"body": "Gate?"})
    else:
        response = client.post(f"/comments/{own.pk}/edit/", {"body": "Gate?"})
    allowed = PHASES[status][who == "organizer"]
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 409
        assert f"it is in {status}" in response.content.decode()
    changed = Comment.objects.filter(body="Gate?").exists()
    assert changed == allowed
