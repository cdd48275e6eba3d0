"""What the public record shows, as tables over every public surface — pages, exports, the API,
feeds and search:

- unpublished content (every framework status short of published, public and private
  convenings) appears nowhere a visitor or an outsider can look;
- under either attribution mode, nothing public names a comment's author or a recorded voter.
"""

from __future__ import annotations

from typing import Any

import pytest

from convene.models import Convening, Membership
from deliberation.models import Clause, Comment, Framework
from tests.conftest import World, client_for, make_world
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import publish

# Searched for, so a search page may echo it; ``TAIL`` follows it in every unpublished text, so
# it shows only if a result does.
MARKER = "Quokkamarker"
TAIL = "Wombatword"
EXPORTS = ("json", "md", "csv", "akn.xml")
UNPUBLISHED = ["draft", "consultation", "voting", "adopted", "withdrawn"]


def public_surfaces(*, published: str, convening: str, query: str) -> list[str]:
    """Every URL of the public record: of the published framework ``published``, of its
    ``convening``, and the site-wide ones; search for ``query``. (A public convening's own
    pages, /c/ and /f/, show its drafts to anyone by design: that is what public means.)"""
    reader = f"/frameworks/{published}"
    return [
        "/",
        f"{reader}/",
        f"{reader}/editions/1/",
        f"{reader}/history/",
        *(f"{reader}/export.{ext}" for ext in EXPORTS),
        "/api/v1/published/",
        f"/api/v1/published/{published}/",
        f"/api/v1/published/{published}/editions/1/",
        "/feeds/published.atom",
        f"/feeds/convenings/{convening}.atom",
        f"/search/?q={query}",
        f"/api/v1/search/?q={query}",
    ]


def _unpublished(world: World, status: str) -> Framework:
    """A framework in ``status`` whose title, clause text and a comment carry the marker."""
    drafting = make_drafting(world, status=status)
    Framework.objects.filter(pk=drafting.framework.pk).update(title=f"{MARKER} {TAIL}")
    Clause.objects.filter(pk=drafting.scope.pk).update(text=f"{MARKER} {TAIL} clause text.")
    Comment.objects.create(
        clause=drafting.scope,
        version=drafting.scope.current_version,
        body=f"{MARKER} {TAIL} comment",
        body_html=f"<p>{MARKER} {TAIL} comment</p>",
        author=world.policymaker,
    )
    return Framework.objects.get(pk=drafting.framework.pk)


def _fetch(client: Any, url: str) -> tuple[int, str]:
    response = client.get(url)
    assert response.status_code < 500, url
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("status", UNPUBLISHED)
def test_unpublished_content_appears_on_no_public_surface(
    db: None, visibility: str, status: str
) -> None:
    world = make_world(visibility=visibility)
    edition = publish(world)
    hidden = _unpublished(world, status)
    urls = public_surfaces(
        published=edition.framework.slug, convening=world.convening.slug, query=MARKER
    )
    own = [f"/frameworks/{hidden.slug}/", f"/api/v1/published/{hidden.slug}/"] + [
        f"/frameworks/{hidden.slug}/export.{ext}" for ext in EXPORTS
    ]
    for actor in (None, world.outsider):
        pages, api = page_client(actor), client_for(actor)
        for url in urls:
            _status, body = _fetch(api if url.startswith("/api/") else pages, url)
            assert TAIL not in body, (actor, url)
        for url in own:
            assert _fetch(api if url.startswith("/api/") else pages, url)[0] == 404, (actor, url)


def _people(world: World) -> list[str]:
    """Every member's name and address, the names made unmistakable first."""
    members = Membership.objects.filter(convening=world.convening).select_related("user")
    users = [m.user for m in members]
    for n, user in enumerate(users):
        user.display_name = f"Personname Number{n}"
        user.save(update_fields=["display_name"])
    return [u.display_name for u in users] + [u.email for u in users]


@pytest.mark.parametrize("attribution", ["named", "group"])
def test_nothing_public_names_an_author_or_a_voter(db: None, attribution: str) -> None:
    world = make_world()
    Convening.objects.filter(pk=world.convening.pk).update(attribution=attribution)
    world.convening.refresh_from_db()
    names = _people(world)
    edition = publish(world)
    clause = Clause.objects.filter(framework=edition.framework).order_by("position")[0]
    words = "Verifiable compliance needs independent audits"
    for author, group in ((world.policymaker, "policymaker"), (world.industry, "industry")):
        Comment.objects.create(
            clause=clause,
            version=clause.current_version,
            body=words,
            body_html=f"<p>{words}</p>",
            author=author,
            author_group=group,
            attribution=attribution,
        )
    surfaces = public_surfaces(
        published=edition.framework.slug, convening=world.convening.slug, query="compliance"
    )
    urls = [*surfaces, f"/c/{world.convening.slug}/"]
    for url in urls:
        client = client_for(None) if url.startswith("/api/") else page_client(None)
        status_code, body = _fetch(client, url)
        assert status_code == 200, url
        for name in names:
            assert name not in body, (attribution, url, name)
