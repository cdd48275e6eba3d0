"""Rendering clause text paragraph by paragraph, with anchored quotes marked.

Marks are put into the *sanitized* HTML by splitting its text nodes: start and end tags are
re-emitted exactly as the sanitizer wrote them, text is re-escaped, and the only markup added is
our own ``<mark>``/``<a>``. Raw HTML is never searched or string-replaced, so a quote such as
``<b`` or ``href=`` cannot open or break a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

import nh3
from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from convene.html_cache import paragraphs_html
from deliberation.discussion import anchors

register = template.Library()

_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`~]")


class _Tokens(HTMLParser):
    """Sanitized HTML as a list of ("tag", raw) and ("text", unescaped) tokens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start:" + tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("void:" + tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end:" + tag, f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("text", data))


def _tokens(sanitized: str) -> list[tuple[str, str]]:
    parser = _Tokens()
    parser.feed(sanitized)
    parser.close()
    return parser.tokens


def _collapsed(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs as one space, and each character's index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` (whitespace-insensitive), as a [start, end) range."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    flat, index = _collapsed(text)
    needle = _SPACE.sub(" ", quote).strip()
    at = flat.find(needle) if needle else -1
    if at < 0:
        # A quote of the Markdown source (``*two* words``) reads without its marks when rendered.
        needle = _MARKUP.sub("", needle)
        at = flat.find(needle) if needle else -1
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


def _ranges(text: str, quotes: Iterable[tuple[str, int]]) -> list[tuple[int, int, int]]:
    """(start, end, comment id) of each quote found, grown to whole words, earliest comment
    first. Quotes may overlap; ``anchors.segments`` cuts them into pieces."""
    found = []
    for quote, comment_id in quotes:
        hit = _find(text, quote)
        if hit:
            start, end = anchors.snap_span(text, *hit)
            found.append((start, end, comment_id))
    return sorted(found, key=lambda r: r[2])


def _open_marks(
    keys: tuple[int, ...], link: int | None, started: set[int], ids: Mapping[int, str]
) -> str:
    """Nested ``<mark>`` start tags, one per quote covering a piece (so each quote's first
    piece can carry its own ``id``), and the link to ``link``'s comment innermost."""
    out = []
    for key in keys:
        ident = f' id="{ids[key]}" tabindex="-1"' if key not in started else ""
        started.add(key)
        out.append(
            f'<mark class="anchor-mark" data-comment="{key}"{ident}'
            f' title="Quoted in comment {key}">'
        )
    if link is not None:
        out.append(f'<a href="#comment-{link}" class="anchor-link">')
    return "".join(out)


def _piece(
    text: str,
    keys: tuple[int, ...],
    lengths: dict[int, int],
    *,
    in_link: bool,
    started: set[int],
    ids: Mapping[int, str],
) -> str:
    """One piece of text covered by ``keys``' quotes. It links to the most specific of them
    (the shortest quote); inside a link of the text itself a mark cannot hold another link."""
    link = None if in_link else min(keys, key=lambda k: (lengths[k], k))
    close = ("" if link is None else "</a>") + "</mark>" * len(keys)
    return _open_marks(keys, link, started, ids) + html.escape(text, quote=False) + close


def mark_quotes(sanitized: str, quotes: list[tuple[str, int]], *, paragraph: int) -> str:
    """Wrap each quote's text in ``<mark>`` pieces inside already sanitized HTML; where quotes
    overlap, the marks nest, and every quote's first piece has the id
    ``anchors.mark_id(paragraph, quote)``."""
    tokens = _tokens(sanitized)
    text = "".join(value for kind, value in tokens if kind == "text")
    ranges = _ranges(text, quotes)
    if not ranges:
        return sanitized
    lengths = {key: end - start for start, end, key in ranges}
    ids = {key: anchors.mark_id(paragraph, quote) for quote, key in quotes}
    pieces = anchors.segments(ranges)
    out: list[str] = []
    offset, links, started = 0, 0, set[int]()
    for kind, value in tokens:
        if kind != "text":
            links += 1 if kind == "start:a" else -1 if kind == "end:a" else 0
            out.append(value)
            continue
        end_of_node = offset + len(value)
        cut = offset
        for start, end, keys in pieces:
            lo, hi = max(start, offset), min(end, end_of_node)
            if lo >= hi:
                continue
            out.append(html.escape(text[cut:lo], quote=False))
            out.append(
                _piece(text[lo:hi], keys, lengths, in_link=links > 0, started=started, ids=ids)
            )
            cut = hi
        out.append(html.escape(text[cut:end_of_node], quote=False))
        offset = end_of_node
    return "".join(out)


def _quotes_by_paragraph(comment_anchors: Iterable[Any] | None) -> dict[int, list[tuple[str, int]]]:
    by_paragraph: dict[int, list[tuple[str, int]]] = {}
    for anchor in comment_anchors or []:
        get = anchor.get if isinstance(anchor, dict) else lambda k, a=anchor: getattr(a, k, None)
        paragraph, quote, comment_id = get("paragraph"), get("quote"), get("comment")
        if isinstance(paragraph, int) and quote and isinstance(comment_id, int):
            by_paragraph.setdefault(paragraph, []).append((quote, comment_id))
    return by_paragraph


@register.simple_tag
def clause_text(
    text: str,
    comment_anchors: list[Any] | None = None,
    crossrefs: Mapping[int, str] | None = None,
) -> SafeString:
    """The clause text as one block per paragraph (``data-paragraph`` = its 0-based index, the
    index anchors use). ``comment_anchors`` ({paragraph, quote, comment}) are marked in the text
    and link to their comment (``#comment-<id>``); each quote's first mark has the id
    ``anchors.mark_id(paragraph, quote)``. §n links to ``crossrefs[n]`` when given."""
    parts = anchors.paragraphs(text)
    quotes = _quotes_by_paragraph(comment_anchors)
    return format_html_join(
        "\n",
        '<div class="clause-paragraph" data-paragraph="{}">{}</div>',
        (
            (index, mark_safe(mark_quotes(rendered, quotes.get(index, []), paragraph=index)))  # noqa: S308 - sanitized by render_markdown; marks are ours, text re-escaped
            for index, rendered in enumerate(paragraphs_html(parts, crossrefs))
        ),
    )


@register.simple_tag
def quote_href(comment: Any, clause: Any, mark_base: str) -> str:
    """Where a comment's quote links: its mark in today's text, or, for a quote of an older
    version (not marked today), that clause's history of versions."""
    if comment.version_id != clause.current_version_id:
        return reverse("clause_history", args=[comment.clause_id])
    return f"{mark_base}#{anchors.mark_id(comment.anchor_paragraph, comment.anchor_quote)}"


@register.filter
def html_excerpt(sanitized: str, words: int = 30) -> str:
    """Plain text of sanitized HTML, cut to ``words``; returned unsafe, so it is escaped."""
    plain = html.unescape(nh3.clean(sanitized or "", tags=set()))
    return Truncator(" ".join(plain.split())).words(int(words))
