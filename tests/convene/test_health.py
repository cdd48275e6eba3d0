"""``/healthz``: what load balancers and compose healthchecks see."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.test.utils import override_settings


class _DeadConnection:
    """Stands in for django.db.connection when the database server is gone."""

    def cursor(self) -> Any:
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    expected_broker = "ok" if settings.REDIS_URL else "inline"
    assert response.json() == {"database": "ok", "broker": expected_broker}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client: Client) -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("convene.health.connection", _DeadConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
