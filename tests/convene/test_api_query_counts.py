"""Query budgets of the API's list endpoints: the same named count at 5 and at 200 rows.

Every list is asked for one page of 200, so each row is rendered and a per-row query would
show up as 195 extra queries at the larger size.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from convene.audit import audit_append
from convene.models import Convening, Role
from tests.conftest import World, client_for
from tests.factories import (
    ConveningFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

SIZES = [5, 200]

# Named budgets. Token: the token row joined with its user. Convening: the slug lookup.
# Membership: the caller's membership (once per request). Count and page: the paginator.
TOKEN, CONVENING, MEMBERSHIP, COUNT, PAGE = 1, 1, 1, 1, 1
CONVENING_LIST_ANONYMOUS = COUNT + PAGE
CONVENING_LIST_SIGNED_IN = TOKEN + COUNT + PAGE
ORGANIZATION_LIST = COUNT + PAGE
MEMBER_LIST = TOKEN + CONVENING + MEMBERSHIP + COUNT + PAGE
INVITATION_LIST = TOKEN + CONVENING + MEMBERSHIP + COUNT + PAGE
AUDIT_LIST_ANONYMOUS = CONVENING + COUNT + PAGE
AUDIT_LIST_MEMBER = TOKEN + CONVENING + MEMBERSHIP + COUNT + PAGE
ME = TOKEN + PAGE  # the user's memberships, joined with their convenings


def _count_queries(client: Any, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    results = body["results"] if "results" in body else body["memberships"]
    assert len(results) >= rows
    return len(queries.captured_queries)


def _assert_flat(counts: dict[int, int], expected: int) -> None:
    assert counts == dict.fromkeys(SIZES, expected), counts


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_convening_list_queries_do_not_grow(db: Any, signed_in: bool) -> None:
    viewer = UserFactory()
    client = client_for(viewer if signed_in else None)
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        for n in range(made, size):
            private = n % 2 == 1
            convening = ConveningFactory(
                visibility=Convening.Visibility.PRIVATE if private else Convening.Visibility.PUBLIC,
                description=f"Item *{n}* with [a link](https://example.org/{n}).",
            )
            if private:
                MembershipFactory(convening=convening, user=viewer, role=Role.OBSERVER)
        made = size
        expected_rows = size if signed_in else (size + 1) // 2
        counts[size] = _count_queries(client, "/api/v1/convenings/", expected_rows)
    _assert_flat(counts, CONVENING_LIST_SIGNED_IN if signed_in else CONVENING_LIST_ANONYMOUS)


def test_organization_list_queries_do_not_grow(db: Any) -> None:
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        OrganizationFactory.create_batch(size - made)
        made = size
        counts[size] = _count_queries(client_for(None), "/api/v1/organizations/", size)
    _assert_flat(counts, ORGANIZATION_LIST)


def test_member_list_queries_do_not_grow(world: World) -> None:
    orgs = [
        world.org_gov,
        world.org_lab,
        world.org_ngo,
        OrganizationFactory(),
        OrganizationFactory(),
    ]
    counts: dict[int, int] = {}
    existing = world.convening.memberships.count()
    for size in SIZES:
        for n in range(existing, size):
            MembershipFactory(
                convening=world.convening,
                organization=orgs[n % len(orgs)],
                stakeholder_group=["policymaker", "industry", "civil_society"][n % 3],
            )
        existing = size
        counts[size] = _count_queries(
            client_for(world.observer), f"/api/v1/convenings/{world.convening.slug}/members/", size
        )
    _assert_flat(counts, MEMBER_LIST)


def test_invitation_list_queries_do_not_grow(world: World) -> None:
    counts: dict[int, int] = {}
    existing = 0
    for size in SIZES:
        for n in range(existing, size):
            InvitationFactory(
                convening=world.convening,
                invited_by=world.organizer,
                organization=[world.org_gov, world.org_lab, None][n % 3],
            )
        existing = size
        counts[size] = _count_queries(
            client_for(world.organizer),
            f"/api/v1/convenings/{world.convening.slug}/invitations/",
            size,
        )
    _assert_flat(counts, INVITATION_LIST)


@pytest.mark.parametrize("private", [False, True], ids=["public-anonymous", "private-member"])
def test_audit_list_queries_do_not_grow(db: Any, private: bool) -> None:
    from tests.conftest import make_world

    world = make_world(
        visibility=Convening.Visibility.PRIVATE if private else Convening.Visibility.PUBLIC
    )
    actors = UserFactory.create_batch(7)
    client = client_for(world.observer if private else None)
    counts: dict[int, int] = {}
    for size in SIZES:
        with transaction.atomic():
            for n in range(world.convening.audit_events.count(), size):
                audit_append(
                    convening=world.convening,
                    actor=actors[n % len(actors)] if n % 5 else None,
                    verb="test.event",
                    target=world.convening,
                    payload={"n": n},
                )
        counts[size] = _count_queries(
            client, f"/api/v1/convenings/{world.convening.slug}/audit/", size
        )
    _assert_flat(counts, AUDIT_LIST_MEMBER if private else AUDIT_LIST_ANONYMOUS)


def test_me_queries_do_not_grow_with_memberships(db: Any) -> None:
    viewer = UserFactory()
    counts: dict[int, int] = {}
    made = 0
    for size in SIZES:
        for _ in range(made, size):
            MembershipFactory(
                user=viewer, organization=None, role=Role.OBSERVER, stakeholder_group=""
            )
        made = size
        counts[size] = _count_queries(client_for(viewer), "/api/v1/me/", size)
    _assert_flat(counts, ME)
