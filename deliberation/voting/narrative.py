"""Plain-language results of a round, from the pure tally. Pure: no Django.

One sentence per motion, outcome first, with the numbers that decided it, e.g.
"Adopted. Yes from 14 of 18 policymakers, 9 of 12 industry and 11 of 15 civil-society delegates
voting; two-thirds needed in each group; one objection recorded from industry (counted as No)."

Only group-level facts appear (counts and which groups objected), never who voted how, so the
text is safe under any attribution mode. The output is plain text: callers escape it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deliberation.voting.tally import (
    GROUPS,
    Choice,
    Decision,
    Outcome,
    Rule,
    Scope,
    Threshold,
    Unit,
    share_words,
)

# How a group is named in a list of objections: "recorded from industry and civil society".
GROUP_NAMES = {
    "policymaker": "policymakers",
    "industry": "industry",
    "civil_society": "civil society",
}

_NEEDED = {
    Threshold.SIMPLE: "more than half",
    Threshold.TWO_THIRDS: "two-thirds",
    Threshold.THREE_QUARTERS: "three-quarters",
    Threshold.ABSOLUTE: "more than half of those eligible",
}

_METHODS = {"schulze": "the Schulze method (ranked ballots)", "approval": "approval voting"}


@dataclass(frozen=True)
class _Noun:
    """A group's voters: "civil-society" + "delegate(s)", or a bare "policymaker(s)"."""

    modifier: str
    singular: str
    plural: str


# A group's modifier; policymakers voting in person have a noun of their own.
_MODIFIERS = {
    "policymaker": "policymaker",
    "industry": "industry",
    "civil_society": "civil-society",
}


def _noun(group: str | None, unit: Unit) -> _Noun:
    if unit is Unit.ORGANIZATION:
        return _Noun(_MODIFIERS.get(group or "", ""), "delegation", "delegations")
    if group == "policymaker":
        return _Noun("", "policymaker", "policymakers")
    return _Noun(_MODIFIERS.get(group or "", ""), "delegate", "delegates")


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _noun_list(
    items: Sequence[tuple[str, int, _Noun]], conjunction: str = "and", *, eligible: bool = False
) -> str:
    """ "14 of 18 policymakers, 9 of 12 industry and 11 of 15 civil-society delegates".

    Each item is (amount, the number its noun agrees with, noun). Adjacent modified nouns share
    the head noun, as in "industry and civil-society delegates", which is plural unless every
    item sharing it counts one.
    """
    parts = []
    run: list[int] = []  # the numbers of the items sharing the noun still to be written
    for i, (amount, n, noun) in enumerate(items):
        words = [amount] if amount else []
        if eligible:
            words.append("eligible")
        if noun.modifier:
            words.append(noun.modifier)
        run.append(n)
        following = items[i + 1][2] if i + 1 < len(items) else None
        shared = (
            following is not None
            and noun.modifier
            and following.modifier
            and following.plural == noun.plural
        )
        if not shared:
            words.append(noun.singular if set(run) == {1} else noun.plural)
            run = []
        parts.append(" ".join(words))
    return _join(parts, conjunction)


def _count(n: int, singular: str, plural: str) -> str:
    """ "no objections", "one objection", "2 objections"."""
    return {0: f"no {plural}", 1: f"one {singular}"}.get(n, f"{n} {plural}")


def _deciding(rule: Rule, decision: Decision) -> list[tuple[str | None, Scope]]:
    if not rule.chambers:
        return [(None, decision.overall)]
    return [(g, s) for g, s in decision.by_group.items() if not s.skipped]


def _ordered_groups(groups: Sequence[str]) -> list[str]:
    for group in groups:
        if group not in GROUPS:
            raise ValueError(f"objection_groups: unknown stakeholder group {group!r}")
    return [group for group in GROUPS if group in groups]


def narrative(rule: Rule, decision: Decision, *, objection_groups: Sequence[str] = ()) -> str:
    """The result of a yes/no motion in one plain sentence or two, outcome first.

    ``objection_groups`` names the groups objections came from (repeats are fine); it is only
    used to say where objections were recorded.
    """
    objectors = [GROUP_NAMES[g] for g in _ordered_groups(objection_groups)]
    unit = rule.unit
    if decision.nobody_eligible:
        noun = _noun(None, unit).plural
        if rule.chambers:
            return f"Rejected: no stakeholder group has eligible {noun}."
        return f"Rejected: no eligible {noun}."
    deciding = _deciding(rule, decision)
    each = " in each group" if rule.chambers and len(deciding) > 1 else ""
    if decision.outcome is Outcome.NO_QUORUM:
        return _no_quorum(rule, deciding, each)
    objections = decision.overall.counts.object
    if decision.outcome is Outcome.BLOCKED:
        where = f" ({', '.join(objectors)})" if objectors else ""
        return f"Blocked: {_count(objections, 'objection', 'objections')} recorded{where}."
    clauses = [_yes_clause(rule, deciding), f"{_NEEDED[rule.threshold]} needed{each}"]
    if decision.outcome is Outcome.REJECTED:
        clauses.extend(_missed(rule, deciding, each))
    skipped = [g for g, s in decision.by_group.items() if s.skipped]
    if rule.chambers and skipped:
        nouns = [("", 2, _noun(g, unit)) for g in skipped]
        clauses.append("no eligible " + _noun_list(nouns, "or"))
    if objections:
        where = f" from {_join(objectors)}" if objectors else ""
        recorded = _count(objections, "objection", "objections")
        clauses.append(f"{recorded} recorded{where} (counted as No)")
    abstentions = decision.overall.counts.abstain
    if abstentions and rule.threshold is not Threshold.ABSOLUTE:
        clauses.append(f"{_count(abstentions, 'abstention', 'abstentions')} not counted")
    title = "Adopted" if decision.outcome is Outcome.ADOPTED else "Rejected"
    return f"{title}. {'; '.join(clauses)}."


def _no_quorum(rule: Rule, deciding: list[tuple[str | None, Scope]], each: str) -> str:
    short = [
        (f"{s.counts.participated} of {s.counts.eligible}", s.counts.eligible, _noun(g, rule.unit))
        for g, s in deciding
        if not s.quorum_met
    ]
    needed = share_words(rule.quorum_percent)
    return f"No quorum: {_noun_list(short)} took part, {needed} needed{each}."


def _cast(rule: Rule, scope: Scope) -> int:
    counts = scope.counts
    return counts.yes + counts.no + (0 if rule.consent else counts.object)


def _yes_clause(rule: Rule, deciding: list[tuple[str | None, Scope]]) -> str:
    if rule.threshold is Threshold.ABSOLUTE:
        items = [
            (f"{s.counts.yes} of {s.counts.eligible}", s.counts.eligible, _noun(g, rule.unit))
            for g, s in deciding
        ]
        return f"Yes from {_noun_list(items, eligible=True)}"
    items = [
        (f"{s.counts.yes} of {_cast(rule, s)}", _cast(rule, s), _noun(g, rule.unit))
        for g, s in deciding
    ]
    return f"Yes from {_noun_list(items)} voting"


def _missed(rule: Rule, deciding: list[tuple[str | None, Scope]], each: str) -> list[str]:
    """Where a rejected motion fell short, when the numbers alone don't make it obvious."""
    clauses = []
    missed = [GROUP_NAMES[g] for g, s in deciding if g and not s.threshold_met]
    if len(deciding) > 1 and missed:
        clauses.append(f"not reached by {_join(missed)}")
    # 0 of 0 meets "two-thirds" arithmetically; what fails is the one-Yes minimum.
    if any(_cast(rule, s) == 0 for _g, s in deciding):
        clauses.append(f"at least one Yes needed{each}")
    return clauses


def choice_narrative(method: str, choice: Choice, labels: Mapping[str, str] | None = None) -> str:
    """The chosen alternative in one sentence: "Alternative B chosen by the Schulze method ...".

    ``labels`` maps an alternative's label to its title, shown after the label.
    """
    if method not in _METHODS:
        raise ValueError(f"method: expected one of {', '.join(_METHODS)}, got {method!r}")
    if choice.winner is None:
        return "No alternative chosen: there were no alternatives to choose from."

    def name(label: str) -> str:
        title = (labels or {}).get(label)
        return f"{label} ({title})" if title else label

    text = f"Alternative {name(choice.winner)} chosen by {_METHODS[method]}"
    approvals = choice.scores.get("approvals", {})
    if method == "approval":
        text += f" with {_count(approvals.get(choice.winner, 0), 'approval', 'approvals')}"
    if choice.tie_broken:
        others = [name(label) for label in choice.winners if label != choice.winner]
        if _no_preferences(choice):
            text += "; no preferences were expressed, so all alternatives tied"
        else:
            text += f"; tied with {_join(others)}"
        text += ", broken by the lowest label"
    return text + "."


def _no_preferences(choice: Choice) -> bool:
    pairwise = choice.scores.get("pairwise", {})
    approvals = choice.scores.get("approvals", {})
    return not any(any(row.values()) for row in pairwise.values()) and not any(approvals.values())
