"""The pure tally: yes/no decisions at every boundary, their properties, and the Schulze and
approval counts checked against votelib and a brute-force reference. No database."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pytest
import votelib.convert
import votelib.evaluate.condorcet
import votelib.evaluate.core
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.voting.tally import (
    GROUPS,
    Choice,
    Counts,
    Outcome,
    Rule,
    Threshold,
    Unit,
    approval,
    decide,
    schulze,
)

ADOPTED, REJECTED, BLOCKED, NO_QUORUM = (
    Outcome.ADOPTED,
    Outcome.REJECTED,
    Outcome.BLOCKED,
    Outcome.NO_QUORUM,
)
PM, IND, CS = GROUPS


def c(eligible: int, yes: int = 0, no: int = 0, abstain: int = 0, object: int = 0) -> Counts:
    return Counts(eligible=eligible, yes=yes, no=no, abstain=abstain, object=object)


def rule(threshold: str, quorum: int = 0, **flags: Any) -> Rule:
    return Rule(threshold=Threshold(threshold), quorum_percent=quorum, **flags)


# --- Yes/no decisions: a table of every rule at its edges ---------------------------------------

# (case, rule, counts by group, expected outcome). Every row runs once per vote unit: the
# arithmetic is the same whether a unit is a person or an organization.
CASES: list[tuple[str, Rule, dict[str, Counts], Outcome]] = [
    # simple: strictly more than half of Y+N'
    ("simple_one_yes", rule("simple"), {PM: c(5, yes=1)}, ADOPTED),
    ("simple_2_1", rule("simple"), {PM: c(5, yes=2, no=1)}, ADOPTED),
    ("simple_tie_fails", rule("simple"), {PM: c(5, yes=1, no=1)}, REJECTED),
    ("simple_tie_2_2_fails", rule("simple"), {PM: c(5, yes=2, no=2)}, REJECTED),
    ("simple_3_2", rule("simple"), {PM: c(5, yes=3, no=2)}, ADOPTED),
    # two-thirds: 3Y >= 2(Y+N')
    ("two_thirds_2_1_exact", rule("two_thirds"), {PM: c(5, yes=2, no=1)}, ADOPTED),
    ("two_thirds_1_1", rule("two_thirds"), {PM: c(5, yes=1, no=1)}, REJECTED),
    ("two_thirds_3_2_short", rule("two_thirds"), {PM: c(5, yes=3, no=2)}, REJECTED),
    ("two_thirds_4_2_exact", rule("two_thirds"), {PM: c(6, yes=4, no=2)}, ADOPTED),
    ("two_thirds_spread", rule("two_thirds"), {PM: c(3, 1), IND: c(3, 1, 1)}, ADOPTED),
    # three-quarters: 4Y >= 3(Y+N')
    ("three_quarters_3_1_exact", rule("three_quarters"), {PM: c(4, yes=3, no=1)}, ADOPTED),
    ("three_quarters_2_1", rule("three_quarters"), {PM: c(4, yes=2, no=1)}, REJECTED),
    ("three_quarters_5_2_short", rule("three_quarters"), {PM: c(7, yes=5, no=2)}, REJECTED),
    ("three_quarters_6_2_exact", rule("three_quarters"), {PM: c(8, yes=6, no=2)}, ADOPTED),
    # absolute: 2Y > E, whatever the others did
    ("absolute_6_of_10", rule("absolute"), {PM: c(10, yes=6)}, ADOPTED),
    ("absolute_half_fails", rule("absolute"), {PM: c(10, yes=5)}, REJECTED),
    ("absolute_5_of_9", rule("absolute"), {PM: c(9, yes=5, no=0)}, ADOPTED),
    ("absolute_4_of_9", rule("absolute"), {PM: c(9, yes=4, no=0, abstain=5)}, REJECTED),
    ("absolute_1_of_1", rule("absolute"), {PM: c(1, yes=1)}, ADOPTED),
    ("absolute_ignores_no", rule("absolute"), {PM: c(10, yes=6, no=4)}, ADOPTED),
    ("absolute_nobody_eligible", rule("absolute"), {}, REJECTED),
    # at least one Yes, always
    ("zero_votes", rule("simple"), {PM: c(10)}, REJECTED),
    ("zero_votes_two_thirds", rule("two_thirds"), {PM: c(10)}, REJECTED),
    ("all_abstain_simple", rule("simple"), {PM: c(5, abstain=5)}, REJECTED),
    ("all_abstain_two_thirds", rule("two_thirds"), {PM: c(5, abstain=5)}, REJECTED),
    ("all_abstain_three_quarters", rule("three_quarters"), {PM: c(5, abstain=5)}, REJECTED),
    ("abstentions_not_cast", rule("two_thirds"), {PM: c(9, yes=2, no=1, abstain=6)}, ADOPTED),
    # quorum: 100P >= qE, abstentions and objections take part
    ("quorum_exact", rule("simple", 50), {PM: c(10, yes=5)}, ADOPTED),
    ("quorum_one_short", rule("simple", 50), {PM: c(10, yes=4)}, NO_QUORUM),
    ("quorum_30_of_7_met", rule("simple", 30), {PM: c(7, yes=3)}, ADOPTED),
    ("quorum_30_of_7_short", rule("simple", 30), {PM: c(7, yes=2)}, NO_QUORUM),
    ("quorum_all_met", rule("simple", 100), {PM: c(3, yes=2, no=1)}, ADOPTED),
    ("quorum_all_short", rule("simple", 100), {PM: c(3, yes=2)}, NO_QUORUM),
    ("quorum_1_percent", rule("simple", 1), {PM: c(150, yes=1)}, NO_QUORUM),
    ("quorum_abstain_counts", rule("simple", 50), {PM: c(10, yes=1, abstain=4)}, ADOPTED),
    ("quorum_objection_counts", rule("simple", 50), {PM: c(10, 3, object=2)}, ADOPTED),
    ("quorum_zero_no_votes", rule("simple", 0), {PM: c(10)}, REJECTED),
    ("quorum_any_no_votes", rule("simple", 1), {PM: c(10)}, NO_QUORUM),
    ("quorum_over_all_groups", rule("simple", 50), {PM: c(10, 10), IND: c(10)}, ADOPTED),
    ("quorum_over_all_groups_short", rule("simple", 50), {PM: c(10, 9), IND: c(12)}, NO_QUORUM),
    # objections without consent are Noes
    ("objection_is_no", rule("simple"), {PM: c(5, yes=2, object=2)}, REJECTED),
    ("objection_is_no_outvoted", rule("simple"), {PM: c(5, yes=3, object=2)}, ADOPTED),
    ("objection_is_no_two_thirds", rule("two_thirds"), {PM: c(5, 2, 1, object=1)}, REJECTED),
    ("objection_is_no_two_thirds_ok", rule("two_thirds"), {PM: c(5, 2, object=1)}, ADOPTED),
    ("objection_only", rule("simple"), {PM: c(5, object=1)}, REJECTED),
    # consent: any objection blocks, none leaves the threshold to decide
    ("consent_blocked", rule("simple", consent=True), {PM: c(10, yes=9, object=1)}, BLOCKED),
    ("consent_no_objection", rule("simple", consent=True), {PM: c(10, yes=9, no=1)}, ADOPTED),
    ("consent_abstentions_fine", rule("two_thirds", consent=True), {PM: c(9, 2, 1, 3)}, ADOPTED),
    ("consent_threshold_missed", rule("simple", consent=True), {PM: c(10, 1, 1)}, REJECTED),
    ("blocked_before_rejected", rule("simple", consent=True), {PM: c(10, 1, 5, 0, 1)}, BLOCKED),
    ("blocked_before_adopted", rule("absolute", consent=True), {CS: c(3, 2, object=1)}, BLOCKED),
    (
        "no_quorum_before_blocked",
        rule("simple", 50, consent=True),
        {PM: c(10, 3, 0, 0, 1)},
        NO_QUORUM,
    ),
    (
        "no_quorum_before_blocked_chambers",
        rule("simple", 50, consent=True, chambers=True),
        {PM: c(10, 9, object=1), IND: c(10, 1)},
        NO_QUORUM,
    ),
    # chambers: every group with someone eligible decides on its own
    (
        "chambers_all_groups_pass",
        rule("two_thirds", 50, chambers=True),
        {PM: c(18, 14, 4), IND: c(12, 9, 3), CS: c(15, 11, 4)},
        ADOPTED,
    ),
    (
        "chambers_one_group_outvoted",
        rule("simple", chambers=True),
        {PM: c(10, 9, 1), IND: c(3, 1, 2), CS: c(10, 9, 1)},
        REJECTED,
    ),
    (
        "no_chambers_same_counts_pass",
        rule("simple"),
        {PM: c(10, 9, 1), IND: c(3, 1, 2), CS: c(10, 9, 1)},
        ADOPTED,
    ),
    (
        "chambers_group_misses_quorum",
        rule("simple", 50, chambers=True),
        {PM: c(10, 10), IND: c(10, 4), CS: c(10, 10)},
        NO_QUORUM,
    ),
    (
        "no_chambers_same_quorum_met",
        rule("simple", 50),
        {PM: c(10, 10), IND: c(10, 4), CS: c(10, 10)},
        ADOPTED,
    ),
    (
        "chambers_group_without_yes",
        rule("two_thirds", chambers=True),
        {PM: c(5, 5), IND: c(5, abstain=5)},
        REJECTED,
    ),
    (
        "chambers_group_quorum_exact",
        rule("simple", 50, chambers=True),
        {PM: c(2, 1), IND: c(4, 2), CS: c(6, 3)},
        ADOPTED,
    ),
    (
        "chambers_empty_group_skipped",
        rule("two_thirds", 50, chambers=True),
        {PM: c(10, 8), IND: c(0), CS: c(10, 8)},
        ADOPTED,
    ),
    ("chambers_missing_group_skipped", rule("simple", 100, chambers=True), {CS: c(2, 2)}, ADOPTED),
    ("chambers_all_groups_empty", rule("simple", chambers=True), {}, REJECTED),
    ("chambers_all_groups_empty_zero", rule("simple", chambers=True), {PM: c(0)}, REJECTED),
    ("no_chambers_all_groups_empty", rule("simple"), {PM: c(0), IND: c(0), CS: c(0)}, REJECTED),
    (
        "chambers_absolute_per_group",
        rule("absolute", chambers=True),
        {PM: c(4, 3), IND: c(4, 2), CS: c(4, 4)},
        REJECTED,
    ),
    (
        "no_chambers_absolute_overall",
        rule("absolute"),
        {PM: c(4, 3), IND: c(4, 2), CS: c(4, 4)},
        ADOPTED,
    ),
    (
        "chambers_consent_objection_anywhere",
        rule("simple", chambers=True, consent=True),
        {PM: c(4, 3), IND: c(4, 3, object=1)},
        BLOCKED,
    ),
]


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize(
    ("the_rule", "by_group", "expected"),
    [pytest.param(r, g, e, id=name) for name, r, g, e in CASES],
)
def test_outcome_table(
    unit: Unit, the_rule: Rule, by_group: dict[str, Counts], expected: Outcome
) -> None:
    the_rule = Rule(**{**the_rule.to_dict(), "unit": unit})
    assert decide(the_rule, by_group).outcome is expected


def test_case_names_are_unique() -> None:
    names = [name for name, *_ in CASES]
    assert len(names) == len(set(names))


def test_every_group_is_reported_in_order_and_overall_is_their_sum() -> None:
    decision = decide(rule("simple"), {CS: c(5, 3, 1), PM: c(4, 2, 0, 1)})
    assert list(decision.by_group) == list(GROUPS)
    assert decision.overall.counts == c(9, 5, 1, 1)
    assert decision.by_group[IND].counts == Counts()
    assert decision.by_group[IND].skipped


def test_groups_are_informational_without_chambers() -> None:
    decision = decide(rule("simple", 50), {PM: c(10, 10), IND: c(10, 1, 3), CS: c(2)})
    assert decision.outcome is ADOPTED
    industry, civil_society = decision.by_group[IND], decision.by_group[CS]
    assert (industry.quorum_met, industry.threshold_met, industry.skipped) == (False, False, False)
    assert (civil_society.quorum_met, civil_society.threshold_met) == (False, False)
    assert decision.by_group[PM].threshold_met
    assert decision.overall.quorum_met and decision.overall.threshold_met


def test_skipped_group_is_reported_with_and_without_chambers() -> None:
    for chambers in (False, True):
        decision = decide(rule("simple", chambers=chambers), {PM: c(3, 2), CS: c(3, 2)})
        assert decision.outcome is ADOPTED
        assert [g for g, s in decision.by_group.items() if s.skipped] == [IND]


def test_nobody_eligible_is_a_rejection_that_says_so() -> None:
    for chambers in (False, True):
        decision = decide(rule("two_thirds", 50, chambers=chambers), {})
        assert decision.outcome is REJECTED
        assert decision.nobody_eligible
        assert all(scope.skipped for scope in decision.by_group.values())
    assert not decide(rule("simple"), {PM: c(1)}).nobody_eligible


def test_consent_threshold_ignores_objections() -> None:
    decision = decide(rule("simple", consent=True), {PM: c(10, 1, 0, 0, 5)})
    assert decision.outcome is BLOCKED
    assert decision.overall.threshold_met  # 1 of 1 cast; the objections block instead


def test_decision_is_json_able() -> None:
    decision = decide(rule("simple", 50, chambers=True), {PM: c(4, 3, 1)})
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["outcome"] == "adopted"
    assert data["overall"]["counts"] == {
        "eligible": 4,
        "yes": 3,
        "no": 1,
        "abstain": 0,
        "object": 0,
        "participated": 4,
    }
    assert data["by_group"][IND]["skipped"] is True
    assert list(data["by_group"]) == list(GROUPS)


def test_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="observer: unknown stakeholder group"):
        decide(rule("simple"), {"observer": c(1, 1)})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"eligible": -1}, "eligible"),
        ({"eligible": 3, "yes": -1}, "yes"),
        ({"eligible": 3, "no": True}, "no"),
        ({"eligible": 3, "abstain": 1.0}, "abstain"),
        ({"eligible": 3, "object": "1"}, "object"),
        ({"eligible": 2, "yes": 2, "no": 1}, "3 took part but only 2 eligible"),
    ],
)
def test_bad_counts_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Counts(**fields)


def test_participated_counts_every_kind_of_ballot() -> None:
    assert c(10, 1, 2, 3, 4).participated == 10
    assert c(3, 1) + c(2, 0, 1, 1) == c(5, 1, 1, 1)


# --- Rules as data ------------------------------------------------------------------------------


def test_rule_to_dict_is_the_api_shape() -> None:
    the_rule = Rule(threshold=Threshold.TWO_THIRDS, quorum_percent=50, consent=True)
    assert the_rule.to_dict() == {
        "threshold": "two_thirds",
        "quorum_percent": 50,
        "consent": True,
        "chambers": False,
        "unit": "person",
    }
    assert json.loads(json.dumps(the_rule.to_dict())) == the_rule.to_dict()


def test_rule_from_dict_fills_defaults_and_takes_strings() -> None:
    the_rule = Rule.from_dict({"threshold": "absolute"})
    assert the_rule == Rule(threshold=Threshold.ABSOLUTE)
    assert the_rule.threshold is Threshold.ABSOLUTE
    assert the_rule.unit is Unit.PERSON
    org = Rule.from_dict({"threshold": "simple", "unit": "organization"})
    assert org.unit is Unit.ORGANIZATION


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "threshold: this key is required"),
        ({"threshold": "simple", "quorum": 50}, "quorum: unknown key"),
        ({"threshold": "majority"}, "threshold: expected one of"),
        ({"threshold": None}, "threshold: expected one of"),
        ({"threshold": "simple", "quorum_percent": True}, "quorum_percent: expected a whole"),
        ({"threshold": "simple", "quorum_percent": 50.0}, "quorum_percent: expected a whole"),
        ({"threshold": "simple", "quorum_percent": "50"}, "quorum_percent: expected a whole"),
        ({"threshold": "simple", "quorum_percent": -1}, "quorum_percent: must be between"),
        ({"threshold": "simple", "quorum_percent": 101}, "quorum_percent: must be between"),
        ({"threshold": "simple", "consent": "yes"}, "consent: expected true or false"),
        ({"threshold": "simple", "chambers": 1}, "chambers: expected true or false"),
        ({"threshold": "simple", "unit": "country"}, "unit: expected one of"),
    ],
)
def test_rule_from_dict_names_the_bad_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rule.from_dict(data)


def test_rule_from_dict_refuses_a_non_object() -> None:
    with pytest.raises(ValueError, match="rule: expected an object"):
        Rule.from_dict(["simple"])  # type: ignore[arg-type]


def test_quorum_bounds_are_allowed() -> None:
    assert Rule.from_dict({"threshold": "simple", "quorum_percent": 0}).quorum_percent == 0
    assert Rule.from_dict({"threshold": "simple", "quorum_percent": 100}).quorum_percent == 100


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (
            {"threshold": "two_thirds", "quorum_percent": 50, "consent": True, "chambers": True},
            "Adopted if at least two-thirds of votes cast in each stakeholder group are Yes, "
            "with at least half of each group taking part, and nobody objects. "
            "Abstentions count toward taking part, not as votes cast. "
            "Each group needs at least one Yes; a group with nobody eligible is skipped.",
        ),
        (
            {"threshold": "simple"},
            "Adopted if more than half of votes cast are Yes. Objections count as No. "
            "Abstentions are not votes cast.",
        ),
        (
            {"threshold": "three_quarters", "quorum_percent": 30, "unit": "organization"},
            "Adopted if at least three-quarters of votes cast are Yes, with at least 30% of the "
            "eligible delegations taking part. Objections count as No. Abstentions count toward "
            "taking part, not as votes cast. One vote per organization, cast by its head of "
            "delegation.",
        ),
        (
            {"threshold": "absolute", "quorum_percent": 100, "consent": True},
            "Adopted if more than half of the eligible delegates vote Yes, with all eligible "
            "delegates taking part, and nobody objects.",
        ),
        (
            {"threshold": "absolute", "quorum_percent": 100, "chambers": True},
            "Adopted if more than half of the eligible delegates in each stakeholder group vote "
            "Yes, with everyone in each group taking part. Objections count as No. Each group "
            "needs at least one Yes; a group with nobody eligible is skipped.",
        ),
    ],
)
def test_rule_explains_itself(data: dict[str, Any], text: str) -> None:
    assert Rule.from_dict(data).explain() == text


# --- Properties ---------------------------------------------------------------------------------

rules = st.builds(
    Rule,
    threshold=st.sampled_from(Threshold),
    quorum_percent=st.integers(0, 100),
    consent=st.booleans(),
    chambers=st.booleans(),
    unit=st.sampled_from(Unit),
)


@st.composite
def counts(draw: st.DrawFn, max_eligible: int = 20) -> Counts:
    eligible = draw(st.integers(0, max_eligible))
    left = eligible
    taken = []
    for _ in range(4):
        n = draw(st.integers(0, left))
        taken.append(n)
        left -= n
    yes, no, abstain, object_ = taken
    return Counts(eligible, yes, no, abstain, object_)


ballots_by_group = st.fixed_dictionaries({group: counts() for group in GROUPS})


def reference_outcome(rule: Rule, by_group: Mapping[str, Counts]) -> Outcome:
    """The rules restated with fractions, as a reader of DESIGN.md would check them by hand."""

    def quorum(x: Counts) -> bool:
        return x.eligible == 0 or Fraction(x.participated, x.eligible) >= Fraction(
            rule.quorum_percent, 100
        )

    def threshold(x: Counts) -> bool:
        noes = x.no + (0 if rule.consent else x.object)
        if x.yes == 0:
            return False
        share = Fraction(x.yes, x.yes + noes)
        if rule.threshold is Threshold.ABSOLUTE:
            return Fraction(x.yes, x.eligible) > Fraction(1, 2)
        needed = {"simple": Fraction(1, 2), "two_thirds": Fraction(2, 3)}.get(
            rule.threshold, Fraction(3, 4)
        )
        return share > needed if rule.threshold is Threshold.SIMPLE else share >= needed

    groups = [by_group[g] for g in GROUPS]
    total = sum(groups, Counts())
    scopes = [g for g in groups if g.eligible] if rule.chambers else [total]
    if not scopes or total.eligible == 0:
        return REJECTED
    if not all(quorum(s) for s in scopes):
        return NO_QUORUM
    if rule.consent and total.object:
        return BLOCKED
    return ADOPTED if all(threshold(s) for s in scopes) else REJECTED


@settings(max_examples=500)
@given(rules, ballots_by_group)
def test_decide_agrees_with_the_rules_restated_in_fractions(
    the_rule: Rule, by_group: dict[str, Counts]
) -> None:
    assert decide(the_rule, by_group).outcome is reference_outcome(the_rule, by_group)


def _moved(x: Counts, move: str) -> Counts | None:
    """One more Yes, taken from where the move says; None when there is nothing to take."""
    absent = x.eligible - x.participated
    take = {
        "no": ("no", x.no),
        "abstain": ("abstain", x.abstain),
        "object": ("object", x.object),
        "absent": (None, absent),
        "newcomer": (None, 1),
    }
    field, available = take[move]
    if available == 0:
        return None
    fields = {**x.to_dict(), "yes": x.yes + 1}
    del fields["participated"]
    if field:
        fields[field] -= 1
    if move == "newcomer":
        fields["eligible"] += 1
    return Counts(**fields)


@settings(max_examples=500)
@given(
    rules,
    ballots_by_group,
    st.sampled_from(GROUPS),
    st.sampled_from(["no", "abstain", "object", "absent", "newcomer"]),
)
def test_one_more_yes_never_undoes_an_adoption(
    the_rule: Rule, by_group: dict[str, Counts], group: str, move: str
) -> None:
    # Each move keeps or raises participation (a newcomer raises E and P by one, and
    # 100 >= quorum_percent), keeps or lowers N', and raises Y: every test it passed still holds.
    # Under consent, taking away an objection can only unblock.
    moved = _moved(by_group[group], move)
    if moved is None:
        return
    before = decide(the_rule, by_group).outcome
    after = decide(the_rule, {**by_group, group: moved}).outcome
    if before is ADOPTED:
        assert after is ADOPTED


def test_one_more_abstention_can_adopt_a_motion_that_had_no_quorum() -> None:
    # Not every move towards taking part is harmless for a motion's opponents: staying away
    # can deny quorum, so an abstention (or a No) can turn "no quorum" into "adopted".
    the_rule = rule("simple", 50)
    assert decide(the_rule, {PM: c(10, 3, 1)}).outcome is NO_QUORUM
    assert decide(the_rule, {PM: c(10, 3, 1, abstain=1)}).outcome is ADOPTED
    assert decide(the_rule, {PM: c(10, 3, 2)}).outcome is ADOPTED


@settings(max_examples=500)
@given(rules.map(lambda r: Rule(**{**r.to_dict(), "chambers": True})), ballots_by_group)
def test_with_chambers_adoption_needs_every_group_with_someone_eligible(
    the_rule: Rule, by_group: dict[str, Counts]
) -> None:
    decision = decide(the_rule, by_group)
    if decision.outcome is not ADOPTED:
        return
    deciding = [s for s in decision.by_group.values() if not s.skipped]
    assert deciding
    assert all(s.quorum_met and s.threshold_met and s.counts.yes >= 1 for s in deciding)
    # ... which carries over to the roll as a whole.
    assert decision.overall.quorum_met and decision.overall.threshold_met


@given(rules, ballots_by_group, st.permutations(GROUPS), st.permutations(GROUPS))
def test_outcome_depends_on_the_counts_not_on_group_order(
    the_rule: Rule,
    by_group: dict[str, Counts],
    key_order: Sequence[str],
    relabel: Sequence[str],
) -> None:
    decision = decide(the_rule, by_group)
    assert decide(the_rule, {g: by_group[g] for g in key_order}) == decision
    swapped = decide(
        the_rule, {new: by_group[old] for old, new in zip(GROUPS, relabel, strict=True)}
    )
    assert swapped.outcome is decision.outcome
    assert swapped.overall == decision.overall


@given(rules.map(lambda r: Rule(**{**r.to_dict(), "chambers": False})), ballots_by_group)
def test_without_chambers_only_the_sum_decides(the_rule: Rule, by_group: dict[str, Counts]) -> None:
    merged = decide(the_rule, {CS: sum(by_group.values(), Counts())})
    assert decide(the_rule, by_group).outcome is merged.outcome


@given(rules)
def test_rule_round_trips_through_its_dict(the_rule: Rule) -> None:
    assert Rule.from_dict(the_rule.to_dict()) == the_rule
    assert Rule.from_dict(json.loads(json.dumps(the_rule.to_dict()))) == the_rule


@given(rules, ballots_by_group)
def test_unit_does_not_change_the_arithmetic(the_rule: Rule, by_group: dict[str, Counts]) -> None:
    other = Unit.PERSON if the_rule.unit is Unit.ORGANIZATION else Unit.ORGANIZATION
    same_but_unit = Rule(**{**the_rule.to_dict(), "unit": other})
    assert decide(the_rule, by_group) == decide(same_but_unit, by_group)


# --- Schulze: textbook cases --------------------------------------------------------------------


def ranked(*pairs: tuple[str, int]) -> list[tuple[tuple[str, ...], int]]:
    """("ACB", 5) -> (("A", "C", "B"), 5): single-letter labels written as one string."""
    return [(tuple(ranking), weight) for ranking, weight in pairs]


WIKIPEDIA_45 = ranked(
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
)


def test_schulze_wikipedia_example_with_45_voters_chooses_e() -> None:
    choice = schulze("ABCDE", WIKIPEDIA_45)
    assert (choice.winner, choice.winners, choice.tie_broken) == ("E", ("E",), False)
    d = choice.scores["pairwise"]
    assert [d["A"][x] for x in "BCDE"] == [20, 26, 30, 22]
    assert [d["B"][x] for x in "ACDE"] == [25, 16, 33, 18]
    assert [d["C"][x] for x in "ABDE"] == [19, 29, 17, 24]
    assert [d["D"][x] for x in "ABCE"] == [15, 12, 28, 14]
    assert [d["E"][x] for x in "ABCD"] == [23, 27, 21, 31]
    p = choice.scores["strongest"]
    assert [p["A"][x] for x in "BCDE"] == [28, 28, 30, 24]
    assert [p["B"][x] for x in "ACDE"] == [25, 28, 33, 24]
    assert [p["C"][x] for x in "ABDE"] == [25, 29, 29, 24]
    assert [p["D"][x] for x in "ABCE"] == [25, 28, 28, 24]
    assert [p["E"][x] for x in "ABCD"] == [25, 28, 28, 31]


def test_schulze_chooses_the_condorcet_winner_tennessee() -> None:
    # Memphis, Nashville, Chattanooga, Knoxville: Nashville beats each of the others head to head.
    choice = schulze(
        ["M", "N", "C", "K"],
        ranked(("MNCK", 42), ("NCKM", 26), ("CKNM", 15), ("KCNM", 17)),
    )
    assert choice.winners == ("N",)


def test_schulze_cycle_is_resolved_by_the_strongest_paths() -> None:
    # A beats B 6:3, B beats C 7:2, C beats A 5:4: no Condorcet winner. The weakest defeat
    # (C over A) is outweighed by the path A > B > C, so A is beaten by nobody.
    choice = schulze("ABC", ranked(("ABC", 4), ("BCA", 3), ("CAB", 2)))
    assert choice.winners == ("A",)
    p = choice.scores["strongest"]
    assert (p["A"]["B"], p["B"]["A"]) == (6, 5)
    assert (p["A"]["C"], p["C"]["A"]) == (6, 5)
    assert (p["B"]["C"], p["C"]["B"]) == (7, 5)


def test_schulze_exact_tie_goes_to_the_lowest_label() -> None:
    choice = schulze(["C", "B"], ranked(("CB", 3), ("BC", 3)))
    assert (choice.winner, choice.winners, choice.tie_broken) == ("B", ("B", "C"), True)


def test_schulze_without_ballots_every_candidate_ties() -> None:
    choice = schulze(["B", "A", "C"], [])
    assert (choice.winner, choice.winners, choice.tie_broken) == ("A", ("A", "B", "C"), True)
    assert choice.scores["pairwise"]["A"] == {"B": 0, "C": 0}


def test_schulze_without_candidates_chooses_nothing() -> None:
    assert schulze([], []) == Choice(
        winner=None, winners=(), tie_broken=False, scores={"pairwise": {}, "strongest": {}}
    )


def test_schulze_single_candidate_wins_untied() -> None:
    assert schulze(["A"], ranked(("A", 1))).winners == ("A",)
    assert not schulze(["A"], []).tie_broken


def test_schulze_ranked_candidates_beat_unranked_ones_and_unranked_ones_tie() -> None:
    choice = schulze("ABCD", ranked(("B", 2), ("CA", 1)))
    d = choice.scores["pairwise"]
    assert d["B"] == {"A": 2, "C": 2, "D": 2}
    assert (d["C"]["A"], d["A"]["C"], d["A"]["D"], d["D"]["A"]) == (1, 0, 1, 0)
    assert d["D"] == {"A": 0, "B": 0, "C": 0}  # unranked everywhere: beats nobody
    assert (d["A"]["B"], d["C"]["B"]) == (1, 1)
    assert choice.winners == ("B",)


def test_schulze_empty_and_weightless_ballots_count_for_nothing() -> None:
    base = schulze("ABC", ranked(("ABC", 2), ("CB", 1)))
    padded = schulze("ABC", [*ranked(("ABC", 2), ("CB", 1), ("BA", 0)), ((), 4)])
    assert padded == base


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        ([(("A", "X"), 1)], "'X' is not one of the candidates"),
        ([(("A", "B", "A"), 1)], "appears twice"),
        ([(("A",), -1)], "weight"),
        ([(("A",), True)], "weight"),
        ([(("A",), 1.5)], "weight"),
        ([("AB", 1)], "the string 'AB'"),
    ],
)
def test_schulze_refuses_bad_ballots(profiles: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        schulze("ABC", profiles)


def test_duplicate_candidates_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate label"):
        schulze(["A", "B", "A"], [])
    with pytest.raises(ValueError, match="duplicate label"):
        approval(["A", "A"], [])


# --- Schulze: against votelib and a brute-force reference ---------------------------------------


def random_ranked_profile(
    rng: random.Random,
) -> tuple[list[str], list[tuple[tuple[str, ...], int]]]:
    """3-5 candidates, 1-30 ballots (full, partial or empty rankings), weights 1-5, repeats."""
    candidates = list("ABCDE"[: rng.randint(3, 5)])
    profile = []
    for _ in range(rng.randint(1, 30)):
        ranking = rng.sample(candidates, len(candidates))
        if rng.random() < 0.5:
            ranking = ranking[: rng.randint(0, len(candidates))]
        profile.append((tuple(ranking), rng.randint(1, 5)))
    return candidates, profile


def votelib_pairwise(
    candidates: Sequence[str], profile: Sequence[tuple[tuple[str, ...], int]]
) -> dict[tuple[str, str], int]:
    # votelib ranks unranked candidates last and leaves two unranked ones uncompared, as we do,
    # but only knows candidates that appear on some ballot: a weightless full ranking names them
    # all without counting.
    votes: dict[tuple[str, ...], int] = {tuple(candidates): 0}
    for ranking, weight in profile:
        votes[ranking] = votes.get(ranking, 0) + weight
    converter = votelib.convert.RankedToCondorcetVotes(unranked_at_bottom=True)
    return dict(converter.convert(votes))


def unbeaten(candidates: Sequence[str], p: Mapping[tuple[str, str], int]) -> set[str]:
    return {
        x
        for x in candidates
        if all(p.get((x, y), 0) >= p.get((y, x), 0) for y in candidates if y != x)
    }


def test_schulze_matches_votelib_on_2000_random_profiles() -> None:
    rng = random.Random(20240610)
    evaluator = votelib.evaluate.condorcet.Schulze()
    for _ in range(2000):
        candidates, profile = random_ranked_profile(rng)
        choice = schulze(candidates, profile)
        pairwise = votelib_pairwise(candidates, profile)
        assert {
            (a, b): n for a, row in choice.scores["pairwise"].items() for b, n in row.items()
        } == {(a, b): pairwise.get((a, b), 0) for a in candidates for b in candidates if a != b}
        paths = votelib.evaluate.condorcet.Schulze.widest_paths(pairwise)
        strongest = choice.scores["strongest"]
        assert all(
            strongest[a][b] == paths.get((a, b), 0)
            for a in candidates
            for b in candidates
            if a != b
        ), (candidates, profile)
        assert set(choice.winners) == unbeaten(candidates, paths), (candidates, profile)
        # votelib ranks by the number of pairwise path wins, a refinement of the unbeaten set:
        # its top (a candidate, or a Tie of several) is always among our winners.
        # With no path wins at all it answers nothing, and every candidate is ours.
        top = evaluator.evaluate(pairwise, 1)
        if not top:
            assert choice.winners == tuple(candidates)
        else:
            (first,) = top
            top_set = set(first) if isinstance(first, votelib.evaluate.core.Tie) else {first}
            assert top_set <= set(choice.winners), (candidates, profile)
        assert choice.winner == min(choice.winners)
        assert choice.tie_broken == (len(choice.winners) > 1)


def brute_force_schulze(
    candidates: Sequence[str], profile: Sequence[tuple[Sequence[str], int]]
) -> tuple[dict[tuple[str, str], int], set[str]]:
    """Strongest paths by trying every simple path, from pairwise counts taken ballot by ballot."""

    def prefers(ranking: Sequence[str], a: str, b: str) -> bool:
        if a not in ranking:
            return False
        return b not in ranking or ranking.index(a) < ranking.index(b)

    d = {
        (a, b): sum(w for r, w in profile if prefers(r, a, b))
        for a in candidates
        for b in candidates
        if a != b
    }
    defeat = {pair: n if n > d[pair[1], pair[0]] else 0 for pair, n in d.items()}
    strongest = {}
    for a, b in d:
        others = [x for x in candidates if x not in (a, b)]
        best = 0
        for k in range(len(others) + 1):
            for middle in itertools.permutations(others, k):
                path = [a, *middle, b]
                best = max(best, min(defeat[x, y] for x, y in itertools.pairwise(path)))
        strongest[a, b] = best
    return strongest, unbeaten(candidates, strongest)


def test_schulze_matches_a_brute_force_reference_on_partial_rankings() -> None:
    rng = random.Random(7)
    for _ in range(300):
        candidates, profile = random_ranked_profile(rng)
        strongest, winners = brute_force_schulze(candidates, profile)
        choice = schulze(candidates, profile)
        p = choice.scores["strongest"]
        assert {pair: p[pair[0]][pair[1]] for pair in strongest} == strongest
        assert set(choice.winners) == winners


rankings = st.integers(3, 5).flatmap(
    lambda k: st.tuples(
        st.just(list("ABCDE"[:k])),
        st.lists(
            st.tuples(
                st.permutations("ABCDE"[:k]).flatmap(
                    lambda perm: st.integers(0, len(perm)).map(lambda n: tuple(perm[:n]))
                ),
                st.integers(1, 4),
            ),
            max_size=12,
        ),
    )
)


@given(rankings)
def test_schulze_weights_equal_repeated_ballots(
    data: tuple[list[str], list[tuple[tuple[str, ...], int]]],
) -> None:
    candidates, profile = data
    expanded = [(ranking, 1) for ranking, weight in profile for _ in range(weight)]
    assert schulze(candidates, profile) == schulze(candidates, expanded)


@given(rankings)
def test_schulze_elects_a_condorcet_winner_alone(
    data: tuple[list[str], list[tuple[tuple[str, ...], int]]],
) -> None:
    candidates, profile = data
    choice = schulze(candidates, profile)
    d = choice.scores["pairwise"]
    for x in candidates:
        if all(d[x][y] > d[y][x] for y in candidates if y != x):
            assert choice.winners == (x,)


@given(rankings, st.randoms(use_true_random=False))
def test_schulze_ignores_candidate_and_ballot_order(
    data: tuple[list[str], list[tuple[tuple[str, ...], int]]], rng: random.Random
) -> None:
    candidates, profile = data
    shuffled_candidates = rng.sample(candidates, len(candidates))
    shuffled_profile = rng.sample(profile, len(profile))
    assert schulze(shuffled_candidates, shuffled_profile).winners == (
        schulze(candidates, profile).winners
    )


# --- Approval -----------------------------------------------------------------------------------


def test_approval_most_approvals_wins() -> None:
    choice = approval("ABC", [(("A", "B"), 3), (("B",), 2), (("C",), 4)])
    assert (choice.winner, choice.winners, choice.tie_broken) == ("B", ("B",), False)
    assert choice.scores == {"approvals": {"A": 3, "B": 5, "C": 4}}


def test_approval_tie_goes_to_the_lowest_label() -> None:
    choice = approval(["C", "B", "A"], [({"C", "B"}, 2), ({"A"}, 1)])
    assert (choice.winner, choice.winners, choice.tie_broken) == ("B", ("B", "C"), True)


def test_approval_without_ballots_every_candidate_ties() -> None:
    choice = approval("BCA", [((), 3)])
    assert (choice.winner, choice.winners, choice.tie_broken) == ("A", ("A", "B", "C"), True)
    assert approval([], []).winner is None


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        ([(("Z",), 1)], "'Z' is not one of the candidates"),
        ([(["A", "A"], 1)], "appears twice"),
        ([(("A",), -2)], "weight"),
        ([("A", 1)], "the string 'A'"),
    ],
)
def test_approval_refuses_bad_ballots(profiles: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        approval("ABC", profiles)


def test_approval_matches_votelib_on_2000_random_profiles() -> None:
    rng = random.Random(99)
    converter = votelib.convert.ApprovalToSimpleVotes()
    plurality = votelib.evaluate.core.Plurality()
    for _ in range(2000):
        candidates = list("ABCDE"[: rng.randint(3, 5)])
        profile = [
            (frozenset(c for c in candidates if rng.random() < 0.4), rng.randint(1, 5))
            for _ in range(rng.randint(1, 30))
        ]
        votes: dict[frozenset[str], int] = {}
        for ballot, weight in profile:
            votes[ballot] = votes.get(ballot, 0) + weight
        simple = converter.convert(votes)
        choice = approval(candidates, profile)
        assert {k: v for k, v in choice.scores["approvals"].items() if v} == simple
        if not simple:  # nobody approved anything: everyone ties at zero
            assert choice.winners == tuple(candidates)
            continue
        (top,) = plurality.evaluate(simple, 1)
        expected = set(top) if isinstance(top, votelib.evaluate.core.Tie) else {top}
        assert set(choice.winners) == expected, profile
