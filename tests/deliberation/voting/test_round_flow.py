"""A round from drafting to the published record, through the API as its users drive it."""

from __future__ import annotations

from typing import Any

from convene.audit import audit_verify, convening_chain
from deliberation.models import Clause, Framework, Motion
from tests.conftest import client_for
from tests.deliberation.voting.conftest import Voting

API = "/api/v1"


def _vote(user: Any, round_id: int, choices: list[dict[str, Any]]) -> Any:
    return client_for(user).put(
        f"{API}/rounds/{round_id}/ballot/", {"choices": choices}, format="json"
    )


def test_a_round_adopts_what_every_group_votes_for(voting: Voting) -> None:
    w = voting.world
    organizer = client_for(w.organizer)
    created = organizer.post(
        f"{API}/frameworks/{voting.framework.slug}/rounds/",
        {
            "title": "Final reading",
            "motions": voting.motions(threshold="two_thirds", chambers=True),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    round_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    opened = organizer.post(f"{API}/rounds/{round_id}/open/")
    assert opened.status_code == 200, opened.json()
    motions = {m["kind"]: m["id"] for m in opened.json()["motions"]}
    for voter in (w.policymaker, w.industry, w.civil_society):
        response = _vote(
            voter,
            round_id,
            [
                {"motion": motions["adopt_clause"], "position": "yes"},
                {"motion": motions["accept_amendment"], "position": "yes"},
                {
                    "motion": motions["choose_alternative"],
                    "ranking": [voting.option_b.pk, voting.option_a.pk],
                },
                {"motion": motions["adopt_framework"], "position": "yes"},
            ],
        )
        assert response.status_code == 200, response.json()
        assert len(response.json()["receipt"]["leaf"]) == 64
    live = client_for(None).get(f"{API}/rounds/{round_id}/results/").json()
    assert live["motions"][0]["totals"] == {"eligible": 3, "turnout": 3}
    assert organizer.post(f"{API}/rounds/{round_id}/close/").status_code == 200
    results = client_for(None).get(f"{API}/rounds/{round_id}/results/").json()
    outcomes = {m["kind"]: m["outcome"] for m in results["motions"]}
    assert set(outcomes.values()) == {"adopted"}, results
    choose = next(m for m in results["motions"] if m["kind"] == "choose_alternative")
    assert choose["winner"] == voting.option_b.pk
    assert Framework.objects.get(pk=voting.framework.pk).status == "adopted"
    assert Clause.objects.get(pk=voting.trigger.pk).text == "Option B text."
    assert Clause.objects.get(pk=voting.scope.pk).status == "adopted"
    assert Clause.objects.get(pk=voting.amendment.clause_id).text == voting.amendment.text
    record = client_for(None).get(f"{API}/rounds/{round_id}/record/").json()
    assert len(record["ballots"]) == 3
    assert audit_verify(convening_chain(w.convening)) is None
    assert Motion.objects.filter(round_id=round_id, outcome="adopted").count() == 4


def test_the_motion_outcomes_are_the_tallys() -> None:
    from deliberation.voting.tally import Outcome

    assert set(Motion.Outcome.values) == {o.value for o in Outcome}
