"""The public history of a published framework: each clause's versions with the diff of any
two, the timeline of versions, rounds and publications, and the audit chain's status."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene.audit import convening_chain
from convene.models import AuditEvent
from deliberation.models import Edition
from tests.conftest import World, clear_cache
from tests.convene.test_audit import tampering
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import clauses_of, forge_edition


def _revised(edition: Edition) -> dict[str, Any]:
    """A clause of the edition with more than one version."""
    return next(c for c in edition.content["clauses"] if len(c["versions"]) > 1)


def _get(url: str, **headers: str) -> Any:
    return page_client(None).get(url, headers=headers)


def test_a_clause_history_lists_its_versions_and_diffs_them(published: Edition) -> None:
    clause = _revised(published)
    slug = published.framework.slug
    for url in (
        f"/frameworks/{slug}/clauses/{clause['number']}/history/",
        f"/frameworks/{slug}/editions/1/clauses/{clause['number']}/history/",
    ):
        response = _get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<ins>" in html or "<del>" in html
        for version in clause["versions"]:
            assert f'id="version-{version["number"]}"' in html
            assert version["hash"][:12] in html
        assert f"#clause-{clause['number']}" in html  # back to the clause in the reader
    side = _get(f"/frameworks/{slug}/clauses/{clause['number']}/history/?from=1&to=2&view=side")
    assert 'class="diff-side"' in side.content.decode()
    partial = _get(f"/frameworks/{slug}/clauses/{clause['number']}/history/", hx_request="true")
    assert partial.content.decode().lstrip().startswith('<div id="diff-result"')


@pytest.mark.parametrize("query", ["from=0", "to=99", "from=x", "from=%C2%B2", "to=1" + "0" * 30])
def test_a_bad_comparison_is_refused_in_words(published: Edition, query: str) -> None:
    clause = _revised(published)
    url = f"/frameworks/{published.framework.slug}/clauses/{clause['number']}/history/?{query}"
    response = _get(url)
    assert response.status_code == 400
    assert "Choose versions between 1 and" in response.content.decode()


def test_unknown_clauses_editions_and_unpublished_frameworks_are_404(
    world: World, published: Edition
) -> None:
    slug = published.framework.slug
    draft = make_drafting(world, status="adopted").framework.slug
    for url in (
        f"/frameworks/{slug}/clauses/99/history/",
        f"/frameworks/{slug}/editions/5/clauses/1/history/",
        f"/frameworks/{slug}/editions/5/history/",
        f"/frameworks/{draft}/history/",
        f"/frameworks/{draft}/clauses/1/history/",
    ):
        assert _get(url).status_code == 404, url


def test_an_edition_without_version_texts_still_lists_its_versions(published: Edition) -> None:
    clauses = copy.deepcopy(published.content["clauses"])
    for clause in clauses:
        for version in clause["versions"]:
            version.pop("text", None)
    older = forge_edition(published, clauses)
    number = _revised(published)["number"]
    url = (
        f"/frameworks/{published.framework.slug}/editions/{older.number}/clauses/{number}/history/"
    )
    html = _get(url).content.decode()
    assert "before editions carried each version's text" in html
    assert 'id="version-2"' in html


def test_the_timeline_has_versions_rounds_publications_and_the_audit_status(
    world: World, published: Edition
) -> None:
    html = _get(f"/frameworks/{published.framework.slug}/history/").content.decode()
    events = convening_chain(world.convening).last_seq
    assert f"<strong>Verified:</strong> {events} events" in html
    assert "Edition 1 published" in html
    assert "Voting round closed" in html
    assert html.count('class="timeline-version"') == sum(
        len(c["versions"]) for c in published.content["clauses"]
    )
    assert f"/api/v1/convenings/{world.convening.slug}/audit/" in html
    assert html.index("timeline-version") < html.index("timeline-publication")


def test_a_tampered_chain_shows_as_broken(world: World, published: Edition) -> None:
    victim = AuditEvent.objects.filter(convening=world.convening).order_by("seq")[2]
    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET verb = %s WHERE id = %s",
            ["membership.removed", victim.pk],
        )
    html = _get(f"/frameworks/{published.framework.slug}/history/").content.decode()
    assert f"<strong>Broken</strong> at event {victim.seq}" in html


def _queries(url: str) -> int:
    clear_cache()  # a cold page: the audit verdict is computed each time
    with CaptureQueriesContext(connection) as ctx:
        assert _get(url).status_code == 200
    return len(ctx.captured_queries)


def test_history_pages_cost_the_same_whatever_the_size(published: Edition) -> None:
    small = forge_edition(published, clauses_of(published, 3))
    large = forge_edition(published, clauses_of(published, 60))
    slug = published.framework.slug
    for path in ("history/", "clauses/2/history/"):
        counts = [
            _queries(f"/frameworks/{slug}/editions/{e.number}/{path}") for e in (small, large)
        ]
        assert counts[0] == counts[1], path
