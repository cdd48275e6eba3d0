"""Clause references stored by identity (``deliberation.text.crossrefs``): the pure
conversion, and the issue's scenario — swap §1 and §2, and §7's "threshold in §1" follows its
clause — in the clause page, the reading page, the API and an export."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion
from deliberation.publishing import export, formats
from deliberation.text import crossrefs, services
from tests.conftest import client_for, make_world
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

NUMBERS = {1: 101, 2: 102, 7: 107, 12: 112}
IDS = {pk: n for n, pk in NUMBERS.items()}


def test_references_to_existing_clauses_are_stored_by_id() -> None:
    stored = crossrefs.to_stored("Threshold in §1, scope of § 2, not §9 nor §123.", NUMBERS)
    assert stored == "Threshold in §{c:101}, scope of §{c:102,s=20}, not §9 nor §123."


def test_leading_zeros_are_left_as_written() -> None:
    assert crossrefs.to_stored("§01 and §1", NUMBERS) == "§01 and §{c:101}"


def test_a_token_whose_clause_is_gone_shows_a_question_mark() -> None:
    assert crossrefs.to_display("See §{c:101} and §{c:999}.", {101: 3}) == "See §3 and §?."


def test_a_forged_gap_is_dropped_not_an_error() -> None:
    assert crossrefs.to_display("§{c:101,s=ffffff} §{c:101,s=41}", {101: 3}) == "§3 §3"


def test_a_token_is_one_word_of_the_diff() -> None:
    stored = crossrefs.to_stored("as in § 12, and §7", NUMBERS)
    assert re.search(r"\s", crossrefs.TOKEN.sub("", stored).replace(" ", "")) is None
    assert all(not re.search(r"\s", m.group(0)) for m in crossrefs.TOKEN.finditer(stored))


# Text around references: anything but "{", so no text holds a token before conversion.
_around = st.text(st.characters(blacklist_characters="{"), max_size=12)
_reference = st.builds(
    lambda gap, n: f"§{gap}{n}",
    st.sampled_from(["", " ", "\u00a0", "\t", "\n"]),
    st.one_of(st.integers(0, 20), st.sampled_from(["01", "007"])),
)
texts = st.lists(st.one_of(_around, _reference), max_size=8).map("".join)
numberings = st.dictionaries(st.integers(1, 20), st.integers(1, 10_000), max_size=20).map(
    lambda m: {n: pk for n, pk in m.items() if pk not in list(m.values())[: list(m).index(n)]}
)


@given(texts, numberings)
def test_showing_what_was_stored_gives_back_the_text(text: str, numbers: dict[int, int]) -> None:
    inverse = {pk: n for n, pk in numbers.items()}
    assert crossrefs.to_display(crossrefs.to_stored(text, numbers), inverse) == text


@given(texts, st.permutations(list(range(1, 9))))
def test_renumbering_keeps_each_reference_on_its_clause(text: str, order: list[int]) -> None:
    before = {n: 1000 + n for n in range(1, 9)}
    stored = crossrefs.to_stored(text, before)
    # Clause 1000 + k is now numbered order.index(k) + 1.
    after = {1000 + k: position for position, k in enumerate(order, start=1)}
    shown = crossrefs.to_display(stored, after)
    expected = crossrefs.CROSSREF.sub(
        lambda m: (
            m.group(0)[: -len(m.group(1))] + str(order.index(int(m.group(1))) + 1)
            if int(m.group(1)) in before and m.group(1) == str(int(m.group(1)))
            else m.group(0)
        ),
        text,
    )
    assert shown == expected
    assert crossrefs.referenced_ids(stored) <= set(after)


# --- the scenario -------------------------------------------------------------------


def _seven_clauses(drafting: Drafting) -> list[Clause]:
    organizer = drafting.world.organizer
    for n in range(3, 7):
        services.clause_create(
            actor=organizer,
            framework=drafting.framework,
            kind="general",
            title=f"General {n}",
            text=f"General provision {n}.",
        )
    services.clause_create(
        actor=organizer,
        framework=drafting.framework,
        kind="general",
        title="Review",
        text="The threshold in §1 is reviewed yearly; see also §7 and §99.",
    )
    return list(drafting.framework.clauses.order_by("position"))


def _swap_first_two(drafting: Drafting, clauses: list[Clause]) -> None:
    order = [clauses[1].pk, clauses[0].pk, *(c.pk for c in clauses[2:])]
    services.clause_reorder(
        actor=drafting.world.organizer, framework=drafting.framework, order=order
    )


@pytest.fixture
def swapped(db: Any) -> tuple[Drafting, list[Clause]]:
    drafting = make_drafting(make_world())
    clauses = _seven_clauses(drafting)
    _swap_first_two(drafting, clauses)
    return drafting, clauses


def test_clause_text_is_stored_with_the_clause_id(swapped: tuple[Drafting, list[Clause]]) -> None:
    _, clauses = swapped
    review = Clause.objects.get(pk=clauses[6].pk)
    assert f"§{{c:{clauses[0].pk}}}" in review.text
    assert f"§{{c:{review.pk}}}" in review.text  # a clause may refer to itself
    assert "§99" in review.text
    assert review.current_version is not None and review.current_version.text == review.text


def test_the_clause_page_shows_the_new_number_linked_to_the_same_clause(
    swapped: tuple[Drafting, list[Clause]],
) -> None:
    drafting, clauses = swapped
    html = page_client(drafting.world.organizer).get(f"/clauses/{clauses[6].pk}/").content.decode()
    link = f'<a href="/clauses/{clauses[0].pk}/" rel="nofollow noopener noreferrer">§2</a>'
    assert f"The threshold in {link} is reviewed" in html
    assert "§{" not in html
    assert "§99" in html


def test_the_reading_page_shows_the_new_number(swapped: tuple[Drafting, list[Clause]]) -> None:
    drafting, _ = swapped
    html = page_client(drafting.world.organizer).get(f"/f/{drafting.framework.slug}/read/")
    body = html.content.decode()
    assert 'The threshold in <a href="#clause-2" rel="nofollow noopener noreferrer">§2</a>' in body
    assert "§{" not in body


def test_the_api_shows_current_numbers(swapped: tuple[Drafting, list[Clause]]) -> None:
    drafting, clauses = swapped
    client = client_for(drafting.world.organizer)
    clause = client.get(f"/api/v1/clauses/{clauses[6].pk}/").json()
    assert clause["text"] == "The threshold in §2 is reviewed yearly; see also §7 and §99."
    assert "§2" in clause["text_html"]
    versions = client.get(f"/api/v1/clauses/{clauses[6].pk}/versions/").json()["results"]
    assert versions[0]["text"] == clause["text"]


def test_an_export_shows_plain_current_numbers(swapped: tuple[Drafting, list[Clause]]) -> None:
    drafting, _ = swapped
    document = export.build(drafting.framework, edition=1, published_at=timezone.now())
    review = document["clauses"][6]
    assert review["text"] == "The threshold in §2 is reviewed yearly; see also §7 and §99."
    assert review["versions"][0]["text"] == review["text"]
    assert "The threshold in §2" in formats.to_markdown(document)
    assert "§{" not in str(document)


def test_an_api_client_writes_numbers_and_reads_numbers(
    swapped: tuple[Drafting, list[Clause]],
) -> None:
    drafting, clauses = swapped
    client = client_for(drafting.world.organizer)
    response = client.patch(
        f"/api/v1/clauses/{clauses[2].pk}/",
        {"text": "Subject to §1 and §2.", "rationale": "Refer."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "Subject to §1 and §2."
    stored = Clause.objects.get(pk=clauses[2].pk).text
    assert stored == f"Subject to §{{c:{clauses[1].pk}}} and §{{c:{clauses[0].pk}}}."


def test_amendments_and_alternatives_follow_their_clauses(
    swapped: tuple[Drafting, list[Clause]],
) -> None:
    drafting, clauses = swapped
    delegate = drafting.world.industry
    review = Clause.objects.get(pk=clauses[6].pk)
    amendment = services.amendment_propose(
        actor=delegate,
        clause=review,
        text="The threshold in §2 is reviewed every six months.",
        rationale="Faster.",
    )
    alternative = services.alternative_propose(
        actor=delegate, clause=review, text="The threshold in §2 is never reviewed."
    )
    assert f"§{{c:{clauses[0].pk}}}" in amendment.text
    assert f"§{{c:{clauses[0].pk}}}" in alternative.text
    # The reference is the same clause on both sides: the diff does not touch it.
    unchanged = "".join(op["text"] for op in amendment.diff_ops if op["op"] == "equal")
    assert f"threshold in §{{c:{clauses[0].pk}}}" in unchanged
    _swap_first_two(drafting, list(drafting.framework.clauses.order_by("position")))
    html = page_client(drafting.world.organizer).get(f"/clauses/{review.pk}/").content.decode()
    assert "The threshold in §1 is never reviewed" in html
    assert "§{" not in html
    body = client_for(delegate).get(f"/api/v1/clauses/{review.pk}/amendments/").json()
    assert body["results"][0]["text"] == "The threshold in §1 is reviewed every six months."


def test_a_comment_quotes_the_text_as_shown(swapped: tuple[Drafting, list[Clause]]) -> None:
    from deliberation.discussion import services as discussion

    drafting, clauses = swapped
    comment = discussion.comment_post(
        actor=drafting.world.industry,
        clause=Clause.objects.get(pk=clauses[6].pk),
        body="Which threshold?",
        anchor={"paragraph": 0, "quote": "threshold in §2"},
    )
    assert comment.anchor_quote == "threshold in §2"


def test_the_migration_converts_texts_but_not_versions(db: Any) -> None:
    drafting = make_drafting(make_world())
    clauses = _seven_clauses(drafting)
    review = clauses[6]
    delegate = drafting.world.industry
    amendment = services.amendment_propose(
        actor=delegate, clause=review, text="The threshold in §1 applies.", rationale="Shorter."
    )
    alternative = services.alternative_propose(
        actor=delegate, clause=review, text="§2 applies instead."
    )
    written = "The threshold in §1 is reviewed yearly; see also §7 and §99."
    # As stored before references were tokens.
    Clause.objects.filter(pk=review.pk).update(text=written)
    Amendment.objects.filter(pk=amendment.pk).update(
        text="The threshold in §1 applies.",
        diff_ops=[{"op": "equal", "text": "The threshold in §1 "}, {"op": "insert", "text": "x"}],
    )
    Alternative.objects.filter(pk=alternative.pk).update(text="§2 applies instead.")
    versions = list(ClauseVersion.objects.order_by("pk").values_list("text", "hash"))
    migration = __import__(
        "deliberation.migrations.0019_crossref_tokens", fromlist=["tokenize_references"]
    )
    migration.tokenize_references(apps, None)
    first, second = clauses[0].pk, clauses[1].pk
    assert Clause.objects.get(pk=review.pk).text == (
        f"The threshold in §{{c:{first}}} is reviewed yearly; see also §{{c:{review.pk}}} and §99."
    )
    amendment.refresh_from_db()
    assert amendment.text == f"The threshold in §{{c:{first}}} applies."
    assert amendment.diff_ops[0]["text"] == f"The threshold in §{{c:{first}}} "
    assert Alternative.objects.get(pk=alternative.pk).text == f"§{{c:{second}}} applies instead."
    # Versions are immutable and hashed: left as written.
    assert list(ClauseVersion.objects.order_by("pk").values_list("text", "hash")) == versions
    # Running it again changes nothing.
    migration.tokenize_references(apps, None)
    assert Alternative.objects.get(pk=alternative.pk).text == f"§{{c:{second}}} applies instead."


def test_search_snippets_show_current_numbers(swapped: tuple[Drafting, list[Clause]]) -> None:
    drafting, _ = swapped
    client = client_for(drafting.world.organizer)
    body = client.get("/api/v1/search/", {"q": "reviewed yearly", "kind": "clause"}).json()
    hit = next(h for h in body["results"] if h["title"].endswith("Review"))
    assert "§2" in hit["snippet"] and "§{" not in hit["snippet"]
