"""The follow button on clause and framework pages: members only, state shown and toggled,
without JavaScript (redirect) and with htmx (the button swapped, the change announced)."""

from __future__ import annotations

import pytest

from deliberation.discussion.follows import is_following
from tests.conftest import World, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


@pytest.fixture
def private_drafting(db: object) -> Drafting:
    return make_drafting(make_world(visibility="private"))


@pytest.mark.parametrize(
    ("actor", "shown"),
    [("anonymous", False), ("outsider", False), ("observer", True), ("policymaker", True)],
)
def test_only_members_see_the_follow_button(drafting: Drafting, actor: str, shown: bool) -> None:
    user = drafting.world.actor(actor)
    for path in (f"/clauses/{drafting.scope.pk}/", f"/f/{drafting.framework.slug}/"):
        body = page_client(user).get(path).content.decode()
        assert ("Follow this" in body) is shown, (actor, path)


def test_following_a_clause_without_javascript(drafting: Drafting) -> None:
    user = drafting.world.policymaker
    client = page_client(user)
    response = client.post(f"/clauses/{drafting.scope.pk}/follow/", {"follow": "1"})
    assert response.status_code == 302
    assert is_following(user, clause=drafting.scope)
    assert "Following this clause" in client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    client.post(f"/clauses/{drafting.scope.pk}/follow/", {"follow": "0"})
    assert not is_following(user, clause=drafting.scope)


def test_following_a_framework_with_htmx_announces_it(drafting: Drafting) -> None:
    user = drafting.world.industry
    response = page_client(user).post(
        f"/f/{drafting.framework.slug}/follow/", {"follow": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in body
    assert "Now following this framework." in body
    assert is_following(user, framework=drafting.framework)


@pytest.mark.parametrize(("actor", "status"), [("outsider", 403), ("anonymous", 302)])
def test_non_members_cannot_follow(drafting: Drafting, actor: str, status: int) -> None:
    user = drafting.world.actor(actor)
    response = page_client(user).post(f"/clauses/{drafting.scope.pk}/follow/", {"follow": "1"})
    assert response.status_code == status


def test_a_private_clause_is_404_to_outsiders(private_drafting: Drafting) -> None:
    response = page_client(private_drafting.world.outsider).post(
        f"/clauses/{private_drafting.scope.pk}/follow/", {"follow": "1"}
    )
    assert response.status_code == 404
