"""Paragraphs, anchors and mentions in plain text. Pure: no Django."""

from __future__ import annotations

import re

from convene.text import MENTION

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


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
    if len(quote) > 1000:
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
