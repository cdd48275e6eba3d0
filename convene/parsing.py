"""Integers from query strings and form fields, parsed the same way by the API and the pages.

Only ASCII digits count ("²".isdigit() is true, but ``int()`` refuses it), and not thousands of
them, so a hostile value is a clear 400 and never a 500. A number past ``MAX_INT`` parses but can
name no row: callers look it up only within the column's range (``fits_column``).
"""

from __future__ import annotations

import re

from convene.errors import DomainError

MAX_DIGITS = 30
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
# The largest number these parse, for the API schema (``maximum``).
LARGEST = 10**MAX_DIGITS - 1
# PostgreSQL's integer column: a larger number cannot name a row.
MAX_INT = 2_147_483_647


def parse_positive_int(raw: object, *, field: str, message: str, minimum: int = 1) -> int:
    """``raw`` as an integer of at least ``minimum``; a DomainError (400) on ``field``
    otherwise."""
    text = raw if isinstance(raw, str) else ""
    if not _DIGITS.fullmatch(text) or int(text) < minimum:
        raise DomainError(message, field=field)
    return int(text)


def fits_column(number: int) -> bool:
    return number <= MAX_INT


def parse_version_number(raw: object, *, field: str) -> int:
    return parse_positive_int(raw, field=field, message="Give a version number (1, 2, …).")


def parse_id(raw: object, *, field: str, noun: str = "id") -> int:
    return parse_positive_int(raw, field=field, message=f"Give a {noun}.")


def parse_optional_id(raw: object, *, field: str, noun: str = "id") -> int | None:
    """None for an absent or blank value, else as ``parse_id`` (a form field's surrounding
    spaces ignored)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_id(raw.strip() if isinstance(raw, str) else raw, field=field, noun=noun)
