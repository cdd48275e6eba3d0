"""PATCH /api/v1/me/: the display name and @handle, as the account page changes them."""

from __future__ import annotations

import pytest

from convene.models import AuditEvent, User
from tests.conftest import World, client_for

URL = "/api/v1/me/"


def test_a_user_renames_themselves_and_takes_a_handle(world: World) -> None:
    response = client_for(world.civil_society).patch(
        URL, {"display_name": "Cam Civil", "handle": "@Cam-Civil"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["handle"]) == ("Cam Civil", "cam-civil")
    assert [m["convening"] for m in body["memberships"]] == [world.convening.slug]
    assert AuditEvent.objects.filter(verb="user.updated", actor=world.civil_society).count() == 1


def test_a_handle_may_hold_underscores_as_sign_up_makes_them(world: World) -> None:
    response = client_for(world.civil_society).patch(URL, {"handle": "jean_luc"}, format="json")
    assert response.status_code == 200
    assert response.json()["handle"] == "jean_luc"


def test_a_field_left_out_is_left_alone(world: World) -> None:
    handle = world.civil_society.handle
    response = client_for(world.civil_society).patch(URL, {"display_name": "C"}, format="json")
    assert response.status_code == 200
    assert User.objects.get(pk=world.civil_society.pk).handle == handle


def test_a_taken_handle_is_a_conflict_and_changes_nothing(world: World) -> None:
    response = client_for(world.civil_society).patch(
        URL, {"display_name": "New name", "handle": world.industry.handle}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {"handle": ["This handle is taken; choose another."]}
    assert User.objects.get(pk=world.civil_society.pk).display_name == "Civil_Society"


@pytest.mark.parametrize(
    "body",
    [
        {"handle": "-edge-"},
        {"handle": "with space"},
        {"handle": "x" * 41},
        {"display_name": ""},
        {"display_name": "two\nlines"},
        {"handle": 7},
    ],
)
def test_bad_input_is_a_400_naming_the_field(world: World, body: dict[str, object]) -> None:
    response = client_for(world.civil_society).patch(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(body)
