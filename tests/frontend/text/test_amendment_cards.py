"""Amendment cards show what changes (issue 13): the text diff against the base version and only
the spec fields that change, in words; versions from amendments credit who proposed and who
accepted; durations are typed and shown as words, never as P180D."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Amendment, Clause
from deliberation.text import services
from tests.conftest import World, make_world
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, make_drafting
from tests.frontend.conftest import page_client
from tests.frontend.text.test_drafting_query_counts import CLAUSE_PAGE_ORGANIZER


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def card(html: str, amendment: Amendment) -> str:
    match = re.search(rf'<li id="amendment-{amendment.pk}".*?</li>\n', html, re.S)
    assert match, f"no card for amendment {amendment.pk}"
    return match.group(0)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def propose_window(drafting: Drafting, actor: Any, window: str, text: str) -> Amendment:
    return services.amendment_propose(
        actor=actor,
        clause=drafting.trigger,
        text=text,
        spec=TRIGGER_SPEC | {"window": window},
        rationale="Sooner.",
    )


def test_card_shows_the_text_diff_and_only_the_changed_spec_field(drafting: Drafting) -> None:
    w = drafting.world
    propose_window(drafting, w.policymaker, "P180D", "A pause is triggered early.")
    second = propose_window(
        drafting, w.industry, "P90D", "A pause is triggered when the task horizon doubles fast."
    )
    html = card(
        page_client(w.observer).get(f"/clauses/{drafting.trigger.pk}/").content.decode(), second
    )
    assert "Amendment 2 to §2" in html
    assert '<del><span class="visually-hidden">removed: </span>too </del>' in html
    assert '<ins><span class="visually-hidden">added: </span>' in html
    table = re.search(r'<table class="table spec-changes">.*?</table>', html, re.S)
    assert table, html
    words = text_of(table.group(0))
    assert "Measurement window" in words and "180 days" in words and "90 days" in words
    # Only what changes: the metric, threshold and evidence source are not repeated.
    for unchanged in ("Metric", "Threshold", "Evidence source", "independent evaluation lab"):
        assert unchanged not in words
    assert "P90D" not in html and "P180D" not in html


def test_card_without_spec_change_shows_no_spec_table(drafting: Drafting) -> None:
    w = drafting.world
    amendment = services.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Applies to all labs.", rationale="Why."
    )
    html = card(
        page_client(w.observer).get(f"/clauses/{drafting.scope.pk}/").content.decode(), amendment
    )
    assert "spec-changes" not in html and "<ins>" in html


def test_spec_only_amendment_says_the_text_is_unchanged(drafting: Drafting) -> None:
    w = drafting.world
    amendment = propose_window(drafting, w.industry, "P6M", drafting.trigger.text)
    html = card(
        page_client(w.observer).get(f"/clauses/{drafting.trigger.pk}/").content.decode(), amendment
    )
    assert "The text is unchanged." in html
    assert "6 months" in text_of(html)


def test_stale_card_names_its_version_and_the_current_one(drafting: Drafting) -> None:
    w = drafting.world
    stale = services.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Applies to all labs.", rationale="Why."
    )
    services.clause_update(
        actor=w.organizer, clause=drafting.scope, text="Applies to every lab.", rationale="Clearer."
    )
    html = card(
        page_client(w.industry).get(f"/clauses/{drafting.scope.pk}/").content.decode(), stale
    )
    assert "Proposed against version 1; current is 2." in html


def test_plain_sentence_and_spec_table_never_show_iso_durations(drafting: Drafting) -> None:
    html = page_client(None).get(f"/clauses/{drafting.trigger.pk}/").content.decode()
    sentence = re.search(r'<p class="spec-sentence">(.*?)</p>', html, re.S)
    assert sentence and "over 180 days" in sentence.group(1)
    assert "P180D" not in html


def test_proposal_form_shows_durations_in_words_and_takes_them(drafting: Drafting) -> None:
    client = page_client(drafting.world.industry)
    url = f"/clauses/{drafting.trigger.pk}/amendments/new/"
    form = client.get(url).content.decode()
    assert 'name="trigger__window" value="180 days"' in form
    assert "P180D" not in form
    data = {f"trigger__{k}": v for k, v in TRIGGER_SPEC.items()} | {
        "text": drafting.trigger.text,
        "rationale": "A shorter window.",
        "trigger__window": "6 months",
    }
    assert client.post(url, data).status_code == 302
    assert Amendment.objects.get(clause=drafting.trigger).spec["window"] == "P6M"


@pytest.mark.parametrize("typed", ["half a year", "6", "6 fortnights"])
def test_a_bad_duration_is_refused_next_to_its_field(drafting: Drafting, typed: str) -> None:
    client = page_client(drafting.world.industry)
    data = {f"trigger__{k}": v for k, v in TRIGGER_SPEC.items()} | {
        "text": "A pause is triggered sooner.",
        "rationale": "Sooner.",
        "trigger__window": typed,
    }
    response = client.post(f"/clauses/{drafting.trigger.pk}/amendments/new/", data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert re.search(
        r'id="id_trigger__window_error"><li>[^<]*Enter a duration such as \'180 days\' or '
        r"'6 months'.",
        html,
    )
    assert not Amendment.objects.exists()


def test_history_credits_proposer_and_acceptor_with_the_reason(drafting: Drafting) -> None:
    w = drafting.world
    amendment = services.amendment_propose(
        actor=w.civil_society, clause=drafting.scope, text="Applies to all labs.", rationale="Why."
    )
    response = page_client(w.organizer).post(
        f"/amendments/{amendment.pk}/accept/", {"reason": "Broader and clearer."}
    )
    assert response.status_code == 302
    history = text_of(
        page_client(None).get(f"/clauses/{drafting.scope.pk}/history/").content.decode()
    )
    civil, organizer = w.civil_society.display_name, w.organizer.display_name
    assert (
        f"Proposed by {civil} in amendment 1, accepted by {organizer} "
        "with reason “Broader and clearer.”"
    ) in history
    page = page_client(None).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Broader and clearer." in text_of(card(page, amendment))


def test_accept_form_offers_an_optional_reason(drafting: Drafting) -> None:
    amendment = services.amendment_propose(
        actor=drafting.world.industry, clause=drafting.scope, text="Applies to all.", rationale="W."
    )
    html = card(
        page_client(drafting.world.organizer)
        .get(f"/clauses/{drafting.scope.pk}/")
        .content.decode(),
        amendment,
    )
    assert re.search(r'<input type="text" id="accept-reason-\d+" name="reason"', html)
    assert "Reason for accepting amendment 1 (optional)" in html


def grow_amendments(drafting: Drafting, count: int) -> Clause:
    """``count`` amendments to the trigger, each changing the text and the window; every third
    accepted (so the history has versions from amendments), the others open or stale."""
    w, clause = drafting.world, drafting.trigger
    for n in range(count):
        amendment = propose_window(drafting, w.industry, f"P{30 + n}D", f"Trigger wording {n}.")
        if n % 3 == 0:
            services.amendment_accept(actor=w.organizer, amendment=amendment, reason=f"R{n}.")
    return clause


def count_queries(path: str, user: Any) -> int:
    client = page_client(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("amendments", [2, 20])
def test_clause_page_costs_the_same_with_2_or_20_amendment_cards(db: Any, amendments: int) -> None:
    drafting = make_drafting(make_world())
    clause = grow_amendments(drafting, amendments)
    assert count_queries(f"/clauses/{clause.pk}/", drafting.world.organizer) == (
        CLAUSE_PAGE_ORGANIZER
    )


@pytest.mark.parametrize("amendments", [2, 20])
def test_history_costs_the_same_with_2_or_20_versions_from_amendments(
    db: Any, amendments: int
) -> None:
    drafting = make_drafting(make_world())
    clause = grow_amendments(drafting, amendments)
    assert count_queries(f"/clauses/{clause.pk}/history/", None) == 2  # clause, versions


def test_dispositions_name_the_amendment_by_its_number(drafting: Drafting) -> None:
    from deliberation.discussion import services as discussion

    w = drafting.world
    services.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Applies to all.", rationale="Why."
    )
    second = services.amendment_propose(
        actor=w.policymaker, clause=drafting.scope, text="Applies to none.", rationale="Why."
    )
    comment = discussion.comment_post(
        actor=w.civil_society, clause=drafting.scope, body="Too wide."
    )
    discussion.disposition_set(
        actor=w.organizer,
        comment=comment,
        outcome="accepted",
        response="Narrowed.",
        amendment_id=second.pk,
    )
    organizer = page_client(w.organizer)
    thread = text_of(organizer.get(f"/clauses/{drafting.scope.pk}/comments/").content.decode())
    assert "Amendment 2" in thread and f"Amendment #{second.pk}" not in thread
    table = organizer.get(f"/f/{drafting.framework.slug}/dispositions/").content.decode()
    assert "Amendment 2" in text_of(table)


def test_history_credits_the_proposer_of_a_version_recorded_before_issue_7(
    drafting: Drafting,
) -> None:
    """Such versions named the accepting organizer as author; their hash keeps that, so the
    history reads the proposer from the amendment instead of rewriting the row."""
    from django.db import transaction

    from deliberation.text.services.common import lock_clause, version_add

    w = drafting.world
    amendment = services.amendment_propose(
        actor=w.industry, clause=drafting.scope, text="Applies to all labs.", rationale="Why."
    )
    with transaction.atomic():
        clause, _framework = lock_clause(drafting.scope.pk)
        version_add(
            clause=clause,
            text=amendment.text,
            spec=None,
            author=w.organizer,
            rationale="Amendment accepted.",
            amendment=amendment,
        )
    # Nor did they record accepted_by: the amendment's decider stands in.
    Amendment.objects.filter(pk=amendment.pk).update(decided_by=w.organizer)
    history = text_of(
        page_client(None).get(f"/clauses/{drafting.scope.pk}/history/").content.decode()
    )
    credit = f"Proposed by {w.industry.display_name} in amendment 1, accepted by "
    assert credit + w.organizer.display_name in history
