"""Who may call what on the drafting API: the authorization table of issue 3, as data.

Each row is (method, url, body, expectations(private) -> {actor: status}). The framework is in
consultation, so every action is open as far as the status gates go and only the actor decides.
Private convenings are 404 to everyone who is not a member, never 403; anonymous writes are 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.text import services
from tests.conftest import ACTORS, World, client_for, make_world
from tests.deliberation.conftest import make_drafting

ANON, OUT, OBS, PART, OTHER, ORG = ACTORS


def _readers(*, private: bool) -> dict[str, int]:
    if not private:
        return dict.fromkeys(ACTORS, 200)
    return {ANON: 404, OUT: 404, OTHER: 404, OBS: 200, PART: 200, ORG: 200}


def _organizers(ok: int, *, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: 403, ORG: ok}


def _proposers(ok: int, *, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: ok, ORG: ok}


def _author(ok: int, *, private: bool) -> dict[str, int]:
    """The amendment or alternative was written by the participant (policymaker)."""
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: ok, ORG: 403}


# Placeholders: {convening}, {framework}, {scope}, {trigger}, {amendment}, {alternative}.
TABLE: list[tuple[str, str, dict[str, Any] | None, Any]] = [
    ("get", "/api/v1/convenings/{convening}/frameworks/", None, lambda p: _readers(private=p)),
    (
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "A second framework"},
        lambda p: _organizers(201, private=p),
    ),
    ("get", "/api/v1/frameworks/{framework}/", None, lambda p: _readers(private=p)),
    (
        "patch",
        "/api/v1/frameworks/{framework}/",
        {"title": "Renamed"},
        lambda p: _organizers(200, private=p),
    ),
    (
        "post",
        "/api/v1/frameworks/{framework}/transition/",
        {"to": "voting"},
        lambda p: _organizers(200, private=p),
    ),
    ("get", "/api/v1/frameworks/{framework}/clauses/", None, lambda p: _readers(private=p)),
    (
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "Entry into force", "text": "On signature."},
        lambda p: _organizers(201, private=p),
    ),
    (
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": ["{trigger}", "{scope}"]},
        lambda p: _organizers(200, private=p),
    ),
    ("get", "/api/v1/clauses/{scope}/", None, lambda p: _readers(private=p)),
    (
        "patch",
        "/api/v1/clauses/{scope}/",
        {"text": "This framework applies to every frontier AI developer.", "rationale": "Wider."},
        lambda p: _organizers(200, private=p),
    ),
    ("get", "/api/v1/clauses/{scope}/versions/", None, lambda p: _readers(private=p)),
    ("get", "/api/v1/clauses/{scope}/versions/1/", None, lambda p: _readers(private=p)),
    ("get", "/api/v1/clauses/{scope}/diff/?from=1&to=1", None, lambda p: _readers(private=p)),
    ("get", "/api/v1/clauses/{scope}/amendments/", None, lambda p: _readers(private=p)),
    (
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": "This framework applies to all developers.", "rationale": "Simpler."},
        lambda p: _proposers(201, private=p),
    ),
    ("post", "/api/v1/amendments/{amendment}/accept/", {}, lambda p: _organizers(200, private=p)),
    (
        "post",
        "/api/v1/amendments/{amendment}/reject/",
        {"reason": "Too broad."},
        lambda p: _organizers(200, private=p),
    ),
    ("post", "/api/v1/amendments/{amendment}/withdraw/", {}, lambda p: _author(200, private=p)),
    ("post", "/api/v1/amendments/{amendment}/rebase/", {}, lambda p: _author(200, private=p)),
    ("get", "/api/v1/clauses/{trigger}/alternatives/", None, lambda p: _readers(private=p)),
    (
        "post",
        "/api/v1/clauses/{trigger}/alternatives/",
        {"text": "A pause is triggered on any doubling.", "rationale": "Stricter."},
        lambda p: _proposers(201, private=p),
    ),
    (
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": "{alternative}", "reason": "Clearer."},
        lambda p: _organizers(200, private=p),
    ),
    ("post", "/api/v1/alternatives/{alternative}/withdraw/", {}, lambda p: _author(200, private=p)),
    ("get", "/api/v1/clause-kinds/", None, lambda p: dict.fromkeys(ACTORS, 200)),
]


def _ids(world: World) -> dict[str, Any]:
    drafting = make_drafting(world)
    amendment = services.amendment_propose(
        actor=world.policymaker,
        clause=drafting.scope,
        text="This framework applies to frontier AI developers and their suppliers.",
        rationale="Supply chains matter.",
    )
    alternative = services.alternative_propose(
        actor=world.policymaker,
        clause=drafting.trigger,
        text="A pause is triggered when the task horizon doubles within four months.",
        rationale="Names the number.",
    )
    return {
        "convening": world.convening.slug,
        "framework": drafting.framework.slug,
        "scope": drafting.scope.pk,
        "trigger": drafting.trigger.pk,
        "amendment": amendment.pk,
        "alternative": alternative.pk,
    }


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    """Format placeholders; a string that is exactly one placeholder becomes the raw id."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _snapshot() -> tuple[Any, ...]:
    """Everything a refused request must leave alone."""
    return (
        list(Framework.objects.order_by("pk").values_list("slug", "title", "status")),
        list(
            Clause.objects.order_by("pk").values_list("pk", "position", "title", "text", "status")
        ),
        ClauseVersion.objects.count(),
        list(Amendment.objects.order_by("pk").values_list("pk", "status", "base_version")),
        list(Alternative.objects.order_by("pk").values_list("pk", "status")),
    )


CASES = [
    pytest.param(
        method,
        url,
        body,
        expect,
        actor,
        private,
        id=f"{'private' if private else 'public'}-{method}-{url}-{actor}",
    )
    for method, url, body, expect in TABLE
    for private in (False, True)
    for actor in ACTORS
]


@pytest.mark.parametrize(("method", "url", "body", "expect", "actor", "private"), CASES)
def test_drafting_api_authorization(
    db: Any,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    expect: Any,
    actor: str,
    private: bool,
) -> None:
    world = make_world(visibility="private" if private else "public")
    ids = _ids(world)
    client = client_for(world.actor(actor))
    before = _snapshot()
    response = getattr(client, method)(_fill(url, ids), _fill(body, ids), format="json")
    expected = expect(private)[actor]
    assert response.status_code == expected, (response.status_code, response.content[:300])
    payload = response.json()
    if expected >= 400:
        assert isinstance(payload["detail"], str) and payload["detail"]
        assert isinstance(payload["errors"], dict)
        assert _snapshot() == before, "a refused request changed something"


# The drafting routes of issue 3's API v1 table, plus rebase and alternative withdrawal.
DRAFTING_ROUTES = {
    "/api/v1/convenings/{x}/frameworks/",
    "/api/v1/frameworks/{x}/",
    "/api/v1/frameworks/{x}/transition/",
    "/api/v1/frameworks/{x}/clauses/",
    "/api/v1/frameworks/{x}/clauses/reorder/",
    "/api/v1/clauses/{x}/",
    "/api/v1/clauses/{x}/versions/",
    "/api/v1/clauses/{x}/versions/1/",
    "/api/v1/clauses/{x}/diff/",
    "/api/v1/clauses/{x}/amendments/",
    "/api/v1/amendments/{x}/accept/",
    "/api/v1/amendments/{x}/reject/",
    "/api/v1/amendments/{x}/withdraw/",
    "/api/v1/amendments/{x}/rebase/",
    "/api/v1/clauses/{x}/alternatives/",
    "/api/v1/clauses/{x}/resolve/",
    "/api/v1/alternatives/{x}/withdraw/",
    "/api/v1/clause-kinds/",
}


def test_table_covers_every_drafting_route() -> None:
    """Every drafting route has rows here, and each row's route exists."""
    from django.urls import resolve

    placeholders = [
        "{convening}",
        "{framework}",
        "{scope}",
        "{trigger}",
        "{amendment}",
        "{alternative}",
    ]

    def shape(url: str) -> str:
        for placeholder in placeholders:
            url = url.replace(placeholder, "{x}")
        return url.split("?")[0]

    assert {shape(url) for _, url, _, _ in TABLE} == DRAFTING_ROUTES
    for route in DRAFTING_ROUTES:
        resolve(route.replace("{x}", "1"))  # "1" fits both the slug and the int converters


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_unknown_ids_are_404_not_500(db: Any, private: bool) -> None:
    world = make_world(visibility="private" if private else "public")
    organizer = client_for(world.organizer)
    for method, url in [
        ("get", "/api/v1/frameworks/no-such-framework/"),
        ("get", "/api/v1/frameworks/no-such-framework/clauses/"),
        ("get", "/api/v1/clauses/999999/"),
        ("get", "/api/v1/clauses/999999/versions/"),
        ("get", "/api/v1/clauses/999999/amendments/"),
        ("get", "/api/v1/clauses/999999/alternatives/"),
        ("post", "/api/v1/amendments/999999/accept/"),
        ("post", "/api/v1/alternatives/999999/withdraw/"),
    ]:
        response = getattr(organizer, method)(url, {}, format="json")
        assert response.status_code == 404, url
        assert set(response.json()) == {"detail", "errors"}
