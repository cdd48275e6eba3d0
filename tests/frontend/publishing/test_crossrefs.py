"""§n in clause text links to clause n: in plain text only, for clauses that exist, and never
at the cost of escaping."""

from __future__ import annotations

import copy

import pytest

from convene.text import render_markdown
from deliberation.models import Edition
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import forge_edition
from tests.hostile import HOSTILE, assert_inert

REFS = {1: "#clause-1", 2: "#clause-2", 12: "#clause-12"}


def test_references_to_existing_clauses_become_links() -> None:
    html = render_markdown("As in §1 and § 2, with §12 but not §9 or §123.", REFS)
    assert '<a href="#clause-1" rel="nofollow noopener noreferrer">§1</a>' in html
    assert '<a href="#clause-2" rel="nofollow noopener noreferrer">§ 2</a>' in html
    assert '<a href="#clause-12"' in html
    assert "§9" in html and 'href="#clause-9"' not in html
    assert "§123" in html


def test_links_and_code_are_left_alone() -> None:
    html = render_markdown("[see §1](https://example.org) and `§2`", REFS)
    assert html.count("<a ") == 1
    assert "<code>§2</code>" in html


def test_without_targets_nothing_changes() -> None:
    assert render_markdown("§1 applies.") == "<p>§1 applies.</p>\n"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_around_references_stays_inert(hostile: str) -> None:
    assert_inert(render_markdown(f"{hostile} §1 {hostile}§2", REFS).replace('href="#clause-', ""))


def test_the_reader_links_references_to_clauses(published: Edition) -> None:
    clauses = copy.deepcopy(published.content["clauses"])
    clauses[0]["text"] = "The threshold of §2 applies; §99 does not exist."
    forged = forge_edition(published, clauses)
    html = page_client(None).get(
        f"/frameworks/{published.framework.slug}/editions/{forged.number}/"
    )
    body = html.content.decode()
    assert '<a href="#clause-2" rel="nofollow noopener noreferrer">§2</a>' in body
    assert "§99 does not exist" in body


def test_the_clause_page_links_references_to_clause_pages(db: None) -> None:
    from deliberation.text import services
    from tests.conftest import make_world
    from tests.deliberation.conftest import make_drafting

    drafting = make_drafting(make_world())
    clause = services.clause_update(
        actor=drafting.world.organizer,
        clause=drafting.trigger,
        text="Within the scope of §1, and not §7, a pause is triggered.",
        rationale="Refer to the scope.",
    )
    html = page_client(None).get(f"/clauses/{clause.pk}/").content.decode()
    assert (
        f'<a href="/clauses/{drafting.scope.pk}/" rel="nofollow noopener noreferrer">§1</a>' in html
    )
    assert "not §7," in html
