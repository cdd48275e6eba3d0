"""What a single-line field (a title, a name, a slug, a short reason) may hold.

Line breaks and other control characters in a title end up in mail headers (a "\\r\\nBcc: …"
title broke the invitation mail after commit); bidirectional overrides and isolates reorder the
text around them on a page (U+202E shows "txt.exe" as "exe.txt"). Both are refused where such a
field comes in: the API's ``SingleLineCharField``, the page forms' ``SingleLineField`` and the
services' cleaners all ask ``single_line_problem``. No Django imports: a pure rule.
"""

from __future__ import annotations

import unicodedata

from convene.errors import DomainError

# Explicit embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). Marks
# such as U+200E (LRM) stay allowed: they do not reorder what follows them.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Cc is C0, DEL and C1 (tab, CR, LF among them); Zl and Zp are U+2028 and U+2029, line and
# paragraph separators that some mail and text tools treat as a line break.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def single_line_problem(value: str) -> str | None:
    """Why ``value`` can't be a single-line field, or None when it can. The message names
    the offending character by code point, never echoing it."""
    for char in value:
        if unicodedata.category(char) in _LINE_BREAKING:
            return f"Must be a single line without control characters (found U+{ord(char):04X})."
        if char in BIDI_CONTROLS:
            return (
                "Must not contain bidirectional override or isolate characters "
                f"(found U+{ord(char):04X})."
            )
    return None


def clean_single_line(value: str, *, field: str) -> str:
    """``value`` stripped, or a DomainError (400) on ``field`` naming the problem. Stripped
    first, as the API and form fields do: a trailing line break is whitespace, not a header."""
    value = value.strip()
    problem = single_line_problem(value)
    if problem is not None:
        raise DomainError(problem, field=field)
    return value
