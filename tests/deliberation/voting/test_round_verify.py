"""``manage.py round_verify`` passes on an honest round and names every kind of tampering:
a ballot altered, removed or inserted behind the services' back with raw SQL."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deliberation.models import Ballot, VotingRound
from deliberation.voting import services
from tests.convene.test_audit import tampering
from tests.deliberation.voting.conftest import Voting


def _closed_round(voting: Voting, **options: Any) -> VotingRound:
    w = voting.world
    round_ = voting.round(**options)
    motions = {m.kind: m.pk for m in round_.motions.all()}
    for voter, stance in ((w.policymaker, "yes"), (w.industry, "no"), (w.civil_society, "yes")):
        choices = [
            {"motion": motions["adopt_clause"], "position": stance},
            {"motion": motions["choose_alternative"], "ranking": [voting.option_a.pk]},
        ]
        services.ballot_cast(actor=voter, round_=round_, choices=choices)
    # The industry delegate changes their mind: the earlier ballot stays, not counted.
    services.ballot_cast(
        actor=w.industry,
        round_=round_,
        choices=[{"motion": motions["adopt_clause"], "position": "abstain"}],
    )
    return services.round_close(actor=w.organizer, round_=round_)


def _verify(round_: VotingRound) -> str:
    try:
        call_command("round_verify", str(round_.pk))
    except CommandError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize("mode", ["recorded", "secret"])
def test_an_honest_round_verifies(voting: Voting, mode: str, capsys: Any) -> None:
    round_ = _closed_round(voting, ballot_mode=mode)
    assert _verify(round_) == ""
    assert f"ok      round {round_.pk}" in capsys.readouterr().out
    call_command("round_verify", "--all")


def _sql(statement: str, params: list[Any]) -> None:
    with tampering(), connection.cursor() as cursor:
        cursor.execute(statement, params)


TABLE = Ballot._meta.db_table


def _alter_choices(round_: VotingRound) -> None:
    ballot = Ballot.objects.filter(round=round_, counted=True).order_by("seq").first()
    assert ballot is not None
    flipped = [{**c, "position": "no"} if c.get("position") == "yes" else c for c in ballot.choices]
    _sql(f"UPDATE {TABLE} SET choices = %s WHERE id = %s", [json.dumps(flipped), ballot.pk])


def _remove_counted(round_: VotingRound) -> None:
    ballot = Ballot.objects.filter(round=round_, counted=True).order_by("seq").first()
    assert ballot is not None
    _sql("DELETE FROM deliberation_ballotchoice WHERE ballot_id = %s", [ballot.pk])
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [ballot.pk])


def _insert(round_: VotingRound) -> None:
    source = Ballot.objects.filter(round=round_, counted=True).order_by("seq").first()
    assert source is not None
    _sql(
        f"INSERT INTO {TABLE} (round_id, voter_id, stakeholder_group, choices, nonce, leaf, "
        "seq, prev, entry, cast_at, counted) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            round_.pk,
            round_.framework.convening.memberships.filter(role="organizer").first().user_id,
            "policymaker",
            json.dumps([{"motion": source.choices[0]["motion"], "position": "yes"}]),
            secrets.token_hex(32),
            secrets.token_hex(32),
            9999,
            source.entry,
            secrets.token_hex(32),
            source.cast_at,
            True,
        ],
    )


def _uncount(round_: VotingRound) -> None:
    ballot = Ballot.objects.filter(round=round_, counted=True).order_by("seq").first()
    assert ballot is not None
    _sql(f"UPDATE {TABLE} SET counted = %s WHERE id = %s", [False, ballot.pk])


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (_alter_choices, "leaf does not match"),
        (_remove_counted, "The chain holds"),
        (_insert, "The chain holds"),
        (_uncount, "counted is False"),
    ],
    ids=["altered", "removed", "inserted", "uncounted"],
)
def test_tampering_with_ballots_is_caught(
    voting: Voting, tamper: Callable[[VotingRound], None], named: str, capsys: Any
) -> None:
    round_ = _closed_round(voting)
    tamper(round_)
    assert "failed verification" in _verify(round_)
    assert named in capsys.readouterr().err


def test_an_open_round_does_not_verify(voting: Voting) -> None:
    round_ = voting.round()
    assert "failed verification" in _verify(round_)
    with pytest.raises(CommandError, match="No voting round"):
        call_command("round_verify", "999999")
