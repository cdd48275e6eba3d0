"""With Redis down, people can still sign in and write (issue 8, point 6): the cache fails open,
with a warning, instead of answering 500.

A Redis server of this test's own is started on a free port, used as the cache, and stopped
mid-test; the machine's shared Redis is never touched.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from deliberation.models import Comment
from tests.conftest import IN_CI, World, client_for
from tests.deliberation.conftest import Drafting, make_drafting
from tests.factories import PASSWORD
from tests.frontend.conftest import page_client

THROTTLED = {
    "write": "1000/min",
    "anon_write": "1000/min",
    "sign_in": "1000/min",
    "comment": "1000/min",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    binary = shutil.which("redis-server")
    if binary is None:
        if IN_CI:
            pytest.fail("redis-server must be installed in CI")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("the test's Redis did not start")
            time.sleep(0.05)
    yield process, port
    process.kill()
    process.wait()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_cache(own_redis: tuple[subprocess.Popen[bytes], int]) -> Iterator[Any]:
    process, port = own_redis
    caches = {
        "default": {
            "BACKEND": "convene.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    from django.conf import settings

    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": THROTTLED}
    with override_settings(
        CACHES=caches,
        REST_FRAMEWORK=rest,
        ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/300s/key", "login": "30/m/ip"},
    ):
        yield process


def _everything_works(drafting: Drafting, n: int) -> None:
    world = drafting.world
    api = client_for(world.policymaker)
    posted = api.post(
        f"/api/v1/clauses/{drafting.scope.pk}/comments/", {"body": f"API {n}"}, format="json"
    )
    assert posted.status_code == 201, posted.content
    token = Client().post(
        "/api/v1/auth/token/",
        {"email": world.industry.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200, token.content
    login = Client().post("/accounts/login/", {"login": world.industry.email, "password": PASSWORD})
    assert login.status_code == 302, login.content
    page = page_client(world.policymaker).post(
        f"/clauses/{drafting.scope.pk}/comments/", {"body": f"Page {n}"}
    )
    assert page.status_code == 302, page.content
    assert Comment.objects.filter(body__in=[f"API {n}", f"Page {n}"]).count() == 2


def test_sign_in_and_writes_survive_redis_stopping_mid_test(
    redis_cache: subprocess.Popen[bytes], world: World, caplog: Any
) -> None:
    drafting = make_drafting(world)
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # really on the test's Redis
    _everything_works(drafting, 1)
    _stop(redis_cache)
    import convene.cache as fail_open

    fail_open._last_warning = 0.0
    with caplog.at_level(logging.WARNING, logger="convene.cache"):
        _everything_works(drafting, 2)
    assert cache.get("probe") is None  # a miss, not an error
    assert any("rate limits fail open" in record.message for record in caplog.records)
    health = Client().get("/healthz")
    assert health.status_code in {200, 503}  # it answers, whatever it reports
