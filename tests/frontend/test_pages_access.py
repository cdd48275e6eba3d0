"""Who may open and post to each page: a table of (action, visibility, actor) → outcome.

LOGIN means a redirect to the sign-in page; DONE means the action succeeded and redirected
back (POST/redirect/GET); numbers are the response status.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from convene import services
from convene.models import Convening, Invitation, Membership, Organization
from tests.conftest import ACTORS, World, make_world
from tests.frontend.conftest import page_client

LOGIN = "login"
DONE = "done"

ANYONE = dict.fromkeys(ACTORS, 200)
PUBLIC_VIEW = ANYONE
PRIVATE_VIEW = {
    "anonymous": 404,
    "outsider": 404,
    "observer": 200,
    "policymaker": 200,
    "other_organizer": 404,
    "organizer": 200,
}


def organizer_only(ok: Any) -> dict[str, dict[str, Any]]:
    return {
        "public": {
            "anonymous": LOGIN,
            "outsider": 403,
            "observer": 403,
            "policymaker": 403,
            "other_organizer": 403,
            "organizer": ok,
        },
        "private": {
            "anonymous": LOGIN,
            "outsider": 404,
            "observer": 403,
            "policymaker": 403,
            "other_organizer": 404,
            "organizer": ok,
        },
    }


def signed_in(ok: Any) -> dict[str, dict[str, Any]]:
    table = {actor: ok for actor in ACTORS} | {"anonymous": LOGIN}
    return {"public": table, "private": table}


# action → visibility → actor → expected outcome
TABLE: dict[str, dict[str, dict[str, Any]]] = {
    "home": {"public": ANYONE, "private": ANYONE},
    "convening_new_get": signed_in(200),
    "convening_new_post": signed_in(DONE),
    "convening_detail": {"public": PUBLIC_VIEW, "private": PRIVATE_VIEW},
    "members_get": organizer_only(200),
    "invite_post": organizer_only(DONE),
    "revoke_post": organizer_only(DONE),
    "member_update_post": organizer_only(DONE),
    "member_remove_post": organizer_only(DONE),
    "members_filtered_get": organizer_only(200),
    # Without htmx, a row's own URL sends the organizer to the table with that row open.
    "member_row_get": organizer_only(DONE),
    "organization_create_post": organizer_only(DONE),
}

CASES = [
    (action, visibility, actor, expected)
    for action, by_visibility in TABLE.items()
    for visibility, by_actor in by_visibility.items()
    for actor, expected in by_actor.items()
]


def perform(world: World, action: str, client: Any) -> Any:
    slug = world.convening.slug
    industry = Membership.objects.get(convening=world.convening, user=world.industry)
    civil = Membership.objects.get(convening=world.convening, user=world.civil_society)
    if action == "home":
        return client.get("/")
    if action == "convening_new_get":
        return client.get("/c/new/")
    if action == "convening_new_post":
        return client.post("/c/new/", {"title": "New one", "visibility": "public"})
    if action == "convening_detail":
        return client.get(f"/c/{slug}/")
    if action == "members_get":
        return client.get(f"/c/{slug}/members/")
    if action == "invite_post":
        data = {"email": "new@example.org", "role": "observer", "stakeholder_group": ""}
        return client.post(f"/c/{slug}/members/invite/", data)
    if action == "revoke_post":
        invitation, _ = services.invitation_create(
            actor=world.organizer, convening=world.convening, email="x@example.org", role="observer"
        )
        return client.post(f"/c/{slug}/invitations/{invitation.pk}/revoke/")
    if action == "member_update_post":
        prefix = f"m{industry.pk}"
        data = {f"{prefix}-role": "observer", f"{prefix}-stakeholder_group": "industry"}
        return client.post(f"/c/{slug}/members/{industry.pk}/", data)
    if action == "member_remove_post":
        return client.post(f"/c/{slug}/members/{civil.pk}/remove/")
    if action == "members_filtered_get":
        return client.get(f"/c/{slug}/members/", {"q": "industry", "role": "participant"})
    if action == "member_row_get":
        return client.get(f"/c/{slug}/members/{industry.pk}/row/?edit=1")
    if action == "organization_create_post":
        data = {"org-name": "New delegation", "org-kind": "academia", "org-country": "JP"}
        return client.post(f"/c/{slug}/organizations/new/", data)
    raise AssertionError(action)


def effect_happened(world: World, action: str) -> bool:
    """Whether the POST changed anything: refused requests must leave the data untouched."""
    convening = world.convening
    return {
        "convening_new_post": Convening.objects.filter(title="New one").exists(),
        "invite_post": Invitation.objects.filter(email="new@example.org").exists(),
        "revoke_post": Invitation.objects.filter(revoked_at__isnull=False).exists(),
        "member_update_post": Membership.objects.filter(
            convening=convening, user=world.industry, role="observer"
        ).exists(),
        "member_remove_post": not Membership.objects.filter(
            convening=convening, user=world.civil_society
        ).exists(),
        "organization_create_post": Organization.objects.filter(name="New delegation").exists(),
    }[action]


@pytest.mark.parametrize(("action", "visibility", "actor", "expected"), CASES)
def test_page_access(db: Any, action: str, visibility: str, actor: str, expected: Any) -> None:
    world = make_world(visibility=visibility)
    response = perform(world, action, page_client(world.actor(actor)))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content[:500]
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if action.endswith("_post"):
        assert effect_happened(world, action) == (expected == DONE)


def test_every_actor_is_in_the_table() -> None:
    for by_visibility in TABLE.values():
        for by_actor in by_visibility.values():
            assert set(by_actor) == set(ACTORS)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_unsupported_methods_are_refused(world: World, method: str) -> None:
    client = page_client(world.organizer)
    response = getattr(client, method)(f"/c/{world.convening.slug}/members/")
    assert response.status_code == 405
