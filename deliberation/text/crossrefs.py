"""Clause cross-references stored by identity, shown by number. Pure: no Django.

People write ``§n`` (or ``§ n``) for "clause n of this framework". Numbers change when
organizers reorder clauses, so what is stored is the clause's id, in a token:

    §{c:<clause id>}            written as "§n"
    §{c:<clause id>,s=<hex>}    written as "§", one whitespace character, "n"; ``<hex>`` is
                                that character's code point (a space is ``20``)

A token holds no whitespace, so the word-level diff (``deliberation.text.diff``) never splits
one, and it holds nothing Markdown or the sanitizer treats specially (``{``, ``}``, ``:``, ``,``
and ``=`` are plain text in CommonMark). Tokens never reach a reader: every page, API response,
export and search index shows ``to_display``'s text, where a token becomes ``§n`` with the
clause's number as the framework stands then. A token whose clause is not in the framework
(deleted, or typed by hand with another framework's id) shows as ``§?``.

``§n`` whose number names no clause when the text is written is left as written, and so is a
number written with leading zeros.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from convene.text import CROSSREF

TOKEN = re.compile(r"§\{c:([0-9]{1,12})(?:,s=([0-9a-f]{1,6}))?\}")
UNKNOWN = "§?"


def to_stored(text: str, number_to_id: Mapping[int, int]) -> str:
    """``text`` with each ``§n`` naming a clause (``number_to_id``) replaced by its token."""

    def token(match: re.Match[str]) -> str:
        written = match.group(1)
        # "§01" is left as written: shown back, it would read "§1".
        clause_id = number_to_id.get(int(written)) if written == str(int(written)) else None
        if clause_id is None:
            return match.group(0)
        gap = match.group(0)[1 : -len(match.group(1))]
        return f"§{{c:{clause_id},s={ord(gap):x}}}" if gap else f"§{{c:{clause_id}}}"

    return CROSSREF.sub(token, text) if "§" in text else text


def to_display(text: str, id_to_number: Mapping[int, int]) -> str:
    """``text`` with each token shown as ``§n``, n the clause's current number (``§?`` if gone)."""

    def number(match: re.Match[str]) -> str:
        current = id_to_number.get(int(match.group(1)))
        if current is None:
            return UNKNOWN
        return f"§{_gap(match.group(2))}{current}"

    return TOKEN.sub(number, text) if "§{" in text else text


def _gap(code: str | None) -> str:
    """The whitespace a token records between "§" and the number; nothing for anything else."""
    point = int(code, 16) if code else 0
    return chr(point) if 0 < point <= 0x10FFFF and chr(point).isspace() else ""


def referenced_ids(text: str) -> set[int]:
    """The clause ids ``text``'s tokens refer to."""
    return {int(m.group(1)) for m in TOKEN.finditer(text)}


class Refs:
    """One framework's numbering at one moment: clause number ↔ clause id."""

    def __init__(self, number_to_id: Mapping[int, int]):
        self.number_to_id = dict(number_to_id)
        self.id_to_number = {pk: n for n, pk in self.number_to_id.items()}

    def store(self, text: str) -> str:
        return to_stored(text, self.number_to_id)

    def display(self, text: str) -> str:
        return to_display(text, self.id_to_number)

    def display_ops(self, ops: Sequence[Mapping[str, Any]]) -> list[Any]:
        """A stored word diff (``deliberation.text.diff``) with its tokens shown as numbers; a
        token is one word, so no operation holds part of one."""
        return [{**op, "text": self.display(op["text"])} for op in ops]

    def comparable(self, text: str) -> str:
        """``text`` in stored form, whether written before tokens existed or since, so that two
        texts differ only where their words do."""
        return self.store(text)
