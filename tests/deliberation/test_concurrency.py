"""Races and immutability (issue 3, acceptances 2 and 6).

Two organizers accepting two amendments written against the same version at the same moment
must not both win: the clause row lock makes the second see the first's version, and refuse
with 409. Versions cannot be changed by any code path, down to raw SQL.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction

from convene.audit import audit_verify, convening_chain
from convene.errors import Conflict
from deliberation.models import Amendment, Clause, ClauseVersion
from deliberation.text import services
from tests.conftest import client_for, make_world
from tests.deliberation.conftest import make_drafting


def _sqlite_in_memory() -> bool:
    database = settings.DATABASES["default"]
    return database["ENGINE"].endswith("sqlite3") and database.get("TEST", {}).get("NAME") in (
        None,
        "",
        ":memory:",
    )


# Threads share an in-memory SQLite test database through SQLite's shared cache, whose table
# locks fail at once ("database table is locked") instead of queueing as a file database with
# BEGIN IMMEDIATE and a busy timeout does in production. The races are proven on PostgreSQL and
# on a file SQLite database (DATABASES TEST NAME); drop this marker once the test
# database is a file. Not strict: a race that happens not to overlap passes there too.
races = pytest.mark.xfail(
    _sqlite_in_memory(),
    reason="in-memory SQLite's shared cache refuses concurrent writers instead of queueing them",
    raises=AssertionError,
    strict=False,
)


def _race(*calls: Any) -> list[Any]:
    """Run each call in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = calls[index]()
        except Exception as exc:  # the outcome under test, not a failure of the harness
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing thread hung"
    return outcomes


@races
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_concurrent_accepts_of_two_amendments_cannot_both_win(attempt: int) -> None:
    world = make_world()
    drafting = make_drafting(world)
    clause = drafting.scope
    first, second = (
        services.amendment_propose(actor=author, clause=clause, text=text, rationale="r")
        for author, text in (
            (world.policymaker, "Applies to all labs."),
            (world.industry, "Applies to no one."),
        )
    )
    assert first.base_version_id == second.base_version_id
    organizer = world.organizer

    def accept(amendment: Amendment) -> Any:
        return lambda: services.amendment_accept(
            actor=organizer, amendment=Amendment.objects.get(pk=amendment.pk)
        )

    outcomes = _race(accept(first), accept(second))

    won = [o for o in outcomes if isinstance(o, Amendment)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict) and lost[0].status == 409, repr(lost[0])
    statuses = sorted(Amendment.objects.filter(clause=clause).values_list("status", flat=True))
    assert statuses == ["accepted", "open"]
    assert list(ClauseVersion.objects.filter(clause=clause).values_list("number", flat=True)) == [
        1,
        2,
    ]
    clause = Clause.objects.get(pk=clause.pk)
    winner = Amendment.objects.get(status="accepted")
    assert clause.current_version_id == winner.resulting_version_id
    assert clause.text == winner.text
    assert audit_verify(convening_chain(world.convening)) is None


@races
@pytest.mark.django_db(transaction=True)
def test_concurrent_edit_and_accept_make_one_version_each_and_stale_is_refused() -> None:
    world = make_world()
    drafting = make_drafting(world)
    clause = drafting.scope
    amendment = services.amendment_propose(
        actor=world.policymaker, clause=clause, text="Applies to all labs.", rationale="r"
    )

    def edit() -> Any:
        return services.clause_update(
            actor=world.organizer,
            clause=Clause.objects.get(pk=clause.pk),
            text="Edited.",
            rationale="r",
        )

    def accept() -> Any:
        return services.amendment_accept(
            actor=world.organizer, amendment=Amendment.objects.get(pk=amendment.pk)
        )

    outcomes = _race(edit, accept)
    numbers = list(ClauseVersion.objects.filter(clause=clause).values_list("number", flat=True))
    if isinstance(outcomes[1], Exception):
        # The edit went first: the amendment is now stale.
        assert isinstance(outcomes[1], Conflict), repr(outcomes[1])
        assert not isinstance(outcomes[0], Exception)
        assert numbers == [1, 2]
    else:
        # The accept went first; a direct edit is not stale-checked, it simply follows.
        assert not isinstance(outcomes[0], Exception), repr(outcomes[0])
        assert numbers == [1, 2, 3]
    current = Clause.objects.select_related("current_version").get(pk=clause.pk)
    assert current.current_version.number == numbers[-1]
    assert current.text == current.current_version.text


@races
@pytest.mark.django_db(transaction=True)
def test_concurrent_api_accepts_answer_200_and_409() -> None:
    world = make_world()
    drafting = make_drafting(world)
    ids = [
        services.amendment_propose(
            actor=world.policymaker, clause=drafting.trigger, text=text, rationale="r"
        ).pk
        for text in ("Trigger one.", "Trigger two.")
    ]

    def accept(pk: int) -> Any:
        return lambda: client_for(world.organizer).post(
            f"/api/v1/amendments/{pk}/accept/", {}, format="json"
        )

    responses = _race(accept(ids[0]), accept(ids[1]))
    assert not any(isinstance(r, Exception) for r in responses), responses
    assert sorted(r.status_code for r in responses) == [200, 409], responses
    refused = next(r for r in responses if r.status_code == 409).json()
    assert "rebase" in refused["detail"]
    assert ClauseVersion.objects.filter(clause=drafting.trigger).count() == 2


# --- immutability ----------------------------------------------------------------------------
@pytest.fixture
def version(drafting: Any) -> ClauseVersion:
    return ClauseVersion.objects.get(clause=drafting.scope, number=1)


def test_queryset_update_of_versions_raises(version: ClauseVersion) -> None:
    with pytest.raises(TypeError):
        ClauseVersion.objects.filter(pk=version.pk).update(text="Rewritten history.")
    with pytest.raises(TypeError):
        ClauseVersion.objects.all().update(rationale="x")
    assert ClauseVersion.objects.get(pk=version.pk).text == version.text


def test_saving_an_existing_version_raises(version: ClauseVersion) -> None:
    version.text = "Rewritten history."
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.save(update_fields=["text"])
    assert ClauseVersion.objects.get(pk=version.pk).text != "Rewritten history."


def test_deleting_versions_raises(version: ClauseVersion) -> None:
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        ClauseVersion.objects.filter(pk=version.pk).delete()
    assert ClauseVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE deliberation_clauseversion SET text = %s WHERE id = %s",
        "UPDATE deliberation_clauseversion SET rationale = %s WHERE id = %s",
    ],
)
def test_raw_sql_update_of_a_version_is_refused_by_the_database(
    version: ClauseVersion, sql: str
) -> None:
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, ["Rewritten history.", version.pk])
    assert ClauseVersion.objects.get(pk=version.pk).text == version.text
    assert ClauseVersion.objects.get(pk=version.pk).rationale == version.rationale


def test_raw_sql_update_of_hash_is_refused_by_the_database(version: ClauseVersion) -> None:
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE deliberation_clauseversion SET hash = %s", ["0" * 64])
    assert ClauseVersion.objects.get(pk=version.pk).hash == version.hash


def test_the_api_has_no_way_to_change_a_version(drafting: Any) -> None:
    organizer = client_for(drafting.world.organizer)
    url = f"/api/v1/clauses/{drafting.scope.pk}/versions/1/"
    before = organizer.get(url).json()
    for method in ("put", "patch", "delete", "post"):
        response = getattr(organizer, method)(url, {"text": "Rewritten history."}, format="json")
        assert response.status_code == 405, (method, response.status_code)
    assert organizer.get(url).json() == before
