"""The API guide page (/api/v1/guide/): docs/api.md rendered with anchors that its own links
and the reference's link use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from frontend.views.reference.guide import GUIDE, _rendered, heading_anchor

pytestmark = pytest.mark.django_db


def test_the_guide_is_served_to_anyone_with_its_sections_anchored(client: Client) -> None:
    response = client.get("/api/v1/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Convene API guide (v1)</h1>" in html
    assert '<h2 id="errors">Errors</h2>' in html
    assert '<a href="#errors">Errors</a>' in html  # the contents


def test_every_link_of_the_guide_to_its_own_sections_lands_on_a_heading(client: Client) -> None:
    html = client.get("/api/v1/guide/").content.decode()
    targets = set(re.findall(r'href="#([^"]+)"', html))
    anchors = set(re.findall(r'id="([^"]+)"', html))
    assert targets, "the guide links to its own sections"
    assert targets <= anchors, targets - anchors


def test_headings_get_the_anchors_github_gives_them() -> None:
    assert heading_anchor("The public record: publishing") == "the-public-record-publishing"
    assert heading_anchor("Notifications, preferences and following") == (
        "notifications-preferences-and-following"
    )


def test_html_in_the_guide_is_shown_as_text_not_markup(tmp_path: Path) -> None:
    source = tmp_path / "api.md"
    source.write_text("# Guide\n\n<script>alert(1)</script>\n", encoding="utf-8")
    rendered = _rendered(source, source.stat().st_mtime_ns)
    assert "<script>" not in rendered["guide"]
    assert "&lt;script&gt;" in rendered["guide"]
    assert rendered["title"] == "Guide"
    assert GUIDE.is_file()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_guide_is_read_only(client: Client, method: str) -> None:
    assert getattr(client, method)("/api/v1/guide/").status_code == 405


def test_the_schema_links_to_the_guide(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "](/api/v1/guide/)" in schema["info"]["description"]
