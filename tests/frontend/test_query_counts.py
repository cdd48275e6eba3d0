"""Query budgets: each page costs the same number of queries with 5 members as with 200.

The expected numbers are named so a change in them is a deliberate decision, not a drift.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convene.models import Convening, Invitation, Membership, Organization, Role, User
from tests.conftest import World, make_world
from tests.frontend.conftest import page_client

# session + user (signed in), then the page's own reads.
HOME_ANONYMOUS = 2  # published frameworks (latest editions); public convenings with member counts
HOME_SIGNED_IN = 2 + 3  # + your convenings with member counts
# convening, your membership, members joined to user and organization; its frameworks (1)
DETAIL_MEMBER = 2 + 2 + 1 + 1
# convening, delegation summary (anonymous: no membership lookup); its frameworks (1)
DETAIL_PUBLIC = 2 + 1
# convening, your membership; organizations, the members' organizations (filter), members
# counted and one page of them, invitations
MEMBERS_PAGE = 2 + 2 + 5


def grow(world: World, size: int) -> None:
    """Bring the convening to ``size`` members (across groups and organizations), give it as
    many pending invitations, and create as many other public convenings."""
    groups = ["policymaker", "industry", "civil_society"]
    extra = size - Membership.objects.filter(convening=world.convening).count()
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Delegation {n}", kind="government", country="DE") for n in range(size)
    )
    users = User.objects.bulk_create(
        User(email=f"member{n}@example.org", display_name=f"Member {n}") for n in range(extra)
    )
    Membership.objects.bulk_create(
        Membership(
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group=groups[n % 3],
            organization=orgs[n],
        )
        for n, user in enumerate(users)
    )
    Invitation.objects.bulk_create(
        Invitation(
            convening=world.convening,
            email=f"invitee{n}@example.org",
            role=Role.OBSERVER,
            organization=orgs[n],
            token_hash=f"{n:064x}",
            invited_by=world.organizer,
            expires_at=timezone.now() + timedelta(days=1),
        )
        for n in range(size)
    )
    Convening.objects.bulk_create(
        Convening(slug=f"extra-{n}", title=f"Extra {n}", created_by=world.organizer)
        for n in range(size)
    )
    Membership.objects.bulk_create(
        Membership(convening=c, user=world.organizer, role=Role.ORGANIZER)
        for c in Convening.objects.filter(slug__startswith="extra-")
    )


def count_queries(world: World, actor: str, path: str) -> int:
    client = page_client(world.actor(actor))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path.format(slug=world.convening.slug))
    assert response.status_code == 200
    return len(queries)


PAGES = [
    ("anonymous", "/", HOME_ANONYMOUS),
    ("organizer", "/", HOME_SIGNED_IN),
    ("observer", "/c/{slug}/", DETAIL_MEMBER),
    ("anonymous", "/c/{slug}/", DETAIL_PUBLIC),
    ("organizer", "/c/{slug}/", DETAIL_MEMBER),
    ("organizer", "/c/{slug}/members/", MEMBERS_PAGE),
]


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize(("actor", "path", "expected"), PAGES)
def test_page_query_count_does_not_grow_with_members(
    db: Any, actor: str, path: str, expected: int, size: int
) -> None:
    world = make_world()
    grow(world, size)
    assert Membership.objects.filter(convening=world.convening).count() == size
    assert count_queries(world, actor, path) == expected
