"""The audit trail as stored: every service appends, the command verifies, tampering is caught."""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from convene import hashchain
from convene.audit import (
    GLOBAL_CHAIN,
    ChainKind,
    audit_append,
    audit_verify,
    chain_head,
    chain_key,
    convening_chain,
    convening_chain_key,
)
from convene.models import AuditChain, AuditEvent
from tests.conftest import World, make_world
from tests.convene.races import run_together, skip_on_in_memory_sqlite

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_PACKAGES = ["convene", "deliberation", "frontend"]
TABLE = AuditEvent._meta.db_table
IMMUTABLE = importlib.import_module("convene.migrations.0009_auditevent_immutable")


@contextmanager
def tampering() -> Iterator[None]:
    """Lift the database's immutability trigger, as a database owner with a grudge would, so
    that the tests below can show that the hash chain catches what gets past it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Ordinary triggers do not fire for a replication client (superusers only).
            cursor.execute("SET session_replication_role = replica")
            yield
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute(IMMUTABLE.SQLITE_BACKWARD)
            yield
            cursor.execute(IMMUTABLE.SQLITE_FORWARD)


def test_the_database_refuses_to_change_an_audit_event(world: World) -> None:
    victim = AuditEvent.objects.filter(convening=world.convening).order_by("seq")[1]
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {TABLE} SET verb = %s WHERE id = %s", ["x", victim.pk])
    assert AuditEvent.objects.get(pk=victim.pk).verb == victim.verb


def test_postgresql_refuses_to_delete_an_audit_event(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite empties tables with DELETE; the model guards it there")
    victim = AuditEvent.objects.filter(convening=world.convening).order_by("seq").last()
    assert victim is not None
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])
    assert AuditEvent.objects.filter(pk=victim.pk).exists()


def test_the_model_refuses_to_change_or_delete_an_audit_event(world: World) -> None:
    event = AuditEvent.objects.filter(convening=world.convening).first()
    assert event is not None
    event.verb = "x"
    for attempt in (
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="x"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(TypeError, match="immutable"):
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).verb != "x"


def test_services_append_consecutive_linked_events(world: World) -> None:
    events = list(AuditEvent.objects.filter(convening=world.convening).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.verb for e in events[:2]] == ["convening.created", "membership.created"]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert audit_verify(convening_chain(world.convening)) is None


def test_audit_verify_command_passes_on_untouched_data(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("audit_verify")
    call_command("audit_verify", convening=world.convening.slug)
    assert "All audit chains verify." in capsys.readouterr().out


def test_raw_sql_tampering_is_detected_and_named(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    victim = AuditEvent.objects.filter(convening=world.convening).order_by("seq")[2]
    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET verb = %s WHERE id = %s", ["membership.removed", victim.pk]
        )
    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit_verify", convening=world.convening.slug)
    assert f"event seq {victim.seq}" in capsys.readouterr().err


def test_deleting_the_last_event_is_detected(world: World) -> None:
    last = AuditEvent.objects.filter(convening=world.convening).order_by("-seq").first()
    assert last is not None
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    assert audit_verify(convening_chain(world.convening)) is not None


def test_unknown_convening_is_an_error(world: World) -> None:
    with pytest.raises(CommandError, match="No audit chain"):
        call_command("audit_verify", convening="no-such-thing")


# --- more than one chain per convening --------------------------------------------------------
ROUND_ID = 7


def _append(world: World, chain: str | None, n: int = 1) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_append(
                convening=world.convening,
                actor=world.policymaker,
                verb="ballot.cast",
                target=world.convening,
                payload={"n": i},
                chain=chain,
            )
            for i in range(n)
        ]


def test_convening_create_opens_its_chain_under_the_chain_key(world: World) -> None:
    chains = list(world.convening.audit_chains.values_list("key", flat=True))

    assert chains == [chain_key(ChainKind.CONVENING, world.convening.pk)]
    assert convening_chain_key(world.convening) == f"convening:{world.convening.pk}"
    assert convening_chain_key(None) == GLOBAL_CHAIN


def test_chain_key_refuses_an_unknown_kind() -> None:
    assert chain_key("round", ROUND_ID) == chain_key(ChainKind.ROUND, ROUND_ID) == "round:7"
    with pytest.raises(ValueError):
        chain_key("ballot", 1)


def test_a_second_chain_of_a_convening_keeps_its_own_sequence(world: World) -> None:
    round_chain = chain_key(ChainKind.ROUND, ROUND_ID)
    before = convening_chain(world.convening).last_seq

    events = _append(world, round_chain, n=3)

    assert [e.seq for e in events] == [1, 2, 3]
    assert {e.chain.key for e in events} == {round_chain}
    assert events[0].prev_hash == hashchain.GENESIS
    assert convening_chain(world.convening).last_seq == before
    assert world.convening.audit_chains.count() == 2
    assert audit_verify(AuditChain.objects.get(key=round_chain)) is None
    assert audit_verify(convening_chain(world.convening)) is None


def test_each_chain_of_a_convening_verifies_on_its_own(world: World) -> None:
    round_chain = chain_key(ChainKind.ROUND, ROUND_ID)
    victim = _append(world, round_chain, n=2)[0]
    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET verb = %s WHERE id = %s", ["x", victim.pk])

    broken = audit_verify(AuditChain.objects.get(key=round_chain))

    assert broken is not None and broken.seq == victim.seq
    assert audit_verify(convening_chain(world.convening)) is None


def test_the_audit_verify_command_covers_every_chain(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    round_chain = chain_key(ChainKind.ROUND, ROUND_ID)
    victim = _append(world, round_chain, n=2)[1]

    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"{world.convening.slug} {convening_chain_key(world.convening)}:" in out
    assert f"{world.convening.slug} {round_chain}: 2 events" in out
    assert f"ok      {GLOBAL_CHAIN}:" in out

    with tampering(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match="1 audit chain"):
        call_command("audit_verify", convening=world.convening.slug)
    assert f"BROKEN  {world.convening.slug} {round_chain}: event seq 2" in capsys.readouterr().err


def test_a_chain_head_is_recorded_once_in_the_convening_chain(world: World) -> None:
    round_chain = chain_key(ChainKind.ROUND, ROUND_ID)
    last = _append(world, round_chain, n=2)[-1]

    with transaction.atomic():
        sealed = audit_append(
            convening=world.convening,
            actor=world.organizer,
            verb="round.closed",
            target=world.convening,
            payload={"ballots": chain_head(round_chain)},
        )

    assert sealed.chain.key == convening_chain_key(world.convening)
    assert sealed.payload["ballots"] == {"chain": round_chain, "seq": 2, "hash": last.hash}
    assert audit_verify(convening_chain(world.convening)) is None


def test_appending_to_another_convenings_chain_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="another convening"), transaction.atomic():
        audit_append(
            convening=world.other_convening,
            actor=None,
            verb="test.appended",
            target=world.other_convening,
            chain=convening_chain_key(world.convening),
        )


def test_the_convening_audit_record_shows_only_its_own_chain(world: World) -> None:
    _append(world, chain_key(ChainKind.ROUND, ROUND_ID))

    response = APIClient().get(f"/api/v1/convenings/{world.convening.slug}/audit/?page_size=500")

    chains = {event["chain"] for event in response.json()["results"]}
    assert chains == {convening_chain_key(world.convening)}


@pytest.mark.django_db(transaction=True)
def test_first_appends_racing_to_open_a_chain_keep_it_whole() -> None:
    skip_on_in_memory_sqlite()
    world = make_world()
    round_chain = chain_key(ChainKind.ROUND, ROUND_ID)

    results = run_together(4, lambda _: _append(world, round_chain, n=3))

    assert not [r for r in results if isinstance(r, Exception)], results
    chain = AuditChain.objects.get(key=round_chain)
    assert chain.last_seq == 12
    assert audit_verify(chain) is None


def test_chain_keys_are_written_only_by_chain_key() -> None:
    # The key is part of what each event's hash covers: a second writer of the format would
    # fork it. Migrations are history and stay as they were written.
    written = re.compile(r"""f?["'](?:convening|round):""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in PRODUCTION_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if written.search(line)
    ]
    assert offenders == []
