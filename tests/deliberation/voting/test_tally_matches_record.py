"""The published record of a round proves its result (issue 10, docs/verification.md).

For random small elections (any ballot mode, attribution and rule; ballots cast, recast and
skipped), after close: a recount of the record's counted ballots equals every motion's frozen
result and outcome; every leaf recomputes from the record (round id, the voter the leaf names,
choices, nonce); a recorded round's entries chain from 64 zeros to the head; the counted root
recomputes; and each voter finds their receipt in the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convene import services as convene_services
from convene.hashchain import GENESIS, link_hash
from convene.models import User
from deliberation.models import VotingRound
from deliberation.voting import record, services
from tests.conftest import client_for
from tests.deliberation.voting.conftest import Voting
from tests.deliberation.voting.voters import API, add_voters, assert_record_recounts, motion_ids

VOTERS = 7  # the three personas and four more, over the three groups
YES_NO = ("adopt_clause", "accept_amendment", "adopt_framework")


@dataclass(frozen=True)
class Election:
    mode: str
    attribution: str
    rule: dict[str, Any]
    method: str
    # Per voter, the ballots they cast in turn: each maps a motion kind to its choice, with
    # alternatives as indexes into (A, B).
    casts: tuple[tuple[dict[str, Any], ...], ...]


def _choice(kind: str, method: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind in YES_NO:
        return st.sampled_from(
            [
                {"position": "yes"},
                {"position": "no"},
                {"position": "abstain"},
                {"position": "object", "reason": "Not this."},
            ]
        )
    options = st.permutations([0, 1]).flatmap(
        lambda order: st.integers(1, 2).map(lambda n: list(order[:n]))
    )
    key = "ranking" if method == "schulze" else "approvals"
    return options.map(lambda picked: {key: picked})


def _ballot(method: str) -> st.SearchStrategy[dict[str, Any]]:
    kinds = [*YES_NO, "choose_alternative"]
    return st.fixed_dictionaries(
        {}, optional={kind: _choice(kind, method) for kind in kinds}
    ).filter(bool)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    mode = draw(st.sampled_from(["recorded", "secret"]))
    method = draw(st.sampled_from(["schulze", "approval"]))
    rule = {
        "threshold": draw(st.sampled_from(["simple", "two_thirds", "three_quarters", "absolute"])),
        "quorum_percent": draw(st.sampled_from([0, 25, 50, 67, 100])),
        "consent": draw(st.booleans()),
        "chambers": draw(st.booleans()),
    }
    casts = draw(
        st.lists(st.lists(_ballot(method), max_size=2).map(tuple), min_size=VOTERS, max_size=VOTERS)
    )
    return Election(
        mode=mode,
        attribution=draw(st.sampled_from(["named", "group"])),
        rule=rule,
        method=method,
        casts=tuple(casts),
    )


def _choices(
    ballot: dict[str, Any], ids: dict[str, int], alternatives: list[int]
) -> list[dict[str, Any]]:
    out = []
    for kind, choice in ballot.items():
        entry = {"motion": ids[kind], **choice}
        for key in ("ranking", "approvals"):
            if key in entry:
                entry[key] = [alternatives[i] for i in entry[key]]
        out.append(entry)
    return out


def _leaf_voter(election: Election, user_id: int) -> int | None:
    """The voter a leaf commits to: the person in a recorded round voted on the record."""
    named = election.mode == "recorded" and election.attribution == "named"
    return user_id if named else None


def run(voting: Voting, voters: list[User], election: Election) -> None:
    w = voting.world
    if w.convening.attribution != election.attribution:
        convene_services.convening_update(
            actor=w.organizer,
            convening=w.convening,
            attribution=election.attribution,
            confirm_attribution_change=True,
        )
        w.convening.refresh_from_db()
    motions = [
        {**m, "rule": election.rule} if "rule" in m else {**m, "method": election.method}
        for m in voting.motions()
    ]
    round_ = voting.round(motions=motions, ballot_mode=election.mode)
    ids = motion_ids(round_)
    alternatives = [voting.option_a.pk, voting.option_b.pk]
    receipts: dict[int, list[str]] = {}
    for voter, casts in zip(voters, election.casts, strict=True):
        for ballot in casts:
            response = client_for(voter).put(
                f"{API}/rounds/{round_.pk}/ballot/",
                {"choices": _choices(ballot, ids, alternatives)},
                format="json",
            )
            assert response.status_code == 200, response.json()
            receipts.setdefault(voter.pk, []).append(response.json()["receipt"]["leaf"])
    closed = services.round_close(actor=w.organizer, round_=round_)
    published = client_for(None).get(f"{API}/rounds/{round_.pk}/record/").json()
    roll = client_for(w.organizer).get(f"{API}/rounds/{round_.pk}/roll/").json()
    assert len(roll) == VOTERS

    assert_record_recounts(closed, published, roll)
    _check_leaves(closed, published, election, voters)
    _check_chain(closed, published, election)
    counted = [b["leaf"] for b in published["ballots"] if b.get("counted", True)]
    assert len(counted) == len(receipts)
    assert record.counted_root(counted) == published["counted_root"] == closed.counted_root
    _check_receipts(closed, published, election, voters, receipts)


def _check_leaves(
    round_: VotingRound, published: dict[str, Any], election: Election, voters: list[User]
) -> None:
    for ballot in published["ballots"]:
        shown = ballot.get("voter")
        voter = shown["id"] if shown else None
        if voter is not None:
            assert _leaf_voter(election, voter) == voter  # named only when the leaf names them
        leaf = record.leaf_hash(
            round_id=round_.pk, voter=voter, choices=ballot["choices"], nonce=ballot["nonce"]
        )
        assert leaf == ballot["leaf"], ballot
    if election.mode == "recorded" and election.attribution == "named":
        assert all(b["voter"] for b in published["ballots"])


def _check_chain(round_: VotingRound, published: dict[str, Any], election: Election) -> None:
    ballots = published["ballots"]
    if election.mode == "secret":
        # No order, no times, no links: only what proves the count.
        assert [b["leaf"] for b in ballots] == sorted(b["leaf"] for b in ballots)
        shown = [{k for k, v in b.items() if v is not None} for b in ballots]
        assert all(keys == {"leaf", "nonce", "choices"} for keys in shown), ballots[:1]
        return
    prev = GENESIS
    for seq, ballot in enumerate(ballots, start=1):
        assert (ballot["seq"], ballot["prev"]) == (seq, prev)
        content = record.entry_content(
            chain=published["round"]["chain"],
            round_id=round_.pk,
            seq=seq,
            leaf=ballot["leaf"],
            cast_at=ballot["cast_at"],
        )
        assert link_hash(prev, content) == ballot["entry"], ballot
        prev = ballot["entry"]
    assert published["head"] == prev == round_.head


def _check_receipts(
    round_: VotingRound,
    published: dict[str, Any],
    election: Election,
    voters: list[User],
    receipts: dict[int, list[str]],
) -> None:
    leaves = {b["leaf"]: b.get("counted", True) for b in published["ballots"]}
    for voter in voters:
        mine = receipts.get(voter.pk, [])
        shown = client_for(voter).get(f"{API}/rounds/{round_.pk}/ballot/").json()
        if not mine:
            assert shown["receipt"] is None
            continue
        assert shown["receipt"]["leaf"] == mine[-1]
        assert leaves.get(mine[-1]) is True, "the counted receipt is not in the record"
        for earlier in mine[:-1]:
            # Replaced ballots stay in a recorded round's record, uncounted; a secret round's
            # record shows the counted ballots only.
            expected = False if election.mode == "recorded" else None
            assert leaves.get(earlier) is expected


@pytest.mark.django_db
def test_every_closed_round_recounts_from_its_record(voting: Voting) -> None:
    w = voting.world
    voters = [w.policymaker, w.industry, w.civil_society, *add_voters(w, VOTERS - 3, tag="h")]
    for user in [*voters, w.organizer, None]:
        client_for(user)  # tokens made once, outside the examples that are rolled back

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(election=elections())
    def check(election: Election) -> None:
        # Each election starts from the same framework: closing adopts what it voted for.
        with transaction.atomic():
            run(voting, voters, election)
            transaction.set_rollback(True)
        voting.world.convening.refresh_from_db()

    check()
