"""Issue 8, point 8: API tokens are stored hashed, expire, carry a name, can be listed and
revoked by their user, and end when the password changes. The sign-in answer keeps its
documented shape, ``{"token": "..."}``, used as ``Authorization: Token <key>``."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from convene import services
from convene.models import ApiToken, User
from convene.services.api_tokens import MAX_TOKENS_PER_USER
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

API = "/api/v1"
NEW_PASSWORD = "a different horse entirely"


def _sign_in(user: User, name: str | None = None, **headers: str) -> str:
    body = {"email": user.email, "password": PASSWORD}
    if name is not None:
        body["name"] = name
    response = APIClient().post(f"{API}/auth/token/", body, format="json", **headers)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token"}
    token: str = response.json()["token"]
    return token


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _works(key: str) -> bool:
    status: int = _client(key).get(f"{API}/me/").status_code
    assert status in {200, 401}
    return status == 200


def test_only_the_hash_of_a_token_is_stored(world: World) -> None:
    key = _sign_in(world.observer)
    token = ApiToken.objects.get(user=world.observer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert key not in stored
    assert _works(key)


@pytest.mark.parametrize("prefix", ["Token", "Bearer", "bearer"])
def test_a_key_works_with_either_prefix(world: World, prefix: str) -> None:
    key = _sign_in(world.observer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{prefix} {key}")
    response = client.get(f"{API}/me/")
    assert response.status_code == 200
    assert response.json()["id"] == world.observer.pk


@pytest.mark.parametrize("prefix", ["Token", "Bearer"])
def test_a_wrong_key_is_401_with_either_prefix(db: Any, prefix: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{prefix} not-a-key")
    response = client.get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, expired or revoked token."


def test_a_token_expires(world: World) -> None:
    key = _sign_in(world.observer)
    token = ApiToken.objects.get(user=world.observer)
    assert token.expires_at - token.created_at == settings.API_TOKEN_TTL
    with time_machine.travel(token.expires_at - timedelta(minutes=1)):
        assert _works(key)
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        assert not _works(key)


def test_an_expired_token_sent_along_does_not_stop_signing_in_again(world: World) -> None:
    key = _sign_in(world.observer)
    with time_machine.travel(timezone.now() + settings.API_TOKEN_TTL + timedelta(days=1)):
        fresh = _sign_in(world.observer, HTTP_AUTHORIZATION=f"Token {key}")
        assert _works(fresh) and not _works(key)


def test_each_sign_in_issues_a_named_token_the_user_can_list(world: World) -> None:
    laptop = _sign_in(world.observer, name="laptop script")
    _sign_in(world.observer)
    _sign_in(world.industry, name="not yours")
    response = _client(laptop).get(f"{API}/auth/tokens/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["name"], r["current"]) for r in results] == [
        ("API token", False),
        ("laptop script", True),
    ]
    assert set(results[0]) == {"id", "name", "created_at", "expires_at", "current"}


def test_listing_tokens_needs_a_signed_in_user(db: Any) -> None:
    assert APIClient().get(f"{API}/auth/tokens/").status_code == 401


def test_a_revoked_token_stops_working_and_the_others_do_not(world: World) -> None:
    keep = _sign_in(world.observer, name="keep")
    drop = _sign_in(world.observer, name="drop")
    drop_id = ApiToken.objects.get(user=world.observer, name="drop").pk
    assert _client(keep).delete(f"{API}/auth/tokens/{drop_id}/").status_code == 204
    assert not _works(drop)
    assert _works(keep)
    assert _client(keep).delete(f"{API}/auth/tokens/{drop_id}/").status_code == 404


def test_a_user_can_revoke_their_current_token(world: World) -> None:
    key = _sign_in(world.observer)
    token_id = ApiToken.objects.get(user=world.observer).pk
    assert _client(key).delete(f"{API}/auth/tokens/{token_id}/").status_code == 204
    assert not _works(key)


def test_another_users_token_is_404_and_keeps_working(world: World) -> None:
    theirs = _sign_in(world.industry)
    theirs_id = ApiToken.objects.get(user=world.industry).pk
    mine = _sign_in(world.observer)
    response = _client(mine).delete(f"{API}/auth/tokens/{theirs_id}/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert _works(theirs)


def test_changing_the_password_on_the_page_revokes_every_token(world: World) -> None:
    keys = [_sign_in(world.observer), _sign_in(world.observer)]
    other = _sign_in(world.industry)
    page = Client()
    page.force_login(world.observer, backend="django.contrib.auth.backends.ModelBackend")
    response = page.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not any(_works(key) for key in keys)
    assert _works(other)
    assert not ApiToken.objects.filter(user=world.observer).exists()


def test_djangos_password_change_revokes_every_token_too(world: World) -> None:
    """The form the admin's and Django's own password views use, and ``set_password``."""
    key = _sign_in(world.observer)
    form = SetPasswordForm(
        world.observer, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not _works(key)
    again = services.api_token_create(user=world.observer, name="after")[1]
    world.observer.set_password(PASSWORD)
    world.observer.save()
    assert not _works(again)


def test_a_password_reset_revokes_every_token(world: World) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = _sign_in(world.observer)
    uid = user_pk_to_url_str(world.observer)
    reset_key = default_token_generator.make_token(world.observer)
    page = Client()
    url = f"/accounts/password/reset/key/{uid}-{reset_key}/"
    follow = page.get(url)
    assert follow.status_code == 302
    response = page.post(follow["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not _works(key)


def test_a_password_hash_upgrade_at_sign_in_is_not_a_change(world: World) -> None:
    key = _sign_in(world.observer)
    stronger = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=stronger):
        _sign_in(world.observer)  # checking the password rewrites its hash with the new hasher
    world.observer.refresh_from_db()
    assert world.observer.password.startswith("pbkdf2_sha256$")
    assert _works(key)


def test_sign_in_deletes_the_users_expired_tokens(world: World) -> None:
    _sign_in(world.observer, name="old")
    with time_machine.travel(timezone.now() + settings.API_TOKEN_TTL + timedelta(days=1)):
        _sign_in(world.observer, name="new")
        assert list(
            ApiToken.objects.filter(user=world.observer).values_list("name", flat=True)
        ) == ["new"]


def test_an_account_holds_a_bounded_number_of_tokens(world: World) -> None:
    for n in range(MAX_TOKENS_PER_USER):
        services.api_token_create(user=world.observer, name=f"t{n}")
    response = APIClient().post(
        f"{API}/auth/token/",
        {"email": world.observer.email, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 409
    assert "revoke one" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_deactivated_users_token_stops_working(world: World) -> None:
    key = _sign_in(world.observer)
    User.objects.filter(pk=world.observer.pk).update(is_active=False)
    assert not _works(key)


# Token auth (the token joined with its user), then the paginator's count and page.
TOKEN_LIST = 1 + 1 + 1


@pytest.mark.parametrize("size", [2, MAX_TOKENS_PER_USER])
def test_token_list_queries_do_not_grow(db: Any, size: int) -> None:
    user = UserFactory()
    keys = [services.api_token_create(user=user, name=f"t{n}")[1] for n in range(size)]
    client = _client(keys[0])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/auth/tokens/", {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    assert len(queries) == TOKEN_LIST
