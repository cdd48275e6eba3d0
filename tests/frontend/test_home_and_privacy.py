"""The home page says what Convene is and lists each thing once; the convening page's privacy
line says exactly who can see what, for every visibility and attribution."""

from __future__ import annotations

import html as html_module
import re

import pytest

from convene import services
from convene.models import Convening
from tests.conftest import World, make_world
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import publish


def _lede(html: str) -> str:
    match = re.search(r'<p class="lede">(.*?)</p>', html, flags=re.S)
    assert match, "the home page has an introduction"
    return match.group(1)


def test_the_home_page_says_in_two_sentences_what_convene_is(world: World) -> None:
    lede = _lede(page_client(None).get("/").content.decode())
    sentences = [s for s in re.split(r"(?<=\.)\s+", lede.strip()) if s]
    assert len(sentences) == 2
    assert "negotiate one text" in sentences[0]
    assert "Anyone can read the published frameworks" in sentences[1]


def test_published_frameworks_come_first_and_nothing_is_listed_twice(world: World) -> None:
    publish(world)
    # A second public convening, world.policymaker not in it.
    other = services.convening_create(
        actor=world.outsider, title="Another table", description="", visibility="public"
    )
    for actor in (None, world.policymaker):
        html = page_client(actor).get("/").content.decode()
        assert html.index("Published frameworks") < html.index('id="public-heading"')
        for convening in (world.convening, other):
            assert html.count(f'href="/c/{convening.slug}/"') == 1, (actor, convening.slug)
    mine = page_client(world.policymaker).get("/").content.decode()
    yours, _, public = mine.partition("Other public convenings")
    assert f'href="/c/{world.convening.slug}/"' in yours
    assert f'href="/c/{other.slug}/"' in public


@pytest.mark.parametrize(
    ("visibility", "attribution", "country", "expected", "absent"),
    [
        ("public", "named", False, ["anyone, signed in or not", "show their author's name"], []),
        (
            "public",
            "group",
            False,
            ["Chatham House", "author's stakeholder group —", "Only this convening's organizers"],
            ["show their author's name", "and country"],
        ),
        ("private", "group", True, ["only its members", "stakeholder group and country"], []),
        ("private", "named", False, ["stay private", "show their author's name"], ["anyone"]),
    ],
)
def test_the_privacy_line_says_who_can_see_what(
    db: None,
    visibility: str,
    attribution: str,
    country: bool,
    expected: list[str],
    absent: list[str],
) -> None:
    world = make_world(visibility=visibility)
    Convening.objects.filter(pk=world.convening.pk).update(
        attribution=attribution, attribution_shows_country=country
    )
    for actor in (world.organizer, world.policymaker, world.observer):
        html = page_client(actor).get(f"/c/{world.convening.slug}/").content.decode()
        section = html[html.index('id="privacy-heading"') :]
        section = html_module.unescape(section[: section.index("</section>")])
        assert "When a framework is published" in section
        for phrase in expected:
            assert phrase in section, (actor, phrase)
        for phrase in absent:
            assert phrase not in section, (actor, phrase)
    if visibility == "public":
        assert (
            "Who can see what"
            in page_client(None).get(f"/c/{world.convening.slug}/").content.decode()
        )
