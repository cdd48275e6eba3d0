"""Comparing two versions of a clause on the pages: inline (one column with ``<ins>``/``<del>``)
or side by side (the old text with its deletions, the new one with its insertions)."""

from __future__ import annotations

import html
import re
from typing import Any

from django.http import QueryDict
from django.utils.safestring import mark_safe

from deliberation.models import ClauseVersion
from deliberation.text import crossrefs, diff

# ASCII digits only ("²".isdigit() is true but int() refuses it), and not thousands of them.
_NUMBER = re.compile(r"[0-9]{1,9}")


def side_by_side(ops: list[diff.DiffOp]) -> tuple[str, str]:
    """(old, new) HTML: equal text in both, deletions only in the old, insertions in the new."""
    old, new = [], []
    for op in ops:
        text = html.escape(op["text"])
        if op["op"] == "equal":
            old.append(text)
            new.append(text)
        elif op["op"] == "delete":
            old.append(f"<del>{text}</del>")
        else:
            new.append(f"<ins>{text}</ins>")
    return "".join(old), "".join(new)


def version_numbers(params: QueryDict, versions: list[ClauseVersion]) -> tuple[int, int, str]:
    """(from, to, error) from the query; defaults compare the previous version with the current."""
    last = versions[-1].number
    defaults = {"from": max(last - 1, 1), "to": last}
    numbers: dict[str, int] = {}
    error = ""
    for name, default in defaults.items():
        raw = params.get(name, "").strip()
        if not raw:
            numbers[name] = default
        elif _NUMBER.fullmatch(raw) and 1 <= int(raw) <= last:
            numbers[name] = int(raw)
        else:
            numbers[name] = default
            error = error or f"Choose versions between 1 and {last}."
    return numbers["from"], numbers["to"], error


def compare_choice(versions: list[ClauseVersion], params: QueryDict) -> dict[str, Any]:
    """What the compare form shows: the two versions chosen and the view, without diffing
    them; ``versions`` is the clause's whole list, ordered by number, so picking the two costs
    no query."""
    number_from, number_to, error = version_numbers(params, versions)
    by_number = {v.number: v for v in versions}
    side = params.get("view") == "side"
    return {
        "old": by_number[number_from],
        "new": by_number[number_to],
        "view": "side" if side else "inline",
        "error": error,
    }


def compare_context(
    versions: list[ClauseVersion], params: QueryDict, refs: crossrefs.Refs | None = None
) -> dict[str, Any]:
    """What the compare form and the diff partial show: the choice and the diff between the
    two versions (bounded in time by ``diff.diff`` whatever the texts). With ``refs`` (the
    framework's numbering), clause references are compared by identity and shown by number."""
    context = compare_choice(versions, params)
    old, new = context["old"], context["new"]
    refs = refs or crossrefs.Refs({})
    old_text, new_text = refs.comparable(old.text), refs.comparable(new.text)
    ops = refs.display_ops(diff.diff(old_text, new_text))
    context |= {
        "identical": old_text == new_text,
        "spec_changes": diff.spec_changes(old.spec, new.spec),
        # Safe: diff.render_html and side_by_side escape every piece of text they wrap.
        "inline_html": mark_safe(diff.render_html(ops)),  # noqa: S308
    }
    if context["view"] == "side":
        old_html, new_html = side_by_side(ops)
        context["old_html"], context["new_html"] = mark_safe(old_html), mark_safe(new_html)  # noqa: S308
    return context
