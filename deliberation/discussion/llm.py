"""Optional LLM key points for thread summaries, from an OpenAI-compatible chat endpoint.

The extractive summary stays the default and the fallback: this is used only when
``SUMMARY_BACKEND = "llm"``, and whatever goes wrong (no answer, a timeout, an answer that is
not the JSON asked for, no claim with a valid citation) gives None, so the caller keeps the
extractive points. Every claim must cite the ids of the comments it rests on; a claim citing
no comment of the thread is dropped, and unknown ids are removed from the ones that remain.

Only comment texts and ids are sent, never authors. Pure apart from the one HTTP call (stdlib
``urllib``), so it is tested against a local fake server.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deliberation.discussion.summarize import Point, ThreadComment, excerpt

logger = logging.getLogger(__name__)

# Comments sent (the most reacted to, then the newest): a prompt must stay bounded.
MAX_COMMENTS = 120
MAX_CHARS_EACH = 600
MAX_POINTS = 5
INSTRUCTIONS = (
    "You summarize a public consultation thread on one clause of a draft international "
    "framework. Give at most {n} key points, each one sentence in plain language, neutral, "
    "naming no person. Every point must cite the ids of the comments it rests on. Answer only "
    'JSON: {{"key_points": [{{"text": "...", "comments": [12, 40]}}]}}.'
)


@dataclass(frozen=True)
class Endpoint:
    url: str  # the API base, e.g. http://127.0.0.1:8080/v1
    model: str
    key: str = ""
    timeout: float = 30.0


def _chosen(thread: Sequence[ThreadComment]) -> list[ThreadComment]:
    def weight(c: ThreadComment) -> tuple[int, int]:
        reactions = sum(sum(v.values()) for v in c.reactions.values())
        return (-reactions, -c.id)

    return sorted((c for c in thread if c.text.strip()), key=weight)[:MAX_COMMENTS]


def _prompt(thread: Sequence[ThreadComment]) -> str:
    lines = [f"[#{c.id}] {' '.join(c.text.split())[:MAX_CHARS_EACH]}" for c in thread]
    return "Comments:\n" + "\n".join(lines)


def _ask(endpoint: Endpoint, thread: Sequence[ThreadComment]) -> Any:
    body = {
        "model": endpoint.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": INSTRUCTIONS.format(n=MAX_POINTS)},
            {"role": "user", "content": _prompt(thread)},
        ],
    }
    headers = {"Content-Type": "application/json"}
    if endpoint.key:
        headers["Authorization"] = f"Bearer {endpoint.key}"
    request = urllib.request.Request(  # noqa: S310 - the operator's configured http(s) URL
        f"{endpoint.url.rstrip('/')}/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:  # noqa: S310
        answer = json.loads(response.read(2_000_000))
    content = answer["choices"][0]["message"]["content"]
    start, end = content.find("{"), content.rfind("}")
    return json.loads(content[start : end + 1])


def cited_points(data: Any, known: set[int]) -> tuple[Point, ...]:
    """The claims of the model's answer that cite at least one known comment, with only the
    known ids, in the order given; at most MAX_POINTS."""
    points = []
    raw = data.get("key_points") if isinstance(data, dict) else None
    for claim in raw if isinstance(raw, list) else []:
        if not isinstance(claim, dict) or not isinstance(claim.get("text"), str):
            continue
        ids = claim.get("comments")
        ids = ids if isinstance(ids, list) else []
        cited = [i for i in ids if isinstance(i, int) and not isinstance(i, bool) and i in known]
        text = excerpt(claim["text"])
        if cited and text:
            points.append(Point(text=text, comments=tuple(dict.fromkeys(cited))))
    return tuple(points[:MAX_POINTS])


def llm_key_points(thread: Sequence[ThreadComment], endpoint: Endpoint) -> tuple[Point, ...] | None:
    """Key points by the model, or None to fall back to the extractive ones."""
    chosen = _chosen(thread)
    if not chosen:
        return None
    try:
        data = _ask(endpoint, chosen)
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.warning("summaries: the LLM endpoint gave no usable answer: %s", exc)
        return None
    points = cited_points(data, {c.id for c in chosen})
    return points or None
