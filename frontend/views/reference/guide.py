"""The API guide (docs/api.md) as a page of the site, so the reference's link leads somewhere.

The guide is the project's own text, rendered once per file change: headings get the anchors
GitHub gives them, so the guide's links to its own sections work in both places.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"


def heading_anchor(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _anchor_headings(state: StateCore) -> None:
    tokens = state.tokens
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open" and opening.tag in {"h2", "h3"}:
            anchor = heading_anchor(inline.content)
            opening.attrSet("id", anchor)
            state.env.setdefault("toc", []).append((opening.tag, anchor, inline.content))


# No raw HTML in the guide: ("js-default" escapes it), tables as GitHub has them.
_md = MarkdownIt("js-default").enable("table")
_md.core.ruler.push("anchor_headings", _anchor_headings)


@lru_cache(maxsize=2)
def _rendered(path: Path, mtime_ns: int) -> dict[str, Any]:
    """The guide's title (its first line, a level-1 heading), body and level-2 headings."""
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    env: dict[str, Any] = {}
    # The guide is ours, from the repository; markdown-it escapes any HTML in it.
    body: SafeString = mark_safe(_md.render(rest, env))  # noqa: S308
    contents = [(anchor, title) for tag, anchor, title in env.get("toc", []) if tag == "h2"]
    return {"title": first.lstrip("# ").strip(), "guide": body, "contents": contents}


@require_http_methods(["GET", "HEAD"])
def api_guide(request: HttpRequest) -> HttpResponse:
    context = _rendered(GUIDE, GUIDE.stat().st_mtime_ns)
    return render(request, "frontend/api_guide.html", context)
