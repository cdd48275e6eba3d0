"""Bad ballot and round input answers 400 with the field named and commits nothing (issue 10).

A ballot is checked against the round's motions: one choice per motion, a position (and a reason
with, and only with, an objection) on yes/no motions, a ranking or approvals of the open
alternatives on a choice. A round is checked against its framework: known kinds and targets,
one motion per clause, one vote unit, a rule the tally understands, times that make sense.
Hypothesis then sends arbitrary JSON to the ballot. Recasting keeps every ballot, counting the
last; a ballot after close is refused with 409 and the stored result is untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convene.models import AuditEvent
from deliberation.models import (
    Alternative,
    Ballot,
    BallotChoice,
    Motion,
    RollEntry,
    VotingRound,
)
from deliberation.text import services as text_services
from deliberation.voting import services
from tests.conftest import client_for
from tests.deliberation.conftest import make_drafting
from tests.deliberation.voting.conftest import Voting
from tests.deliberation.voting.voters import API, motion_ids

UNKNOWN = 2_000_000_000


def rows() -> dict[str, Any]:
    return {
        "rounds": list(VotingRound.objects.order_by("pk").values_list("pk", "status", "title")),
        "motions": list(Motion.objects.order_by("pk").values_list("pk", "kind", "rule", "clause")),
        "ballots": list(Ballot.objects.order_by("pk").values_list("pk", "counted")),
        "choices": list(BallotChoice.objects.order_by("pk").values_list("pk", "counted")),
        "roll": RollEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def put_raw(user: Any, round_id: int, body: Any) -> Any:
    """PUT any JSON document (not only an object) as the ballot."""
    return client_for(user).put(
        f"{API}/rounds/{round_id}/ballot/",
        data=json.dumps(body),
        content_type="application/json",
    )


# A motion's target is named by the service as "clause" or "amendment", by the serializer under
# its path in the body ("motions.0.clause"): either names the field.
ALIASES = {"motions": ("motions", "clause", "amendment")}


def refusal_problem(response: Any, field: str, before: dict[str, Any]) -> str | None:
    """What is wrong with the answer to bad input, if anything: it must be a 400 with a message
    and the field named, and commit nothing."""
    if response.status_code != 400:
        return f"{response.status_code}: {response.content[:200]!r}"
    payload = response.json()
    if not (isinstance(payload["detail"], str) and payload["detail"]):
        return f"no message: {payload}"
    names = ALIASES.get(field, (field,))
    if not any(e == n or e.startswith(f"{n}.") for e in payload["errors"] for n in names):
        return f"{field} not named: {payload}"
    if rows() != before:
        return "committed a change"
    return None


def assert_refused(response: Any, field: str, before: dict[str, Any]) -> None:
    problem = refusal_problem(response, field, before)
    assert problem is None, problem


# --- ballots ----------------------------------------------------------------------------------
@dataclass
class BallotScene:
    round: VotingRound
    withdrawn: Alternative


@pytest.fixture
def scene(voting: Voting) -> BallotScene:
    withdrawn = _withdrawn_alternative(voting)
    return BallotScene(voting.round(), withdrawn)


def _withdrawn_alternative(voting: Voting) -> Alternative:
    """A third alternative of the trigger clause, proposed and withdrawn before the round."""
    w = voting.world
    framework = text_services.framework_transition(
        actor=w.organizer, framework=voting.framework, to="consultation"
    )
    third = text_services.alternative_propose(
        actor=w.industry, clause=voting.trigger, text="Option C text.", rationale="C."
    )
    text_services.alternative_withdraw(actor=w.industry, alternative=third)
    voting.framework = text_services.framework_transition(
        actor=w.organizer, framework=framework, to="voting"
    )
    third.refresh_from_db()
    return third


# Each case: choices built from m (motion ids by kind), a, b (open alternatives), c (withdrawn).
YES, CHOOSE = "adopt_clause", "choose_alternative"
BALLOT_CASES: dict[str, Any] = {
    "unknown-motion": lambda m, a, b, c: [{"motion": UNKNOWN, "position": "yes"}],
    "motion-zero": lambda m, a, b, c: [{"motion": 0, "position": "yes"}],
    "motion-negative": lambda m, a, b, c: [{"motion": -3, "position": "yes"}],
    "motion-huge": lambda m, a, b, c: [{"motion": 2**63, "position": "yes"}],
    "motion-float": lambda m, a, b, c: [{"motion": m[YES] + 0.5, "position": "yes"}],
    "motion-text": lambda m, a, b, c: [{"motion": "first", "position": "yes"}],
    "motion-true": lambda m, a, b, c: [{"motion": True, "position": "yes"}],
    "motion-missing": lambda m, a, b, c: [{"position": "yes"}],
    "duplicate-motion": lambda m, a, b, c: [
        {"motion": m[YES], "position": "yes"},
        {"motion": m[YES], "position": "no"},
    ],
    "bad-position": lambda m, a, b, c: [{"motion": m[YES], "position": "maybe"}],
    "position-case": lambda m, a, b, c: [{"motion": m[YES], "position": "YES"}],
    "position-missing": lambda m, a, b, c: [{"motion": m[YES]}],
    "position-null": lambda m, a, b, c: [{"motion": m[YES], "position": None}],
    "object-without-reason": lambda m, a, b, c: [{"motion": m[YES], "position": "object"}],
    "object-blank-reason": lambda m, a, b, c: [
        {"motion": m[YES], "position": "object", "reason": "  \n "}
    ],
    "reason-on-yes": lambda m, a, b, c: [
        {"motion": m[YES], "position": "yes", "reason": "Because."}
    ],
    "reason-on-abstain": lambda m, a, b, c: [
        {"motion": m[YES], "position": "abstain", "reason": "Because."}
    ],
    "reason-not-text": lambda m, a, b, c: [
        {"motion": m[YES], "position": "object", "reason": ["No."]}
    ],
    "reason-too-long": lambda m, a, b, c: [
        {"motion": m[YES], "position": "object", "reason": "x" * 5_001}
    ],
    "reason-huge": lambda m, a, b, c: [
        {"motion": m[YES], "position": "object", "reason": "x" * 1_000_000}
    ],
    "position-huge": lambda m, a, b, c: [{"motion": m[YES], "position": "y" * 100_000}],
    "reason-nul": lambda m, a, b, c: [
        {"motion": m[YES], "position": "object", "reason": "Un\x00safe."}
    ],
    "position-nul": lambda m, a, b, c: [{"motion": m[YES], "position": "yes\x00"}],
    "ranking-on-yes-no": lambda m, a, b, c: [{"motion": m[YES], "ranking": [a, b]}],
    "position-on-choice": lambda m, a, b, c: [{"motion": m[CHOOSE], "position": "yes"}],
    "ranking-unknown": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": [a, UNKNOWN]}],
    "ranking-duplicate": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": [a, b, a]}],
    "ranking-withdrawn": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": [c, a]}],
    "ranking-empty": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": []}],
    "ranking-not-a-list": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": a}],
    "ranking-booleans": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": [True, False]}],
    "ranking-nested": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": [[a], [b]]}],
    "ranking-null": lambda m, a, b, c: [{"motion": m[CHOOSE], "ranking": None}],
    "approvals-on-schulze": lambda m, a, b, c: [{"motion": m[CHOOSE], "approvals": [a]}],
    "ranking-and-approvals": lambda m, a, b, c: [
        {"motion": m[CHOOSE], "ranking": [a], "approvals": [a]}
    ],
    "empty-choices": lambda m, a, b, c: [],
    "choice-not-an-object": lambda m, a, b, c: ["yes"],
    "choice-null": lambda m, a, b, c: [None],
    "choices-an-object": lambda m, a, b, c: {"motion": m[YES], "position": "yes"},
    "choices-a-string": lambda m, a, b, c: "yes",
    "choices-null": lambda m, a, b, c: None,
    "too-many-choices": lambda m, a, b, c: [{"motion": m[YES], "position": "yes"}] * 101,
}


def test_bad_ballots_are_400_naming_choices(scene: BallotScene, voting: Voting) -> None:
    ids = motion_ids(scene.round)
    alternatives = (voting.option_a.pk, voting.option_b.pk, scene.withdrawn.pk)
    client_for(voting.world.industry)  # the token, before the count
    problems = {}
    for name, build in BALLOT_CASES.items():
        before = rows()
        response = put_raw(
            voting.world.industry, scene.round.pk, {"choices": build(ids, *alternatives)}
        )
        problems[name] = refusal_problem(response, "choices", before)
    assert problems == dict.fromkeys(BALLOT_CASES)


def test_a_motion_of_another_round_is_not_on_this_ballot(voting: Voting) -> None:
    open_round = voting.round()
    other = voting.round(open_=False, motions=[{"kind": "adopt_framework"}])
    client_for(voting.world.industry)
    before = rows()
    response = put_raw(
        voting.world.industry,
        open_round.pk,
        {"choices": [{"motion": motion_ids(other)["adopt_framework"], "position": "yes"}]},
    )
    assert_refused(response, "choices", before)


@pytest.mark.parametrize(
    "body",
    [[], "choices", None, 3, {"choice": []}, {}],
    ids=["list", "string", "null", "number", "misspelt", "empty"],
)
def test_a_ballot_that_is_not_an_object_with_choices_is_400(voting: Voting, body: Any) -> None:
    open_round = voting.round()
    client_for(voting.world.industry)
    before = rows()
    response = put_raw(voting.world.industry, open_round.pk, body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"], response.json()
    assert rows() == before


def test_a_ballot_that_is_not_json_is_400(voting: Voting) -> None:
    open_round = voting.round()
    client = client_for(voting.world.industry)
    before = rows()
    response = client.put(
        f"{API}/rounds/{open_round.pk}/ballot/", data=b"{choices:", content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert rows() == before


def test_a_ballot_may_skip_motions_and_rank_some_alternatives(voting: Voting) -> None:
    open_round = voting.round()
    ids = motion_ids(open_round)
    response = put_raw(
        voting.world.industry,
        open_round.pk,
        {
            "choices": [
                {"motion": ids["choose_alternative"], "ranking": [voting.option_b.pk]},
                {"motion": ids["adopt_clause"], "position": "object", "reason": "  Too broad. "},
            ]
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    # Canonical: sorted by motion, the reason trimmed.
    assert body["choices"] == sorted(
        [
            {"motion": ids["choose_alternative"], "ranking": [voting.option_b.pk]},
            {"motion": ids["adopt_clause"], "position": "object", "reason": "Too broad."},
        ],
        key=lambda c: c["motion"],
    )


# --- arbitrary JSON ---------------------------------------------------------------------------
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _choice(motions: list[int], alternatives: list[int]) -> Any:
    """Choices that are nearly right, so that the service's checks are reached too."""
    ids = st.sampled_from([*motions, *alternatives, 0, UNKNOWN]) | JSON
    return st.fixed_dictionaries(
        {"motion": st.sampled_from(motions) | ids},
        optional={
            "position": st.sampled_from(["yes", "no", "abstain", "object", ""]) | JSON,
            "reason": st.sampled_from(["", " ", "Why.", "x" * 5_001]) | JSON,
            "ranking": st.lists(st.sampled_from(alternatives) | ids, max_size=4) | JSON,
            "approvals": st.lists(st.sampled_from(alternatives) | ids, max_size=4) | JSON,
        },
    )


@pytest.mark.django_db
def test_arbitrary_ballots_never_fail_and_commit_nothing_when_refused(voting: Voting) -> None:
    round_ = voting.round(
        motions=[
            *voting.motions()[:2],
            {"kind": "choose_alternative", "clause": voting.trigger.pk, "method": "approval"},
        ]
    )
    motions = list(motion_ids(round_).values())
    alternatives = [voting.option_a.pk, voting.option_b.pk]
    voter = voting.world.civil_society
    client_for(voter)
    bodies = (
        JSON
        | st.fixed_dictionaries({"choices": JSON})
        | st.fixed_dictionaries({"choices": st.lists(_choice(motions, alternatives), max_size=4)})
    )

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies)
    def check(body: Any) -> None:
        before = rows()
        response = put_raw(voter, round_.pk, body)
        assert response.status_code < 500, response.content[:300]
        if response.status_code == 200:
            ballots = Ballot.objects.filter(round=round_, voter=voter)
            assert ballots.count() == len(before["ballots"]) + 1
            assert ballots.filter(counted=True).get().leaf == response.json()["receipt"]["leaf"]
        else:
            assert response.status_code == 400, response.content[:300]
            assert set(response.json()) == {"detail", "errors"}
            assert rows() == before

    check()


# --- rounds -----------------------------------------------------------------------------------
def _round_cases() -> list[tuple[str, Any, str]]:
    """(name, body built from the voting scene, the field the error names)."""
    soon = timezone.now() + timedelta(days=1)
    later = soon + timedelta(days=1)

    def motions(*entries: dict[str, Any]) -> Any:
        return lambda v: {"motions": list(entries)}

    def choose(v: Voting) -> dict[str, Any]:
        return {"kind": "choose_alternative", "clause": v.trigger.pk}

    cases: list[tuple[str, Any, str]] = [
        ("no-motions", motions(), "motions"),
        ("motions-missing", lambda v: {"motions": None}, "motions"),
        ("motions-not-a-list", lambda v: {"motions": {"kind": "adopt_framework"}}, "motions"),
        ("unknown-kind", motions({"kind": "adopt_everything"}), "motions"),
        ("kind-missing", motions({"rule": {"threshold": "simple"}}), "motions"),
        ("clause-missing", motions({"kind": "adopt_clause"}), "motions"),
        ("clause-unknown", motions({"kind": "adopt_clause", "clause": UNKNOWN}), "motions"),
        ("clause-true", motions({"kind": "adopt_clause", "clause": True}), "motions"),
        (
            "amendment-unknown",
            motions({"kind": "accept_amendment", "amendment": UNKNOWN}),
            "motions",
        ),
        (
            "choose-on-a-clause-without-alternatives",
            lambda v: {"motions": [{"kind": "choose_alternative", "clause": v.scope.pk}]},
            "motions",
        ),
        (
            "two-motions-on-one-clause",
            lambda v: {"motions": [{"kind": "adopt_clause", "clause": v.trigger.pk}, choose(v)]},
            "motions",
        ),
        (
            "a-clause-and-its-amendment",
            lambda v: {
                "motions": [
                    {"kind": "adopt_clause", "clause": v.amendment.clause_id},
                    {"kind": "accept_amendment", "amendment": v.amendment.pk},
                ]
            },
            "motions",
        ),
        (
            "framework-twice",
            motions({"kind": "adopt_framework"}, {"kind": "adopt_framework"}),
            "motions",
        ),
        (
            "mixed-units",
            lambda v: {
                "motions": [
                    {"kind": "adopt_clause", "clause": v.scope.pk, "rule": {"threshold": "simple"}},
                    {
                        "kind": "adopt_framework",
                        "rule": {"threshold": "simple", "unit": "organization"},
                    },
                ]
            },
            "motions",
        ),
        (
            "rule-on-a-choice",
            lambda v: {"motions": [{**choose(v), "rule": {"threshold": "simple"}}]},
            "motions",
        ),
        ("method-on-yes-no", motions({"kind": "adopt_framework", "method": "approval"}), "motions"),
        ("unknown-method", lambda v: {"motions": [{**choose(v), "method": "borda"}]}, "motions"),
        (
            "quorum-101",
            motions(
                {"kind": "adopt_framework", "rule": {"threshold": "simple", "quorum_percent": 101}}
            ),
            "motions",
        ),
        (
            "quorum-negative",
            motions(
                {"kind": "adopt_framework", "rule": {"threshold": "simple", "quorum_percent": -1}}
            ),
            "motions",
        ),
        (
            "quorum-true",
            motions(
                {"kind": "adopt_framework", "rule": {"threshold": "simple", "quorum_percent": True}}
            ),
            "motions",
        ),
        (
            "quorum-fraction",
            motions(
                {"kind": "adopt_framework", "rule": {"threshold": "simple", "quorum_percent": 50.5}}
            ),
            "motions",
        ),
        (
            "consent-a-string",
            motions({"kind": "adopt_framework", "rule": {"threshold": "simple", "consent": "yes"}}),
            "motions",
        ),
        (
            "chambers-a-number",
            motions({"kind": "adopt_framework", "rule": {"threshold": "simple", "chambers": 1}}),
            "motions",
        ),
        (
            "unknown-threshold",
            motions({"kind": "adopt_framework", "rule": {"threshold": "most"}}),
            "motions",
        ),
        (
            "threshold-missing",
            motions({"kind": "adopt_framework", "rule": {"quorum_percent": 50}}),
            "motions",
        ),
        (
            "unknown-unit",
            motions(
                {"kind": "adopt_framework", "rule": {"threshold": "simple", "unit": "country"}}
            ),
            "motions",
        ),
        (
            "unknown-rule-key",
            motions({"kind": "adopt_framework", "rule": {"threshold": "simple", "quorum": 50}}),
            "motions",
        ),
        ("rule-a-string", motions({"kind": "adopt_framework", "rule": "simple"}), "motions"),
        ("too-many-motions", lambda v: {"motions": [{"kind": "adopt_framework"}] * 101}, "motions"),
        (
            "closes-before-it-opens",
            lambda v: {"opens_at": later.isoformat(), "closes_at": soon.isoformat()},
            "closes_at",
        ),
        (
            "closes-when-it-opens",
            lambda v: {"opens_at": soon.isoformat(), "closes_at": soon.isoformat()},
            "closes_at",
        ),
        ("closes-in-the-past", lambda v: {"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
        ("closes-not-a-time", lambda v: {"closes_at": "tomorrow"}, "closes_at"),
        ("opens-not-a-time", lambda v: {"opens_at": 12}, "opens_at"),
        ("blank-title", lambda v: {"title": "  "}, "title"),
        ("title-not-text", lambda v: {"title": 7}, "title"),
        ("title-nul", lambda v: {"title": "First\x00reading"}, "title"),
        ("title-two-lines", lambda v: {"title": "First\nreading"}, "title"),
        ("title-huge", lambda v: {"title": "t" * 100_000}, "title"),
        ("description-huge", lambda v: {"description": "d" * 20_001}, "description"),
        ("description-not-text", lambda v: {"description": ["d"]}, "description"),
        ("unknown-ballot-mode", lambda v: {"ballot_mode": "open"}, "ballot_mode"),
    ]
    return cases


def _valid_round() -> dict[str, Any]:
    return {"title": "Second reading", "motions": [{"kind": "adopt_framework"}]}


def test_bad_round_input_is_400_naming_the_field(voting: Voting) -> None:
    client = client_for(voting.world.organizer)
    problems = {}
    for name, build, field in _round_cases():
        body = {**_valid_round(), **build(voting)}
        before = rows()
        response = client.post(
            f"{API}/frameworks/{voting.framework.slug}/rounds/",
            data=json.dumps(body),
            content_type="application/json",
        )
        problems[name] = refusal_problem(response, field, before)
    assert problems == dict.fromkeys(problems)


def test_bad_round_changes_are_400_and_leave_the_draft_as_it_was(voting: Voting) -> None:
    draft = voting.round(open_=False)
    client = client_for(voting.world.organizer)
    problems = {}
    for name, build, field in _round_cases():
        before = rows()
        response = client.patch(
            f"{API}/rounds/{draft.pk}/",
            data=json.dumps(build(voting)),
            content_type="application/json",
        )
        problems[name] = refusal_problem(response, field, before)
    assert problems == dict.fromkeys(problems)


def test_an_amendment_of_another_framework_cannot_be_put_to_the_vote(voting: Voting) -> None:
    w = voting.world
    elsewhere = make_drafting(w, status="consultation")
    foreign = text_services.amendment_propose(
        actor=w.industry, clause=elsewhere.scope, text="Elsewhere.", rationale="Other text."
    )
    client = client_for(w.organizer)
    for motion in (
        {"kind": "accept_amendment", "amendment": foreign.pk},
        {"kind": "adopt_clause", "clause": elsewhere.scope.pk},
    ):
        before = rows()
        response = client.post(
            f"{API}/frameworks/{voting.framework.slug}/rounds/",
            {"title": "Cross-framework", "motions": [motion]},
            format="json",
        )
        assert response.status_code == 400, response.json()
        assert set(response.json()["errors"]) & {"motions", "amendment", "clause"}, response.json()
        assert rows() == before


def test_a_choice_needs_two_open_alternatives(voting: Voting) -> None:
    w = voting.world
    text_services.alternative_withdraw(actor=w.policymaker, alternative=voting.option_a)
    before = rows()
    response = client_for(w.organizer).post(
        f"{API}/frameworks/{voting.framework.slug}/rounds/",
        {
            "title": "Choose",
            "motions": [{"kind": "choose_alternative", "clause": voting.trigger.pk}],
        },
        format="json",
    )
    assert_refused(response, "motions", before)
    assert "1 open alternative" in response.json()["detail"]


# --- recasting and closing --------------------------------------------------------------------
def _results(round_: VotingRound) -> Any:
    return client_for(None).get(f"{API}/rounds/{round_.pk}/results/").json()


def test_the_last_ballot_counts_and_the_earlier_ones_stay_uncounted(voting: Voting) -> None:
    w = voting.world
    round_ = voting.round()
    adopt = motion_ids(round_)["adopt_clause"]
    receipts = []
    for position in ("no", "abstain", "yes"):
        response = put_raw(
            w.industry, round_.pk, {"choices": [{"motion": adopt, "position": position}]}
        )
        assert response.status_code == 200, response.json()
        receipts.append(response.json()["receipt"]["leaf"])
    assert len(set(receipts)) == 3
    ballots = list(Ballot.objects.filter(round=round_, voter=w.industry).order_by("seq"))
    assert [b.leaf for b in ballots] == receipts
    assert [b.counted for b in ballots] == [False, False, True]
    counted_choices = BallotChoice.objects.filter(ballot__round=round_, counted=True)
    assert list(counted_choices.values_list("ballot_id", "position")) == [(ballots[-1].pk, "yes")]
    mine = client_for(w.industry).get(f"{API}/rounds/{round_.pk}/ballot/").json()
    assert mine["receipt"]["leaf"] == receipts[-1]
    assert mine["choices"] == [{"motion": adopt, "position": "yes"}]
    live = _results(round_)["motions"][0]
    assert live["totals"]["turnout"] == 1
    services.round_close(actor=w.organizer, round_=round_)
    closed = _results(round_)["motions"][0]
    assert (closed["totals"]["yes"], closed["totals"]["no"], closed["totals"]["abstain"]) == (
        1,
        0,
        0,
    )
    record = client_for(None).get(f"{API}/rounds/{round_.pk}/record/").json()
    assert [(b["leaf"], b["counted"]) for b in record["ballots"]] == [
        (receipts[0], False),
        (receipts[1], False),
        (receipts[2], True),
    ]


def test_a_ballot_after_close_is_409_and_the_result_stays(voting: Voting) -> None:
    w = voting.world
    round_ = voting.round()
    adopt = motion_ids(round_)["adopt_clause"]
    assert (
        put_raw(
            w.industry, round_.pk, {"choices": [{"motion": adopt, "position": "no"}]}
        ).status_code
        == 200
    )
    services.round_close(actor=w.organizer, round_=round_)
    results = _results(round_)
    frozen = list(
        Motion.objects.filter(round=round_).values_list("pk", "outcome", "result", "winner")
    )
    before = rows()
    for voter in (w.industry, w.policymaker):
        response = put_raw(voter, round_.pk, {"choices": [{"motion": adopt, "position": "yes"}]})
        assert response.status_code == 409, response.json()
        assert "closed" in response.json()["detail"]
    assert _results(round_) == results
    assert rows() == before
    assert (
        list(Motion.objects.filter(round=round_).values_list("pk", "outcome", "result", "winner"))
        == frozen
    )
    mine = client_for(w.industry).get(f"{API}/rounds/{round_.pk}/ballot/").json()
    assert mine["choices"] == [{"motion": adopt, "position": "no"}]


def test_a_ranked_ballot_after_close_is_409_too(voting: Voting) -> None:
    """Closing resolved the bracket (no alternative is open any more): a ballot ranking them is
    still refused for the round being closed, not as bad input."""
    w = voting.world
    round_ = voting.round()
    choose = motion_ids(round_)["choose_alternative"]
    ranked = {"choices": [{"motion": choose, "ranking": [voting.option_b.pk]}]}
    assert put_raw(w.industry, round_.pk, ranked).status_code == 200
    services.round_close(actor=w.organizer, round_=round_)
    results = _results(round_)
    before = rows()
    for voter in (w.industry, w.policymaker):
        response = put_raw(voter, round_.pk, ranked)
        assert response.status_code == 409, response.json()
    assert _results(round_) == results
    assert rows() == before


def test_a_ballot_in_a_draft_or_cancelled_round_is_409(voting: Voting) -> None:
    w = voting.world
    draft = voting.round(open_=False)
    adopt = motion_ids(draft)["adopt_clause"]
    choices = {"choices": [{"motion": adopt, "position": "yes"}]}
    assert put_raw(w.industry, draft.pk, choices).status_code == 409
    services.round_open(actor=w.organizer, round_=draft)
    services.round_cancel(actor=w.organizer, round_=draft)
    assert put_raw(w.industry, draft.pk, choices).status_code == 409
    assert not Ballot.objects.exists()


# --- alternatives are fixed when the round opens ----------------------------------------------
def test_withdrawing_a_ranked_alternative_during_the_round_does_not_break_its_close(
    voting: Voting,
) -> None:
    """The alternatives to choose among are those open when the round opened. Withdrawing one
    afterwards must either be refused (409) or leave the count as it was; the round must still
    close, and its result recount from the record."""
    w = voting.world
    round_ = voting.round()
    choose = motion_ids(round_)["choose_alternative"]
    ranked = {"choices": [{"motion": choose, "ranking": [voting.option_a.pk, voting.option_b.pk]}]}
    for voter in (w.industry, w.civil_society):
        assert put_raw(voter, round_.pk, ranked).status_code == 200
    try:
        text_services.alternative_withdraw(actor=w.policymaker, alternative=voting.option_a)
    except Exception as exc:  # a refusal is one correct answer
        assert getattr(exc, "status", None) == 409, exc
    response = client_for(w.organizer).post(f"{API}/rounds/{round_.pk}/close/")
    assert response.status_code == 200, response.content[:300]
    motion = Motion.objects.get(pk=choose)
    assert motion.winner_id == voting.option_a.pk
    assert motion.outcome == "adopted"


def test_a_second_round_choosing_on_the_same_clause_still_closes(voting: Voting) -> None:
    """Two open rounds may choose on one clause. The first to close resolves the bracket; the
    second must still close, counting the alternatives that were open when it opened (or must
    have been refused when it opened, with 409)."""
    w = voting.world
    choose = [{"kind": "choose_alternative", "clause": voting.trigger.pk}]
    first = voting.round(motions=choose)
    second = voting.round(motions=choose, open_=False)
    opened = client_for(w.organizer).post(f"{API}/rounds/{second.pk}/open/")
    if opened.status_code == 409:
        return
    assert opened.status_code == 200, opened.json()
    for round_, ranking in ((first, [voting.option_b.pk]), (second, [voting.option_a.pk])):
        motion = motion_ids(round_)["choose_alternative"]
        body = {"choices": [{"motion": motion, "ranking": ranking}]}
        assert put_raw(w.industry, round_.pk, body).status_code == 200
    assert client_for(w.organizer).post(f"{API}/rounds/{first.pk}/close/").status_code == 200
    response = client_for(w.organizer).post(f"{API}/rounds/{second.pk}/close/")
    assert response.status_code == 200, response.content[:300]
    assert Motion.objects.get(round=second).winner_id == voting.option_a.pk
