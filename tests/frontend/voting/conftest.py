"""Voting page fixtures: the voting scene of tests/deliberation/voting (a framework in voting
with a clause to adopt, an open amendment and a bracketed clause), and helpers to vote."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from deliberation.models import Motion, VotingRound
from deliberation.voting import services
from tests.conftest import World
from tests.deliberation.voting.conftest import Voting, make_voting

HTMX = {"HX-Request": "true"}  # what htmx sends; django-htmx sets request.htmx from it


@pytest.fixture
def voting(world: World) -> Voting:
    return make_voting(world)


def text_of(html: str) -> str:
    """The visible text, with tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def motions_of(round_: VotingRound) -> dict[str, Motion]:
    return {m.kind: m for m in round_.motions.order_by("position")}


def ballot_post(voting: Voting, round_: VotingRound, **overrides: Any) -> dict[str, Any]:
    """Form data for a full ballot: Yes on the yes/no motions, B before A on the choice."""
    motions = motions_of(round_)
    data: dict[str, Any] = {}
    for kind in ("adopt_clause", "accept_amendment", "adopt_framework"):
        data[f"motion-{motions[kind].pk}-position"] = "yes"
        data[f"motion-{motions[kind].pk}-reason"] = ""
    choose = motions["choose_alternative"].pk
    data[f"motion-{choose}-rank-{voting.option_b.pk}"] = "1"
    data[f"motion-{choose}-rank-{voting.option_a.pk}"] = "2"
    data.update(overrides)
    return data


def vote(voting: Voting, round_: VotingRound, user: Any, position: str, reason: str = "") -> None:
    """Cast ``user``'s ballot through the service: ``position`` on adopting the framework, and B
    first on the choice."""
    motions = motions_of(round_)
    choice: dict[str, Any] = {"motion": motions["adopt_framework"].pk, "position": position}
    if reason:
        choice["reason"] = reason
    ranking = {"motion": motions["choose_alternative"].pk, "ranking": [voting.option_b.pk]}
    services.ballot_cast(actor=user, round_=round_, choices=[choice, ranking])
