"""Paragraphs, anchors and mentions in plain text. Pure: no Django."""

from __future__ import annotations

import hashlib
import itertools
import re

from convene.text import MENTION

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# The longest quote an anchor stores (the model's ``anchor_quote`` column).
MAX_QUOTE = 1000


def mark_id(paragraph: int, quote: str) -> str:
    """The HTML id of the mark around ``quote`` in ``paragraph``: every comment quoting the same
    words links to the same mark, so the id is a function of the words, not of a comment."""
    return f"mark-{paragraph}-{hashlib.blake2s(quote.encode()).hexdigest()[:12]}"


def _newlines(text: str) -> str:
    """Browsers submit textareas with CRLF line ends; paragraphs are split on LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; blank paragraphs are dropped."""
    return [p.strip() for p in _BLANK_LINE.split(_newlines(text or "")) if p.strip()]


def anchor_error(text: str, paragraph: object, quote: object) -> tuple[str, str] | None:
    """Why an anchor does not fit ``text`` as (field, message), or None when it fits."""
    parts = paragraphs(text)
    if not isinstance(paragraph, int) or isinstance(paragraph, bool) or paragraph < 0:
        return "anchor.paragraph", "Must be a paragraph index: 0, 1, 2 …"
    if paragraph >= len(parts):
        return "anchor.paragraph", f"This version has {len(parts)} paragraph(s); the first is 0."
    if not isinstance(quote, str) or not quote.strip():
        return "anchor.quote", "Quote the words you comment on."
    if len(quote) > MAX_QUOTE:
        return "anchor.quote", "Quote at most 1,000 characters."
    if _newlines(quote) not in parts[paragraph]:
        return "anchor.quote", f"The quote does not occur in paragraph {paragraph}."
    return None


def mentioned_handles(body: str) -> set[str]:
    return {m.lower() for m in MENTION.findall(body or "")}


# Markdown emphasis and code marks: a quote selected in the rendered text has none of them.
_MARKUP = "[*_`~]*"


def source_quote(source: str, quote: str) -> str:
    """The span of a paragraph's Markdown ``source`` that reads as ``quote`` once rendered
    (emphasis and code marks dropped, whitespace collapsed); ``quote`` itself if none does."""
    quote = quote.strip()
    if not quote or quote in source:
        return quote
    parts = [r"\s+" if ch.isspace() else re.escape(ch) for ch in re.sub(r"\s+", " ", quote)]
    found = re.search(_MARKUP.join(parts), source)
    return found.group(0) if found else quote


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def snap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to whole words: a span that cuts a word includes all of it, and
    whitespace at its edges is dropped. A span with no word character is returned as is."""
    while start > 0 and start < len(text) and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_quote(paragraph: str, quote: str) -> str:
    """``quote`` as whole words of ``paragraph`` (where it first occurs): "arties verify
    compliance throu" reads "parties verify compliance through". ``quote`` if it does not occur."""
    paragraph, quote = _newlines(paragraph), _newlines(quote)
    at = paragraph.find(quote) if quote else -1
    if at < 0:
        return quote
    start, end = snap_span(paragraph, at, at + len(quote))
    return paragraph[start:end]


Segment = tuple[int, int, tuple[int, ...]]


def segments(spans: list[tuple[int, int, int]]) -> list[Segment]:
    """Split (start, end, key) spans at every boundary into disjoint, ordered pieces, each with
    the keys of all spans covering it (in the order the spans are given); uncovered gaps and
    empty spans yield no piece. Overlapping quotes are marked piece by piece from this."""
    cuts = sorted({p for start, end, _ in spans if start < end for p in (start, end)})
    out: list[Segment] = []
    for lo, hi in itertools.pairwise(cuts):
        keys = tuple(key for start, end, key in spans if start <= lo and hi <= end)
        if keys:
            out.append((lo, hi, keys))
    return out
