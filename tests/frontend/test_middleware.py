"""htmx actions with an expired session navigate to sign-in instead of swapping it in."""

from __future__ import annotations

from django.test import Client

from tests.conftest import World


def test_htmx_action_without_a_session_redirects_the_whole_page(world: World) -> None:
    url = f"/c/{world.convening.slug}/members/"
    plain = Client().get(url)
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/")
    htmx = Client().get(url, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert htmx["HX-Redirect"].startswith("/accounts/login/?next=")


def test_other_htmx_redirects_are_left_alone(world: World) -> None:
    client = Client()
    client.force_login(world.organizer)
    response = client.get("/c/new", HTTP_HX_REQUEST="true")
    assert response.status_code in {301, 302} and "HX-Redirect" not in response
