"""The framework as published: one JSON document (``framework-v1``) with its clauses, specs,
versions and the record of how each was decided. Editions freeze it; the reader, the API and
the other exports all read it.

A fixed number of queries whatever the size of the framework: clauses, versions, closed
rounds' motions, the alternatives voted on, comment counts and the participating delegations,
each read once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from convene.audit import timestamp
from convene.hashchain import canonical_json
from convene.models import Membership, Role
from deliberation.models import (
    Alternative,
    Clause,
    ClauseVersion,
    Comment,
    Framework,
    Motion,
    VotingRound,
)
from deliberation.text import crossrefs

FORMAT = "convene-framework-v1"
SCHEMA_PATH = "/schemas/framework-v1.json"
AWAITING = "awaiting_response"
DISPOSITIONS = ("accepted", "partly_accepted", "not_accepted", "noted", AWAITING)


def content_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON, without its own ``content_hash``."""
    body = {key: value for key, value in document.items() if key != "content_hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def build(framework: Framework, *, edition: int, published_at: Any) -> dict[str, Any]:
    """The document for ``edition`` of ``framework`` as it stands now."""
    clauses = list(
        Clause.objects.filter(framework=framework)
        .select_related("current_version")
        .order_by("position")
    )
    # Clause references show the numbers of this edition (deliberation.text.crossrefs).
    refs = crossrefs.Refs({c.position: c.pk for c in clauses})
    versions = _versions(framework, refs)
    decisions = _decisions(framework, refs)
    comments = _comments(framework)
    adopted = next(
        (d for d in decisions[None] if d["kind"] == Motion.Kind.ADOPT_FRAMEWORK and d["adopted"]),
        None,
    )
    document = {
        "$schema": SCHEMA_PATH,
        "format": FORMAT,
        "framework": {
            "slug": framework.slug,
            "title": framework.title,
            "preamble": refs.display(framework.preamble),
            "convening": {
                "slug": framework.convening.slug,
                "title": framework.convening.title,
            },
        },
        "edition": {
            "number": edition,
            "published_at": timestamp(published_at),
            "adopted_in": adopted["round"] if adopted else None,
        },
        "participants": _participants(framework),
        "clauses": [_clause(c, versions, decisions, comments, refs) for c in clauses],
        "decisions": [_public(d) for d in decisions[None]],
    }
    document["content_hash"] = content_hash(document)
    return document


def _clause(
    clause: Clause,
    versions: dict[int, list[dict[str, Any]]],
    decisions: dict[int | None, list[dict[str, Any]]],
    comments: dict[int, dict[str, int]],
    refs: crossrefs.Refs,
) -> dict[str, Any]:
    current = clause.current_version
    counts = comments.get(clause.pk, {})
    return {
        "id": clause.pk,
        "number": clause.position,
        "kind": clause.kind,
        "title": clause.title,
        "text": refs.display(clause.text),
        "spec": clause.spec,
        "status": clause.status,
        "version": current.number if current else None,
        "versions": versions.get(clause.pk, []),
        "decisions": [_public(d) for d in decisions.get(clause.pk, [])],
        "comments": {
            "total": counts.get("total", 0),
            "dispositions": {outcome: counts.get(outcome, 0) for outcome in DISPOSITIONS},
        },
    }


def _versions(framework: Framework, refs: crossrefs.Refs) -> dict[int, list[dict[str, Any]]]:
    rows = ClauseVersion.objects.filter(clause__framework=framework).order_by("clause_id", "number")
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for version in rows.only(
        "clause_id", "number", "hash", "created_at", "rationale", "text", "spec"
    ):
        out[version.clause_id].append(
            {
                "number": version.number,
                "hash": version.hash,
                "created_at": timestamp(version.created_at),
                "rationale": version.rationale,
                # The history a reader diffs; never who wrote it (attribution is a promise).
                "text": refs.display(version.text),
                "spec": version.spec,
            }
        )
    return out


def _decisions(
    framework: Framework, refs: crossrefs.Refs
) -> dict[int | None, list[dict[str, Any]]]:
    """clause id (None for the framework) → how each closed round decided on it, in order."""
    motions = list(
        Motion.objects.filter(round__framework=framework, round__status=VotingRound.Status.CLOSED)
        .select_related("round", "version")
        .order_by("round__closed_at", "round_id", "position")
    )
    texts = dict(
        Alternative.objects.filter(
            pk__in=[o["id"] for m in motions for o in m.options]
        ).values_list("pk", "text")
    )
    texts = {pk: refs.display(text) for pk, text in texts.items()}
    out: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for motion in motions:
        out[motion.clause_id if motion.kind != Motion.Kind.ADOPT_FRAMEWORK else None].append(
            _decision(motion, texts)
        )
    return out


def _decision(motion: Motion, texts: dict[int, str]) -> dict[str, Any]:
    result = motion.result or {}
    round_ = motion.round
    return {
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "ballot_mode": round_.ballot_mode,
            "closed_at": timestamp(round_.closed_at) if round_.closed_at else None,
            "head": round_.head,
        },
        "motion": motion.pk,
        "kind": motion.kind,
        "amendment": motion.amendment_id,
        # adopt_clause: the version put to the vote.
        "version": motion.version.number if motion.version else None,
        "rule": motion.rule,
        "method": motion.method or None,
        "outcome": motion.outcome,
        "adopted": motion.outcome == Motion.Outcome.ADOPTED,
        "narrative": motion.narrative,
        "effect": motion.effect,
        "totals": result.get("totals", {}),
        "by_group": result.get("by_group", {}),
        # Who objected is for the round's own record, under its attribution; the reasons are
        # public.
        "objections": [
            {"group": o["group"], "reason": o["reason"]} for o in result.get("objections", [])
        ],
        "alternatives": [
            {
                "id": option["id"],
                "label": option["label"],
                "text": texts.get(option["id"], ""),
                "chosen": option["id"] == motion.winner_id,
            }
            for option in motion.options
        ],
        "tie_broken": motion.tie_broken,
    }


def _public(decision: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in decision.items() if key != "adopted"}


def _comments(framework: Framework) -> dict[int, dict[str, int]]:
    """clause id → its comments (not deleted) and its top-level comments by disposition."""
    rows = (
        Comment.objects.filter(clause__framework=framework)
        .exclude(status=Comment.Status.DELETED)
        .values("clause_id", "disposition__outcome")
        .annotate(n=Count("id"), top=Count("id", filter=Q(parent=None)))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts = out[row["clause_id"]]
        counts["total"] += row["n"]
        counts[row["disposition__outcome"] or AWAITING] += row["top"]
    return out


def _participants(framework: Framework) -> list[dict[str, Any]]:
    """The delegations that took part, by stakeholder group and country."""
    rows = (
        Membership.objects.filter(
            convening=framework.convening, role=Role.PARTICIPANT, organization__isnull=False
        )
        .values("stakeholder_group", "organization__name", "organization__country")
        .distinct()
        .order_by("stakeholder_group", "organization__country", "organization__name")
    )
    return [
        {
            "group": row["stakeholder_group"],
            "organization": row["organization__name"],
            "country": str(row["organization__country"] or ""),
        }
        for row in rows
    ]
