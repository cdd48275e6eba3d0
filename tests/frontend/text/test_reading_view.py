"""The members' reading view: the whole framework on one page, at every status, with open
alternatives in treaty brackets, comment counts linking to each thread, specs in words and §n
references as links; a fixed number of queries whatever the size of the framework.
(Who may open it: tests/frontend/text/test_drafting_access.py, as the workspace.)"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.discussion import services as discussion
from deliberation.text import services
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


@pytest.mark.parametrize("status", ["draft", "consultation", "voting", "adopted"])
def test_every_status_reads_as_one_document(world: World, status: str) -> None:
    drafting = make_drafting(world, status=status)
    html = page_client(drafting.world.observer).get(f"/f/{drafting.framework.slug}/read/")
    assert html.status_code == 200
    body = html.content.decode()
    assert 'href="#clause-1"' in body and 'id="clause-2"' in body
    assert "Measurement window" in body and "180 days" in body
    assert "P180D" not in body


def test_brackets_counts_and_references(drafting: Drafting) -> None:
    world, scope = drafting.world, drafting.scope
    for text in ("Developers only.", "Developers and deployers."):
        services.alternative_propose(actor=world.industry, clause=scope, text=text)
    discussion.comment_post(actor=world.policymaker, clause=scope, body="Too narrow.")
    discussion.comment_post(actor=world.industry, clause=scope, body="Agreed.")
    services.clause_update(
        actor=world.organizer,
        clause=drafting.trigger,
        text="A pause under §1 is triggered when the horizon doubles too fast.",
        rationale="Refer to the scope.",
    )
    body = page_client(world.policymaker).get(f"/f/{drafting.framework.slug}/read/").content
    html = body.decode()
    bracket = (
        r"\[</span>.*Option <bdi>A</bdi>:.*Developers only\..*/</span>.*"
        r"Option <bdi>B</bdi>:.*Developers and deployers\..*\]</span>"
    )
    assert re.search(bracket, html, re.S)
    assert f'href="/clauses/{scope.pk}/">2 comments' in html
    assert '<a href="#clause-1" rel="nofollow noopener noreferrer">§1</a>' in html


def test_the_reading_view_costs_the_same_whatever_the_size(drafting: Drafting) -> None:
    world, framework = drafting.world, drafting.framework
    client = page_client(world.policymaker)
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/f/{framework.slug}/read/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(8):
        clause = services.clause_create(
            actor=world.organizer, framework=framework, kind="general", title=f"C{n}", text="T."
        )
        services.alternative_propose(actor=world.industry, clause=clause, text="Other.")
        discussion.comment_post(actor=world.policymaker, clause=clause, body="Hm.")
    assert count() == small
