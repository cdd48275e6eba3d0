"""Clause Markdown and amendment diffs are rendered once per text and release (issue 14): a
second view reads the cache, a changed text renders anew, and a failing cache only costs time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
from django.test import override_settings

from convene import html_cache
from deliberation.models import Clause
from deliberation.text import diff, services
from tests.conftest import World
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, make_drafting
from tests.frontend.conftest import page_client


@pytest.fixture(autouse=True)
def fresh_release() -> Iterator[None]:
    # A new release per test: keys start empty whatever earlier tests cached.
    with override_settings(CONVENE_RELEASE=uuid.uuid4().hex):
        yield


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def spy_markdown() -> mock._patch[mock.MagicMock]:
    return mock.patch.object(html_cache, "render_markdown", wraps=html_cache.render_markdown)


def test_second_view_of_a_clause_does_not_render_markdown(drafting: Drafting) -> None:
    client = page_client(drafting.world.observer)
    url = f"/clauses/{drafting.trigger.pk}/comments/"
    with spy_markdown() as render:
        first = client.get(url).content.decode()
        assert render.call_count > 0
        render.reset_mock()
        second = client.get(url).content.decode()
    assert render.call_count == 0
    assert 'id="clause-text"' in second
    assert first.split('id="clause-text"')[1].split("</div>\n")[0] in second


def test_a_changed_text_renders_anew(drafting: Drafting) -> None:
    w = drafting.world
    client = page_client(w.observer)
    url = f"/clauses/{drafting.trigger.pk}/comments/"
    client.get(url)
    Clause.objects.filter(pk=drafting.trigger.pk).update(text="An entirely *new* text.")
    with spy_markdown() as render:
        html = client.get(url).content.decode()
    assert render.call_count > 0
    assert "An entirely <em>new</em> text." in html


def test_a_failing_cache_falls_back_to_rendering(drafting: Drafting) -> None:
    client = page_client(drafting.world.observer)
    url = f"/clauses/{drafting.trigger.pk}/comments/"
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with (
        mock.patch.object(html_cache.cache, "get", broken),
        mock.patch.object(html_cache.cache, "set", broken),
        spy_markdown() as render,
    ):
        response = client.get(url)
        client.get(url)
    assert response.status_code == 200
    assert render.call_count >= 2
    assert 'id="clause-text"' in response.content.decode()


def test_api_text_html_is_cached(drafting: Drafting) -> None:
    html = html_cache.markdown_html("Some *text*.")
    with spy_markdown() as render:
        assert html_cache.markdown_html("Some *text*.") == html == "<p>Some <em>text</em>.</p>\n"
        assert html_cache.markdown_html("Other *text*.") != html
    assert render.call_count == 1


def propose(drafting: Drafting, text: str) -> None:
    services.amendment_propose(
        actor=drafting.world.policymaker,
        clause=drafting.trigger,
        text=text,
        spec=TRIGGER_SPEC,
        rationale="Sooner.",
    )


def test_amendment_diff_is_rendered_once(drafting: Drafting) -> None:
    propose(drafting, "A pause is triggered early.")
    client = page_client(drafting.world.observer)
    url = f"/clauses/{drafting.trigger.pk}/"
    with mock.patch.object(diff, "render_html", wraps=diff.render_html) as render:
        first = client.get(url).content.decode()
        assert render.call_count == 1
        second = client.get(url).content.decode()
        assert render.call_count == 1
        propose(drafting, "A pause is triggered late.")
        client.get(url)
        assert render.call_count == 2
    assert "<ins>" in first and first.count("<ins>") == second.count("<ins>")


def test_amendment_diff_renders_when_the_cache_fails(drafting: Drafting) -> None:
    propose(drafting, "A pause is triggered early.")
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with mock.patch.object(html_cache.cache, "get", broken):
        response = page_client(drafting.world.observer).get(f"/clauses/{drafting.trigger.pk}/")
    assert response.status_code == 200
    assert "<ins>" in response.content.decode()
