"""The reader of a published framework: public to anyone, whatever its convening's visibility,
rendered from the edition's frozen document at a fixed number of queries, with user text
escaped or sanitized (issue 11, the reader part)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.models import Convening
from deliberation.models import Clause, Comment, Edition, VotingRound
from deliberation.publishing import services
from deliberation.text import services as text_services
from tests.conftest import ACTORS, World, clear_cache
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import clauses_of, forge_edition, publish
from tests.frontend.voting.conftest import text_of
from tests.hostile import HOSTILE, assert_inert

# The edition (with its framework), then the framework's edition list.
# A render: the latest edition's stamp, the shown edition's stamp (both cached afterwards), the
# edition and the edition list.
READER_ANONYMOUS = 2 + 2
READER_SIGNED_IN = 2 + 2 + 2  # + session and user


@pytest.mark.parametrize("actor", ACTORS)
def test_anyone_can_read_a_published_framework(
    world: World, published: Edition, actor: str
) -> None:
    slug = published.framework.slug
    client = page_client(world.actor(actor))
    for url in (f"/frameworks/{slug}/", f"/frameworks/{slug}/editions/1/"):
        assert client.get(url).status_code == 200, (actor, url)


def test_a_private_convenings_published_framework_is_readable_anonymously(
    private_world: World,
) -> None:
    assert private_world.convening.visibility == Convening.Visibility.PRIVATE
    edition = publish(private_world)
    response = page_client(None).get(f"/frameworks/{edition.framework.slug}/")
    assert response.status_code == 200
    assert edition.content_hash in response.content.decode()


def test_unpublished_frameworks_and_unknown_editions_are_404(world: World) -> None:
    draft = text_services.framework_create(
        actor=world.organizer, convening=world.convening, title="Not yet"
    )
    client = page_client(world.organizer)
    assert client.get(f"/frameworks/{draft.slug}/").status_code == 404
    assert client.get(f"/frameworks/{draft.slug}/export.json").status_code == 404
    edition = publish(world)
    slug = edition.framework.slug
    assert client.get(f"/frameworks/{slug}/editions/2/").status_code == 404
    assert client.get(f"/frameworks/{slug}/editions/2/export.csv").status_code == 404
    assert client.get("/frameworks/no-such-framework/").status_code == 404


def test_the_reader_shows_the_record(published: Edition) -> None:
    html = page_client(None).get(f"/frameworks/{published.framework.slug}/").content.decode()
    text = text_of(html)
    document = published.content
    assert f"Edition {published.number}, published" in text
    assert f"Adopted in {document['edition']['adopted_in']['title']} on" in text
    assert published.content_hash in text
    for clause in document["clauses"]:
        assert f'id="clause-{clause["number"]}"' in html
        assert f'href="#clause-{clause["number"]}"' in html
    assert 'rel="alternate" type="application/json"' in html
    assert "Rule: Adopted if at least two-thirds of votes cast in each stakeholder group" in text
    assert "chosen" in text and 'class="bars"' in html and "chart-table" in html
    assert "Decisions on the framework as a whole" in text
    assert "Awaiting a response" in text


def test_later_editions_link_to_the_earlier_ones(published: Edition) -> None:
    forge_edition(published, clauses_of(published, 3))
    slug = published.framework.slug
    latest = page_client(None).get(f"/frameworks/{slug}/").content.decode()
    assert f'href="/frameworks/{slug}/editions/1/"' in latest
    first = page_client(None).get(f"/frameworks/{slug}/editions/1/").content.decode()
    assert "superseded by" in first


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _busy(world: World, edition: Edition, comments: int, rounds: int) -> None:
    """``comments`` comments on the framework's first clause and ``rounds`` closed rounds: the
    live tables behind a large negotiation, which the reader must not read."""
    framework = edition.framework
    clause = Clause.objects.filter(framework=framework).select_related("current_version")[0]
    Comment.objects.bulk_create(
        Comment(
            clause=clause,
            version=clause.current_version,
            body=f"Comment {n}",
            body_html=f"<p>Comment {n}</p>",
            author=world.policymaker,
        )
        for n in range(comments)
    )
    VotingRound.objects.bulk_create(
        VotingRound(
            framework=framework,
            title=f"Round {n}",
            status=VotingRound.Status.CLOSED,
            created_by=world.organizer,
        )
        for n in range(rounds)
    )


@pytest.mark.parametrize(
    ("user", "budget"), [(None, READER_ANONYMOUS), ("policymaker", READER_SIGNED_IN)]
)
def test_reader_queries_do_not_grow_with_the_framework(
    world: World, published: Edition, user: str | None, budget: int
) -> None:
    small = forge_edition(published, clauses_of(published, 10))
    large = forge_edition(published, clauses_of(published, 200))
    forge_edition(published, clauses_of(published, 1))  # the latest: both above are superseded
    slug = published.framework.slug
    client = page_client(world.actor(user) if user else None)
    client.get("/")  # the session's first read is not the page's
    counts = []
    for e in (small, large):
        if e is large:
            _busy(world, published, comments=20_000, rounds=50)
        clear_cache()  # a cold render each time
        counts.append(_queries(client, f"/frameworks/{slug}/editions/{e.number}/"))
    assert counts == [budget, budget]


def test_hostile_clause_titles_and_texts_are_inert(published: Edition) -> None:
    clauses = clauses_of(published, len(HOSTILE))
    for clause, hostile in zip(clauses, HOSTILE, strict=True):
        clause["title"], clause["text"] = hostile[:200], hostile
        clause["spec"] = {"metric": hostile[:200]}
    forged = forge_edition(published, clauses)
    html = (
        page_client(None)
        .get(f"/frameworks/{published.framework.slug}/editions/{forged.number}/")
        .content.decode()
    )
    main = html[html.index('<main id="main"') : html.index("</main>")]
    # The page's own charts (SVG of the frozen counts, no user text) are expected.
    assert_inert(re.sub(r'<figure class="chart".*?</figure>', "", main, flags=re.S))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_lists_each_published_framework_once(published: Edition) -> None:
    services.framework_publish(actor=published.published_by, framework=published.framework)
    html = page_client(None).get("/").content.decode()
    link = f'href="/frameworks/{published.framework.slug}/"'
    assert html.count(link) == 1
    assert html.index("Published frameworks") < html.index("Public convenings")
    assert "edition 2" in text_of(html)
