"""Template filters for user text and delegations: Markdown, excerpts, country flags."""

from __future__ import annotations

import html
from collections.abc import Mapping

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django_countries import countries

from convene.text import render_markdown

register = template.Library()

# Regional indicator symbol A; a flag emoji is the two letters shifted into this block.
_REGIONAL_A = 0x1F1E6


@register.filter
def markdown(source: str) -> SafeString:
    """User Markdown as sanitized HTML; the only place pages mark user text safe."""
    return mark_safe(render_markdown(source))  # noqa: S308 - markdown-it (raw HTML off) + nh3


@register.filter
def markdown_refs(source: str, crossrefs: Mapping[int, str] | None) -> SafeString:
    """Clause Markdown with its ``§n`` references linked (``crossrefs``: number → URL)."""
    return mark_safe(render_markdown(source, crossrefs))  # noqa: S308 - as ``markdown``


@register.filter
def markdown_excerpt(source: str, words: int = 30) -> str:
    """Plain text of rendered Markdown, cut to ``words``; returned unsafe, so it is escaped."""
    text = html.unescape(nh3.clean(render_markdown(source), tags=set()))
    return Truncator(" ".join(text.split())).words(int(words))


@register.filter
def flag(code: str) -> str:
    code = (code or "").upper()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        return ""
    return "".join(chr(_REGIONAL_A + ord(c) - ord("A")) for c in code)


@register.filter
def country_name(code: str) -> str:
    return countries.name(code) or code


@register.filter
def email_wrap(address: str) -> SafeString:
    """An email address that may wrap before its ``@`` (and at the domain's hyphens) but never
    inside a word: long addresses in a table column no longer break mid-word."""
    local, at, domain = (address or "").rpartition("@")
    if not at:
        return mark_safe(html.escape(address or ""))  # noqa: S308 - escaped
    return mark_safe(f"{html.escape(local)}<wbr>@{html.escape(domain)}")  # noqa: S308 - escaped
