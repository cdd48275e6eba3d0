"""Results and the published record through the Django test client: turnout only while open,
the narrative before the charts once closed, objections, the record of recorded and secret
rounds, finding a receipt, and hostile text on every voting page."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from deliberation.models import Ballot, Motion, VotingRound
from deliberation.voting import services
from tests.deliberation.voting.conftest import Voting
from tests.frontend.conftest import page_client
from tests.frontend.voting.conftest import motions_of, text_of, vote

HOSTILE_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


# --- results -------------------------------------------------------------------------------------
def test_results_while_open_show_turnout_only(voting: Voting) -> None:
    round_ = voting.round()
    vote(voting, round_, voting.world.policymaker, "no")
    html = page_client(None).get(f"/rounds/{round_.pk}/results/").content.decode()
    text = text_of(html)
    assert "only how many in each group have taken part is shown" in text
    assert "Policymaker: Took part 1" in text
    assert "<svg" in html and 'class="seg-turnout"' in html
    assert 'data-label="Yes"' not in html and "seg-no" not in html.replace('"seg-none"', "")


def test_results_after_close_lead_with_the_narrative_then_the_charts(voting: Voting) -> None:
    world = voting.world
    round_ = voting.round()
    vote(voting, round_, world.policymaker, "yes")
    vote(voting, round_, world.industry, "object", reason="Too weak <b>still</b>.")
    vote(voting, round_, world.civil_society, "yes")
    services.round_close(actor=world.organizer, round_=round_)
    html = page_client(None).get(f"/rounds/{round_.pk}/results/").content.decode()
    framework = motions_of(round_)["adopt_framework"]
    section = html.split(f'id="result-{framework.pk}"')[1].split("</section>")[0]
    narrative = Motion.objects.get(pk=framework.pk).narrative
    assert narrative and escape(narrative) in section
    assert section.index(escape(narrative)) < section.index("<svg")
    assert section.index("<svg") < section.index("<table")
    bars = section.split('<svg class="bars"')[1].split("</svg>")[0]
    assert bars.count('class="seg-yes"') == 2 and bars.count('class="seg-object"') == 1
    text = text_of(section)
    assert "Industry 1 1 0 0 0 1 Met Not met" in text
    assert "Objections on record (1)" in text and "Too weak <b>still</b>." in text
    assert "Too weak <b>" not in section  # escaped
    choose = motions_of(round_)["choose_alternative"]
    assert "Chosen: Option B" in text_of(html.split(f'id="result-{choose.pk}"')[1])


def test_results_of_a_draft_round_say_there_are_none(voting: Voting) -> None:
    round_ = voting.round(open_=False)
    html = page_client(None).get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "there are no results" in text_of(html) and "<svg" not in html.split('id="main"')[1]


# --- record --------------------------------------------------------------------------------------
def _closed_round(voting: Voting, **options: Any) -> VotingRound:
    world = voting.world
    round_ = voting.round(**options)
    vote(voting, round_, world.policymaker, "yes")
    vote(voting, round_, world.industry, "no")
    vote(voting, round_, world.industry, "abstain")  # replaces the first
    return services.round_close(actor=world.organizer, round_=round_)


def test_record_is_published_when_the_round_closes(voting: Voting) -> None:
    round_ = voting.round()
    response = page_client(None).get(f"/rounds/{round_.pk}/record/")
    assert response.status_code == 409
    assert "The record is published when the round closes; it is open." in text_of(
        response.content.decode()
    )


def test_recorded_record_names_voters_and_marks_replaced_ballots(voting: Voting) -> None:
    round_ = _closed_round(voting)
    html = page_client(None).get(f"/rounds/{round_.pk}/record/").content.decode()
    text = text_of(html)
    assert "Policymaker Ministry" in text and "Industry Lab" in text
    assert text.count("No, replaced") == 1
    assert round_.head in html and round_.counted_root in html
    framework = motions_of(round_)["adopt_framework"].position
    assert f"Motion {framework}: Abstain" in text and "Motion 3: B" in text


def test_secret_record_shows_receipts_and_choices_only(voting: Voting) -> None:
    round_ = _closed_round(voting, ballot_mode="secret")
    html = page_client(voting.world.organizer).get(f"/rounds/{round_.pk}/record/").content.decode()
    table = html.split('class="table record-table"')[1].split("</table>")[0]
    assert "Policymaker" not in table and "Ministry" not in table and "Counted" not in table
    assert table.count("<tr") == 1 + 2  # header and the two counted ballots


def test_find_my_receipt_marks_the_row(voting: Voting) -> None:
    round_ = _closed_round(voting)
    mine = Ballot.objects.get(round=round_, voter=voting.world.policymaker)
    url = f"/rounds/{round_.pk}/record/"
    html = page_client(None).get(url, {"receipt": f"  {mine.leaf.upper()} "}).content.decode()
    row = re.search(r'<tr id="ballot-(\d+)" class="receipt-match"[^>]*aria-current="true"', html)
    assert row is not None
    assert f'href="#ballot-{row.group(1)}"' in html and "and it was counted" in text_of(html)
    assert html.count("receipt-match") == 1
    replaced = Ballot.objects.get(round=round_, voter=voting.world.industry, counted=False)
    text = text_of(page_client(None).get(url, {"receipt": replaced.leaf}).content.decode())
    assert "replaced by a later ballot and not counted" in text
    unknown = page_client(None).get(url, {"receipt": "0" * 64}).content.decode()
    assert "No ballot in this record has that receipt." in unknown
    bad = page_client(None).get(url, {"receipt": "<script>"})
    assert bad.status_code == 400 and 'id="receipt-error"' in bad.content.decode()


def test_record_pages_and_finds_a_receipt_on_a_later_page(voting: Voting) -> None:
    from frontend.views.voting import results

    round_ = voting.round()
    for _ in range(3):
        vote(voting, round_, voting.world.policymaker, "yes")
    services.round_close(actor=voting.world.organizer, round_=round_)
    last = Ballot.objects.filter(round=round_).order_by("-seq").first()
    assert last is not None
    original = results.PAGE_SIZE
    results.PAGE_SIZE = 2
    try:
        url = f"/rounds/{round_.pk}/record/"
        first = text_of(page_client(None).get(url).content.decode())
        assert "page 1 of 2" in first and "Next page" in first
        found = page_client(None).get(url, {"receipt": last.leaf}).content.decode()
        assert "page 2 of 2" in text_of(found) and "receipt-match" in found
    finally:
        results.PAGE_SIZE = original


# --- hostile text ---------------------------------------------------------------------------------
def test_titles_and_names_are_escaped_everywhere(voting: Voting) -> None:
    world = voting.world
    world.policymaker.display_name = HOSTILE_TITLE
    world.policymaker.save(update_fields=["display_name"])
    round_ = services.round_create(
        actor=world.organizer,
        framework=voting.framework,
        title="Reading",
        description="<img src=x onerror=alert(1)> **bold**",
        motions=voting.motions(),
    )
    VotingRound.objects.filter(pk=round_.pk).update(title=HOSTILE_TITLE)
    round_ = services.round_open(actor=world.organizer, round_=round_)
    vote(voting, round_, world.policymaker, "object", reason=HOSTILE_TITLE)
    services.round_close(actor=world.organizer, round_=round_)
    urls = [
        f"/f/{voting.framework.slug}/rounds/",
        f"/rounds/{round_.pk}/",
        f"/rounds/{round_.pk}/results/",
        f"/rounds/{round_.pk}/record/",
    ]
    for url in urls:
        html = page_client(world.organizer).get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    page = page_client(None).get(f"/rounds/{round_.pk}/").content.decode()
    assert "<bdi>&lt;script&gt;" in page and "<strong>bold</strong>" in page
