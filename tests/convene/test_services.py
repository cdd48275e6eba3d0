"""The people side's services: their invariants, their audit events, and their races."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from convene import services
from convene.audit import audit_append, audit_verify, convening_chain
from convene.errors import Conflict, DomainError
from convene.models import (
    AuditChain,
    AuditEvent,
    Convening,
    EmailOutbox,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
)
from tests.conftest import World, make_world
from tests.convene.races import run_together, skip_on_in_memory_sqlite
from tests.factories import UserFactory


def _verbs(convening: Convening) -> list[str]:
    return list(convening.audit_events.order_by("seq").values_list("verb", flat=True))


def _chain(convening: Convening) -> AuditChain:
    return convening_chain(convening)


# --- users and organizations ------------------------------------------------------------------
def test_user_create_normalizes_the_address_and_refuses_a_duplicate(db: Any) -> None:
    user = services.user_create(
        email="  Ada@Example.ORG ", password="a long enough passphrase", display_name=" Ada "
    )
    assert (user.email, user.display_name) == ("ada@example.org", "Ada")
    with pytest.raises(Conflict) as caught:
        services.user_create(
            email="ADA@example.org", password="a long enough passphrase", display_name="Ada"
        )
    assert caught.value.field == "email"
    assert User.objects.count() == 1


def test_user_create_refuses_a_weak_password(db: Any) -> None:
    with pytest.raises(DomainError) as caught:
        services.user_create(email="ada@example.org", password="ada", display_name="Ada")
    assert caught.value.field == "password"
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "XX"}, "country"),
        ({"kind": "spaceship"}, "kind"),
        ({"name": "   "}, "name"),
    ],
)
def test_organization_create_validates(db: Any, changes: dict[str, str], field: str) -> None:
    actor = UserFactory()
    data = {"name": "Agency", "kind": "regulator", "country": "de", **changes}
    with pytest.raises(DomainError) as caught:
        services.organization_create(actor=actor, **data)
    assert caught.value.field == field
    assert not Organization.objects.exists()


def test_organization_create_upper_cases_the_country_and_audits(db: Any) -> None:
    actor = UserFactory()
    org = services.organization_create(actor=actor, name=" Agency ", kind="regulator", country="de")
    assert (org.name, org.country) == ("Agency", "DE")
    event = AuditEvent.objects.get(verb="organization.created")
    assert (event.convening, event.actor, event.target_id) == (None, actor, str(org.pk))
    with pytest.raises(Conflict):
        services.organization_create(actor=actor, name="AGENCY", kind="regulator", country="DE")


# --- convenings -------------------------------------------------------------------------------
def test_convening_create_opens_a_chain_and_makes_an_organizer(db: Any) -> None:
    actor = UserFactory()
    convening = services.convening_create(actor=actor, title="  Geneva round  ")
    assert (convening.title, convening.slug, convening.visibility) == (
        "Geneva round",
        "geneva-round",
        "public",
    )
    assert Membership.objects.get(convening=convening).role == Role.ORGANIZER
    assert _verbs(convening) == ["convening.created", "membership.created"]
    assert audit_verify(_chain(convening)) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "T", "visibility": "secret"}, "visibility"),
        ({"title": "T", "slug": "Not A Slug"}, "slug"),
        ({"title": "T", "slug": ""}, "slug"),
    ],
)
def test_convening_create_validates(db: Any, kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.convening_create(actor=UserFactory(), **kwargs)
    assert caught.value.field == field
    assert not Convening.objects.exists()


def test_convening_update_audits_only_real_changes(world: World) -> None:
    before = world.convening.audit_events.count()
    services.convening_update(
        actor=world.organizer, convening=world.convening, title=world.convening.title
    )
    assert world.convening.audit_events.count() == before
    services.convening_update(actor=world.organizer, convening=world.convening, title="New")
    event = world.convening.audit_events.order_by("seq").last()
    assert event is not None
    assert (event.verb, event.payload) == ("convening.updated", {"changed": {"title": "New"}})


def test_convening_update_refuses_unknown_fields(world: World) -> None:
    with pytest.raises(DomainError):
        services.convening_update(actor=world.organizer, convening=world.convening, slug="x")


# --- members ----------------------------------------------------------------------------------
def _membership(world: World, user: User) -> Membership:
    return Membership.objects.get(convening=world.convening, user=user)


def test_member_changes_are_audited_with_before_and_after(world: World) -> None:
    membership = _membership(world, world.industry)
    services.member_update(actor=world.organizer, membership=membership, role=Role.OBSERVER)
    event = world.convening.audit_events.order_by("seq").last()
    assert event is not None and event.verb == "membership.updated"
    assert (event.payload["before"]["role"], event.payload["after"]["role"]) == (
        "participant",
        "observer",
    )
    services.member_remove(actor=world.organizer, membership=membership)
    assert _verbs(world.convening)[-1] == "membership.removed"
    assert audit_verify(_chain(world.convening)) is None


def test_an_unchanged_member_update_appends_nothing(world: World) -> None:
    before = world.convening.audit_events.count()
    services.member_update(
        actor=world.organizer, membership=_membership(world, world.industry), role=Role.PARTICIPANT
    )
    assert world.convening.audit_events.count() == before


def test_the_last_organizer_stays(world: World) -> None:
    organizer = _membership(world, world.organizer)
    with pytest.raises(Conflict):
        services.member_remove(actor=world.organizer, membership=organizer)
    with pytest.raises(Conflict):
        services.member_update(actor=world.organizer, membership=organizer, role=Role.OBSERVER)
    organizer.refresh_from_db()
    assert organizer.role == Role.ORGANIZER


def test_member_fields_are_checked(world: World) -> None:
    newcomer = UserFactory()
    for kwargs, field in [
        ({"role": "chair"}, "role"),
        ({"role": Role.PARTICIPANT}, "stakeholder_group"),
        ({"role": Role.OBSERVER, "stakeholder_group": "press"}, "stakeholder_group"),
        ({"role": Role.OBSERVER, "head_of_delegation": True}, "head_of_delegation"),
    ]:
        with pytest.raises(DomainError) as caught:
            services.member_add(
                actor=world.organizer, convening=world.convening, user=newcomer, **kwargs
            )
        assert caught.value.field == field
    assert not Membership.objects.filter(user=newcomer).exists()


# --- invitations ------------------------------------------------------------------------------
def test_invitation_create_stores_only_the_token_hash_and_expires_in_14_days(world: World) -> None:
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        invitation, token = services.invitation_create(
            actor=world.organizer,
            convening=world.convening,
            email=" New@Example.org ",
            role=Role.OBSERVER,
        )
    assert invitation.email == "new@example.org"
    assert invitation.token_hash == services.token_hash(token) != token
    assert len(token) >= 40
    assert invitation.expires_at == invitation.created_at + timedelta(days=14)
    with time_machine.travel("2026-03-15 08:59:59+00:00"):
        assert invitation.status == Invitation.Status.PENDING
    with time_machine.travel("2026-03-15 09:00:00+00:00"):
        assert invitation.status == Invitation.Status.EXPIRED


def test_an_expired_invitation_does_not_block_a_new_one(world: World) -> None:
    services.invitation_create(
        actor=world.organizer, convening=world.convening, email="n@example.org", role=Role.OBSERVER
    )
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        services.invitation_create(
            actor=world.organizer,
            convening=world.convening,
            email="n@example.org",
            role=Role.OBSERVER,
        )
    assert Invitation.objects.filter(email="n@example.org").count() == 2


def test_the_invitation_mail_leaves_only_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            actor=world.organizer,
            convening=world.convening,
            email="n@example.org",
            role=Role.OBSERVER,
        )
    assert EmailOutbox.objects.filter(to="n@example.org", sent_at=None).count() == 1
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert EmailOutbox.objects.get(to="n@example.org").sent_at is not None


def test_revoke_twice_is_a_conflict(world: World) -> None:
    invitation, _ = services.invitation_create(
        actor=world.organizer, convening=world.convening, email="n@example.org", role=Role.OBSERVER
    )
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    with pytest.raises(Conflict):
        services.invitation_revoke(actor=world.organizer, invitation=invitation)
    assert _verbs(world.convening).count("invitation.revoked") == 1


# --- races ------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_audit_appends_keep_the_chain_valid() -> None:
    skip_on_in_memory_sqlite()
    world = make_world()
    before = world.convening.audit_events.count()
    appends_per_thread = 5

    def append(i: int) -> int:
        for n in range(appends_per_thread):
            with transaction.atomic():
                audit_append(
                    convening=world.convening,
                    actor=None,
                    verb="test.appended",
                    target=world.convening,
                    payload={"thread": i, "n": n},
                )
        return i

    results = run_together(4, append)
    assert results == [0, 1, 2, 3]
    chain = _chain(world.convening)
    total = before + 4 * appends_per_thread
    assert chain.last_seq == total
    seqs = list(world.convening.audit_events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert audit_verify(chain) is None


@pytest.mark.django_db(transaction=True)
def test_two_organizers_demoting_each_other_at_once_leave_one() -> None:
    skip_on_in_memory_sqlite()
    world = make_world()
    services.member_update(
        actor=world.organizer, membership=_membership(world, world.observer), role=Role.ORGANIZER
    )
    pairs = [(world.organizer, world.observer), (world.observer, world.organizer)]

    def demote(i: int) -> Membership:
        actor, target = pairs[i]
        return services.member_update(
            actor=actor, membership=_membership(world, target), role=Role.OBSERVER
        )

    results = run_together(2, demote)
    assert sum(isinstance(r, Membership) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Membership.objects.filter(convening=world.convening, role=Role.ORGANIZER).count() == 1
    assert audit_verify(_chain(world.convening)) is None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_identical_organizations_make_one_and_a_conflict() -> None:
    skip_on_in_memory_sqlite()
    actors = [UserFactory(), UserFactory()]
    for round_ in range(5):  # the race is not won on every try; several rounds make it likely
        name = f"Twin Agency {round_}"

        def create(i: int, name: str = name) -> Organization:
            return services.organization_create(
                actor=actors[i], name=name, kind="regulator", country="DE"
            )

        results = run_together(2, create)
        assert sum(isinstance(r, Organization) for r in results) == 1, results
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        assert Organization.objects.filter(name=name).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_ups_with_one_address_make_one_account() -> None:
    skip_on_in_memory_sqlite()

    for round_ in range(5):  # the race is not won on every try; several rounds make it likely
        email = f"twin{round_}@example.org"

        def create(i: int, email: str = email) -> User:
            return services.user_create(
                email=email, password="a long enough passphrase", display_name=f"Twin {i}"
            )

        results = run_together(2, create)
        assert sum(isinstance(r, User) for r in results) == 1, results
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        assert User.objects.filter(email=email).count() == 1
