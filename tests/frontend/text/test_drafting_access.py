"""Who may open and post to each drafting page: a table of (action, visibility, actor) → outcome.

LOGIN means a redirect to the sign-in page; DONE means the action succeeded and redirected
(POST/redirect/GET); numbers are the response status. The framework is in consultation, so
every action is open as far as the status gates go: this table is about who, not when
(``test_drafting_pages`` covers the gates).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.text import services
from tests.conftest import ACTORS, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.access import DONE, LOGIN, READ, only
from tests.frontend.conftest import page_client

ORGANIZER = {"organizer"}
PROPOSERS = {"organizer", "policymaker"}
AUTHOR = {"policymaker"}  # the amendment and alternative in the table are the policymaker's

TABLE: dict[str, dict[str, dict[str, Any]]] = {
    "workspace": READ,
    "reading_view": READ,
    "clause_page": READ,
    "history": READ,
    "framework_new_get": only(ORGANIZER, 200),
    "framework_new_post": only(ORGANIZER, DONE),
    "framework_edit_get": only(ORGANIZER, 200),
    "framework_edit_post": only(ORGANIZER, DONE),
    "transition_post": only(ORGANIZER, DONE),
    "reorder_post": only(ORGANIZER, DONE),
    "clause_new_get": only(ORGANIZER, 200),
    "clause_new_post": only(ORGANIZER, DONE),
    "clause_edit_get": only(ORGANIZER, 200),
    "clause_edit_post": only(ORGANIZER, DONE),
    "amendment_new_get": only(PROPOSERS, 200),
    "amendment_new_post": only(PROPOSERS, DONE),
    "accept_post": only(ORGANIZER, DONE),
    "reject_post": only(ORGANIZER, DONE),
    "withdraw_post": only(AUTHOR, DONE),
    "rebase_post": only(AUTHOR, DONE),
    "alternative_new_get": only(PROPOSERS, 200),
    "alternative_new_post": only(PROPOSERS, DONE),
    "resolve_post": only(ORGANIZER, DONE),
    "alternative_withdraw_post": only(AUTHOR, DONE),
}

CASES = [
    (action, visibility, actor, expected)
    for action, by_visibility in TABLE.items()
    for visibility, by_actor in by_visibility.items()
    for actor, expected in by_actor.items()
]


def prepare(drafting: Drafting, action: str) -> dict[str, Any]:
    """Data the action needs, made by services before the request."""
    world, scope = drafting.world, drafting.scope
    if action in {"accept_post", "reject_post", "withdraw_post", "rebase_post"}:
        amendment = services.amendment_propose(
            actor=world.policymaker,
            clause=scope,
            text="Applies to all developers.",
            rationale="Wider.",
        )
        if action == "rebase_post":
            services.clause_update(
                actor=world.organizer, clause=scope, text="Applies to labs.", rationale="Narrower."
            )
        return {"amendment": amendment}
    if action == "resolve_post":
        alternatives = [
            services.alternative_propose(actor=world.industry, clause=scope, text=text)
            for text in ("Option one.", "Option two.")
        ]
        return {"alternative": alternatives[1]}
    if action == "alternative_withdraw_post":
        alternative = services.alternative_propose(
            actor=world.policymaker, clause=scope, text="Option one."
        )
        return {"alternative": alternative}
    return {}


def perform(drafting: Drafting, action: str, client: Any, data: dict[str, Any]) -> Any:
    slug, convening = drafting.framework.slug, drafting.world.convening.slug
    scope = drafting.scope
    amendment = data.get("amendment")
    clause_edit = {"kind": "scope", "title": "Scope", "text": "Edited.", "rationale": "Clearer."}
    requests: dict[str, tuple[str, str, dict[str, Any] | None]] = {
        "workspace": ("get", f"/f/{slug}/", None),
        "reading_view": ("get", f"/f/{slug}/read/", None),
        "clause_page": ("get", f"/clauses/{scope.pk}/", None),
        "history": ("get", f"/clauses/{scope.pk}/history/?from=1&to=1", None),
        "framework_new_get": ("get", f"/c/{convening}/frameworks/new/", None),
        "framework_new_post": ("post", f"/c/{convening}/frameworks/new/", {"title": "Second"}),
        "framework_edit_get": ("get", f"/f/{slug}/edit/", None),
        "framework_edit_post": ("post", f"/f/{slug}/edit/", {"title": "Renamed"}),
        "transition_post": ("post", f"/f/{slug}/transition/", {"to": "voting"}),
        "reorder_post": (
            "post",
            f"/f/{slug}/reorder/",
            {f"position-{scope.pk}": "2", f"position-{drafting.trigger.pk}": "1"},
        ),
        "clause_new_get": ("get", f"/f/{slug}/clauses/new/", None),
        "clause_new_post": (
            "post",
            f"/f/{slug}/clauses/new/",
            {"kind": "general", "title": "New clause", "text": "Text."},
        ),
        "clause_edit_get": ("get", f"/clauses/{scope.pk}/edit/", None),
        "clause_edit_post": ("post", f"/clauses/{scope.pk}/edit/", clause_edit),
        "amendment_new_get": ("get", f"/clauses/{scope.pk}/amendments/new/", None),
        "amendment_new_post": (
            "post",
            f"/clauses/{scope.pk}/amendments/new/",
            {"text": "Proposed.", "rationale": "Why."},
        ),
        "alternative_new_get": ("get", f"/clauses/{scope.pk}/alternatives/new/", None),
        "alternative_new_post": (
            "post",
            f"/clauses/{scope.pk}/alternatives/new/",
            {"text": "Alternative.", "rationale": ""},
        ),
        "resolve_post": (
            "post",
            f"/clauses/{scope.pk}/resolve/",
            {
                "alternative": str(data["alternative"].pk) if "alternative" in data else "",
                "reason": "Best.",
            },
        ),
    }
    if "alternative" in data:
        requests["alternative_withdraw_post"] = (
            "post",
            f"/alternatives/{data['alternative'].pk}/withdraw/",
            None,
        )
    if amendment is not None:
        verb = action.removesuffix("_post")
        bodies = {"accept": {"reason": "Decided."}, "reject": {"reason": "Decided."}}
        bodies["rebase"] = {"text": "Applies to all labs."}
        requests[action] = ("post", f"/amendments/{amendment.pk}/{verb}/", bodies.get(verb))
    method, url, data_sent = requests[action]
    return client.get(url) if method == "get" else client.post(url, data_sent or {})


def effect_happened(drafting: Drafting, action: str, data: dict[str, Any]) -> bool:
    """Whether the POST changed anything: refused requests must leave the data untouched."""
    scope = Clause.objects.get(pk=drafting.scope.pk)
    framework = Framework.objects.get(pk=drafting.framework.pk)
    sent = data.get("amendment")
    amendment = Amendment.objects.filter(pk=sent.pk).first() if sent else None
    checks = {
        "framework_new_post": lambda: Framework.objects.filter(title="Second").exists(),
        "framework_edit_post": lambda: framework.title == "Renamed",
        "transition_post": lambda: framework.status == "voting",
        "reorder_post": lambda: scope.position == 2,
        "clause_new_post": lambda: Clause.objects.filter(title="New clause").exists(),
        "clause_edit_post": lambda: ClauseVersion.objects.filter(clause=scope).count() == 2,
        "amendment_new_post": lambda: Amendment.objects.filter(text="Proposed.").exists(),
        "alternative_new_post": lambda: Alternative.objects.filter(text="Alternative.").exists(),
        "accept_post": lambda: amendment is not None and amendment.status == "accepted",
        "reject_post": lambda: amendment is not None and amendment.status == "rejected",
        "withdraw_post": lambda: amendment is not None and amendment.status == "withdrawn",
        "rebase_post": lambda: (
            amendment is not None and amendment.base_version_id == scope.current_version_id
        ),
        "resolve_post": lambda: Alternative.objects.filter(status="chosen").exists(),
        "alternative_withdraw_post": lambda: Alternative.objects.filter(
            status="withdrawn"
        ).exists(),
    }
    return checks[action]()


@pytest.mark.parametrize(("action", "visibility", "actor", "expected"), CASES)
def test_drafting_page_access(
    db: Any, action: str, visibility: str, actor: str, expected: Any
) -> None:
    world = make_world(visibility=visibility)
    drafting = make_drafting(world)
    data = prepare(drafting, action)
    response = perform(drafting, action, page_client(world.actor(actor)), data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if action.endswith("_post"):
        assert effect_happened(drafting, action, data) == (expected == DONE)


def test_every_actor_is_in_the_table() -> None:
    for by_visibility in TABLE.values():
        for by_actor in by_visibility.values():
            assert set(by_actor) == set(ACTORS)


def test_missing_objects_are_404(db: Any) -> None:
    world = make_world()
    client = page_client(world.organizer)
    for url in ["/f/nope/", "/clauses/999999/", "/clauses/999999/history/", "/f/nope/clauses/new/"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/amendments/999999/accept/").status_code == 404
    assert client.post("/alternatives/999999/withdraw/").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_unsupported_methods_are_refused(db: Any, method: str) -> None:
    drafting = make_drafting(make_world())
    client = page_client(drafting.world.organizer)
    response = getattr(client, method)(f"/clauses/{drafting.scope.pk}/")
    assert response.status_code == 405
