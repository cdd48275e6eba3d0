"""Choosing among alternatives (issue 10): Schulze (ranked ballots) and approval. Pure: no
Django, integers only.

Ballots come as ``(ballot, weight)`` pairs because counting reads grouped aggregates: identical
ballots counted once, with their number. A tie among winners goes to the lowest label in plain
string order, and the result says so, so it is reproducible from the ballots alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Choice:
    """The chosen alternative; ``winners`` is the tied set before tie-breaking, sorted.

    Ties are broken by the lowest label in plain string order (``"A" < "B"``), so the result is
    reproducible from the ballots alone.
    """

    winner: str | None
    winners: tuple[str, ...]
    tie_broken: bool
    scores: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "winner": self.winner,
            "winners": list(self.winners),
            "tie_broken": self.tie_broken,
            "scores": self.scores,
        }


def _check_candidates(candidates: Sequence[str]) -> list[str]:
    names = list(candidates)
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"candidates: expected labels (strings), got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"candidates: duplicate label in {names}")
    return names


def _check_ballot(ballot: Iterable[str], weight: int, known: set[str]) -> list[str]:
    if not _is_int(weight) or weight < 0:
        raise ValueError(f"weight: expected a whole number >= 0, got {weight!r}")
    if isinstance(ballot, str):
        # "AB" would otherwise be read as the ranking A, B.
        raise ValueError(f"ballot: expected a sequence of labels, got the string {ballot!r}")
    labels = list(ballot)
    for label in labels:
        if label not in known:
            raise ValueError(f"ballot: {label!r} is not one of the candidates")
    if len(set(labels)) != len(labels):
        raise ValueError(f"ballot: a candidate appears twice in {labels}")
    return labels


def _choose(best: Iterable[str], scores: dict[str, Any]) -> Choice:
    winners = tuple(sorted(best))
    return Choice(
        winner=winners[0] if winners else None,
        winners=winners,
        tie_broken=len(winners) > 1,
        scores=scores,
    )


def schulze(candidates: Sequence[str], profiles: Iterable[tuple[Sequence[str], int]]) -> Choice:
    """Choose by the Schulze method (winning votes) from weighted, possibly partial rankings.

    A ranked candidate is preferred to every unranked one; two unranked ones are not compared.
    ``d[a][b]`` counts ballots preferring a to b; the strongest path ``p`` starts from the
    defeats (``d[a][b]`` where it beats ``d[b][a]``, else 0) and is widened through every
    intermediate candidate. The winners are the x with ``p[x][y] >= p[y][x]`` for every y.
    With no ballots at all every candidate is a winner and the lowest label takes it.
    """
    names = _check_candidates(candidates)
    known = set(names)
    d = {a: dict.fromkeys(names, 0) for a in names}
    for ballot, weight in profiles:
        ranking = _check_ballot(ballot, weight, known)
        ranked = set(ranking)
        unranked = [c for c in names if c not in ranked]
        for i, upper in enumerate(ranking):
            row = d[upper]
            for lower in ranking[i + 1 :]:
                row[lower] += weight
            for lower in unranked:
                row[lower] += weight
    p = {a: {b: d[a][b] if d[a][b] > d[b][a] else 0 for b in names} for a in names}
    for via in names:
        for a in names:
            if a == via:
                continue
            for b in names:
                if b not in (a, via):
                    p[a][b] = max(p[a][b], min(p[a][via], p[via][b]))
    best = [x for x in names if all(p[x][y] >= p[y][x] for y in names if y != x)]
    scores = {
        "pairwise": {a: {b: d[a][b] for b in names if b != a} for a in names},
        "strongest": {a: {b: p[a][b] for b in names if b != a} for a in names},
    }
    return _choose(best, scores)


def approval(candidates: Sequence[str], profiles: Iterable[tuple[Iterable[str], int]]) -> Choice:
    """Choose the alternative approved on the most ballots; no ballots: the lowest label."""
    names = _check_candidates(candidates)
    known = set(names)
    approvals = dict.fromkeys(names, 0)
    for ballot, weight in profiles:
        for label in _check_ballot(ballot, weight, known):
            approvals[label] += weight
    top = max(approvals.values(), default=0)
    best = [name for name in names if approvals[name] == top]
    return _choose(best, {"approvals": approvals})
