"""Appending to and verifying the per-convening audit hash chains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from convene import hashchain
from convene.models import AuditChain, AuditEvent, Convening, User

GLOBAL_CHAIN = "global"


def _chain_key(convening: Convening | None) -> str:
    return f"convening:{convening.pk}" if convening else GLOBAL_CHAIN


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


def audit_append(
    *,
    convening: Convening | None,
    actor: User | None,
    verb: str,
    target: models.Model,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the convening's chain (or the global one).

    Must run inside the transaction of the change it records: the event commits or rolls back
    with it. The chain head is locked so that concurrent appends are serialized.
    """
    assert transaction.get_connection().in_atomic_block, "audit_append needs a transaction"
    key = _chain_key(convening)
    # Lock the head: two appends reading the same last_seq would fork the chain.
    chain = AuditChain.objects.select_for_update().filter(key=key).first()
    if chain is None:
        # convening_create and migration 0002 open the chains; this covers rows made otherwise.
        AuditChain.objects.get_or_create(
            key=key, defaults={"convening": convening, "head_hash": hashchain.GENESIS}
        )
        chain = AuditChain.objects.select_for_update().get(key=key)
    event = AuditEvent(
        chain=chain,
        seq=chain.last_seq + 1,
        convening=convening,
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        payload=payload or {},
        created_at=timezone.now(),
        prev_hash=chain.head_hash,
    )
    event.hash = hashchain.link_hash(event.prev_hash, event_content(event))
    event.save(force_insert=True)
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=event.seq, head_hash=event.hash)
    return event


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
