"""Shared fixtures: personas around one convening, API clients, service detection."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from convene import services
from convene.models import (
    Convening,
    EmailOutbox,
    Membership,
    Notification,
    Organization,
    Role,
    User,
)
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header(config: Any) -> list[str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"convene: database={db} redis={'yes' if settings.REDIS_URL else 'no'} ci={IN_CI}"]


def clear_cache() -> None:
    """Forget this test process's cache entries (rate-limit counters), and only those.

    ``cache.clear()`` on Redis flushes the whole database, including other xdist workers'
    counters and the queues of a running Celery worker test.
    """
    from django.core.cache import cache, caches

    caches["local"].clear()  # this process's own
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("RedisCache"):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with this process's cache empty: the database rolls back between tests
    and the cache does not, and a published edition's cached stamps and pages must not outlive
    it."""
    clear_cache()


@dataclass
class World:
    """One public convening with a member of every role, plus outsiders."""

    convening: Convening
    organizer: User
    policymaker: User
    industry: User
    civil_society: User
    observer: User
    outsider: User
    other_organizer: User
    other_convening: Convening
    org_gov: Organization
    org_lab: Organization
    org_ngo: Organization

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def make_world(*, visibility: str = Convening.Visibility.PUBLIC) -> World:
    organizer = UserFactory(email="organizer@example.org", display_name="Olga Organizer")
    convening = services.convening_create(
        actor=organizer, title="Global AI Safety Brake", description="Test.", visibility=visibility
    )
    org_gov = OrganizationFactory(name="Ministry", kind="government", country="FR")
    org_lab = OrganizationFactory(name="Lab", kind="company", country="US")
    org_ngo = OrganizationFactory(name="NGO", kind="civil_society", country="KE")
    people = {}
    for name, group, org in [
        ("policymaker", "policymaker", org_gov),
        ("industry", "industry", org_lab),
        ("civil_society", "civil_society", org_ngo),
    ]:
        user = UserFactory(email=f"{name}@example.org", display_name=name.title())
        services.member_add(
            actor=organizer,
            convening=convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group=group,
            organization=org,
        )
        people[name] = user
    observer = UserFactory(email="observer@example.org", display_name="Oscar Observer")
    services.member_add(actor=organizer, convening=convening, user=observer, role=Role.OBSERVER)
    outsider = UserFactory(email="outsider@example.org", display_name="Otto Outsider")
    other_organizer = UserFactory(email="other@example.org", display_name="Other Organizer")
    other = services.convening_create(actor=other_organizer, title="Another convening")
    # Adding the members told each of them ("You were added to …"): tests start with empty
    # inboxes and outbox (tests/convene/test_notifications.py covers those notices).
    EmailOutbox.objects.filter(notification__verb="membership.created").delete()
    Notification.objects.filter(verb="membership.created").delete()
    return World(
        convening=convening,
        organizer=organizer,
        observer=observer,
        outsider=outsider,
        other_organizer=other_organizer,
        other_convening=other,
        org_gov=org_gov,
        org_lab=org_lab,
        org_ngo=org_ngo,
        **people,
    )


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


@pytest.fixture
def private_world(db: Any) -> World:
    return make_world(visibility=Convening.Visibility.PRIVATE)


ACTORS = [
    "anonymous",
    "outsider",
    "observer",
    "policymaker",
    "other_organizer",
    "organizer",
]


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user: User | None) -> APIClient:
    """An API client authenticated with a token, as external clients are."""
    client = APIClient()
    if user is not None:
        # One token per user object (the object lives for one test, as its token does): a test
        # that opens many clients must not hit the per-account token cap.
        key = user.__dict__.get("_test_api_key")
        if key is None:
            _token, key = services.api_token_create(user=user, name="test client")
            user.__dict__["_test_api_key"] = key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def membership_of() -> Any:
    def get(world: World, user: User) -> Membership:
        return Membership.objects.get(convening=world.convening, user=user)

    return get


__all__ = ["ACTORS", "PASSWORD", "World", "clear_cache", "client_for", "make_world"]
