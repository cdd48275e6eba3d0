"""Hash chains for the audit trail: pure functions, no Django.

Each link's hash is SHA-256 over the previous hash and the canonical JSON of the link's
content, so changing, removing or reordering any past link changes every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(content: Mapping[str, Any]) -> bytes:
    """Serialize with sorted keys and no insignificant whitespace; the same content gives the
    same bytes on every machine."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def link_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    content: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(links: Iterable[Link]) -> Break | None:
    """Return the first broken link of a chain given in ``seq`` order, or None if it holds."""
    expected_prev = GENESIS
    expected_seq = 1
    for link in links:
        if link.seq != expected_seq:
            return Break(link.seq, f"expected seq {expected_seq}, found {link.seq}")
        if link.prev_hash != expected_prev:
            return Break(link.seq, "prev_hash does not match the previous event's hash")
        if link_hash(link.prev_hash, link.content) != link.hash:
            return Break(link.seq, "hash does not match the event's content")
        expected_prev = link.hash
        expected_seq += 1
    return None
