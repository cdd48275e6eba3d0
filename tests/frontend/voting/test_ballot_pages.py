"""The ballot on the round page through the Django test client: cast, changed, refused with
its errors next to its motions (nothing committed), after close (409), and with htmx."""

from __future__ import annotations

import re
from typing import Any

import pytest

from deliberation.models import Ballot, Motion, VotingRound
from deliberation.voting import services
from tests.deliberation.voting.conftest import Voting
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import HTMX, ballot_post, motions_of, text_of


# --- the ballot ---------------------------------------------------------------------------------
def test_delegate_casts_a_ballot_and_gets_a_receipt(voting: Voting) -> None:
    round_ = voting.round()
    client = page_client(voting.world.policymaker)
    response = client.post(f"/rounds/{round_.pk}/ballot/", ballot_post(voting, round_))
    assert response.status_code == 302
    assert response["Location"] == f"/rounds/{round_.pk}/#receipt"
    ballot = Ballot.objects.get(round=round_, voter=voting.world.policymaker)
    motions = motions_of(round_)
    ranking = {"motion": motions["choose_alternative"].pk, "ranking": [voting.option_b.pk]}
    ranking["ranking"].append(voting.option_a.pk)
    assert ranking in ballot.choices
    page = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert '<code class="receipt-leaf" id="receipt-leaf"' in page and ballot.leaf in page
    assert "You have voted." in text_of(page)
    # The form is filled with the ballot, to change it.
    yes = motions["adopt_clause"].pk
    assert re.search(rf'name="motion-{yes}-position" value="yes"[^>]*checked', page)
    assert re.search(
        rf'name="motion-{motions["choose_alternative"].pk}-rank-{voting.option_b.pk}".*?'
        r'<option value="1" selected>',
        page,
        re.S,
    )


def test_approval_ballot_is_a_set_of_checkboxes(voting: Voting) -> None:
    round_ = voting.round(
        motions=[{"kind": "choose_alternative", "clause": voting.trigger.pk, "method": "approval"}]
    )
    motion = round_.motions.get()
    a, b = voting.option_a.pk, voting.option_b.pk
    client = page_client(voting.world.policymaker)
    html = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert f'type="checkbox" name="motion-{motion.pk}-approve" value="{a}"' in html
    response = client.post(f"/rounds/{round_.pk}/ballot/", {f"motion-{motion.pk}-approve": [b, a]})
    assert response.status_code == 302
    assert Ballot.objects.get().choices == [{"motion": motion.pk, "approvals": [a, b]}]
    again = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert re.search(rf'name="motion-{motion.pk}-approve" value="{b}" checked', again)


def test_recasting_replaces_the_ballot(voting: Voting) -> None:
    round_ = voting.round()
    client = page_client(voting.world.policymaker)
    client.post(f"/rounds/{round_.pk}/ballot/", ballot_post(voting, round_))
    framework = motions_of(round_)["adopt_framework"].pk
    client.post(
        f"/rounds/{round_.pk}/ballot/",
        ballot_post(voting, round_, **{f"motion-{framework}-position": "no"}),
    )
    counted = Ballot.objects.get(round=round_, counted=True)
    assert {"motion": framework, "position": "no"} in counted.choices
    assert Ballot.objects.filter(round=round_).count() == 2


def _object(voting: Voting, round_: VotingRound, reason: str) -> dict[str, Any]:
    motion = motions_of(round_)["adopt_framework"].pk
    return {f"motion-{motion}-position": "object", f"motion-{motion}-reason": reason}


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("object without reason", "Give a reason for your objection."),
        ("reason without object", "A reason goes with an objection only"),
        ("same rank twice", "has the same rank as option"),
        ("rank out of range", "Select a valid choice."),
        ("unknown position", "Select a valid choice."),
        ("nothing chosen", "Choose on at least one motion."),
        ("unknown approval", None),
    ],
)
def test_bad_ballot_input_reshows_the_form_and_commits_nothing(
    voting: Voting, case: str, error: str | None
) -> None:
    round_ = voting.round()
    motions = motions_of(round_)
    framework, choose = motions["adopt_framework"].pk, motions["choose_alternative"].pk
    rank_a = f"motion-{choose}-rank-{voting.option_a.pk}"
    rank_b = f"motion-{choose}-rank-{voting.option_b.pk}"
    data = {
        "object without reason": ballot_post(voting, round_, **_object(voting, round_, "  ")),
        "reason without object": ballot_post(
            voting, round_, **{f"motion-{framework}-reason": "Because."}
        ),
        "same rank twice": ballot_post(voting, round_, **{rank_a: "1", rank_b: "1"}),
        "rank out of range": ballot_post(voting, round_, **{rank_a: "3"}),
        "unknown position": ballot_post(voting, round_, **{f"motion-{framework}-position": "veto"}),
        "nothing chosen": {},
        # An approval motion does not exist in this round: the field is ignored, so nothing.
        "unknown approval": {f"motion-{choose}-approve": [str(voting.option_a.pk)]},
    }[case]
    response = page_client(voting.world.policymaker).post(f"/rounds/{round_.pk}/ballot/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="ballot-error"' in html and "Your ballot was not cast." in html
    assert error is None or error in text_of(html)
    assert f'action="/rounds/{round_.pk}/ballot/"' in html  # the form is shown again
    assert not Ballot.objects.exists()


def test_bad_ballot_keeps_what_was_typed(voting: Voting) -> None:
    round_ = voting.round()
    motion = motions_of(round_)["adopt_framework"].pk
    data = ballot_post(
        voting, round_, **{f"motion-{motion}-reason": "Too weak <b>still</b>."}
    )  # with a Yes
    html = page_client(voting.world.policymaker).post(f"/rounds/{round_.pk}/ballot/", data)
    content = html.content.decode()
    assert "Too weak &lt;b&gt;still&lt;/b&gt;." in content
    assert f'id="id_motion-{motion}-reason_error"' in content
    assert (
        f'aria-describedby="id_motion-{motion}-reason_helptext id_motion-{motion}-reason_error"'
        in (content)
    )


def test_a_vote_after_close_is_refused_with_409_and_the_result_stands(voting: Voting) -> None:
    round_ = voting.round()
    client = page_client(voting.world.policymaker)
    services.round_close(actor=voting.world.organizer, round_=round_)
    before = list(Motion.objects.filter(round=round_).values_list("outcome", "result"))
    response = client.post(f"/rounds/{round_.pk}/ballot/", ballot_post(voting, round_))
    assert response.status_code == 409
    html = response.content.decode()
    assert "A round can be voted in only while open; this one is closed." in text_of(html)
    assert f'action="/rounds/{round_.pk}/ballot/"' not in html
    assert not Ballot.objects.exists()
    assert list(Motion.objects.filter(round=round_).values_list("outcome", "result")) == before


def test_htmx_ballot_answers_the_section_with_the_receipt(voting: Voting) -> None:
    round_ = voting.round()
    client = page_client(voting.world.policymaker)
    response = client.post(
        f"/rounds/{round_.pk}/ballot/", ballot_post(voting, round_), headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("{% load") is False
    assert '<section id="ballot"' in html and "<html" not in html
    assert 'id="ballot-done"' in html and Ballot.objects.get().leaf in html
    invalid = client.post(
        f"/rounds/{round_.pk}/ballot/",
        ballot_post(voting, round_, **_object(voting, round_, "")),
        headers=HTMX,
    )
    assert invalid.status_code == 400
    assert (
        'id="ballot-error"' in invalid.content.decode() and "<html" not in invalid.content.decode()
    )
    assert Ballot.objects.count() == 1
