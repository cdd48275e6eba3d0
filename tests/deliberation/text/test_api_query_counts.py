"""Query budgets (issue 3, acceptance 7): reading the text costs the same at any size.

Each test reads at two data sizes and asserts the same, named number of queries. The budgets
count: the token lookup (signed-in callers), the membership lookup (private convenings, or
members' role checks), the object fetched by ``access_*``, the page count and the page itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from convene import services as convene_services
from deliberation.models import Clause
from deliberation.text import services
from tests.conftest import client_for, make_world
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, make_drafting

# token → user, membership (private convening), framework/clause with its convening,
# pagination count, page.
CLAUSE_LIST = 5
CLAUSE_DETAIL = 3  # token, membership, clause with framework, convening and current version
VERSION_LIST = 5  # token, membership, clause, count, versions with authors
AMENDMENT_LIST = 5  # token, membership, clause, count, amendments with all they show
ALTERNATIVE_LIST = 5
FRAMEWORK_LIST = 5  # token, convening, membership, count, frameworks with their convening
DIFF = 4  # token, membership, clause, the two versions


def _queries(client: APIClient, url: str, results: int | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if results is not None:
        assert len(response.json()["results"]) == results
    return len(ctx.captured_queries)


def _private_drafting() -> Drafting:
    return make_drafting(make_world(visibility="private"))


def _add_clauses(drafting: Drafting, n: int) -> None:
    kinds = ["general", "trigger", "definition", "obligation"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        clause = services.clause_create(
            actor=drafting.world.organizer,
            framework=drafting.framework,
            kind=kind,
            title=f"Clause {i}",
            text=f"Text of clause {i} with **Markdown**.",
            spec=TRIGGER_SPEC if kind == "trigger" else None,
        )
        if i % 3 == 0:
            services.amendment_propose(
                actor=drafting.world.policymaker, clause=clause, text=f"Amended {i}.", rationale="r"
            )


def _add_versions(drafting: Drafting, clause: Clause, n: int) -> None:
    for i in range(n):
        author = drafting.world.organizer
        services.clause_update(
            actor=author, clause=clause, text=f"{clause.text} Revision {i}.", rationale=f"r{i}"
        )


def _add_amendments(drafting: Drafting, clause: Clause, n: int) -> None:
    w = drafting.world
    authors = [w.policymaker, w.industry, w.civil_society, w.organizer]
    for i in range(n):
        amendment = services.amendment_propose(
            actor=authors[i % len(authors)],
            clause=clause,
            text=f"Amendment number {i}.",
            rationale="r",
        )
        if i % 5 == 1:
            services.amendment_reject(actor=w.organizer, amendment=amendment, reason="No.")
    # One accepted, which makes the rest stale: the list shows both states.
    if n:
        first = clause.amendments.filter(status="open").order_by("pk").first()
        assert first is not None
        services.amendment_accept(actor=w.organizer, amendment=first)


def _second_framework(drafting: Drafting) -> Drafting:
    """Another framework in the same convening, with the same two first clauses."""
    w = drafting.world
    framework = services.framework_create(
        actor=w.organizer, convening=w.convening, title="Second framework"
    )
    clauses = [
        services.clause_create(
            actor=w.organizer, framework=framework, kind="scope", title="Scope", text="Scope."
        ),
        services.clause_create(
            actor=w.organizer,
            framework=framework,
            kind="trigger",
            title="T",
            text="Trigger.",
            spec=TRIGGER_SPEC,
        ),
    ]
    services.framework_transition(actor=w.organizer, framework=framework, to="consultation")
    framework.refresh_from_db()
    return Drafting(w, framework, *clauses)


@pytest.mark.parametrize("who", ["anonymous-public", "member-private"])
def test_clause_list_queries_do_not_grow_with_clauses(db: Any, who: str) -> None:
    small = make_drafting(make_world()) if who == "anonymous-public" else _private_drafting()
    large = _second_framework(small)
    counts = {}
    for size, drafting in ((10, small), (200, large)):
        _add_clauses(drafting, size - 2)
        client = client_for(None if who == "anonymous-public" else drafting.world.observer)
        url = f"/api/v1/frameworks/{drafting.framework.slug}/clauses/?page_size=200"
        counts[size] = _queries(client, url, results=size)
    # Anonymous readers of a public convening need neither the token nor the membership.
    expected = CLAUSE_LIST if who == "member-private" else CLAUSE_LIST - 2
    assert counts == {10: expected, 200: expected}


def test_clause_page_queries_do_not_grow_with_versions_or_amendments(db: Any) -> None:
    """1 vs 30 versions and 0 vs 1 vs 50 amendments (and alternatives). An empty list costs one
    query less, because the paginator does not fetch a page it knows is empty; from one row on,
    the count is fixed."""
    drafting = _private_drafting()
    extra = services.clause_create(
        actor=drafting.world.organizer,
        framework=drafting.framework,
        kind="general",
        title="G",
        text="General.",
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for clause, versions, amendments in (
        (drafting.scope, 1, 0),
        (extra, 1, 1),
        (drafting.trigger, 30, 50),
    ):
        _add_versions(drafting, clause, versions - 1)
        _add_amendments(drafting, clause, amendments)
        alternatives = min(amendments, 20)
        _add_alternatives(drafting, clause, alternatives)
        total_versions = versions + (1 if amendments else 0)
        client = client_for(drafting.world.industry)
        base = f"/api/v1/clauses/{clause.pk}"
        counts[(versions, amendments)] = {
            "detail": _queries(client, f"{base}/"),
            "versions": _queries(client, f"{base}/versions/?page_size=200", results=total_versions),
            "amendments": _queries(client, f"{base}/amendments/?page_size=200", results=amendments),
            "alternatives": _queries(
                client, f"{base}/alternatives/?page_size=200", results=alternatives
            ),
            "diff": _queries(client, f"{base}/diff/?from=1&to={total_versions}"),
        }
    expected = {
        "detail": CLAUSE_DETAIL,
        "versions": VERSION_LIST,
        "amendments": AMENDMENT_LIST,
        "alternatives": ALTERNATIVE_LIST,
        "diff": DIFF,
    }
    empty = {**expected, "amendments": AMENDMENT_LIST - 1, "alternatives": ALTERNATIVE_LIST - 1}
    assert counts == {(1, 0): empty, (1, 1): expected, (30, 50): expected}


def _add_alternatives(drafting: Drafting, clause: Clause, n: int) -> None:
    w = drafting.world
    for i in range(n):
        author = [w.policymaker, w.industry, w.organizer][i % 3]
        alternative = services.alternative_propose(actor=author, clause=clause, text=f"Option {i}.")
        if i % 4 == 3:
            services.alternative_withdraw(actor=author, alternative=alternative)


def test_framework_list_queries_do_not_grow_with_frameworks(db: Any) -> None:
    world = make_world()
    counts = {}
    for size in (1, 20):
        convening = convene_services.convening_create(
            actor=world.organizer, title=f"Convening with {size}", visibility="private"
        )
        for i in range(size):
            services.framework_create(
                actor=world.organizer, convening=convening, title=f"Framework {i}"
            )
        client = client_for(world.organizer)
        counts[size] = _queries(
            client, f"/api/v1/convenings/{convening.slug}/frameworks/?page_size=200", size
        )
    assert counts == {1: FRAMEWORK_LIST, 20: FRAMEWORK_LIST}
