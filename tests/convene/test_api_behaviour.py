"""What each API v1 endpoint of the people side answers, as the Foundation issue's table says."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from convene import hashchain, services
from convene.audit import convening_chain, convening_chain_key
from convene.models import (
    AuditEvent,
    Convening,
    EmailOutbox,
    Invitation,
    Membership,
    Role,
)
from tests.conftest import World, client_for
from tests.factories import PASSWORD, UserFactory

API = "/api/v1"


def _members_url(world: World, membership: Membership | None = None) -> str:
    base = f"{API}/convenings/{world.convening.slug}/members/"
    return f"{base}{membership.pk}/" if membership else base


def _membership(world: World, user: Any) -> Membership:
    return Membership.objects.get(convening=world.convening, user=user)


# --- token and /me/ ---------------------------------------------------------------------------
def test_token_is_issued_for_good_credentials_and_then_works(world: World) -> None:
    response = APIClient().post(
        f"{API}/auth/token/", {"email": "Observer@Example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get(f"{API}/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "observer@example.org"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("observer@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("observer@example.org", ""),
    ],
)
def test_token_is_refused_for_bad_credentials(world: World, email: str, password: str) -> None:
    response = APIClient().post(
        f"{API}/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body["detail"], str) and "token" not in body


def test_token_is_refused_for_a_deactivated_account(world: World) -> None:
    world.observer.is_active = False
    world.observer.save()
    response = APIClient().post(
        f"{API}/auth/token/", {"email": "observer@example.org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_a_bad_token_is_401(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(f"{API}/me/").status_code == 401


def test_me_lists_my_memberships(world: World) -> None:
    response = client_for(world.policymaker).get(f"{API}/me/")
    assert response.status_code == 200
    body = response.json()
    assert {"id", "email", "display_name", "memberships"} <= set(body)
    assert body["id"] == world.policymaker.pk
    assert body["email"] == "policymaker@example.org"
    assert body["display_name"] == "Policymaker"
    assert len(body["memberships"]) == 1
    membership = body["memberships"][0]
    assert {
        key: membership[key] for key in ["convening", "role", "stakeholder_group", "organization"]
    } == {
        "convening": world.convening.slug,
        "role": "participant",
        "stakeholder_group": "policymaker",
        "organization": world.org_gov.pk,
    }


def test_me_for_someone_without_memberships(world: World) -> None:
    assert client_for(world.outsider).get(f"{API}/me/").json()["memberships"] == []


# --- organizations ----------------------------------------------------------------------------
def test_organization_create_and_read(world: World) -> None:
    client = client_for(world.outsider)
    response = client.post(
        f"{API}/organizations/",
        {"name": "  Safety Institute ", "kind": "academia", "country": "jp"},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created == {
        "id": created["id"],
        "name": "Safety Institute",
        "kind": "academia",
        "country": "JP",
    }
    assert APIClient().get(f"{API}/organizations/{created['id']}/").json() == created
    listed = APIClient().get(f"{API}/organizations/", {"country": "JP"}).json()
    assert [o["id"] for o in listed["results"]] == [created["id"]]


def test_a_duplicate_organization_is_409(world: World) -> None:
    response = client_for(world.outsider).post(
        f"{API}/organizations/",
        {"name": "ministry", "kind": "government", "country": "FR"},
        format="json",
    )
    assert response.status_code == 409
    assert "name" in response.json()["errors"]


def test_an_unknown_organization_is_404(world: World) -> None:
    response = APIClient().get(f"{API}/organizations/987654/")
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


# --- convenings -------------------------------------------------------------------------------
def test_convening_create_makes_the_creator_its_organizer(world: World) -> None:
    client = client_for(world.outsider)
    response = client.post(
        f"{API}/convenings/",
        {"title": "Tokyo round", "description": "On *triggers*.", "visibility": "private"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert {"slug", "title", "description", "visibility", "created_at"} <= set(body)
    assert body["slug"] == "tokyo-round"
    assert (body["title"], body["description"], body["visibility"]) == (
        "Tokyo round",
        "On *triggers*.",
        "private",
    )
    membership = Membership.objects.get(convening__slug="tokyo-round", user=world.outsider)
    assert membership.role == Role.ORGANIZER
    # The creator sees their private convening, with themselves as its only member.
    assert client.get(f"{API}/convenings/tokyo-round/").status_code == 200
    members = client.get(f"{API}/convenings/tokyo-round/members/").json()["results"]
    assert [(m["user"]["id"], m["role"]) for m in members] == [(world.outsider.pk, "organizer")]
    verbs = list(
        AuditEvent.objects.filter(convening__slug="tokyo-round").values_list("verb", flat=True)
    )
    assert verbs == ["convening.created", "membership.created"]


def test_convening_create_with_a_taken_slug_is_409(world: World) -> None:
    response = client_for(world.outsider).post(
        f"{API}/convenings/", {"title": "Copy", "slug": world.convening.slug}, format="json"
    )
    assert response.status_code == 409
    assert "slug" in response.json()["errors"]


def test_convening_titles_that_slugify_alike_get_distinct_slugs(world: World) -> None:
    client = client_for(world.outsider)
    slugs = [
        client.post(f"{API}/convenings/", {"title": world.convening.title}, format="json").json()[
            "slug"
        ]
        for _ in range(2)
    ]
    assert len({world.convening.slug, *slugs}) == 3


def test_convening_detail_and_patch(world: World) -> None:
    client = client_for(world.organizer)
    url = f"{API}/convenings/{world.convening.slug}/"
    response = client.patch(
        url, {"description": "Now with **rules**.", "visibility": "private"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["description"] == "Now with **rules**."
    assert response.json()["visibility"] == "private"
    assert response.json()["title"] == "Global AI Safety Brake"
    detail = client.get(url).json()
    assert (detail["description"], detail["visibility"]) == ("Now with **rules**.", "private")
    # Now private: an outsider no longer sees it.
    assert client_for(world.outsider).get(url).status_code == 404
    event = AuditEvent.objects.filter(convening=world.convening).last()
    assert event is not None and event.verb == "convening.updated"


def test_convening_patch_cannot_change_the_slug(world: World) -> None:
    url = f"{API}/convenings/{world.convening.slug}/"
    response = client_for(world.organizer).patch(url, {"slug": "hijacked"}, format="json")
    assert response.status_code == 200
    assert response.json()["slug"] == world.convening.slug


def test_convening_list_shows_public_and_mine_newest_first(world: World) -> None:
    mine = services.convening_create(
        actor=world.outsider, title="Mine", visibility=Convening.Visibility.PRIVATE
    )
    body = client_for(world.outsider).get(f"{API}/convenings/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [c["slug"] for c in body["results"]] == [
        mine.slug,
        world.other_convening.slug,
        world.convening.slug,
    ]
    assert body["count"] == 3


def test_the_list_paginates(world: World) -> None:
    for n in range(3):
        services.convening_create(actor=world.outsider, title=f"Extra {n}")
    client = APIClient()
    first = client.get(f"{API}/convenings/", {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert second["previous"] is not None
    seen = [c["slug"] for c in first["results"] + second["results"]]
    assert len(set(seen)) == 4


# --- members ----------------------------------------------------------------------------------
def test_member_list_shape(world: World) -> None:
    body = client_for(world.observer).get(_members_url(world)).json()
    assert body["count"] == 5
    by_user = {m["user"]["id"]: m for m in body["results"]}
    policymaker = by_user[world.policymaker.pk]
    assert {"id", "user", "role", "stakeholder_group", "organization", "head_of_delegation"} <= set(
        policymaker
    )
    assert policymaker["user"] == {"id": world.policymaker.pk, "display_name": "Policymaker"}
    assert policymaker["id"] == _membership(world, world.policymaker).pk
    assert (policymaker["role"], policymaker["stakeholder_group"]) == ("participant", "policymaker")
    assert policymaker["organization"] == world.org_gov.pk
    assert policymaker["head_of_delegation"] is False
    # Members see each other's names, never their addresses.
    assert "email" not in policymaker["user"]
    assert "@" not in str(body)


def test_member_add_by_email(world: World) -> None:
    newcomer = UserFactory(email="newcomer@example.org")
    response = client_for(world.organizer).post(
        _members_url(world),
        {
            "email": "NewComer@example.org",
            "role": "participant",
            "stakeholder_group": "industry",
            "organization": world.org_lab.pk,
            "head_of_delegation": True,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["id"] == newcomer.pk
    assert (body["role"], body["stakeholder_group"], body["organization"]) == (
        "participant",
        "industry",
        world.org_lab.pk,
    )
    assert body["head_of_delegation"] is True
    assert _membership(world, newcomer).head_of_delegation


def test_member_add_of_an_address_without_an_account_invites_it(world: World) -> None:
    # Was a 400 naming the unknown address; it told anyone who had an account (issue 8.5).
    response = client_for(world.organizer).post(
        _members_url(world), {"email": "nobody@example.org", "role": "observer"}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["email"], body["status"]) == ("nobody@example.org", "pending")
    assert Invitation.objects.filter(convening=world.convening, email="nobody@example.org").exists()


def test_member_add_of_a_member_is_409(world: World) -> None:
    response = client_for(world.organizer).post(
        _members_url(world), {"email": "observer@example.org", "role": "observer"}, format="json"
    )
    assert response.status_code == 409
    assert Membership.objects.filter(convening=world.convening, user=world.observer).count() == 1


def test_a_participant_needs_a_stakeholder_group(world: World) -> None:
    UserFactory(email="newcomer@example.org")
    response = client_for(world.organizer).post(
        _members_url(world), {"email": "newcomer@example.org", "role": "participant"}, format="json"
    )
    assert response.status_code == 400
    assert "stakeholder_group" in response.json()["errors"]


def test_member_patch_changes_role_and_group(world: World) -> None:
    member = _membership(world, world.industry)
    response = client_for(world.organizer).patch(
        _members_url(world, member), {"stakeholder_group": "civil_society"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["stakeholder_group"] == "civil_society"
    response = client_for(world.organizer).patch(
        _members_url(world, member), {"role": "organizer"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "organizer"
    member.refresh_from_db()
    assert (member.role, member.stakeholder_group) == ("organizer", "civil_society")
    # The new organizer may now manage members.
    response = client_for(world.industry).get(
        f"{API}/convenings/{world.convening.slug}/invitations/"
    )
    assert response.status_code == 200


def test_demoting_an_observer_to_participant_without_a_group_is_400(world: World) -> None:
    member = _membership(world, world.observer)
    response = client_for(world.organizer).patch(
        _members_url(world, member), {"role": "participant"}, format="json"
    )
    assert response.status_code == 400
    assert "stakeholder_group" in response.json()["errors"]


def test_member_delete(world: World) -> None:
    member = _membership(world, world.civil_society)
    response = client_for(world.organizer).delete(_members_url(world, member))
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert client_for(world.organizer).delete(_members_url(world, member)).status_code == 404
    # The removed member lost access to the member list.
    assert client_for(world.civil_society).get(_members_url(world)).status_code == 403


def test_the_last_organizer_cannot_be_removed(world: World) -> None:
    member = _membership(world, world.organizer)
    response = client_for(world.organizer).delete(_members_url(world, member))
    assert response.status_code == 409
    assert isinstance(response.json()["detail"], str)
    assert Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_the_last_organizer_cannot_be_demoted(world: World, role: str) -> None:
    member = _membership(world, world.organizer)
    response = client_for(world.organizer).patch(
        _members_url(world, member),
        {"role": role, "stakeholder_group": "policymaker"},
        format="json",
    )
    assert response.status_code == 409
    member.refresh_from_db()
    assert member.role == Role.ORGANIZER


def test_an_organizer_may_step_down_when_another_remains(world: World) -> None:
    services.member_update(
        actor=world.organizer, membership=_membership(world, world.observer), role=Role.ORGANIZER
    )
    member = _membership(world, world.organizer)
    assert client_for(world.organizer).delete(_members_url(world, member)).status_code == 204
    observer = _membership(world, world.observer)
    response = client_for(world.observer).delete(_members_url(world, observer))
    assert response.status_code == 409


def test_a_head_of_delegation_needs_an_organization(world: World) -> None:
    member = _membership(world, world.observer)
    response = client_for(world.organizer).patch(
        _members_url(world, member), {"head_of_delegation": True}, format="json"
    )
    assert response.status_code == 400
    assert "head_of_delegation" in response.json()["errors"]


def test_one_head_of_delegation_per_organization(world: World) -> None:
    client = client_for(world.organizer)
    first = _membership(world, world.policymaker)
    assert (
        client.patch(
            _members_url(world, first), {"head_of_delegation": True}, format="json"
        ).status_code
        == 200
    )
    colleague = UserFactory(email="colleague@example.org")
    response = client.post(
        _members_url(world),
        {
            "email": colleague.email,
            "role": "participant",
            "stakeholder_group": "policymaker",
            "organization": world.org_gov.pk,
            "head_of_delegation": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert "head_of_delegation" in response.json()["errors"]
    # Another organization's head is fine, and moving the flag needs the first one cleared.
    other = _membership(world, world.industry)
    assert (
        client.patch(
            _members_url(world, other), {"head_of_delegation": True}, format="json"
        ).status_code
        == 200
    )
    observer = _membership(world, world.observer)
    response = client.patch(
        _members_url(world, observer),
        {"organization": world.org_gov.pk, "head_of_delegation": True},
        format="json",
    )
    assert response.status_code == 409
    assert (
        Membership.objects.filter(
            convening=world.convening, organization=world.org_gov, head_of_delegation=True
        ).count()
        == 1
    )


# --- invitations ------------------------------------------------------------------------------
def _invite(world: World, **body: Any) -> Any:
    data = {"email": "invitee@example.org", "role": "participant", "stakeholder_group": "industry"}
    data.update(body)
    return client_for(world.organizer).post(
        f"{API}/convenings/{world.convening.slug}/invitations/", data, format="json"
    )


def test_invitation_create_answers_201_and_mails_the_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(world, email="Invitee@Example.org", organization=world.org_lab.pk)
    assert response.status_code == 201
    body = response.json()
    assert {
        "id",
        "email",
        "role",
        "stakeholder_group",
        "organization",
        "expires_at",
        "status",
    } <= set(body)
    assert body["email"] == "invitee@example.org"
    assert (body["role"], body["stakeholder_group"], body["organization"]) == (
        "participant",
        "industry",
        world.org_lab.pk,
    )
    assert body["status"] == "pending"
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["expires_at"].startswith(invitation.expires_at.date().isoformat())
    # The token is only in the mail: neither in the answer nor stored in clear.
    assert "token" not in body and "token_hash" not in body
    outbox = EmailOutbox.objects.get(to="invitee@example.org")
    assert "http://testserver/invitations/" in outbox.body
    token = outbox.body.split("/invitations/", 1)[1].split("/", 1)[0]
    assert invitation.token_hash == services.token_hash(token)
    assert token not in str(Invitation.objects.values().get(pk=invitation.pk))
    # Eager tasks: the mail went out through Django's mail backend, once, and is marked sent.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invitee@example.org"]
    assert f"/invitations/{token}/" in mail.outbox[0].body
    outbox.refresh_from_db()
    assert outbox.sent_at is not None


def test_no_mail_leaves_when_the_invitation_is_refused(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _invite(world).status_code == 201
        assert _invite(world).status_code == 409
    assert EmailOutbox.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_duplicate_pending_invitation_is_409(world: World) -> None:
    assert _invite(world).status_code == 201
    response = _invite(world, email="INVITEE@example.org")
    assert response.status_code == 409
    assert "email" in response.json()["errors"]


def test_inviting_a_member_is_409(world: World) -> None:
    response = _invite(world, email="observer@example.org", role="observer")
    assert response.status_code == 409


def test_invitation_list_and_revoke(world: World) -> None:
    created = _invite(world).json()
    client = client_for(world.organizer)
    listing = client.get(f"{API}/convenings/{world.convening.slug}/invitations/").json()
    assert set(listing) == {"count", "next", "previous", "results"}
    assert [i["id"] for i in listing["results"]] == [created["id"]]
    url = f"{API}/convenings/{world.convening.slug}/invitations/{created['id']}/revoke/"
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    again = client.post(url)
    assert again.status_code == 409
    assert isinstance(again.json()["detail"], str)
    # Once revoked, the same address may be invited again.
    assert _invite(world).status_code == 201


def test_revoking_an_invitation_of_another_convening_is_404(world: World) -> None:
    invitation, _ = services.invitation_create(
        actor=world.other_organizer,
        convening=world.other_convening,
        email="x@example.org",
        role=Role.OBSERVER,
    )
    response = client_for(world.organizer).post(
        f"{API}/convenings/{world.convening.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- audit ------------------------------------------------------------------------------------
def _recompute(event: dict[str, Any]) -> str:
    """What an external client does: rebuild the hashed content from the served JSON only."""
    content = {
        "chain": event["chain"],
        "seq": event["seq"],
        "verb": event["verb"],
        "actor": event["actor"]["id"] if event["actor"] else None,
        "target_type": event["target_type"],
        "target_id": event["target_id"],
        "payload": event["payload"],
        "created_at": event["created_at"],
    }
    return hashchain.link_hash(event["prev_hash"], content)


def _all_events(url: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    client = APIClient()
    while url:
        page = client.get(url).json()
        assert set(page) == {"count", "next", "previous", "results"}
        events += page["results"]
        url = page["next"]
    return events


def test_audit_events_can_be_verified_from_the_json_alone(world: World) -> None:
    _invite(world)
    member = _membership(world, world.industry)
    client_for(world.organizer).patch(
        _members_url(world, member), {"role": "observer"}, format="json"
    )
    client_for(world.organizer).delete(_members_url(world, _membership(world, world.observer)))
    events = _all_events(f"{API}/convenings/{world.convening.slug}/audit/?page_size=3")
    assert len(events) == AuditEvent.objects.filter(convening=world.convening).count() > 6
    for event in events:
        assert {
            "seq",
            "verb",
            "actor",
            "target",
            "payload",
            "created_at",
            "prev_hash",
            "hash",
        } <= set(event)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    previous = hashchain.GENESIS
    for event in events:
        assert event["prev_hash"] == previous
        assert _recompute(event) == event["hash"], event
        previous = event["hash"]
    chain = convening_chain(world.convening)
    assert previous == chain.head_hash
    assert [e["verb"] for e in events][-3:] == [
        "invitation.created",
        "membership.updated",
        "membership.removed",
    ]
    assert events[0]["actor"]["id"] == world.organizer.pk


def test_a_changed_payload_no_longer_matches_its_hash(world: World) -> None:
    event = _all_events(f"{API}/convenings/{world.convening.slug}/audit/")[0]
    assert _recompute(event) == event["hash"]
    event["payload"] = {**event["payload"], "title": "Something else"}
    assert _recompute(event) != event["hash"]


def test_the_audit_of_a_public_convening_does_not_show_invited_addresses(world: World) -> None:
    _invite(world, email="secret.person@example.org")
    body = APIClient().get(f"{API}/convenings/{world.convening.slug}/audit/").content.decode()
    assert "secret.person" not in body


def test_audit_only_shows_this_convenings_events(world: World) -> None:
    events = _all_events(f"{API}/convenings/{world.other_convening.slug}/audit/")
    assert [e["verb"] for e in events] == ["convening.created", "membership.created"]
    assert {e["chain"] for e in events} == {convening_chain_key(world.other_convening)}


# --- health -----------------------------------------------------------------------------------
def test_healthz(db: Any, settings: Any) -> None:
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok" if settings.REDIS_URL else "inline",
    }
