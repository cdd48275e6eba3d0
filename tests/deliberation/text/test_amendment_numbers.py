"""Amendments are numbered 1, 2, 3 … within their clause ("Amendment 2 to §3"), in the API and
in notices, and two members proposing at once get different numbers."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from convene.notifications.models import Notification
from deliberation.models import Amendment
from deliberation.text import services
from tests.conftest import client_for, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.deliberation.test_concurrency import _race, races


def propose(actor: Any, clause: Any, text: str) -> Amendment:
    return services.amendment_propose(actor=actor, clause=clause, text=text, rationale="Why.")


def test_amendments_are_numbered_within_their_clause(drafting: Drafting) -> None:
    w = drafting.world
    first = propose(w.industry, drafting.scope, "Applies to all labs.")
    other = propose(w.industry, drafting.trigger, "A pause is triggered sooner.")
    second = propose(w.policymaker, drafting.scope, "Applies to no one.")
    assert (first.number, second.number, other.number) == (1, 2, 1)


def test_numbers_are_not_reused_after_a_withdrawal(drafting: Drafting) -> None:
    w = drafting.world
    first = propose(w.industry, drafting.scope, "Applies to all labs.")
    services.amendment_withdraw(actor=w.industry, amendment=first)
    assert propose(w.industry, drafting.scope, "Applies to no one.").number == 2


def test_the_database_refuses_a_second_amendment_with_the_same_number(
    drafting: Drafting,
) -> None:
    first = propose(drafting.world.industry, drafting.scope, "Applies to all labs.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Amendment.objects.create(
            clause=first.clause,
            number=1,
            base_version=first.base_version,
            text="Copy.",
            rationale="Why.",
            author=first.author,
        )


def test_the_api_shows_the_number_read_only(drafting: Drafting) -> None:
    w = drafting.world
    propose(w.industry, drafting.scope, "Applies to all labs.")
    client = client_for(w.policymaker)
    url = f"/api/v1/clauses/{drafting.scope.pk}/amendments/"
    response = client.post(
        url, {"text": "Applies to no one.", "rationale": "Why.", "number": 7}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    listed = client.get(url).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert sorted(row["number"] for row in rows) == [1, 2]


def test_the_decision_notice_names_the_amendment_by_its_number(drafting: Drafting) -> None:
    w = drafting.world
    propose(w.industry, drafting.scope, "Applies to all labs.")
    second = propose(w.policymaker, drafting.scope, "Applies to no one.")
    services.amendment_reject(actor=w.organizer, amendment=second, reason="Too narrow.")
    notice = Notification.objects.get(recipient=w.policymaker, verb="amendment.rejected")
    assert notice.title.startswith("Your amendment 2 to §1")


def test_the_migration_numbers_existing_amendments_in_creation_order(drafting: Drafting) -> None:
    w = drafting.world
    first = propose(w.industry, drafting.scope, "Applies to all labs.")
    second = propose(w.policymaker, drafting.scope, "Applies to no one.")
    other = propose(w.industry, drafting.trigger, "A pause is triggered sooner.")
    # Scrambled, as if numbered by some other order; distinct, for the unique constraint.
    for amendment, scrambled in ((first, 50), (second, 40), (other, 30)):
        Amendment.objects.filter(pk=amendment.pk).update(number=scrambled)
    migration = importlib.import_module("deliberation.migrations.0020_amendment_number")
    migration.number_amendments(apps, None)
    numbers = dict(Amendment.objects.values_list("pk", "number"))
    assert (numbers[first.pk], numbers[second.pk], numbers[other.pk]) == (1, 2, 1)


@races
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_proposals_get_numbers_1_and_2(attempt: int) -> None:
    world = make_world()
    clause = make_drafting(world).scope

    def proposal(actor: Any, text: str) -> Any:
        return lambda: propose(actor, clause, text)

    outcomes = _race(
        proposal(world.industry, "Applies to all labs."),
        proposal(world.policymaker, "Applies to no one."),
    )
    assert all(isinstance(o, Amendment) for o in outcomes), outcomes
    assert sorted(o.number for o in outcomes) == [1, 2]
