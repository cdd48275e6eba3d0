"""Word-level diffs between two texts. Pure: no Django.

Texts are split into runs of non-space characters and runs of whitespace, so every character
belongs to exactly one token and applying the operations to the old text rebuilds the new one
exactly (whitespace and line breaks included).
"""

from __future__ import annotations

import html
import re
from difflib import SequenceMatcher
from typing import Any, Literal, TypedDict

_TOKEN = re.compile(r"\s+|\S+")

Op = Literal["equal", "insert", "delete"]


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


def diff(old: str, new: str) -> list[DiffOp]:
    """Operations that turn ``old`` into ``new``: equal and delete consume ``old``, equal and
    insert produce ``new``. A replacement is a delete followed by an insert."""
    a, b = tokenize(old), tokenize(new)
    ops: list[DiffOp] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, "equal", "".join(a[i1:i2]))
        else:
            _append(ops, "delete", "".join(a[i1:i2]))
            _append(ops, "insert", "".join(b[j1:j2]))
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


def render_html(ops: list[DiffOp]) -> str:
    """Escaped text with ``<ins>``/``<del>`` around the changes."""
    parts = []
    for op in ops:
        text = html.escape(op["text"])
        if op["op"] == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif op["op"] == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)
