"""Who may call what: the API v1 authorization table, as data.

Each row is (method, url, actor, expected status on a public convening, on a private one).
Private convenings are 404 to everyone who is not a member, never 403, so their existence does
not leak. Anonymous writes are 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from convene import services
from convene.models import Convening, Membership, Role
from tests.conftest import ACTORS, World, client_for, make_world
from tests.factories import PASSWORD, UserFactory

ANON, OUT, OBS, PART, OTHER, ORG = ACTORS
MEMBERS = (OBS, PART, ORG)


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def _signed_in(status: int) -> dict[str, int]:
    return {**_everyone(status), ANON: 401}


def _members_read(*, private: bool) -> dict[str, int]:
    """Members may read; non-members see 403 on a public convening and 404 on a private one;
    anonymous callers are asked to sign in unless the convening is hidden from them."""
    hidden = 404 if private else 403
    return {
        ANON: 404 if private else 401,
        OUT: hidden,
        OTHER: hidden,
        OBS: 200,
        PART: 200,
        ORG: 200,
    }


def _organizers_write(ok: int, *, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {ANON: 401, OUT: hidden, OTHER: hidden, OBS: 403, PART: 403, ORG: ok}


def _organizers_read(*, private: bool) -> dict[str, int]:
    hidden = 404 if private else 403
    return {
        ANON: 404 if private else 401,
        OUT: hidden,
        OTHER: hidden,
        OBS: 403,
        PART: 403,
        ORG: 200,
    }


def _visible(*, private: bool) -> dict[str, int]:
    if not private:
        return _everyone(200)
    return {ANON: 404, OUT: 404, OTHER: 404, OBS: 200, PART: 200, ORG: 200}


# (method, url template, body template, expectations(private) -> {actor: status})
# Placeholders: {slug}, {org}, {member}, {invitation}, {token}, {api_token}.
TABLE: list[tuple[str, str, dict[str, Any] | None, Any]] = [
    ("get", "/healthz", None, lambda private: _everyone(200)),
    (
        "post",
        "/api/v1/auth/token/",
        {"email": "outsider@example.org", "password": PASSWORD},
        lambda private: _everyone(200),
    ),
    ("get", "/api/v1/me/", None, lambda private: _signed_in(200)),
    ("patch", "/api/v1/me/", {"display_name": "Renamed"}, lambda private: _signed_in(200)),
    ("get", "/api/v1/auth/tokens/", None, lambda private: _signed_in(200)),
    # Someone else's token (a member who is none of the actors): as if it did not exist.
    ("delete", "/api/v1/auth/tokens/{api_token}/", None, lambda private: _signed_in(404)),
    ("get", "/api/v1/organizations/", None, lambda private: _everyone(200)),
    (
        "post",
        "/api/v1/organizations/",
        {"name": "New Agency", "kind": "regulator", "country": "DE"},
        lambda private: _signed_in(201),
    ),
    ("get", "/api/v1/organizations/{org}/", None, lambda private: _everyone(200)),
    ("get", "/api/v1/convenings/", None, lambda private: _everyone(200)),
    ("post", "/api/v1/convenings/", {"title": "Another one"}, lambda private: _signed_in(201)),
    ("get", "/api/v1/convenings/{slug}/", None, lambda private: _visible(private=private)),
    (
        "patch",
        "/api/v1/convenings/{slug}/",
        {"title": "Renamed"},
        lambda private: _organizers_write(200, private=private),
    ),
    (
        "get",
        "/api/v1/convenings/{slug}/members/",
        None,
        lambda private: _members_read(private=private),
    ),
    (
        "post",
        "/api/v1/convenings/{slug}/members/",
        {"email": "newcomer@example.org", "role": "observer"},
        lambda private: _organizers_write(201, private=private),
    ),
    (
        # Not in the table; served for clients that follow a member's link.
        "get",
        "/api/v1/convenings/{slug}/members/{member}/",
        None,
        lambda private: _members_read(private=private),
    ),
    (
        "patch",
        "/api/v1/convenings/{slug}/members/{member}/",
        {"role": "observer"},
        lambda private: _organizers_write(200, private=private),
    ),
    (
        "delete",
        "/api/v1/convenings/{slug}/members/{member}/",
        None,
        lambda private: _organizers_write(204, private=private),
    ),
    (
        "get",
        "/api/v1/convenings/{slug}/invitations/",
        None,
        lambda private: _organizers_read(private=private),
    ),
    (
        "post",
        "/api/v1/convenings/{slug}/invitations/",
        {"email": "invitee@example.org", "role": "participant", "stakeholder_group": "industry"},
        lambda private: _organizers_write(201, private=private),
    ),
    (
        "post",
        "/api/v1/convenings/{slug}/invitations/{invitation}/revoke/",
        None,
        lambda private: _organizers_write(200, private=private),
    ),
    (
        # The token proves the address; an invitation for a new address is accepted by someone
        # not signed in, and refused to anyone signed in as another account.
        "post",
        "/api/v1/invitations/{token}/accept/",
        {"password": "a long enough passphrase", "display_name": "New Delegate"},
        lambda private: {**_everyone(403), ANON: 200},
    ),
    ("get", "/api/v1/convenings/{slug}/audit/", None, lambda private: _visible(private=private)),
]

CASES = [
    pytest.param(method, url, body, expect, actor, private, id=f"{vis}-{method}-{url}-{actor}")
    for method, url, body, expect in TABLE
    for private, vis in [(False, "public"), (True, "private")]
    for actor in ACTORS
]


@pytest.mark.parametrize(("method", "url", "body", "expect", "actor", "private"), CASES)
def test_authorization_table(
    db: Any,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    expect: Any,
    actor: str,
    private: bool,
) -> None:
    world = make_world(
        visibility=Convening.Visibility.PRIVATE if private else Convening.Visibility.PUBLIC
    )
    UserFactory(email="newcomer@example.org")
    invitation, token = services.invitation_create(
        actor=world.organizer,
        convening=world.convening,
        email="pending@example.org",
        role=Role.OBSERVER,
    )
    target = Membership.objects.get(convening=world.convening, user=world.civil_society)
    api_token, _key = services.api_token_create(user=world.civil_society, name="theirs")
    path = url.format(
        slug=world.convening.slug,
        org=world.org_gov.pk,
        member=target.pk,
        invitation=invitation.pk,
        token=token,
        api_token=api_token.pk,
    )
    client = client_for(world.actor(actor))
    response = (
        getattr(client, method)(path, body, format="json")
        if body
        else getattr(client, method)(path)
    )
    expected = expect(private)[actor]
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        payload = response.json()
        assert isinstance(payload["detail"], str) and payload["detail"]
        assert isinstance(payload["errors"], dict)


def test_the_table_covers_every_people_side_api_route() -> None:
    """A new route in ``convene.api.urls`` must get a row here before it ships."""
    from convene.api.urls import urlpatterns

    routes = {f"api/v1/{p.pattern}" for p in urlpatterns} - {
        "api/v1/schema/",
        "api/v1/docs/",
        "api/v1/redoc/",
    }
    covered = {
        url.lstrip("/")
        .replace("{slug}", "<slug:slug>")
        .replace("{org}", "<int:pk>")
        .replace("{member}", "<int:pk>")
        .replace("{invitation}", "<int:pk>")
        .replace("{token}", "<str:token>")
        .replace("{api_token}", "<int:pk>")
        for _m, url, _b, _e in TABLE
    }
    assert routes <= covered, routes - covered


@pytest.mark.parametrize("actor", ACTORS)
def test_private_convenings_never_leak_into_the_list(private_world: World, actor: str) -> None:
    response = client_for(private_world.actor(actor)).get("/api/v1/convenings/", {"page_size": 200})
    assert response.status_code == 200
    slugs = {c["slug"] for c in response.json()["results"]}
    assert (private_world.convening.slug in slugs) == (actor in MEMBERS)
    # The other organizer's own convening is public; everyone sees it.
    assert private_world.other_convening.slug in slugs


def test_a_private_convening_of_another_organizer_is_hidden_from_this_one(db: Any) -> None:
    world = make_world()
    hidden = services.convening_create(
        actor=world.other_organizer, title="Back room", visibility=Convening.Visibility.PRIVATE
    )
    client = client_for(world.organizer)
    slugs = {c["slug"] for c in client.get("/api/v1/convenings/").json()["results"]}
    assert hidden.slug not in slugs
    assert client.get(f"/api/v1/convenings/{hidden.slug}/").status_code == 404
    assert client.get(f"/api/v1/convenings/{hidden.slug}/audit/").status_code == 404
    assert client.get(f"/api/v1/convenings/{hidden.slug}/members/").status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_an_unknown_convening_answers_like_a_private_one(world: World, actor: str) -> None:
    """No difference between "does not exist" and "you may not see it"."""
    client = client_for(world.actor(actor))
    for suffix in ["", "audit/"]:
        assert client.get(f"/api/v1/convenings/no-such-thing/{suffix}").status_code == 404
    expected = 401 if actor == ANON else 404
    assert (
        client.post(
            "/api/v1/convenings/no-such-thing/members/", {"email": "x@example.org"}, format="json"
        ).status_code
        == expected
    )


def test_a_member_of_another_convening_cannot_reach_this_ones_members_by_id(world: World) -> None:
    other_membership = Membership.objects.get(convening=world.other_convening)
    response = client_for(world.organizer).patch(
        f"/api/v1/convenings/{world.convening.slug}/members/{other_membership.pk}/",
        {"role": "observer"},
        format="json",
    )
    assert response.status_code == 404
    other_membership.refresh_from_db()
    assert other_membership.role == Role.ORGANIZER
