"""Counting rules for voting rounds (issue 10). Pure: no Django, integers only.

A yes/no motion is decided by :func:`decide` from per-group counts under a :class:`Rule`; a
choice between alternatives by :func:`schulze` (ranked ballots) or :func:`approval`, which live
in ``choice.py`` and are re-exported here. The
services read grouped aggregates from the database and hand them here, so the rules live in one
place that can be read, and tested, without a database.

The rules are those of DESIGN.md, "Decision rules (exact)":

- quorum is met iff ``100*P >= quorum_percent*E`` (P = Y+N+A+O, abstentions take part);
- with ``consent`` any objection blocks; without it an objection counts as a No (N' = N+O);
- thresholds compare Yes with the votes cast (Y+N'), or, for ``absolute``, with the roll E, and
  always need at least one Yes;
- with ``chambers`` quorum and threshold must hold in every stakeholder group that has someone
  eligible; groups with nobody eligible are skipped;
- outcomes are checked in the order no quorum, blocked, adopted, rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from deliberation.voting.choice import Choice, approval, schulze

__all__ = [
    "GROUPS",
    "RULE_KEYS",
    "Choice",
    "Counts",
    "Decision",
    "Outcome",
    "Rule",
    "Scope",
    "Threshold",
    "Unit",
    "approval",
    "decide",
    "evaluate",
    "quorum_met",
    "schulze",
    "share_words",
    "threshold_met",
]


class Threshold(StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"
    ABSOLUTE = "absolute"


class Unit(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    NO_QUORUM = "no_quorum"


GROUPS = ("policymaker", "industry", "civil_society")

RULE_KEYS = ("threshold", "quorum_percent", "consent", "chambers", "unit")

_E = TypeVar("_E", bound=StrEnum)


def _is_int(value: object) -> bool:
    # bool is a subclass of int, but True is not a count or a percentage.
    return isinstance(value, int) and not isinstance(value, bool)


def _enum_value(kind: type[_E], key: str, value: object) -> _E:
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    choices = ", ".join(repr(member.value) for member in kind)
    raise ValueError(f"{key}: expected one of {choices}, got {value!r}")


@dataclass(frozen=True)
class Rule:
    """How a yes/no motion is decided; fixed when its round opens."""

    threshold: Threshold
    quorum_percent: int = 0
    consent: bool = False
    chambers: bool = False
    unit: Unit = Unit.PERSON

    def __post_init__(self) -> None:
        # Plain strings are accepted and stored as the enum members they name.
        object.__setattr__(self, "threshold", _enum_value(Threshold, "threshold", self.threshold))
        object.__setattr__(self, "unit", _enum_value(Unit, "unit", self.unit))
        if not _is_int(self.quorum_percent):
            raise ValueError(
                f"quorum_percent: expected a whole number, got {self.quorum_percent!r}"
            )
        if not 0 <= self.quorum_percent <= 100:
            raise ValueError(
                f"quorum_percent: must be between 0 and 100, got {self.quorum_percent}"
            )
        for key in ("consent", "chambers"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"{key}: expected true or false, got {getattr(self, key)!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """The rule an API payload or a stored round describes; ValueError names the bad key."""
        if not isinstance(data, Mapping):
            raise ValueError(f"rule: expected an object, got {type(data).__name__}")
        unknown = sorted(str(key) for key in data if key not in RULE_KEYS)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown key; allowed: {', '.join(RULE_KEYS)}")
        if "threshold" not in data:
            raise ValueError("threshold: this key is required")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold.value,
            "quorum_percent": self.quorum_percent,
            "consent": self.consent,
            "chambers": self.chambers,
            "unit": self.unit.value,
        }

    def explain(self) -> str:
        """The rule in plain words, for the round builder and the round's page."""
        noun = "delegations" if self.unit is Unit.ORGANIZATION else "delegates"
        where = " in each stakeholder group" if self.chambers else ""
        if self.threshold is Threshold.ABSOLUTE:
            text = f"Adopted if more than half of the eligible {noun}{where} vote Yes"
        else:
            text = f"Adopted if {_SHARE_CAST[self.threshold]} of votes cast{where} are Yes"
        if self.quorum_percent:
            text += f", with {_quorum_words(self.quorum_percent, self.chambers, noun)} taking part"
        sentences = [text + (", and nobody objects." if self.consent else ".")]
        if not self.consent:
            sentences.append("Objections count as No.")
        if self.threshold is not Threshold.ABSOLUTE:
            if self.quorum_percent:
                sentences.append("Abstentions count toward taking part, not as votes cast.")
            else:
                sentences.append("Abstentions are not votes cast.")
        if self.chambers:
            sentences.append(
                "Each group needs at least one Yes; a group with nobody eligible is skipped."
            )
        if self.unit is Unit.ORGANIZATION:
            sentences.append("One vote per organization, cast by its head of delegation.")
        return " ".join(sentences)


_SHARE_CAST = {
    Threshold.SIMPLE: "more than half",
    Threshold.TWO_THIRDS: "at least two-thirds",
    Threshold.THREE_QUARTERS: "at least three-quarters",
}

_SHARE_WORDS = {25: "a quarter", 50: "half", 75: "three-quarters", 100: "all"}


def share_words(percent: int) -> str:
    """``50`` -> "half", ``30`` -> "30%"; shared with the narratives."""
    return _SHARE_WORDS.get(percent, f"{percent}%")


def _quorum_words(percent: int, chambers: bool, noun: str) -> str:
    if percent == 100:
        return "everyone in each group" if chambers else f"all eligible {noun}"
    of = "each group" if chambers else f"the eligible {noun}"
    return f"at least {share_words(percent)} of {of}"


@dataclass(frozen=True)
class Counts:
    """Eligible units (people or organizations) and how they voted, in one scope."""

    eligible: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    object: int = 0

    def __post_init__(self) -> None:
        for key in ("eligible", "yes", "no", "abstain", "object"):
            value = getattr(self, key)
            if not _is_int(value) or value < 0:
                raise ValueError(f"{key}: expected a count (a whole number >= 0), got {value!r}")
        # More ballots than eligible units means the counts were read wrongly: refuse to decide
        # on them rather than publish a result nobody could reproduce.
        if self.participated > self.eligible:
            raise ValueError(
                f"eligible: {self.participated} took part but only {self.eligible} eligible"
            )

    @property
    def participated(self) -> int:
        return self.yes + self.no + self.abstain + self.object

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            eligible=self.eligible + other.eligible,
            yes=self.yes + other.yes,
            no=self.no + other.no,
            abstain=self.abstain + other.abstain,
            object=self.object + other.object,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "eligible": self.eligible,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "object": self.object,
            "participated": self.participated,
        }


@dataclass(frozen=True)
class Scope:
    """The rule evaluated on one scope: the whole roll or one stakeholder group.

    A scope with nobody eligible is ``skipped``; its flags are still the literal evaluation
    (quorum trivially met, threshold never met for want of a Yes) but with chambers a skipped
    group takes no part in the decision.
    """

    counts: Counts
    quorum_met: bool
    threshold_met: bool
    skipped: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts.to_dict(),
            "quorum_met": self.quorum_met,
            "threshold_met": self.threshold_met,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    overall: Scope
    by_group: dict[str, Scope]  # every group in GROUPS, in that order

    @property
    def nobody_eligible(self) -> bool:
        """Rejected because no group had anyone eligible (with chambers: every group skipped)."""
        return self.overall.counts.eligible == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "overall": self.overall.to_dict(),
            "by_group": {group: scope.to_dict() for group, scope in self.by_group.items()},
        }


def quorum_met(rule: Rule, counts: Counts) -> bool:
    return 100 * counts.participated >= rule.quorum_percent * counts.eligible


def threshold_met(rule: Rule, counts: Counts) -> bool:
    yes = counts.yes
    # Under consent an objection blocks instead; it is not also a No.
    no = counts.no if rule.consent else counts.no + counts.object
    cast = yes + no
    if rule.threshold is Threshold.SIMPLE:
        met = 2 * yes > cast
    elif rule.threshold is Threshold.TWO_THIRDS:
        met = 3 * yes >= 2 * cast
    elif rule.threshold is Threshold.THREE_QUARTERS:
        met = 4 * yes >= 3 * cast
    else:
        met = 2 * yes > counts.eligible
    return met and yes >= 1


def evaluate(rule: Rule, counts: Counts) -> Scope:
    return Scope(
        counts=counts,
        quorum_met=quorum_met(rule, counts),
        threshold_met=threshold_met(rule, counts),
        skipped=counts.eligible == 0,
    )


def decide(rule: Rule, by_group: Mapping[str, Counts]) -> Decision:
    """Decide a yes/no motion from per-group counts; a missing group counts as empty.

    Overall counts are the sum of the groups. Without chambers the overall scope decides and the
    groups are informational; with chambers every non-skipped group must meet quorum and
    threshold. Nobody eligible anywhere (every group skipped) is a rejection.
    """
    unknown = sorted(set(by_group) - set(GROUPS))
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown stakeholder group; expected one of {GROUPS}")
    groups = {group: evaluate(rule, by_group.get(group, Counts())) for group in GROUPS}
    total = Counts()
    for scope in groups.values():
        total += scope.counts
    overall = evaluate(rule, total)
    deciding = [s for s in groups.values() if not s.skipped] if rule.chambers else [overall]
    if total.eligible == 0:
        outcome = Outcome.REJECTED
    elif not all(scope.quorum_met for scope in deciding):
        outcome = Outcome.NO_QUORUM
    elif rule.consent and total.object > 0:
        outcome = Outcome.BLOCKED
    elif all(scope.threshold_met for scope in deciding):
        outcome = Outcome.ADOPTED
    else:
        outcome = Outcome.REJECTED
    return Decision(outcome=outcome, overall=overall, by_group=groups)
