"""Appending to and verifying the audit hash chains.

A convening owns several chains: its own, which records every change to it, and others such as
a voting round's ballot chain, whose head is recorded once in the convening chain when the
round closes. The global chain records what belongs to no convening (accounts, organizations).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from convene import hashchain
from convene.models import AuditChain, AuditEvent, Convening, User

GLOBAL_CHAIN = "global"


class ChainKind(StrEnum):
    """What a chain belongs to; the first part of its key."""

    CONVENING = "convening"
    # One per voting round: its ballots, so they don't queue on the convening chain's lock.
    ROUND = "round"


def chain_key(kind: ChainKind | str, pk: int) -> str:
    """The key of the chain of ``kind`` number ``pk``, e.g. ``convening:12`` or ``round:7``.

    The only place the format is written: readers re-hash events with it (it is part of what
    each hash covers), so it must never vary between writers.
    """
    return f"{ChainKind(kind).value}:{int(pk)}"


def convening_chain_key(convening: Convening | None) -> str:
    """The chain of a convening's own events, or the global chain for ``None``."""
    return GLOBAL_CHAIN if convening is None else chain_key(ChainKind.CONVENING, convening.pk)


def convening_chain(convening: Convening) -> AuditChain:
    """The head row of a convening's own chain (not of its other chains)."""
    return AuditChain.objects.get(key=convening_chain_key(convening))


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, exactly as the API shows it, so readers can re-hash."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers. Everything a reader relies on is in here."""
    return {
        "chain": event.chain.key,
        "seq": event.seq,
        "verb": event.verb,
        "actor": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "payload": event.payload,
        "created_at": timestamp(event.created_at),
    }


def chain_open(*, key: str, convening: Convening | None) -> AuditChain:
    """Create an empty chain. Callers that create what the chain records (a convening, a
    round) open it in the same transaction, which spares the first append a lookup."""
    return AuditChain.objects.create(key=key, convening=convening, head_hash=hashchain.GENESIS)


def _locked_head(key: str, convening: Convening | None) -> AuditChain:
    """The chain's head row, locked until the caller's transaction ends; created if missing."""
    # Lock the head: two appends reading the same last_seq would fork the chain.
    chain = AuditChain.objects.select_for_update().filter(key=key).first()
    if chain is None:
        # Covers chains nobody opened. Two first appends may race here: the unique key makes
        # the loser's insert fail, and get_or_create then reads the winner's row.
        AuditChain.objects.get_or_create(
            key=key, defaults={"convening": convening, "head_hash": hashchain.GENESIS}
        )
        chain = AuditChain.objects.select_for_update().get(key=key)
    if chain.convening_id != (convening.pk if convening else None):
        raise ValueError(f"Audit chain {key!r} belongs to another convening.")
    return chain


def audit_append(
    *,
    convening: Convening | None,
    actor: User | None,
    verb: str,
    target: models.Model,
    payload: dict[str, Any] | None = None,
    chain: str | None = None,
) -> AuditEvent:
    """Append one event to ``chain`` (a ``chain_key``), by default the convening's own chain
    (or the global one). A chain other than the convening's must belong to the convening.

    Must run inside the transaction of the change it records: the event commits or rolls back
    with it. The chain head is locked so that concurrent appends are serialized.
    """
    assert transaction.get_connection().in_atomic_block, "audit_append needs a transaction"
    head = _locked_head(chain or convening_chain_key(convening), convening)
    event = AuditEvent(
        chain=head,
        seq=head.last_seq + 1,
        convening=convening,
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        payload=payload or {},
        created_at=timezone.now(),
        prev_hash=head.head_hash,
    )
    event.hash = hashchain.link_hash(event.prev_hash, event_content(event))
    event.save(force_insert=True)
    AuditChain.objects.filter(pk=head.pk).update(last_seq=event.seq, head_hash=event.hash)
    return event


def chain_head(key: str) -> dict[str, Any]:
    """A chain's current head, as the payload that records it in another chain (a round's
    ballot chain in its convening's chain at close).

    Locks the head until the caller's transaction ends, so no append can slip in between
    reading the head and recording it.
    """
    assert transaction.get_connection().in_atomic_block, "chain_head needs a transaction"
    head = AuditChain.objects.select_for_update().get(key=key)
    return {"chain": head.key, "seq": head.last_seq, "hash": head.head_hash}


def _links(chain: AuditChain) -> Iterator[hashchain.Link]:
    events = AuditEvent.objects.filter(chain=chain).select_related("chain").order_by("seq")
    for event in events.iterator(chunk_size=2000):
        yield hashchain.Link(event.seq, event_content(event), event.prev_hash, event.hash)


def audit_verify(chain: AuditChain) -> hashchain.Break | None:
    """Recompute a chain from its stored events; the first break, or None if it holds.

    A chain whose stored head disagrees with its last event (events deleted at the end) is
    reported as broken too.
    """
    chain = AuditChain.objects.get(pk=chain.pk)  # the caller's copy may predate later appends
    links = list(_links(chain))
    broken = hashchain.verify(links)
    if broken:
        return broken
    last = links[-1] if links else None
    if (last.seq if last else 0) != chain.last_seq or (
        last.hash if last else hashchain.GENESIS
    ) != chain.head_hash:
        return hashchain.Break(chain.last_seq, "the chain head does not match its last event")
    return None
