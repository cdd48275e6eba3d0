"""Issue 8, points 3 and 5: one open invitation per address, and only proved addresses trusted.

3. Simultaneous invitations of one address each mailed a working token, so revoking "the"
   invitation left another that still joined. A partial unique constraint now holds one open
   invitation per convening and address; the losers of the race get the service's 409.
5. Anyone can sign up under any address. Adding a member by address links only an account that
   has proved it; any other address is invited (the mailed link proves it), with the same answer
   whether or not an account has the address. Sign-up needs the mailed confirmation before the
   account can sign in, and accepting an invitation proves the address.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from convene import services
from convene.errors import Conflict, DomainError, Gone
from convene.management.commands.seed_demo import DEMO_PASSWORD
from convene.models import EmailOutbox, Invitation, Membership, Role, User
from convene.services import invitations as invitation_services
from tests.conftest import World, client_for, make_world
from tests.convene.races import run_together, skip_on_in_memory_sqlite
from tests.factories import PASSWORD, InvitationFactory, UserFactory

API = "/api/v1"
NEW_PASSWORD = "a long enough passphrase"


def _invite(world: World, email: str = "delegate@example.org") -> tuple[Invitation, str]:
    return services.invitation_create(
        actor=world.organizer,
        convening=world.convening,
        email=email,
        role=Role.PARTICIPANT,
        stakeholder_group="industry",
    )


def _open(world: World, email: str) -> Any:
    return Invitation.objects.filter(
        convening=world.convening, email=email, accepted_at=None, revoked_at=None
    )


# --- 3. one open invitation per address -------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_simultaneous_invitations_of_one_address_make_one_invitation_and_one_mail() -> None:
    skip_on_in_memory_sqlite()
    world = make_world()
    mail.outbox.clear()

    results = run_together(12, lambda _: _invite(world, email="contested@example.org"))

    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1, results
    assert len(refused) == 11, results
    assert all(isinstance(r, Conflict) and r.field == "email" for r in refused), results
    assert _open(world, "contested@example.org").count() == 1
    assert EmailOutbox.objects.filter(to="contested@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["contested@example.org"]]
    assert world.convening.audit_events.filter(verb="invitation.created").count() == 1
    # Revoking the one invitation leaves no token that joins.
    invitation, token = created[0]
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    with pytest.raises(Gone):
        services.invitation_for_token(token)


def test_the_database_holds_one_open_invitation_per_address_whatever_its_case(
    world: World,
) -> None:
    InvitationFactory(convening=world.convening, email="twice@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(convening=world.convening, email="Twice@Example.org")


def test_closed_invitations_do_not_hold_the_address(world: World) -> None:
    now = timezone.now()
    InvitationFactory(convening=world.convening, email="again@example.org", revoked_at=now)
    InvitationFactory(
        convening=world.convening,
        email="again@example.org",
        accepted_at=now,
        accepted_by=world.outsider,
    )
    InvitationFactory(convening=world.other_convening, email="again@example.org")
    invitation, _token = _invite(world, email="again@example.org")
    assert invitation.status == Invitation.Status.PENDING


def test_a_race_lost_at_the_constraint_is_a_409_and_mails_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """The loser of the race passed the service's check (it could not see the winner's
    uncommitted row); here the check is skipped so that the constraint must decide."""
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world)
    monkeypatch.setattr(invitation_services, "_check_not_invited", lambda *args: None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.organizer).post(
            f"{API}/convenings/{world.convening.slug}/invitations/",
            {"email": "Delegate@example.org", "role": "observer"},
            format="json",
        )
    assert response.status_code == 409, response.content
    assert "pending invitation" in response.json()["detail"]
    assert "email" in response.json()["errors"]
    assert _open(world, "delegate@example.org").count() == 1
    assert EmailOutbox.objects.filter(to="delegate@example.org").count() == 1
    assert len(mail.outbox) == 1


def test_an_expired_invitation_is_retired_when_the_address_is_invited_again(
    world: World,
) -> None:
    old, old_token = _invite(world)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        new, new_token = _invite(world)
        old.refresh_from_db()
        # Retired, and still reported as what it was: expired, not revoked by anyone.
        assert old.revoked_at is not None
        assert old.status == Invitation.Status.EXPIRED
        with pytest.raises(Gone, match="expired"):
            services.invitation_for_token(old_token)
        assert services.invitation_for_token(new_token) == new
    assert list(_open(world, "delegate@example.org")) == [new]
    retired = world.convening.audit_events.get(verb="invitation.retired")
    assert retired.target_id == str(old.pk)
    assert retired.payload == {"replaced_by": new.pk}


def test_an_unexpired_invitation_still_blocks_a_second_one(world: World) -> None:
    _invite(world)
    later = timezone.now() + timedelta(days=13)
    with time_machine.travel(later), pytest.raises(Conflict, match="pending invitation"):
        _invite(world)
    assert _open(world, "delegate@example.org").count() == 1


# --- 5. adding a member by address trusts only a proved address ------------------------------
def _add(world: World, email: str, **body: Any) -> Any:
    data = {"email": email, "role": "participant", "stakeholder_group": "policymaker", **body}
    return client_for(world.organizer).post(
        f"{API}/convenings/{world.convening.slug}/members/", data, format="json"
    )


def test_an_account_that_never_proved_its_address_is_invited_not_added(
    private_world: World, django_capture_on_commit_callbacks: Any
) -> None:
    impostor = UserFactory(
        email="minister@gov.example", display_name="The Minister", verified_email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(private_world, "minister@gov.example")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["email"], body["status"]) == ("minister@gov.example", "pending")
    assert not Membership.objects.filter(user=impostor).exists()
    # The private convening stays closed to the impostor; the mail goes to the real address.
    detail = client_for(impostor).get(f"{API}/convenings/{private_world.convening.slug}/")
    assert detail.status_code == 404
    assert [m.to for m in mail.outbox] == [["minister@gov.example"]]


def test_adding_an_address_answers_alike_whether_or_not_it_has_an_account(world: World) -> None:
    UserFactory(email="signed-up@example.org", verified_email=False)
    with_account = _add(world, "signed-up@example.org")
    without = _add(world, "nobody@example.org")
    assert with_account.status_code == without.status_code == 202
    varying = {"id", "email", "created_at", "expires_at"}

    def shape(response: Any) -> dict[str, Any]:
        return {k: v for k, v in response.json().items() if k not in varying}

    assert shape(with_account) == shape(without)
    assert set(with_account.json()) == set(without.json())
    again = [_add(world, "signed-up@example.org"), _add(world, "nobody@example.org")]
    assert [r.status_code for r in again] == [409, 409]
    assert again[0].json()["detail"] == again[1].json()["detail"]


def test_an_account_that_proved_its_address_is_added_at_once(world: World) -> None:
    verified = UserFactory(email="proved@example.org")
    response = _add(world, "Proved@Example.org", organization=world.org_gov.pk)
    assert response.status_code == 201, response.content
    assert response.json()["user"]["id"] == verified.pk
    assert Membership.objects.filter(convening=world.convening, user=verified).exists()
    assert not Invitation.objects.filter(email="proved@example.org").exists()


def test_an_address_to_invite_cannot_be_made_head_of_delegation(world: World) -> None:
    UserFactory(email="unproved@example.org", verified_email=False)
    for email in ("unproved@example.org", "nobody@example.org"):
        response = _add(world, email, organization=world.org_gov.pk, head_of_delegation=True)
        assert response.status_code == 400, response.content
        assert "head_of_delegation" in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_sign_up_needs_the_mailed_confirmation_before_signing_in(db: Any) -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "minister@gov.example",
            "display_name": "The Minister",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session
    login = client.post("/accounts/login/", {"login": "minister@gov.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session, login
    assert not EmailAddress.objects.filter(email="minister@gov.example", verified=True).exists()
    # The owner of the address follows the mailed link, then signs in.
    links = re.findall(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body)
    assert links
    client.post(links[0])
    assert EmailAddress.objects.filter(email="minister@gov.example", verified=True).exists()
    client.post("/accounts/login/", {"login": "minister@gov.example", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_an_unverified_account_gets_no_api_token_until_it_proves_its_address(db: Any) -> None:
    user = UserFactory(email="minister@gov.example", verified_email=False)
    credentials = {"email": "minister@gov.example", "password": PASSWORD}

    refused = client_for(None).post(f"{API}/auth/token/", credentials, format="json")

    assert refused.status_code == 403, refused.content
    assert "Verify your email address" in refused.json()["detail"]
    assert not user.api_tokens.exists()
    services.email_address_verify(user=user)
    issued = client_for(None).post(f"{API}/auth/token/", credentials, format="json")
    assert issued.status_code == 200, issued.content
    assert user.api_tokens.count() == 1


def test_a_wrong_password_for_an_unverified_account_is_the_usual_400(db: Any) -> None:
    UserFactory(email="minister@gov.example", verified_email=False)
    response = client_for(None).post(
        f"{API}/auth/token/", {"email": "minister@gov.example", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400


def test_accepting_an_invitation_proves_the_new_accounts_address(world: World) -> None:
    _invitation, token = _invite(world, email="newcomer@example.org")
    response = client_for(None).post(
        f"{API}/invitations/{token}/accept/",
        {"password": NEW_PASSWORD, "display_name": "Nadia Newcomer"},
        format="json",
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(email="newcomer@example.org")
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    client = Client()
    client.post("/accounts/login/", {"login": "newcomer@example.org", "password": NEW_PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_accepting_an_invitation_proves_an_existing_accounts_address(world: World) -> None:
    user = UserFactory(email="unproved@example.org", verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    _invitation, token = _invite(world, email="unproved@example.org")
    response = client_for(user).post(f"{API}/invitations/{token}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)
    # From now on the organizer's "add by address" links the account directly.
    other = services.convening_create(actor=world.organizer, title="Second round")
    added = services.member_add_by_email(
        actor=world.organizer, convening=other, email=user.email, role=Role.OBSERVER
    )
    assert isinstance(added, Membership) and added.user == user


def test_the_seeded_demo_accounts_can_sign_in(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.post(
        "/accounts/login/", {"login": "amara.okafor@example.org", "password": DEMO_PASSWORD}
    )
    assert "_auth_user_id" in client.session
    unverified = User.objects.exclude(emailaddress__verified=True)
    assert not unverified.exists()
