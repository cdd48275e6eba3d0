"""Rendered HTML that depends only on its inputs, kept in Django's cache.

A clause's Markdown and an amendment's diff are rendered on every page view although they
change only with the text (or the numbering it shows, or the code that renders it). The key is
a digest of everything the output depends on plus ``CONVENE_RELEASE``, so an edit or a deploy
makes a new key and nothing needs deleting. Any cache error renders afresh: a lost cache costs
time, never a request.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from convene.text import render_markdown

logger = logging.getLogger("convene.cache")
T = TypeVar("T")

# A week: entries are immutable, the bound only returns memory from texts no longer shown.
TIMEOUT = 7 * 24 * 3600


def _key(kind: str, inputs: Any) -> str:
    release = getattr(settings, "CONVENE_RELEASE", "")
    payload = json.dumps([release, inputs], sort_keys=True, separators=(",", ":"))
    return f"html:{kind}:" + hashlib.blake2s(payload.encode()).hexdigest()


def cached_html(kind: str, inputs: Any, render: Callable[[], T]) -> T:
    """``render()``, or its earlier result for the same ``kind`` and JSON-able ``inputs``."""
    key = _key(kind, inputs)
    try:
        hit = cache.get(key)
    except Exception as error:  # any cache failure falls back to rendering
        logger.warning("html cache read failed (%s); rendering", error)
        return render()
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    html = render()
    try:
        cache.set(key, html, TIMEOUT)
    except Exception as error:  # as above
        logger.warning("html cache write failed (%s)", error)
    return html


def markdown_html(source: str, crossrefs: Mapping[int, str] | None = None) -> str:
    """``render_markdown(source, crossrefs)``, cached."""
    refs = sorted((crossrefs or {}).items())
    return cached_html("md", [source or "", refs], lambda: render_markdown(source, crossrefs))


def paragraphs_html(parts: list[str], crossrefs: Mapping[int, str] | None = None) -> list[str]:
    """Each paragraph rendered, cached as one entry: one cache read per clause text."""
    refs = sorted((crossrefs or {}).items())
    return cached_html(
        "paragraphs", [parts, refs], lambda: [render_markdown(p, crossrefs) for p in parts]
    )
