"""What a ballot's receipt and a round's record commit to. Pure: no Django.

docs/verification.md describes these byte for byte, so that anyone can check a record with a
verifier of their own:

- a ballot's **leaf** is SHA-256 over its nonce (64 hex digits), a line feed, and the canonical
  JSON of ``{"round": <id>, "voter": <user id, or null in a secret round>, "choices": [...]}``;
- its **entry** is the round chain's link for it (``convene.hashchain.link_hash`` over the
  previous entry and the audit event that carries the leaf);
- the **counted root** is SHA-256 over the counted ballots' leaves, sorted, one per line
  (joined with line feeds, no trailing one); it lets a secret round's record, which shows no
  order, still be checked against the value frozen in the convening's chain at close.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from convene.hashchain import canonical_json

LEAF_VERB = "ballot.cast"


def canonical_choices(choices: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Choices sorted by motion id, each with only the keys it uses."""
    keys = ("motion", "position", "reason", "ranking", "approvals")
    out = [{k: choice[k] for k in keys if k in choice} for choice in choices]
    return sorted(out, key=lambda choice: int(choice["motion"]))


def leaf_content(
    *, round_id: int, voter: int | None, choices: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    return {"round": round_id, "voter": voter, "choices": canonical_choices(choices)}


def leaf_hash(
    *, round_id: int, voter: int | None, choices: Sequence[Mapping[str, Any]], nonce: str
) -> str:
    digest = hashlib.sha256()
    digest.update(nonce.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(leaf_content(round_id=round_id, voter=voter, choices=choices)))
    return digest.hexdigest()


def counted_root(leaves: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(leaves)).encode("ascii")).hexdigest()


def entry_content(
    *, chain: str, round_id: int, seq: int, leaf: str, cast_at: str
) -> dict[str, Any]:
    """The audit event a ballot is in the round chain: what its entry hash covers
    (``convene.audit.event_content`` of that event)."""
    return {
        "chain": chain,
        "seq": seq,
        "verb": LEAF_VERB,
        "actor": None,
        "target_type": "deliberation.votinground",
        "target_id": str(round_id),
        "payload": {"leaf": leaf},
        "created_at": cast_at,
    }
