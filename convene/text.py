"""User Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 as a second fence."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
# Replacing validateLink on this instance is how markdown-it lets callers set the link policy.
_md.validateLink = lambda url: (  # type: ignore[method-assign]
    url.strip().lower().startswith(("http://", "https://", "mailto:", "#", "/"))
)

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "ins",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str) -> str:
    """Render user Markdown to sanitized HTML. Images are not allowed: they would load third-party
    content into the page."""
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
