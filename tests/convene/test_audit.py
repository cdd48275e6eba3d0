"""The audit trail as stored: every service appends, the command verifies, tampering is caught."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from convene.audit import audit_verify
from convene.models import AuditChain, AuditEvent
from tests.conftest import World


def test_services_append_consecutive_linked_events(world: World) -> None:
    events = list(AuditEvent.objects.filter(convening=world.convening).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.verb for e in events[:2]] == ["convening.created", "membership.created"]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert audit_verify(world.convening.audit_chain) is None


def test_audit_verify_command_passes_on_untouched_data(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("audit_verify")
    call_command("audit_verify", convening=world.convening.slug)
    assert "All audit chains verify." in capsys.readouterr().out


def test_raw_sql_tampering_is_detected_and_named(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    victim = AuditEvent.objects.filter(convening=world.convening).order_by("seq")[2]
    with connection.cursor() as cursor:
        table = AuditEvent._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET verb = %s WHERE id = %s", ["membership.removed", victim.pk]
        )
    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit_verify", convening=world.convening.slug)
    assert f"event seq {victim.seq}" in capsys.readouterr().err


def test_deleting_the_last_event_is_detected(world: World) -> None:
    last = AuditEvent.objects.filter(convening=world.convening).order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [last.pk])
    chain = AuditChain.objects.get(convening=world.convening)
    assert audit_verify(chain) is not None


def test_unknown_convening_is_an_error(world: World) -> None:
    with pytest.raises(CommandError, match="No audit chain"):
        call_command("audit_verify", convening="no-such-thing")
