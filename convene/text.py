"""User Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 as a second fence.

Clause text may refer to other clauses as ``§n``; given where each number leads, those become
links. The rule works on markdown-it's tokens (text outside links and code only), never on
HTML, so it cannot open a hole in the escaping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
# Replacing validateLink on this instance is how markdown-it lets callers set the link policy.
_md.validateLink = lambda url: (  # type: ignore[method-assign]
    url.strip().lower().startswith(("http://", "https://", "mailto:", "#", "/"))
)

# "§7" or "§ 7"; the number is the clause's as the text shows it.
CROSSREF = re.compile(r"§\s?([0-9]{1,4})(?![0-9])")
# "@lena-hartmann": handles are Django slugs (letters, digits, "-" and "_"), at most 40
# characters. The lookbehind keeps e-mail addresses (a@b.org) and paths from counting.
MENTION = re.compile(
    r"(?<![\w@/.])@([a-z0-9_](?:[a-z0-9_-]{0,38}[a-z0-9_])?)(?![a-z0-9_-]*[a-z0-9_])",
    re.IGNORECASE,
)


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(content: str, href: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", href)
    return [opening, _text_token(content), Token("link_close", "a", -1)]


def _split(token: Token, pattern: re.Pattern[str], targets: Mapping[str, str]) -> list[Token]:
    """The text token with each match of ``pattern`` whose key is in ``targets`` a link."""
    out, position = [], 0
    for match in pattern.finditer(token.content):
        href = targets.get(match.group(1).lower())
        if href is None:
            continue
        if match.start() > position:
            out.append(_text_token(token.content[position : match.start()]))
        out += _link(match.group(0), href)
        position = match.end()
    if position == 0:
        return [token]
    if position < len(token.content):
        out.append(_text_token(token.content[position:]))
    return out


def _linking(state: StateCore) -> None:
    """A core rule: ``§n`` and ``@handle`` in plain text (not inside a link or code) become
    links, for the numbers and handles the caller gave a target."""
    env = state.env if isinstance(state.env, dict) else {}
    rules = [
        (p, t) for p, t in ((CROSSREF, env.get("crossrefs")), (MENTION, env.get("mentions"))) if t
    ]
    if not rules:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, inside_link = [], 0
        for token in block.children:
            inside_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or inside_link:
                children.append(token)
                continue
            pieces = [token]
            for pattern, targets in rules:
                pieces = [
                    part
                    for piece in pieces
                    for part in (
                        _split(piece, pattern, targets) if piece.type == "text" else [piece]
                    )
                ]
            children += pieces
        block.children = children


_md.core.ruler.push("linking", _linking)

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "ins",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(
    source: str,
    crossrefs: Mapping[int, str] | None = None,
    mentions: Mapping[str, str] | None = None,
) -> str:
    """Render user Markdown to sanitized HTML. Images are not allowed: they would load third-party
    content into the page. ``crossrefs``: clause number → where ``§n`` should link;
    ``mentions``: handle (lower case) → where ``@handle`` should link."""
    env = {
        "crossrefs": {str(n): href for n, href in (crossrefs or {}).items()},
        "mentions": {h.lower(): href for h, href in (mentions or {}).items()},
    }
    html = _md.render(source or "", env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
