"""Durations as people write them ("180 days", "6 months", "1 year and 6 months") and as the
specs store them (ISO 8601: P180D, P6M, P1Y6M). Pure: no Django.

The pages take and show words; the API and the JSON keep ISO 8601. ``parse`` accepts either
and answers ISO 8601; ``words`` turns ISO 8601 back into words. For the canonical subset
(whole numbers, no leading zeros, units in ISO order) ``parse(words(iso)) == iso``.
"""

from __future__ import annotations

import re

# ISO 8601 durations such as P90D, P6M, PT12H, P1Y2M; at least one component.
ISO_DURATION = r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"

HINT = "Enter a duration such as '180 days' or '6 months'."

# In ISO 8601 order: (unit, ISO designator, in the time part).
UNITS = (
    ("year", "Y", False),
    ("month", "M", False),
    ("week", "W", False),
    ("day", "D", False),
    ("hour", "H", True),
    ("minute", "M", True),
    ("second", "S", True),
)
_ALIASES = {
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "mo": "month",
    "mos": "month",
    "w": "week",
    "wk": "week",
    "wks": "week",
    "d": "day",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "min": "minute",
    "mins": "minute",
    "s": "second",
    "sec": "second",
    "secs": "second",
}
_PARTS = re.compile(
    r"^P(?:(?P<year>\d+)Y)?(?:(?P<month>\d+)M)?(?:(?P<week>\d+)W)?(?:(?P<day>\d+)D)?"
    r"(?:T(?:(?P<hour>\d+)H)?(?:(?P<minute>\d+)M)?(?:(?P<second>\d+(?:\.\d+)?)S)?)?$"
)
_TERM = re.compile(r"(\d+)\s*([a-z]+)", re.ASCII)
_SEPARATORS = re.compile(r"\s*(?:,|\band\b|\s)\s*")


class DurationError(ValueError):
    """Input that is neither words such as "180 days" nor an ISO 8601 duration."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{detail} {HINT}".strip() if detail else HINT)


def is_iso(value: str) -> bool:
    # ASCII: \d would otherwise take other scripts' digits, which no ISO 8601 reader expects.
    return re.fullmatch(ISO_DURATION, value, re.ASCII) is not None


def words(value: str) -> str:
    """An ISO 8601 duration in words: "P180D" → "180 days", "P1Y6M" → "1 year and 6 months",
    "PT12H" → "12 hours". Anything else comes back unchanged."""
    match = _PARTS.match(value) if is_iso(value) else None
    if match is None:
        return value
    parts = []
    for unit, amount in match.groupdict().items():
        if amount is None:
            continue
        number = float(amount) if "." in amount else int(amount)
        shown = f"{number:g}" if isinstance(number, float) else str(number)
        parts.append(f"{shown} {unit}{'' if number == 1 else 's'}")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _unit(name: str) -> str:
    name = _ALIASES.get(name, name)
    singular = name[:-1] if name.endswith("s") else name
    if singular not in {unit for unit, _, _ in UNITS}:
        raise DurationError(f"“{name}” is not a unit of time.")
    return singular


def parse(text: str) -> str:
    """Words ("180 days", "1 year and 6 months", "2 weeks") or ISO 8601 ("P180D") → ISO 8601.

    Raises DurationError, whose message says what to enter, for anything else."""
    raw = text.strip()
    if is_iso(raw.upper()):
        return raw.upper()
    lowered = raw.lower()
    terms = _TERM.findall(lowered)
    if not terms or _SEPARATORS.sub("", _TERM.sub("", lowered)):
        raise DurationError()
    amounts: dict[str, int] = {}
    for amount, name in terms:
        unit = _unit(name)
        if unit in amounts:
            raise DurationError(f"“{unit}” is given twice.")
        amounts[unit] = int(amount)
    date = "".join(f"{amounts[u]}{d}" for u, d, time in UNITS if not time and u in amounts)
    clock = "".join(f"{amounts[u]}{d}" for u, d, time in UNITS if time and u in amounts)
    return "P" + date + (f"T{clock}" if clock else "")
