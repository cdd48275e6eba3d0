"""Query budgets of the drafting pages (issue 3, acceptance 7): the workspace costs the same with
10 clauses as with 200, and the clause page the same with 1 version as with 30 and with no
amendment as with 50.

The expected numbers are named so a change in them is a deliberate decision, not a drift.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Clause
from deliberation.text import services
from tests.conftest import make_world
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, make_drafting
from tests.frontend.conftest import page_client

SIGNED_IN = 2  # session, user

# The framework with its convening (access_framework), the reader's membership (for a private
# convening, and the organizer check), the clauses with their open-amendment counts, and for a
# member whether they follow the framework (the follow button).
FOLLOWING = 1
# For a signed-in reader, the comments posted since their last visit of each clause.
NEW_SINCE_VISIT = 1
WORKSPACE_MEMBER = SIGNED_IN + 3 + FOLLOWING + NEW_SINCE_VISIT
# Organizers who may move the framework to voting also see what is still open (issue 7): the
# open amendments and the open options of bracketed clauses.
# And the organizer tools panel: open flags, comments awaiting a disposition, members, rounds.
ORGANIZER_TOOLS = 4
WORKSPACE_ORGANIZER = WORKSPACE_MEMBER + 2 + ORGANIZER_TOOLS
WORKSPACE_ANONYMOUS = 2  # framework, clauses (public convening: no membership lookup)

# The clause with its framework, convening and current version (access_clause), the reader's
# membership, then versions with authors, alternatives with proposers, amendments with their
# base version, author, decider and resulting version: 5 for the drafting part.
CLAUSE_DRAFTING = 5
# The comments section (frontend.views.discussion.comments.comments_context) adds a constant number
# of queries; the comments engineer owns it and may bump these when the section changes. Today:
# the page of top-level thread ids (1; the threads are one more when there are any, and here
# there are none); the quoted passages to mark (1); the thread summary (1); for members, their
# last visit, read and overwritten (2). (A disposition form, with the versions and amendments
# it may name, loads when opened.)
CLAUSE_COMMENTS_ORGANIZER = 5
CLAUSE_COMMENTS_ANONYMOUS = 3
CLAUSE_PAGE_ORGANIZER = SIGNED_IN + CLAUSE_DRAFTING + CLAUSE_COMMENTS_ORGANIZER + FOLLOWING
CLAUSE_PAGE_ANONYMOUS = CLAUSE_DRAFTING - 1 + CLAUSE_COMMENTS_ANONYMOUS  # no membership lookup


def add_clauses(drafting: Drafting, total: int) -> None:
    """Bring the framework to ``total`` clauses, of every kind, some with open amendments and
    some bracketed."""
    world = drafting.world
    kinds = ["general", "trigger", "definition", "obligation"]
    for n in range(total - drafting.framework.clauses.count()):
        kind = kinds[n % len(kinds)]
        clause = services.clause_create(
            actor=world.organizer,
            framework=drafting.framework,
            kind=kind,
            title=f"Clause {n}",
            text=f"Text of clause {n} with **Markdown**.",
            spec=TRIGGER_SPEC if kind == "trigger" else None,
        )
        if n % 5 == 0:
            services.amendment_propose(
                actor=world.industry, clause=clause, text=f"Amended {n}.", rationale="Why."
            )
        if n % 17 == 0:
            for text in ("Option one.", "Option two."):
                services.alternative_propose(actor=world.industry, clause=clause, text=text)


def grow_clause(drafting: Drafting, *, versions: int, amendments: int) -> Clause:
    """The trigger clause with ``versions`` versions and ``amendments`` amendments, some open,
    some stale, some decided, and two bracketed alternatives."""
    world, clause = drafting.world, drafting.trigger
    for n in range(2, versions + 1):
        services.clause_update(
            actor=world.organizer,
            clause=clause,
            text=f"Revision {n} of the trigger.",
            rationale=f"R{n}.",
        )
    authors = [world.industry, world.policymaker, world.civil_society]
    for n in range(amendments):
        amendment = services.amendment_propose(
            actor=authors[n % 3],
            clause=clause,
            text=f"Amendment {n}: a pause is triggered sooner.",
            spec=TRIGGER_SPEC | {"threshold": 3 + n},
            rationale=f"Reason {n}.",
        )
        if n % 10 == 1:
            services.amendment_reject(actor=world.organizer, amendment=amendment, reason="No.")
        elif n % 10 == 2:
            services.amendment_withdraw(actor=amendment.author, amendment=amendment)
    if amendments:
        last = clause.amendments.filter(status="open").latest("id")
        services.amendment_accept(actor=world.organizer, amendment=last)  # the rest go stale
    for text in ("Option one.", "Option two."):
        services.alternative_propose(actor=world.industry, clause=clause, text=text)
    return clause


def count(path: str, user: Any) -> int:
    client = page_client(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("size", [10, 200])
def test_workspace_queries_do_not_grow_with_clauses(db: Any, size: int, visibility: str) -> None:
    drafting = make_drafting(make_world(visibility=visibility))
    add_clauses(drafting, size)
    assert drafting.framework.clauses.count() == size
    path = f"/f/{drafting.framework.slug}/"
    assert count(path, drafting.world.organizer) == WORKSPACE_ORGANIZER
    assert count(path, drafting.world.observer) == WORKSPACE_MEMBER
    if visibility == "public":
        assert count(path, None) == WORKSPACE_ANONYMOUS


@pytest.mark.parametrize(("versions", "amendments"), [(1, 0), (30, 0), (1, 50), (30, 50)])
def test_clause_page_queries_do_not_grow_with_versions_or_amendments(
    db: Any, versions: int, amendments: int
) -> None:
    drafting = make_drafting(make_world())
    clause = grow_clause(drafting, versions=versions, amendments=amendments)
    assert clause.versions.count() == versions + (1 if amendments else 0)
    assert clause.amendments.count() == amendments
    path = f"/clauses/{clause.pk}/"
    assert count(path, drafting.world.organizer) == CLAUSE_PAGE_ORGANIZER
    assert count(path, None) == CLAUSE_PAGE_ANONYMOUS


@pytest.mark.parametrize("versions", [2, 30])
def test_history_queries_do_not_grow_with_versions(db: Any, versions: int) -> None:
    drafting = make_drafting(make_world())
    clause = grow_clause(drafting, versions=versions, amendments=0)
    path = f"/clauses/{clause.pk}/history/?from=1&to={versions}&view=side"
    assert count(path, None) == 2  # clause, versions
