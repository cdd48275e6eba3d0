"""Word-level diffs between two texts. Pure: no Django.

Texts are split into runs of non-space characters and runs of whitespace, so every character
belongs to exactly one token and applying the operations to the old text rebuilds the new one
exactly (whitespace and line breaks included).

The cost is bounded whatever the input (issue 8): each distinct token becomes one character, as
diff-match-patch's ``linesToChars`` does for lines, and diff-match-patch's Myers search stops at
a deadline. A search cut short still answers an exact diff, only a coarser one: what it had no
time to match is shown deleted and inserted whole.
"""

from __future__ import annotations

import html
import itertools
import re
import time
from typing import Any, Literal, TypedDict

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\s+|\S+")

# Seconds the search may take before settling for a coarser diff. Two 50,000-character clauses
# that share most of their words diff in milliseconds; only adversarial pairs come near this.
DIFF_TIMEOUT = 0.5

# Every code point but the surrogates: more distinct tokens than two texts at the length cap
# (50,000 characters each) can hold, so the coarse fallback is only for longer inputs.
_SURROGATES = range(0xD800, 0xE000)
MAX_DISTINCT_TOKENS = 0x110000 - len(_SURROGATES)

Op = Literal["equal", "insert", "delete"]

_OPS: dict[int, Op] = {
    diff_match_patch.DIFF_EQUAL: "equal",
    diff_match_patch.DIFF_DELETE: "delete",
    diff_match_patch.DIFF_INSERT: "insert",
}


class DiffOp(TypedDict):
    op: Op
    text: str


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _append(ops: list[DiffOp], op: Op, text: str) -> None:
    if not text:
        return
    if ops and ops[-1]["op"] == op:
        ops[-1]["text"] += text
    else:
        ops.append({"op": op, "text": text})


def _char(index: int) -> str:
    """The character standing for the token with this index (surrogates skipped)."""
    return chr(index + len(_SURROGATES) if index >= _SURROGATES.start else index)


def _encode(a: list[str], b: list[str]) -> tuple[str, str, dict[str, str]] | None:
    """Both token lists as strings of one character per token, and the token each character
    stands for; None when there are more distinct tokens than characters."""
    distinct = dict.fromkeys(itertools.chain(a, b))
    if len(distinct) > MAX_DISTINCT_TOKENS:
        return None
    char_of = {token: _char(index) for index, token in enumerate(distinct)}
    token_of = {char: token for token, char in char_of.items()}
    return "".join(map(char_of.__getitem__, a)), "".join(map(char_of.__getitem__, b)), token_of


def _coarse(a: list[str], b: list[str]) -> list[DiffOp]:
    """The common leading and trailing tokens, and everything between deleted and inserted."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    ops: list[DiffOp] = []
    _append(ops, "equal", "".join(a[:start]))
    _append(ops, "delete", "".join(a[start : len(a) - end]))
    _append(ops, "insert", "".join(b[start : len(b) - end]))
    _append(ops, "equal", "".join(a[len(a) - end :]))
    return ops


def _matcher() -> diff_match_patch:
    matcher = diff_match_patch()
    # No timeout of its own: with one, diff-match-patch first looks for a common run half as
    # long as the longer text ("half match"), a speed-up that ignores the deadline and is
    # quadratic on repetitive text ("x x x …"). The deadline passed to diff_main still holds.
    matcher.Diff_Timeout = 0
    return matcher


def _deadline(timeout: float) -> float:
    # On diff-match-patch's clock (time.time); 0 is long past, so the search stops at once.
    return time.time() + timeout if timeout > 0 else 0.0


def diff(old: str, new: str, *, timeout: float = DIFF_TIMEOUT) -> list[DiffOp]:
    """Operations that turn ``old`` into ``new``: equal and delete consume ``old``, equal and
    insert produce ``new``. A replacement is a delete followed by an insert.

    The search for common words stops after ``timeout`` seconds (at once with 0); the answer is
    exact either way, and coarser when cut short."""
    a, b = tokenize(old), tokenize(new)
    encoded = _encode(a, b)
    if encoded is None:
        return _coarse(a, b)
    chars_a, chars_b, token_of = encoded
    ops: list[DiffOp] = []
    for code, chars in _matcher().diff_main(chars_a, chars_b, False, _deadline(timeout)):
        _append(ops, _OPS[code], "".join(map(token_of.__getitem__, chars)))
    return ops


def apply(old: str, ops: list[DiffOp]) -> str:
    """Rebuild the new text from the old one; raises ValueError if the ops don't fit ``old``."""
    position, out = 0, []
    for op in ops:
        text = op["text"]
        if op["op"] in ("equal", "delete"):
            if old[position : position + len(text)] != text:
                raise ValueError(f"operation does not match the old text at offset {position}")
            position += len(text)
        if op["op"] in ("equal", "insert"):
            out.append(text)
    if position != len(old):
        raise ValueError("operations do not consume the whole old text")
    return "".join(out)


def spec_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The spec fields that differ between two versions, as ``{field, from, to}``, by name."""
    old, new = old or {}, new or {}
    return [
        {"field": key, "from": old.get(key), "to": new.get(key)}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


_SPOKEN = '<span class="visually-hidden">{} </span>'


def render_html(ops: list[DiffOp], *, spoken: bool = False) -> str:
    """Escaped text with ``<ins>``/``<del>`` around the changes; with ``spoken``, each change
    also starts with a visually hidden "added:"/"removed:", for screen readers that do not
    announce the elements."""
    added, removed = (_SPOKEN.format("added:"), _SPOKEN.format("removed:")) if spoken else ("", "")
    parts = []
    for op in ops:
        text = html.escape(op["text"])
        if op["op"] == "insert":
            parts.append(f"<ins>{added}{text}</ins>")
        elif op["op"] == "delete":
            parts.append(f"<del>{removed}{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)
