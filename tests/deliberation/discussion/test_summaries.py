"""Thread summaries from the database: rebuilt as the thread grows by EVERY comments, with
common ground and divides from the groups' reactions, served to whoever may read the clause."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.discussion import services as discussion
from deliberation.discussion.services.summaries import EVERY, summary_refresh
from deliberation.models import Summary
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting

pytestmark = pytest.mark.django_db


def _react(comment: Any, stances: dict[Any, str]) -> None:
    for user, stance in stances.items():
        discussion.reaction_set(actor=user, comment=comment, stance=stance)


def test_common_ground_and_divides_come_from_the_groups_reactions(drafting: Drafting) -> None:
    w = drafting.world
    agreed = discussion.comment_post(
        actor=w.observer, clause=drafting.scope, body="Independent audits of training compute."
    )
    divisive = discussion.comment_post(
        actor=w.observer, clause=drafting.scope, body="Exempt open-weight models entirely."
    )
    _react(agreed, {w.policymaker: "agree", w.industry: "agree", w.civil_society: "agree"})
    _react(divisive, {w.policymaker: "agree", w.industry: "disagree"})
    summary = summary_refresh(clause_id=drafting.scope.pk, force=True)
    assert summary is not None
    assert [p["comments"] for p in summary.data["common_ground"]] == [[agreed.pk]]
    assert [p["comments"] for p in summary.data["divides"]] == [[divisive.pk]]
    assert summary.data["by_group"]["industry"]["disagree"] == 1
    cited = {c for p in summary.data["key_points"] for c in p["comments"]}
    assert cited == {agreed.pk, divisive.pk}


def test_a_summary_is_rebuilt_only_after_every_few_new_comments(drafting: Drafting) -> None:
    w = drafting.world
    discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="First point.")
    first = summary_refresh(clause_id=drafting.scope.pk)
    assert first is not None and first.comment_count == 1
    for n in range(EVERY - 1):
        discussion.comment_post(actor=w.industry, clause=drafting.scope, body=f"Point {n}.")
    same = summary_refresh(clause_id=drafting.scope.pk)
    assert same is not None and same.comment_count == 1
    discussion.comment_post(actor=w.industry, clause=drafting.scope, body="One more.")
    grown = summary_refresh(clause_id=drafting.scope.pk)
    assert grown is not None and grown.comment_count == EVERY + 1


def test_posting_a_comment_queues_the_refresh_on_commit(
    drafting: Drafting, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_post(actor=drafting.world.policymaker, clause=drafting.scope, body="Hi.")
    assert Summary.objects.get(clause=drafting.scope).comment_count == 1


def test_hidden_comments_are_left_out(drafting: Drafting) -> None:
    w = drafting.world
    kept = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Kept point.")
    hidden = discussion.comment_post(actor=w.industry, clause=drafting.scope, body="Abusive text.")
    discussion.comment_moderate(actor=w.organizer, comment=hidden, action="hide", reason="Abuse.")
    summary = summary_refresh(clause_id=drafting.scope.pk, force=True)
    assert summary is not None and summary.comment_count == 1
    assert "Abusive" not in str(summary.data)
    assert {c for p in summary.data["key_points"] for c in p["comments"]} == {kept.pk}


def _refresh_queries(drafting: Drafting, comments: int) -> int:
    for n in range(comments):
        discussion.comment_post(
            actor=drafting.world.industry, clause=drafting.scope, body=f"Point {n} on audits."
        )
    summary_refresh(clause_id=drafting.scope.pk, force=True)  # both measured as updates
    with CaptureQueriesContext(connection) as captured:
        summary_refresh(clause_id=drafting.scope.pk, force=True)
    return len(captured)


def test_rebuilding_costs_the_same_for_a_short_or_long_thread(drafting: Drafting) -> None:
    short = _refresh_queries(drafting, 3)
    long = _refresh_queries(drafting, 60)
    assert short == long


def test_api_serves_the_summary_to_anyone_who_may_read_the_clause(drafting: Drafting) -> None:
    path = f"/api/v1/clauses/{drafting.scope.pk}/summary/"
    empty = client_for(None).get(path).json()
    assert empty["generated_at"] is None and empty["key_points"] == []
    discussion.comment_post(actor=drafting.world.policymaker, clause=drafting.scope, body="Point.")
    summary_refresh(clause_id=drafting.scope.pk)
    body = client_for(None).get(path).json()
    assert body["comment_count"] == 1
    assert set(body) == {
        "generated_at",
        "comment_count",
        "covers_until",
        "key_points",
        "by_group",
        "common_ground",
        "divides",
        "method",
    }


def test_a_private_clause_summary_is_404_to_outsiders(private_drafting: Drafting) -> None:
    private = f"/api/v1/clauses/{private_drafting.scope.pk}/summary/"
    assert client_for(private_drafting.world.outsider).get(private).status_code == 404
    assert client_for(private_drafting.world.observer).get(private).status_code == 200
