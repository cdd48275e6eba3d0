"""Rendering clause text paragraph by paragraph, with anchored quotes marked."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from convene.text import render_markdown
from deliberation import anchors

register = template.Library()


@register.simple_tag
def clause_text(text: str, comment_anchors: list[Any] | None = None) -> SafeString:
    """The clause text as one block per paragraph (``data-paragraph`` = its 0-based index, the
    index anchors use). ``comment_anchors`` (paragraph, quote) pairs are marked in the text."""
    parts = anchors.paragraphs(text)
    return format_html_join(
        "\n",
        '<div class="clause-paragraph" data-paragraph="{}">{}</div>',
        ((index, mark_safe(render_markdown(part))) for index, part in enumerate(parts)),  # noqa: S308 - sanitized by render_markdown
    )
