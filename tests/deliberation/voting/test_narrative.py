"""Narratives: the outcome first, then the numbers that decided it, in grammatical English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.voting.narrative import choice_narrative, narrative
from deliberation.voting.tally import (
    GROUPS,
    Counts,
    Outcome,
    Rule,
    Threshold,
    Unit,
    approval,
    decide,
    schulze,
)

PM, IND, CS = GROUPS


def c(eligible: int, yes: int = 0, no: int = 0, abstain: int = 0, object: int = 0) -> Counts:
    return Counts(eligible=eligible, yes=yes, no=no, abstain=abstain, object=object)


def told(rule: dict[str, Any], by_group: dict[str, Counts], **kwargs: Any) -> str:
    the_rule = Rule.from_dict(rule)
    return narrative(the_rule, decide(the_rule, by_group), **kwargs)


CHAMBERS_2_3 = {"threshold": "two_thirds", "quorum_percent": 50, "chambers": True}


@pytest.mark.parametrize(
    ("rule", "by_group", "objection_groups", "text"),
    [
        pytest.param(
            CHAMBERS_2_3,
            {PM: c(18, 14, 4), IND: c(14, 9, 3, 1, 1), CS: c(18, 11, 4)},
            [IND],
            "Adopted. Yes from 14 of 18 policymakers, 9 of 13 industry and 11 of 15 "
            "civil-society delegates voting; two-thirds needed in each group; one objection "
            "recorded from industry (counted as No); one abstention not counted.",
            id="adopted_in_chambers",
        ),
        pytest.param(
            CHAMBERS_2_3,
            {PM: c(10, 3), IND: c(12, 9, 3)},
            [],
            "No quorum: 3 of 10 policymakers took part, half needed in each group.",
            id="no_quorum_one_group",
        ),
        pytest.param(
            {"threshold": "simple", "quorum_percent": 50, "chambers": True},
            {PM: c(1), IND: c(12, 1, 3)},
            [],
            "No quorum: 0 of 1 policymaker and 4 of 12 industry delegates took part, half "
            "needed in each group.",
            id="no_quorum_two_groups_singular",
        ),
        pytest.param(
            {"threshold": "simple", "quorum_percent": 30},
            {PM: c(10, 1), CS: c(10, 4)},
            [],
            "No quorum: 5 of 20 delegates took part, 30% needed.",
            id="no_quorum_overall",
        ),
        pytest.param(
            {"threshold": "simple", "quorum_percent": 100, "unit": "organization"},
            {IND: c(3, 2)},
            [],
            "No quorum: 2 of 3 delegations took part, all needed.",
            id="no_quorum_everyone_delegations",
        ),
        pytest.param(
            {"threshold": "two_thirds", "consent": True},
            {PM: c(10, 8), IND: c(5, 3, 0, 0, 1), CS: c(5, 3, 0, 0, 1)},
            [CS, IND, CS],
            "Blocked: 2 objections recorded (industry, civil society).",
            id="blocked_two_groups",
        ),
        pytest.param(
            {"threshold": "simple", "consent": True},
            {PM: c(10, 8, 0, 0, 1)},
            [PM],
            "Blocked: one objection recorded (policymakers).",
            id="blocked_one",
        ),
        pytest.param(
            {"threshold": "simple", "consent": True},
            {PM: c(10, 5, 0, 0, 3)},
            [],
            "Blocked: 3 objections recorded.",
            id="blocked_groups_unknown",
        ),
        pytest.param(
            {"threshold": "simple"},
            {PM: c(10, 4, 5), CS: c(3, 1, 0, 2)},
            [],
            "Rejected. Yes from 5 of 10 delegates voting; more than half needed; "
            "2 abstentions not counted.",
            id="rejected_overall_tie",
        ),
        pytest.param(
            {"threshold": "simple", "chambers": True},
            {PM: c(10, 9, 1), IND: c(3, 1, 2), CS: c(2, 2)},
            [],
            "Rejected. Yes from 9 of 10 policymakers, 1 of 3 industry and 2 of 2 "
            "civil-society delegates voting; more than half needed in each group; not reached "
            "by industry.",
            id="rejected_one_chamber",
        ),
        pytest.param(
            {"threshold": "two_thirds", "chambers": True},
            {PM: c(5, 5), CS: c(5, abstain=5)},
            [],
            "Rejected. Yes from 5 of 5 policymakers and 0 of 0 civil-society delegates voting; "
            "two-thirds needed in each group; not reached by civil society; at least one Yes "
            "needed in each group; no eligible industry delegates; 5 abstentions not counted.",
            id="rejected_no_yes_in_a_group",
        ),
        pytest.param(
            {"threshold": "three_quarters"},
            {PM: c(4, abstain=1)},
            [],
            "Rejected. Yes from 0 of 0 delegates voting; three-quarters needed; at least one "
            "Yes needed; one abstention not counted.",
            id="rejected_nobody_voted",
        ),
        pytest.param(
            {"threshold": "two_thirds", "chambers": True},
            {IND: c(4, 3, 1)},
            [],
            "Adopted. Yes from 3 of 4 industry delegates voting; two-thirds needed; no eligible "
            "policymakers or civil-society delegates.",
            id="adopted_two_groups_skipped",
        ),
        pytest.param(
            {"threshold": "simple", "chambers": True, "unit": "organization"},
            {PM: c(2, 2), IND: c(1, 1)},
            [],
            "Adopted. Yes from 2 of 2 policymaker and 1 of 1 industry delegations voting; more "
            "than half needed in each group; no eligible civil-society delegations.",
            id="adopted_delegations",
        ),
        pytest.param(
            {"threshold": "absolute", "chambers": True},
            {PM: c(10, 8), CS: c(12, 5, 0, 3)},
            [],
            "Rejected. Yes from 8 of 10 eligible policymakers and 5 of 12 eligible "
            "civil-society delegates; more than half of those eligible needed in each group; "
            "not reached by civil society; no eligible industry delegates.",
            id="absolute_chambers",
        ),
        pytest.param(
            {"threshold": "absolute"},
            {PM: c(3, 2, 0, 1)},
            [],
            "Adopted. Yes from 2 of 3 eligible delegates; more than half of those eligible needed.",
            id="absolute_abstentions_not_mentioned",
        ),
        pytest.param(
            {"threshold": "simple", "chambers": True},
            {},
            [],
            "Rejected: no stakeholder group has eligible delegates.",
            id="nobody_eligible_chambers",
        ),
        pytest.param(
            {"threshold": "simple", "unit": "organization"},
            {PM: c(0)},
            [],
            "Rejected: no eligible delegations.",
            id="nobody_eligible",
        ),
    ],
)
def test_narrative(
    rule: dict[str, Any], by_group: dict[str, Counts], objection_groups: list[str], text: str
) -> None:
    assert told(rule, by_group, objection_groups=objection_groups) == text


def test_unknown_objection_group_is_refused() -> None:
    with pytest.raises(ValueError, match="objection_groups"):
        told({"threshold": "simple"}, {PM: c(1, 1)}, objection_groups=["observer"])


@pytest.mark.parametrize(
    ("method", "choice", "labels", "text"),
    [
        pytest.param(
            "schulze",
            schulze("ABC", [(("B", "C", "A"), 2), (("C", "B", "A"), 2)]),
            None,
            "Alternative B chosen by the Schulze method (ranked ballots); tied with C, broken "
            "by the lowest label.",
            id="schulze_tie",
        ),
        pytest.param(
            "schulze",
            schulze("ABC", [(("B", "A"), 3), (("C",), 1)]),
            {"B": "Stricter trigger", "A": "Status quo"},
            "Alternative B (Stricter trigger) chosen by the Schulze method (ranked ballots).",
            id="schulze_titled",
        ),
        pytest.param(
            "schulze",
            schulze("CAB", []),
            None,
            "Alternative A chosen by the Schulze method (ranked ballots); no preferences were "
            "expressed, so all alternatives tied, broken by the lowest label.",
            id="schulze_no_ballots",
        ),
        pytest.param(
            "approval",
            approval("ABC", [(("A", "C"), 3), (("C",), 1)]),
            None,
            "Alternative C chosen by approval voting with 4 approvals.",
            id="approval",
        ),
        pytest.param(
            "approval",
            approval("ABCD", [(("D", "B", "C"), 1)]),
            {"C": "Audit first"},
            "Alternative B chosen by approval voting with one approval; tied with C (Audit "
            "first) and D, broken by the lowest label.",
            id="approval_three_way_tie",
        ),
        pytest.param(
            "approval",
            approval("A", []),
            None,
            "Alternative A chosen by approval voting with no approvals.",
            id="approval_single_alternative",
        ),
        pytest.param(
            "approval",
            approval([], []),
            None,
            "No alternative chosen: there were no alternatives to choose from.",
            id="no_alternatives",
        ),
    ],
)
def test_choice_narrative(
    method: str, choice: Any, labels: dict[str, str] | None, text: str
) -> None:
    assert choice_narrative(method, choice, labels) == text


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        choice_narrative("plurality", approval("A", []))


@st.composite
def counts(draw: st.DrawFn) -> Counts:
    eligible = draw(st.integers(0, 4))
    left, taken = eligible, []
    for _ in range(4):
        taken.append(draw(st.integers(0, left)))
        left -= taken[-1]
    return Counts(eligible, *taken)


rules = st.builds(
    Rule,
    threshold=st.sampled_from(Threshold),
    quorum_percent=st.sampled_from([0, 30, 50, 100]),
    consent=st.booleans(),
    chambers=st.booleans(),
    unit=st.sampled_from(Unit),
)

OPENINGS = {
    Outcome.ADOPTED: "Adopted. ",
    Outcome.REJECTED: "Rejected",
    Outcome.BLOCKED: "Blocked: ",
    Outcome.NO_QUORUM: "No quorum: ",
}
# A count of one with a plural noun ("1 abstentions", "of 1 policymakers"), or the reverse.
BAD_NUMBER = re.compile(
    r"\b(1|one) (objections|abstentions|approvals)\b"
    r"|\bof 1 (eligible )?(policymakers|delegates|delegations)\b"
    r"|\bof ([02-9]|\d\d+) (eligible )?(\S+ )?(policymaker|delegate|delegation)\b"
    r"(?! delegations?\b| and|,)"
)


@given(
    rules, st.fixed_dictionaries({g: counts() for g in GROUPS}), st.lists(st.sampled_from(GROUPS))
)
def test_every_narrative_opens_with_its_outcome_and_agrees_in_number(
    rule: Rule, by_group: dict[str, Counts], objection_groups: list[str]
) -> None:
    decision = decide(rule, by_group)
    text = narrative(rule, decision, objection_groups=objection_groups)
    assert text.startswith(OPENINGS[decision.outcome])
    assert text.endswith(".") and not text.endswith("..")
    assert not BAD_NUMBER.search(text), text
    assert "  " not in text and " ;" not in text and " ," not in text
