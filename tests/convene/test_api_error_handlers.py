"""Issue 8, point 11: in production (DEBUG off) an API error that never reaches a DRF view, or
that DRF does not handle, still answers the documented JSON shape, not Django's HTML page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from convene.api import views
from tests.conftest import World


@pytest.fixture
def production_client() -> Client:
    return Client(raise_request_exception=False)


def _assert_api_error(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"] and body["errors"] == {}


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/api/v1/nowhere/", "/api/v2/", "/api/v1/clauses/abc/"])
def test_an_unknown_api_url_is_a_json_404(db: Any, production_client: Client, path: str) -> None:
    _assert_api_error(production_client.get(path), 404)


@override_settings(DEBUG=False)
def test_a_crash_in_an_api_view_is_a_json_500(
    world: World, production_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.OrganizationListView, "get_queryset", crash)
    _assert_api_error(production_client.get("/api/v1/organizations/"), 500)


@override_settings(DEBUG=False)
def test_a_request_refused_before_routing_is_a_json_400(db: Any, production_client: Client) -> None:
    response = production_client.get("/api/v1/convenings/", HTTP_HOST="evil.example")
    _assert_api_error(response, 400)


@override_settings(DEBUG=False)
def test_pages_keep_their_html_error_pages(db: Any, production_client: Client) -> None:
    response = production_client.get("/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in response.content.decode()
