"""Accepting invitations through the API: new accounts, existing accounts, and every refusal.

An invitation is single-use, also when the same link is submitted twice at the same moment.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from convene import services
from convene.errors import DomainError
from convene.models import Invitation, Membership, Role, User
from tests.conftest import World, client_for
from tests.convene.races import run_together, skip_on_in_memory_sqlite
from tests.factories import PASSWORD

NEW_PASSWORD = "a long enough passphrase"


def _invite(
    world: World, email: str = "newcomer@example.org", **kwargs: Any
) -> tuple[Invitation, str]:
    kwargs.setdefault("role", Role.PARTICIPANT)
    kwargs.setdefault("stakeholder_group", "industry")
    return services.invitation_create(
        actor=world.organizer, convening=world.convening, email=email, **kwargs
    )


def _accept(token: str, user: User | None = None, **body: Any) -> Any:
    return client_for(user).post(f"/api/v1/invitations/{token}/accept/", body, format="json")


def _assert_refusal(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return str(body["detail"])


# --- a new address ----------------------------------------------------------------------------
def test_a_new_address_accepts_by_choosing_a_password(world: World) -> None:
    invitation, token = _invite(world, organization=world.org_lab)
    response = _accept(token, password=NEW_PASSWORD, display_name="  Nadia Newcomer ")
    assert response.status_code == 200
    body = response.json()
    user = User.objects.get(email="newcomer@example.org")
    assert user.display_name == "Nadia Newcomer"
    assert body["user"] == {"id": user.pk, "display_name": "Nadia Newcomer"}
    assert (body["role"], body["stakeholder_group"], body["organization"]) == (
        "participant",
        "industry",
        world.org_lab.pk,
    )
    membership = Membership.objects.get(convening=world.convening, user=user)
    assert body["id"] == membership.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.status == Invitation.Status.ACCEPTED
    # The new account can sign in through the API.
    token_response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "newcomer@example.org", "password": NEW_PASSWORD},
        format="json",
    )
    assert token_response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert [m["convening"] for m in me["memberships"]] == [world.convening.slug]


@pytest.mark.parametrize("password", ["short", "password", "12345678901", "newcomer@example.org"])
def test_a_weak_password_is_refused_and_nothing_is_created(world: World, password: str) -> None:
    invitation, token = _invite(world)
    response = _accept(token, password=password, display_name="Nadia")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(email="newcomer@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_a_new_address_must_give_a_password_and_a_name(world: World) -> None:
    _invitation, token = _invite(world)
    assert "password" in _accept(token, display_name="Nadia").json()["errors"]
    assert "display_name" in _accept(token, password=NEW_PASSWORD).json()["errors"]
    assert (
        "display_name" in _accept(token, password=NEW_PASSWORD, display_name="  ").json()["errors"]
    )
    assert _accept(token, password=NEW_PASSWORD, display_name="Nadia").status_code == 200


def test_someone_signed_in_cannot_take_an_invitation_for_a_new_address(world: World) -> None:
    _invitation, token = _invite(world)
    detail = _assert_refusal(
        _accept(token, world.outsider, password=NEW_PASSWORD, display_name="X"), 403
    )
    assert "newcomer@example.org" in detail
    assert not Membership.objects.filter(convening=world.convening, user=world.outsider).exists()


# --- an existing account ----------------------------------------------------------------------
def test_an_existing_account_must_sign_in_to_accept(world: World) -> None:
    _invitation, token = _invite(world, email="outsider@example.org")
    detail = _assert_refusal(_accept(token, password=NEW_PASSWORD, display_name="Otto"), 403)
    assert "sign in" in detail.lower()
    assert "outsider@example.org" in detail
    # The password of the existing account is untouched.
    world.outsider.refresh_from_db()
    assert world.outsider.check_password(PASSWORD)


def test_the_right_account_accepts(world: World) -> None:
    invitation, token = _invite(
        world, email="outsider@example.org", role=Role.OBSERVER, stakeholder_group=""
    )
    response = _accept(token, world.outsider)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == world.outsider.pk
    assert response.json()["role"] == "observer"
    assert Membership.objects.filter(convening=world.convening, user=world.outsider).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == world.outsider


def test_the_wrong_account_is_told_which_address_is_expected(world: World) -> None:
    _invitation, token = _invite(world, email="outsider@example.org")
    detail = _assert_refusal(_accept(token, world.other_organizer), 403)
    assert "outsider@example.org" in detail
    assert not Membership.objects.filter(
        convening=world.convening, user=world.other_organizer
    ).exists()
    # The invitation is still usable by the right account.
    assert _accept(token, world.outsider).status_code == 200


# --- refusals ---------------------------------------------------------------------------------
def test_an_expired_invitation_is_gone(world: World) -> None:
    invitation, token = _invite(world)
    with time_machine.travel(timezone.now() + timedelta(days=14, seconds=1)):
        detail = _assert_refusal(_accept(token, password=NEW_PASSWORD, display_name="N"), 410)
        assert "expired" in detail
    assert not User.objects.filter(email="newcomer@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_still_works_just_before_it_expires(world: World) -> None:
    _invitation, token = _invite(world)
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        assert _accept(token, password=NEW_PASSWORD, display_name="N").status_code == 200


def test_a_revoked_invitation_is_gone(world: World) -> None:
    invitation, token = _invite(world)
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    detail = _assert_refusal(_accept(token, password=NEW_PASSWORD, display_name="N"), 410)
    assert "revoked" in detail
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_a_used_invitation_is_gone(world: World) -> None:
    _invitation, token = _invite(world)
    assert _accept(token, password=NEW_PASSWORD, display_name="N").status_code == 200
    user = User.objects.get(email="newcomer@example.org")
    detail = _assert_refusal(_accept(token, password=NEW_PASSWORD, display_name="N"), 410)
    assert "already been used" in detail
    # Not even the account it created can use it again.
    _assert_refusal(_accept(token, user), 410)
    assert Membership.objects.filter(convening=world.convening, user=user).count() == 1


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "a" * 500])
def test_an_unknown_token_is_404(world: World, token: str) -> None:
    _assert_refusal(_accept(token, password=NEW_PASSWORD, display_name="N"), 404)


def test_an_invitation_for_someone_who_became_a_member_is_refused(world: World) -> None:
    invitation, token = _invite(
        world, email="outsider@example.org", role=Role.OBSERVER, stakeholder_group=""
    )
    services.member_add(
        actor=world.organizer, convening=world.convening, user=world.outsider, role=Role.OBSERVER
    )
    _assert_refusal(_accept(token, world.outsider), 409)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- concurrency ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing_account", [False, True], ids=["new-address", "existing-account"])
def test_two_simultaneous_acceptances_make_one_membership(existing_account: bool) -> None:
    skip_on_in_memory_sqlite()
    from tests.conftest import make_world

    world = make_world()
    email = "outsider@example.org" if existing_account else "newcomer@example.org"
    invitation, token = _invite(world, email=email)
    user = world.outsider if existing_account else None

    def accept(_: int) -> Membership:
        return services.invitation_accept(
            token=token, user=user, password=NEW_PASSWORD, display_name="Nadia"
        )

    results = run_together(4, accept)
    memberships = [r for r in results if isinstance(r, Membership)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(memberships) == 1, results
    assert len(refusals) == 3, results
    assert {r.status for r in refusals} == {410}
    assert Membership.objects.filter(convening=world.convening, user__email=email).count() == 1
    assert User.objects.filter(email=email).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by_id == memberships[0].user_id
    accepted = world.convening.audit_events.filter(verb="invitation.accepted").count()
    assert accepted == 1
