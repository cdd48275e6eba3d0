"""Issue 8, points 1 and 11 (sign-in): one failure counter per account and per client address,
shared by the API's token sign-in, the sign-in page and the admin's; the client address taken
from the configured proxies only; sign-up that does not tell who has an account; passwords that
are not the display name.

The tests settings keep the lockout on but out of reach (AXES_FAILURE_LIMIT = 1000); tests here
bring it back within reach with override_settings. Attempts live in the database, so every test
starts with none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from convene import services
from convene import settings as production
from convene.api.throttling import SignInRateThrottle
from convene.errors import DomainError
from convene.models import User
from convene.signin import client_ip
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 3
COOL_OFF = timedelta(minutes=15)


@pytest.fixture
def lockout() -> Iterator[None]:
    """A limit of three failures, as a test can count them, and the default cool-off."""
    with override_settings(AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=COOL_OFF):
        yield


def _api_sign_in(email: str, password: str, **headers: str) -> Any:
    return APIClient().post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **headers
    )


def _page_sign_in(email: str, password: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response


def _admin_sign_in(email: str, password: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": password, "next": "/admin/"}
    )
    return client, response


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- the API: no way around the counters --------------------------------------------------
@override_settings(AXES_FAILURE_LIMIT=production.AXES_FAILURE_LIMIT)
def test_a_new_x_forwarded_for_per_guess_does_not_escape_the_lockout(world: World) -> None:
    statuses = [
        _api_sign_in(
            world.observer.email, f"guess {n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(40)
    ]
    first_refusal = statuses.index(429) if 429 in statuses else None
    assert first_refusal is not None, statuses
    assert first_refusal < production.AXES_FAILURE_LIMIT, statuses
    assert set(statuses[first_refusal:]) == {429}


@override_settings(AXES_FAILURE_LIMIT=production.AXES_FAILURE_LIMIT)
def test_guessing_at_many_accounts_from_one_address_is_locked_out_by_address(db: Any) -> None:
    statuses = [
        _api_sign_in(
            f"someone{n}@example.org", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(40)
    ]
    assert 429 in statuses and statuses.index(429) < production.AXES_FAILURE_LIMIT, statuses


def test_a_locked_account_gets_no_token_even_with_the_right_password(
    world: World, lockout: None
) -> None:
    for n in range(LIMIT):
        _api_sign_in(world.observer.email, f"guess {n}")
    response = _api_sign_in(world.observer.email, PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == {}
    assert "Too many failed sign-in attempts" in body["detail"]
    assert "token" not in body
    assert int(response["Retry-After"]) == 15 * 60


def test_the_guess_that_reaches_the_limit_is_already_refused(world: World, lockout: None) -> None:
    statuses = [_api_sign_in(world.observer.email, f"guess {n}").status_code for n in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]


def test_the_account_counter_ignores_how_the_address_is_spelled(
    world: World, lockout: None
) -> None:
    for spelling in ["Observer@Example.org", " observer@example.org ", "OBSERVER@EXAMPLE.ORG"]:
        _api_sign_in(spelling, "guess")
    assert _api_sign_in("observer@example.org", PASSWORD).status_code == 429


def test_an_account_locked_out_elsewhere_leaves_other_accounts_alone_from_elsewhere(
    world: World, lockout: None
) -> None:
    for n in range(LIMIT):
        _api_sign_in(world.observer.email, f"guess {n}", REMOTE_ADDR="192.0.2.10")
    assert _api_sign_in(world.observer.email, PASSWORD, REMOTE_ADDR="192.0.2.20").status_code == 429
    other = _api_sign_in(world.industry.email, PASSWORD, REMOTE_ADDR="192.0.2.20")
    assert other.status_code == 200


def test_the_lockout_ends_after_the_cool_off(world: World, lockout: None) -> None:
    for n in range(LIMIT):
        _api_sign_in(world.observer.email, f"guess {n}")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert _api_sign_in(world.observer.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _api_sign_in(world.observer.email, PASSWORD).status_code == 200


# --- one counter for the API, the page and the admin --------------------------------------
def test_failures_on_the_page_count_toward_the_api_lockout(world: World, lockout: None) -> None:
    for n in range(LIMIT):
        client, response = _page_sign_in(world.observer.email, f"guess {n}")
        assert not _signed_in(client)
    response = _api_sign_in(world.observer.email, PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()


def test_failures_on_the_api_lock_the_page_with_a_message_in_the_form(
    world: World, lockout: None
) -> None:
    for n in range(LIMIT - 1):
        _api_sign_in(world.observer.email, f"guess {n}")
    _client, tipping = _page_sign_in(world.observer.email, "one more guess")
    assert tipping.status_code == 429
    client, response = _page_sign_in(world.observer.email, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert 'name="login"' in html  # the sign-in form, shown again with the message


def test_admin_sign_in_is_locked_out_and_shares_the_counter(db: Any, lockout: None) -> None:
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    for n in range(LIMIT - 1):
        client, response = _admin_sign_in(admin.email, f"guess {n}")
        assert response.status_code == 200 and not _signed_in(client)
    _api_sign_in(admin.email, "one more guess")
    client, response = _admin_sign_in(admin.email, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_admin_sign_in_answers_as_before_below_the_limit(db: Any, lockout: None) -> None:
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client, response = _admin_sign_in(admin.email, PASSWORD)
    assert response.status_code == 302 and _signed_in(client)


# --- the client's address -----------------------------------------------------------------
def _request(forwarded: str | None, remote: str = "10.0.0.2") -> Any:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(TOKEN_URL, **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No trusted proxy (the default): whatever the client wrote is ignored.
        (0, "203.0.113.7", "10.0.0.2"),
        (0, None, "10.0.0.2"),
        # One proxy: it appended (or set) the address it saw; what is left of it is the client's.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.1.1.1, 8.8.8.8, 203.0.113.7", "203.0.113.7"),
        (1, "not an address, 203.0.113.7", "203.0.113.7"),
        (1, None, "10.0.0.2"),
        # Two proxies: the second from the right.
        (2, "1.1.1.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # A shorter header (only one proxy on this path): its left-most entry, as DRF takes.
        (2, "203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(
    proxies: int, forwarded: str | None, expected: str
) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(_request(forwarded)) == expected


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", ["203.0.113.7", "1.1.1.1, 203.0.113.7", "9.9.9.9, 203.0.113.7, 10.0.0.9", None]
)
def test_the_throttles_and_the_lockout_agree_on_the_client_address(
    proxies: int, forwarded: str | None
) -> None:
    rest = {**production.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    with override_settings(TRUSTED_PROXY_COUNT=proxies, REST_FRAMEWORK=rest):
        assert proxies == api_settings.NUM_PROXIES
        request = _request(forwarded)
        assert SignInRateThrottle().get_ident(request) == client_ip(request)


def test_one_setting_counts_the_proxies_for_every_per_address_limit() -> None:
    if "TRUSTED_PROXY_COUNT" not in os.environ:
        assert production.TRUSTED_PROXY_COUNT == 0  # no proxy is trusted unless configured
    assert production.REST_FRAMEWORK["NUM_PROXIES"] == production.TRUSTED_PROXY_COUNT
    assert production.ALLAUTH_TRUSTED_PROXY_COUNT == production.TRUSTED_PROXY_COUNT
    assert production.AXES_CLIENT_IP_CALLABLE == "convene.signin.client_ip"


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=COOL_OFF)
def test_behind_one_proxy_the_lockout_counts_the_rightmost_forwarded_address(db: Any) -> None:
    def guess(n: int, client_address: str) -> int:
        spoofed = f"192.0.2.{n}, 198.18.0.{n}"
        return _api_sign_in(
            f"someone{n}@example.org",
            "guess",
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}",
        ).status_code

    statuses = [guess(n, "203.0.113.50") for n in range(LIMIT + 2)]
    assert statuses[LIMIT - 1 :] == [429] * 3, statuses
    # Someone else behind the same proxy is not locked out with them.
    assert guess(99, "203.0.113.51") == 400


# --- sign-up and passwords ----------------------------------------------------------------
def _sign_up(email: str, password: str = PASSWORD, display_name: str = "New Person") -> Any:
    return Client().post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": display_name,
            "password1": password,
            "password2": password,
        },
    )


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(
    world: World,
) -> None:
    taken = _sign_up(world.observer.email)
    fresh = _sign_up("nobody-yet@example.org")
    assert (taken.status_code, taken.get("Location")) == (fresh.status_code, fresh.get("Location"))
    assert taken.status_code == 302
    assert User.objects.filter(email=world.observer.email).count() == 1
    # Each address gets a mail; only its owner learns which kind.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.observer.email, "nobody-yet@example.org"]
    )


@pytest.mark.parametrize("password", ["Correct Horse Battery", "correcthorsebattery"])
def test_a_password_like_the_display_name_is_refused_at_sign_up(db: Any, password: str) -> None:
    response = _sign_up(
        "horse@example.org", password=password, display_name="Correct Horse Battery"
    )
    assert response.status_code == 200
    assert "too similar to the display name" in response.content.decode()
    assert not User.objects.filter(email="horse@example.org").exists()


def test_a_password_like_the_display_name_is_refused_by_the_services(db: Any) -> None:
    with pytest.raises(DomainError, match="too similar to the display name"):
        services.user_create(
            email="horse@example.org",
            password="Correct Horse Battery",
            display_name="Correct Horse Battery",
        )


def test_a_password_like_the_display_name_is_refused_on_password_change(db: Any) -> None:
    user = UserFactory(display_name="Correct Horse Battery")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "correcthorsebattery",
            "password2": "correcthorsebattery",
        },
    )
    assert response.status_code == 200
    assert "too similar to the display name" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
