"""Extractive summary of one clause's comment thread. Pure: no Django.

Reactions. A group's majority agrees with a comment when ``2 * agree > agree + disagree + pass``
over that group's reactions to it, and disagrees when ``2 * disagree > agree + disagree + pass``;
a tie is no majority. A group reacted when that total is > 0. Reactions and comments without a
group ("") count for no group.

- ``by_group``: per group that reacted or wrote: its agree/disagree/pass totals and the number
  of comments it wrote; groups in sorted order.
- ``common_ground``: comments at least 2 groups reacted to, every one of them with a majority
  agreeing; most agrees (all groups) first, then lower id; at most ``max_listed``.
- ``divides``: comments where one reacting group's majority agrees and another's disagrees; most
  reactions first, then lower id; at most ``max_listed``. No comment is in both: common ground
  needs every reacting majority to agree.

Key points. Comment texts become TF-IDF rows (English stop words dropped, sublinear tf, unigrams
and bigrams, min_df=1, L2-normalised). The n comments with at least one content word are
clustered by k-means (random_state=0) into
k = min(max_points, distinct rows, max(1, round(sqrt(n / 2)))) clusters. A cluster's
representative is its member most similar (cosine) to the cluster centroid, the lower id on a
tie; a point quotes it and lists it first, then the other members by ascending id. Points are
ordered by cluster size descending, then representative id. Comments without a content word are
in no point, unless no comment has one: then every non-blank comment is its own point, longest
first, then lower id, up to ``max_points``. Excerpts are at most 240 characters, whitespace
collapsed, cut at a word boundary with "…".

The result depends only on the comments, not their order: they are sorted by id first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EXCERPT_CHARS = 240
VOTES = ("agree", "disagree", "pass")
# More than one k-means start: a single unlucky seeding can merge two topics.
KMEANS_STARTS = 4


@dataclass(frozen=True)
class ThreadComment:
    id: int
    text: str  # plain text of the comment body (Markdown source is fine)
    group: str  # author's stakeholder group, "" if none / hidden
    # {group: {"agree": n, "disagree": n, "pass": n}}; a group missing has not reacted.
    reactions: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Point:
    text: str  # excerpt of the representative comment
    comments: tuple[int, ...]  # representative first, then the rest by ascending id


@dataclass(frozen=True)
class ThreadSummary:
    comment_count: int
    key_points: tuple[Point, ...]
    by_group: dict[str, dict[str, int]]
    common_ground: tuple[Point, ...]  # one comment id each
    divides: tuple[Point, ...]  # one comment id each


def summarize(
    comments: Sequence[ThreadComment], *, max_points: int = 5, max_listed: int = 5
) -> ThreadSummary:
    thread = sorted(comments, key=lambda c: c.id)
    listed = max(0, max_listed)
    agreed = sorted(filter(_is_common_ground, thread), key=lambda c: (-_total(c, 0), c.id))
    split = sorted(filter(_divides, thread), key=lambda c: (-_total(c), c.id))
    return ThreadSummary(
        comment_count=len(thread),
        key_points=_key_points(thread, max_points),
        by_group=_by_group(thread),
        common_ground=tuple(_alone(c) for c in agreed[:listed]),
        divides=tuple(_alone(c) for c in split[:listed]),
    )


def as_dict(summary: ThreadSummary) -> dict[str, Any]:
    """The summary as JSON-ready builtins (lists for tuples)."""
    return {
        "comment_count": summary.comment_count,
        "key_points": _points_json(summary.key_points),
        "by_group": {group: dict(row) for group, row in summary.by_group.items()},
        "common_ground": _points_json(summary.common_ground),
        "divides": _points_json(summary.divides),
    }


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]  # leaves room for the "…"
    if not flat[limit - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]  # the cut fell inside a word: drop the partial word
    return head.rstrip() + "…"


def _points_json(points: tuple[Point, ...]) -> list[dict[str, Any]]:
    return [{"text": p.text, "comments": list(p.comments)} for p in points]


def _alone(comment: ThreadComment) -> Point:
    return Point(text=excerpt(comment.text), comments=(comment.id,))


def _tallies(comment: ThreadComment) -> dict[str, tuple[int, int, int]]:
    """(agree, disagree, pass) of each group that reacted to ``comment``."""
    tallies = {}
    for group, votes in comment.reactions.items():
        agree, disagree, passed = (int(votes.get(vote, 0)) for vote in VOTES)
        if group and agree + disagree + passed > 0:
            tallies[group] = (agree, disagree, passed)
    return tallies


def _total(comment: ThreadComment, vote: int | None = None) -> int:
    """All reactions to ``comment``, or only those of one kind (an index into VOTES)."""
    return sum(sum(t) if vote is None else t[vote] for t in _tallies(comment).values())


def _is_common_ground(comment: ThreadComment) -> bool:
    tallies = _tallies(comment).values()
    return len(tallies) >= 2 and all(2 * t[0] > sum(t) for t in tallies)


def _divides(comment: ThreadComment) -> bool:
    tallies = _tallies(comment).values()
    return any(2 * t[0] > sum(t) for t in tallies) and any(2 * t[1] > sum(t) for t in tallies)


def _by_group(thread: list[ThreadComment]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}

    def row(group: str) -> dict[str, int]:
        return rows.setdefault(group, {"agree": 0, "disagree": 0, "pass": 0, "comments": 0})

    for comment in thread:
        if comment.group:
            row(comment.group)["comments"] += 1
        for group, tally in _tallies(comment).items():
            for vote, count in zip(VOTES, tally, strict=True):
                row(group)[vote] += count
    return {group: rows[group] for group in sorted(rows)}


def _key_points(thread: list[ThreadComment], max_points: int) -> tuple[Point, ...]:
    if max_points < 1 or not thread:
        return ()
    # Imported here: scikit-learn is slow to import and only the summarizing task needs it, not
    # every web process that imports these dataclasses.
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1
    )
    try:
        matrix = vectorizer.fit_transform([c.text for c in thread])
    except ValueError:  # "empty vocabulary": every text is blank or stop words only
        return _longest_first(thread, max_points)
    worded = np.flatnonzero(np.diff(matrix.indptr))
    rows = matrix[worded]
    members = [thread[i] for i in worded]
    k = min(max_points, _distinct_rows(rows), max(1, round(math.sqrt(len(members) / 2))))
    labels = _cluster(rows, k)
    points = [_point(members, rows, np.flatnonzero(labels == label)) for label in np.unique(labels)]
    return tuple(sorted(points, key=lambda p: (-len(p.comments), p.comments[0])))


def _distinct_rows(rows: Any) -> int:
    """Distinct TF-IDF rows: asking k-means for more clusters than that leaves some empty."""
    rows.sort_indices()
    bounds = zip(rows.indptr[:-1], rows.indptr[1:], strict=True)
    return len({(rows.indices[a:b].tobytes(), rows.data[a:b].tobytes()) for a, b in bounds})


def _cluster(rows: Any, k: int) -> np.ndarray:
    if k == 1:
        return np.zeros(rows.shape[0], dtype=np.intp)
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, random_state=0, n_init=KMEANS_STARTS).fit_predict(rows)


def _point(members: list[ThreadComment], rows: Any, indices: np.ndarray) -> Point:
    """The point of one cluster; ``indices`` ascend, so its members' ids do too."""
    cluster = rows[indices]
    centroid = np.asarray(cluster.mean(axis=0)).ravel()
    # Rows have unit length, so cosine similarity to the centroid ranks as the dot product does:
    # one sparse matrix-vector product, never a comment-by-comment matrix.
    best = int(np.argmax(cluster @ centroid))  # the first maximum: the lower id on a tie
    ids = [members[i].id for i in indices]
    return Point(
        text=excerpt(members[indices[best]].text),
        comments=(ids[best], *ids[:best], *ids[best + 1 :]),
    )


def _longest_first(thread: list[ThreadComment], max_points: int) -> tuple[Point, ...]:
    said = sorted((c for c in thread if c.text.strip()), key=lambda c: (-len(c.text.strip()), c.id))
    return tuple(_alone(c) for c in said[:max_points])
