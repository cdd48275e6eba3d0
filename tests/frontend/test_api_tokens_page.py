"""The account's API tokens page (issue 8, point 8): lists your tokens, revokes one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from convene import services
from convene.models import ApiToken
from tests.conftest import World
from tests.frontend.conftest import page_client
from tests.frontend.test_pages import assert_escaped

URL = "/account/tokens/"


def _works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return bool(client.get("/api/v1/me/").status_code == 200)


def test_signed_out_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = page_client(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_lists_only_your_tokens_by_name(world: World) -> None:
    services.api_token_create(user=world.observer, name="laptop script")
    services.api_token_create(user=world.industry, name="someone else's")
    html = page_client(world.observer).get(URL).content.decode()
    assert "laptop script" in html
    assert "someone else" not in html
    assert 'href="/account/tokens/" aria-current="page"' in html


def test_the_page_says_when_there_are_none(world: World) -> None:
    assert "You have no API tokens." in page_client(world.observer).get(URL).content.decode()


def test_revoking_on_the_page_ends_the_token(world: World) -> None:
    token, key = services.api_token_create(user=world.observer, name="laptop script")
    client = page_client(world.observer)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == URL
    assert not _works(key)
    assert "API token “laptop script” revoked." in client.get(URL).content.decode()


def test_another_users_token_cannot_be_revoked_on_the_page(world: World) -> None:
    token, key = services.api_token_create(user=world.industry, name="theirs")
    response = page_client(world.observer).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert "No such API token." in response.content.decode()
    assert _works(key)


def test_revoking_needs_a_post(world: World) -> None:
    token, _key = services.api_token_create(user=world.observer, name="t")
    assert page_client(world.observer).get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_token_names_are_escaped(world: World) -> None:
    services.api_token_create(user=world.observer, name="<script>alert(1)</script>\u202e")
    html = page_client(world.observer).get(URL).content.decode()
    assert_escaped(html)
    # Isolated, so a right-to-left override in a name cannot reorder the text around it.
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;\u202e</bdi>" in html


# Session and user, then the tokens (bounded: an account holds at most 50).
TOKENS_PAGE = 2 + 1


@pytest.mark.parametrize("size", [1, 50])
def test_tokens_page_queries_do_not_grow(world: World, size: int) -> None:
    for n in range(size):
        services.api_token_create(user=world.observer, name=f"token {n}")
    client = page_client(world.observer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("Revoke<span") == size
    assert len(queries) == TOKENS_PAGE
