"""What the comment pages do, through Django's test client: post, reply, nesting and its
continuation, edit, tombstones, reactions, flags, moderation in place, dispositions and their
table, group attribution, anchors without JavaScript, and the limits (issue 4)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.test import Client

from convene.api.throttling import CommentPostThrottle
from convene.models import Convening, User
from deliberation.discussion import services as discussion_services
from deliberation.discussion.anchors import mark_id
from deliberation.models import Clause, Comment, Disposition, Flag, Reaction
from deliberation.text import services as text_services
from frontend.templatetags.comment_tags import clause_text, mark_quotes
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client
from tests.hostile import assert_inert

TEXT = (
    "Developers report their *task horizon* every quarter.\n\n"
    "A pause is triggered when the horizon doubles in under four months.\n"
    "The panel confirms the measurement."
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


@pytest.fixture
def clause(drafting: Drafting) -> Clause:
    return text_services.clause_create(
        actor=drafting.world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Reporting",
        text=TEXT,
    )


def page_url(clause: Clause) -> str:
    return f"/clauses/{clause.pk}/comments/"


def html_of(response: Any) -> str:
    return response.content.decode()


def comment_block(html: str, comment_id: int) -> str:
    """The opening of one comment's article (up to its first reply, if any)."""
    start = html.index(f'id="comment-{comment_id}"')
    nested = html.find("<article", start)
    return html[start : nested if nested > 0 else len(html)]


def post_comment(client: Client, clause: Clause, **data: Any) -> Any:
    return client.post(page_url(clause), {"next": page_url(clause), **data})


def say(world: World, clause: Clause, who: str = "policymaker", **kwargs: Any) -> Comment:
    if "parent" in kwargs:
        kwargs["parent_id"] = kwargs.pop("parent").pk
    return discussion_services.comment_post(
        actor=getattr(world, who), clause=clause, body=kwargs.pop("body", f"From {who}."), **kwargs
    )


# --- posting and threads ------------------------------------------------------------------
def test_member_posts_a_comment_and_returns_to_it(world: World, clause: Clause) -> None:
    response = post_comment(page_client(world.policymaker), clause, body="Too *slow*.")
    comment = Comment.objects.get(clause=clause)
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(clause)}#comment-{comment.pk}"
    html = html_of(page_client(world.industry).get(page_url(clause)))
    assert "<em>slow</em>" in comment_block(html, comment.pk)
    assert "Policymaker" in comment_block(html, comment.pk)


def test_next_must_stay_on_this_site(world: World, clause: Clause) -> None:
    client = page_client(world.policymaker)
    response = client.post(page_url(clause), {"body": "Hi", "next": "https://evil.example/x"})
    assert response["Location"].startswith(page_url(clause) + "#comment-")


def test_reply_is_nested_under_its_parent(world: World, clause: Clause) -> None:
    top = say(world, clause)
    response = page_client(world.industry).post(
        f"/comments/{top.pk}/reply/", {"body": "A reply.", "next": page_url(clause)}
    )
    reply = Comment.objects.get(parent=top)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    html = html_of(page_client(world.organizer).get(page_url(clause)))
    assert html.index(f'id="comment-{top.pk}"') < html.index(f'id="comment-{reply.pk}"')
    assert 'class="comment comment-visible comment-level-1' in html


def test_replies_nest_to_depth_four_then_continue_on_the_thread_page(
    world: World, clause: Clause
) -> None:
    chain = [say(world, clause, body="level 0")]
    for level in range(1, 7):
        chain.append(say(world, clause, body=f"level {level}", parent=chain[-1]))
    html = html_of(page_client(world.industry).get(page_url(clause)))
    for comment in chain[:5]:
        assert f'id="comment-{comment.pk}"' in html
    for comment in chain[5:]:
        assert f'id="comment-{comment.pk}"' not in html
    assert f'<a href="/comments/{chain[4].pk}/thread/">Continue this thread →</a>' in html

    thread = page_client(world.industry).get(f"/comments/{chain[4].pk}/thread/")
    assert thread.status_code == 200
    html = html_of(thread)
    for comment in chain[4:]:
        assert f'id="comment-{comment.pk}"' in html
    assert f'id="comment-{chain[3].pk}"' not in html
    assert f'href="/comments/{chain[3].pk}/thread/"' in html  # up to the parent


def test_top_level_threads_are_paged(world: World, clause: Clause, monkeypatch: Any) -> None:
    monkeypatch.setattr("deliberation.discussion.selectors.THREADS_PER_PAGE", 2)
    first, second, third = (say(world, clause, body=f"n{n}") for n in range(3))
    html = html_of(page_client(None).get(page_url(clause)))
    assert f'id="comment-{first.pk}"' in html and f'id="comment-{second.pk}"' in html
    assert f'id="comment-{third.pk}"' not in html
    more = f"{page_url(clause)}?after={second.pk}"
    assert more in html
    html = html_of(page_client(None).get(more))
    assert f'id="comment-{third.pk}"' in html and f'id="comment-{first.pk}"' not in html


def test_author_edits_and_the_comment_is_marked_edited(world: World, clause: Clause) -> None:
    comment = say(world, clause, body="First.")
    client = page_client(world.policymaker)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Second **thoughts**."})
    assert response.status_code == 302
    html = comment_block(html_of(client.get(page_url(clause))), comment.pk)
    assert "<strong>thoughts</strong>" in html and 'class="edited"' in html


def test_only_the_author_sees_edit_and_delete(world: World, clause: Clause) -> None:
    comment = say(world, clause)
    mine = comment_block(html_of(page_client(world.policymaker).get(page_url(clause))), comment.pk)
    theirs = comment_block(html_of(page_client(world.industry).get(page_url(clause))), comment.pk)
    forms = f"/comments/{comment.pk}/forms"
    assert f"{forms}/edit/" in mine and f"{forms}/delete/" in mine
    assert "/edit/" not in theirs and "/delete/" not in theirs
    assert f"{forms}/flag/" in theirs


def test_deleted_comment_leaves_a_tombstone_with_replies_in_place(
    world: World, clause: Clause
) -> None:
    top = say(world, clause, body="Regrettable words.")
    reply = say(world, clause, who="industry", body="Still here.", parent=top)
    response = page_client(world.policymaker).post(f"/comments/{top.pk}/delete/", {})
    assert response.status_code == 302
    html = html_of(page_client(world.civil_society).get(page_url(clause)))
    block = comment_block(html, top.pk)
    assert "Comment deleted by its author" in block
    assert "Regrettable" not in html and "Policymaker" not in block
    assert "Still here." in comment_block(html, reply.pk)
    assert html.index(f'id="comment-{top.pk}"') < html.index(f'id="comment-{reply.pk}"')


# --- reactions ------------------------------------------------------------------------------
def test_reactions_count_overall_and_per_group_and_mine_is_pressed(
    world: World, clause: Clause
) -> None:
    comment = say(world, clause)
    for who, stance in [
        ("industry", "agree"),
        ("civil_society", "disagree"),
        ("organizer", "pass"),
    ]:
        response = page_client(getattr(world, who)).post(
            f"/comments/{comment.pk}/react/", {"stance": stance}
        )
        assert response.status_code == 302
    html = comment_block(html_of(page_client(world.industry).get(page_url(clause))), comment.pk)
    assert re.search(
        r'value="agree"[^>]*aria-pressed="true">Agree <span class="reaction-count">1', html
    )
    assert 'value="disagree" class="reaction reaction-disagree" aria-pressed="false"' in html
    assert '<span class="group-name">Industry</span>' in html
    assert "1 agree · 0 disagree · 0 pass" in html
    assert "0 agree · 1 disagree · 0 pass" in html
    assert '<rect class="bar-agree" x="0.00" y="0" width="100.00"' in html


def test_choosing_your_stance_again_clears_it(world: World, clause: Clause) -> None:
    comment = say(world, clause)
    client = page_client(world.industry)
    client.post(f"/comments/{comment.pk}/react/", {"stance": "agree"})
    client.post(f"/comments/{comment.pk}/react/", {"stance": "disagree"})
    assert Reaction.objects.get(comment=comment).stance == "disagree"
    client.post(f"/comments/{comment.pk}/react/", {"stance": "disagree"})
    assert not Reaction.objects.filter(comment=comment).exists()


def test_readers_who_are_not_members_see_counts_without_buttons(
    world: World, clause: Clause
) -> None:
    comment = say(world, clause)
    discussion_services.reaction_set(actor=world.industry, comment=comment, stance="agree")
    html = comment_block(html_of(page_client(None).get(page_url(clause))), comment.pk)
    assert "/react/" not in html and "reaction-totals" in html
    assert 'Agree <span class="reaction-count">1</span>' in html


def test_unknown_stance_re_shows_the_comment_with_the_error(world: World, clause: Clause) -> None:
    comment = say(world, clause)
    response = page_client(world.industry).post(f"/comments/{comment.pk}/react/", {"stance": "x"})
    assert response.status_code == 400
    assert "Unknown stance" in comment_block(html_of(response), comment.pk)


# --- htmx -----------------------------------------------------------------------------------
def test_htmx_reply_swaps_the_parent_partial(world: World, clause: Clause) -> None:
    top = say(world, clause)
    response = page_client(world.industry).post(
        f"/comments/{top.pk}/reply/",
        {"body": "Inline reply.", "base": "0", "next": page_url(clause)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = html_of(response)
    assert html.lstrip().startswith(f'<article id="comment-{top.pk}"')
    assert "Inline reply." in html and "<html" not in html
    assert response["X-Comment-Partial"] == str(top.pk)


def test_htmx_refusal_comes_back_in_the_partial_with_its_status(
    world: World, clause: Clause
) -> None:
    comment = say(world, clause)
    response = page_client(world.policymaker).post(
        f"/comments/{comment.pk}/edit/", {"body": "   "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Write something" in html and 'class="action action-edit" open' in html


# --- flags and moderation -------------------------------------------------------------------
def test_flag_with_reason_reaches_the_moderation_queue(
    world: World, drafting: Drafting, clause: Clause
) -> None:
    comment = say(world, clause, body="Off topic rant.")
    response = page_client(world.industry).post(
        f"/comments/{comment.pk}/flag/", {"reason": "Off-topic <b>rant</b>"}
    )
    assert response.status_code == 302
    assert Flag.objects.filter(comment=comment, reason="Off-topic <b>rant</b>").exists()
    queue = page_client(world.organizer).get(f"/f/{drafting.framework.slug}/moderation/")
    html = html_of(queue)
    assert queue.status_code == 200
    assert "Off-topic &lt;b&gt;rant&lt;/b&gt;" in html and "Off topic rant." in html


def test_flagging_twice_is_refused_with_the_message(world: World, clause: Clause) -> None:
    comment = say(world, clause)
    client = page_client(world.industry)
    client.post(f"/comments/{comment.pk}/flag/", {"reason": "spam"})
    response = client.post(f"/comments/{comment.pk}/flag/", {"reason": "spam"})
    assert response.status_code == 409
    assert "already flagged" in html_of(response)


def test_hidden_comment_shows_the_reason_in_place_and_organizers_can_expand_it(
    world: World, drafting: Drafting, clause: Clause
) -> None:
    comment = say(world, clause, body="Something rude.")
    reply = say(world, clause, who="industry", body="A reply.", parent=comment)
    organizer = page_client(world.organizer)
    response = organizer.post(
        f"/comments/{comment.pk}/moderate/", {"action": "hide", "reason": "off-topic"}
    )
    assert response.status_code == 302
    reader = comment_block(html_of(page_client(world.industry).get(page_url(clause))), comment.pk)
    assert "Hidden by a moderator: off-topic" in reader and "Something rude." not in reader
    html = html_of(organizer.get(page_url(clause)))
    block = comment_block(html, comment.pk)
    assert "Hidden by a moderator: off-topic" in block
    assert "<summary>Show the hidden text</summary>" in block and "Something rude." in block
    assert "A reply." in html and f'id="comment-{reply.pk}"' in html
    queue = html_of(organizer.get(f"/f/{drafting.framework.slug}/moderation/"))
    assert f'id="queue-{comment.pk}"' in queue and "Restore" in queue

    response = organizer.post(
        f"/comments/{comment.pk}/moderate/",
        {"action": "restore", "reason": "on reflection, fine", "queue": drafting.framework.slug},
    )
    assert response.status_code == 302
    block = comment_block(html_of(page_client(world.industry).get(page_url(clause))), comment.pk)
    assert "Something rude." in block and "Restored by a moderator: on reflection, fine" in block


def test_moderation_needs_a_reason_and_the_queue_shows_the_refusal(
    world: World, drafting: Drafting, clause: Clause
) -> None:
    comment = say(world, clause)
    response = page_client(world.organizer).post(
        f"/comments/{comment.pk}/moderate/",
        {"action": "hide", "reason": " ", "queue": drafting.framework.slug},
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Moderation queue" in html and "Give a reason." in html
    assert Comment.objects.get(pk=comment.pk).status == "visible"


# --- dispositions ---------------------------------------------------------------------------
def test_disposition_is_shown_on_the_comment_and_in_the_table(
    world: World, drafting: Drafting, clause: Clause
) -> None:
    answered = say(world, clause, body="Tighten the window.")
    waiting = say(world, clause, who="industry", body="Loosen it.")
    response = page_client(world.organizer).post(
        f"/comments/{answered.pk}/disposition/",
        {"outcome": "partly_accepted", "response": "We tighten it to 90 days.", "version": "1"},
    )
    assert response.status_code == 302
    disposition = Disposition.objects.get(comment=answered)
    assert disposition.version is not None and disposition.version.number == 1
    html = html_of(page_client(world.civil_society).get(page_url(clause)))
    block = comment_block(html, answered.pk)
    assert (
        '<strong class="disposition-outcome">Partly accepted</strong> — We tighten it to 90 days.'
        in block
    )
    assert "Resulting version: v1" in block
    assert "Awaiting response" in comment_block(html, waiting.pk)

    table_url = f"/f/{drafting.framework.slug}/dispositions/"
    client = page_client(None)
    html = html_of(client.get(table_url))
    assert (
        f'id="disposition-row-{answered.pk}"' in html
        and f'id="disposition-row-{waiting.pk}"' in html
    )
    assert f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv" in html
    html = html_of(client.get(table_url + "?outcome=awaiting_response"))
    assert (
        f'id="disposition-row-{answered.pk}"' not in html
        and f'id="disposition-row-{waiting.pk}"' in html
    )
    html = html_of(client.get(table_url + "?outcome=partly_accepted"))
    assert (
        f'id="disposition-row-{answered.pk}"' in html
        and f'id="disposition-row-{waiting.pk}"' not in html
    )
    assert "format=csv&amp;outcome=partly_accepted" in html
    html = html_of(client.get(table_url + "?group=industry"))
    assert (
        f'id="disposition-row-{answered.pk}"' not in html
        and f'id="disposition-row-{waiting.pk}"' in html
    )
    response = client.get(table_url + "?outcome=maybe")
    assert response.status_code == 400 and "Select a valid choice" in html_of(response)


def test_dispositions_only_on_top_level_comments(world: World, clause: Clause) -> None:
    top = say(world, clause)
    reply = say(world, clause, who="industry", parent=top)
    html = html_of(page_client(world.organizer).get(page_url(clause)))
    assert f"/comments/{top.pk}/forms/disposition/" in html
    assert f"/comments/{reply.pk}/forms/disposition/" not in html
    response = page_client(world.organizer).post(
        f"/comments/{reply.pk}/disposition/", {"outcome": "noted", "response": "ok"}
    )
    assert response.status_code == 400 and "top-level comments only" in html_of(response)


def test_disposition_names_a_version_of_this_clause_only(world: World, clause: Clause) -> None:
    top = say(world, clause)
    response = page_client(world.organizer).post(
        f"/comments/{top.pk}/disposition/", {"outcome": "noted", "response": "ok", "version": "9"}
    )
    assert response.status_code == 400 and "No such version" in html_of(response)


# --- attribution ----------------------------------------------------------------------------
def test_group_attribution_hides_names_from_everyone_but_organizers(
    world: World, drafting: Drafting, clause: Clause
) -> None:
    Convening.objects.filter(pk=world.convening.pk).update(
        attribution="group", attribution_shows_country=True
    )
    User.objects.filter(pk=world.industry.pk).update(display_name="Ivana Industrial")
    comment = say(world, clause, who="industry", body="Frankly.")
    discussion_services.disposition_set(
        actor=world.organizer, comment=comment, outcome="noted", response="Ok"
    )
    table = f"/f/{drafting.framework.slug}/dispositions/"
    for who in (None, world.policymaker, world.observer, world.industry):
        client = page_client(who)
        for url in (page_url(clause), f"/comments/{comment.pk}/thread/", table):
            html = html_of(client.get(url))
            assert "Frankly." in html or url == table
            assert "Ivana Industrial" not in html
            assert ">Lab<" not in html
        block = comment_block(html_of(client.get(page_url(clause))), comment.pk)
        assert "group-industry" in block and "United States" in block
    html = html_of(page_client(world.organizer).get(page_url(clause)))
    # Names sit in <bdi>, so a stored direction override cannot reorder the byline; organizers
    # may open every member's page, so the name links to it.
    page = f"/c/{world.convening.slug}/members/@{world.industry.handle}/"
    name = f'<a class="person-name" href="{page}"><bdi>Ivana Industrial</bdi></a>'
    handle = f'<span class="handle">@{world.industry.handle}</span>'
    assert f'{name} {handle} <span class="org"><bdi>Lab</bdi></span>' in html
    assert "Ivana Industrial" in html_of(page_client(world.organizer).get(table))


# --- anchors --------------------------------------------------------------------------------
def test_anchor_from_the_paragraph_picker_is_stored_marked_and_quoted(
    world: World, clause: Clause
) -> None:
    response = post_comment(
        page_client(world.policymaker),
        clause,
        body="Four months is too long.",
        anchor_paragraph="1",
        anchor_quote="doubles in under four months",
    )
    assert response.status_code == 302
    comment = Comment.objects.get(clause=clause)
    assert comment.anchor == {"paragraph": 1, "quote": "doubles in under four months"}
    html = html_of(page_client(None).get(page_url(clause)))
    mark = mark_id(1, "doubles in under four months")
    assert f'<mark class="anchor-mark" data-comment="{comment.pk}" id="{mark}"' in html
    assert (
        f'<a href="#comment-{comment.pk}" class="anchor-link">doubles in under four months</a>'
        in html
    )
    block = comment_block(html, comment.pk)
    assert f'<blockquote class="comment-anchor"><a href="#{mark}">' in block
    form = html_of(page_client(world.industry).get(page_url(clause)))
    assert '<option value="1">¶2: A pause is triggered when the horizon doubles…</option>' in form


def test_quote_selected_in_the_rendered_text_maps_back_to_the_source(
    world: World, clause: Clause
) -> None:
    # The reader selects "their task horizon every"; the source says "their *task horizon* every".
    response = post_comment(
        page_client(world.policymaker),
        clause,
        body="Which horizon?",
        anchor_paragraph="0",
        anchor_quote="their task  horizon\nevery",
    )
    assert response.status_code == 302, html_of(response)
    comment = Comment.objects.get(clause=clause)
    assert comment.anchor_quote == "their *task horizon* every"
    html = html_of(page_client(None).get(page_url(clause)))
    assert html.count(f'data-comment="{comment.pk}"') == 3  # "their ", "task horizon", " every"


def test_quote_not_in_the_paragraph_re_shows_the_form(world: World, clause: Clause) -> None:
    response = post_comment(
        page_client(world.policymaker),
        clause,
        body="Hmm.",
        anchor_paragraph="0",
        anchor_quote="not there",
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "The quote does not occur in paragraph 0." in html
    assert 'value="not there"' in html and "Hmm.</textarea>" in html
    assert '<option value="0" selected>' in html


def test_hidden_comments_are_not_marked_in_the_text(world: World, clause: Clause) -> None:
    comment = say(world, clause, anchor={"paragraph": 1, "quote": "four months"})
    discussion_services.comment_moderate(
        actor=world.organizer, comment=comment, action="hide", reason="x"
    )
    html = html_of(page_client(None).get(page_url(clause)))
    assert "anchor-mark" not in html and mark_id(1, "four months") not in html


def test_marks_are_put_into_text_nodes_never_into_markup() -> None:
    sanitized = (
        '<p>Say <a href="https://example.org/a&amp;b" rel="nofollow">href= &lt;b</a> now</p>'
    )
    for quote in ["href= <b", "a&b", "https://example.org", "rel=", "<p>", "Say href"]:
        marked = mark_quotes(sanitized, [(quote, 7)], paragraph=0)
        assert_inert(marked)
        assert 'href="https://example.org/a&amp;b"' in marked
    marked = mark_quotes(sanitized, [("href= <b", 7)], paragraph=0)
    assert f'<mark class="anchor-mark" data-comment="7" id="{mark_id(0, "href= <b")}"' in marked
    assert "href= &lt;b</mark>" in marked  # inside the text's own link: no nested link


def test_clause_text_marks_hostile_text_safely() -> None:
    text = (
        "Para <script>alert(1)</script> one.\n\n"
        '[x](javascript:alert(1)) two "><img src=x onerror=alert(1)>'
    )
    html = clause_text(text, [{"paragraph": 1, "quote": 'two "><img', "comment": 3}])
    assert_inert(html)
    assert 'data-paragraph="0"' in html and 'data-paragraph="1"' in html
    mark = mark_id(1, 'two "><img')
    assert "&lt;script&gt;" in html and f'id="{mark}"' in html


# --- limits and gates -----------------------------------------------------------------------
def test_oversized_body_re_shows_the_form_with_the_error(world: World, clause: Clause) -> None:
    body = "x" * 10_001
    response = post_comment(page_client(world.policymaker), clause, body=body)
    assert response.status_code == 400
    html = html_of(response)
    assert "at most 10,000 characters; this one has 10,001" in html
    assert body in html and not Comment.objects.exists()


def test_oversized_reply_re_shows_the_reply_form(world: World, clause: Clause) -> None:
    top = say(world, clause)
    response = page_client(world.industry).post(
        f"/comments/{top.pk}/reply/", {"body": "y" * 10_001}
    )
    assert response.status_code == 400
    block = comment_block(html_of(response), top.pk)
    assert 'class="action action-reply" open' in block and "at most 10,000 characters" in block


PAGE_POSTS_PER_MINUTE = 10


def test_page_rate_limit_answers_429_with_the_form(world: World, clause: Clause) -> None:
    # A frozen, otherwise unused minute: the fixed window can't roll over mid-test, and no other
    # test's counter (user ids repeat across rolled-back tests) shares its cache key.
    with (
        time_machine.travel(dt.datetime(2031, 3, 4, 12, 0, 5, tzinfo=dt.UTC), tick=False),
        mock.patch.object(CommentPostThrottle, "rate", f"{PAGE_POSTS_PER_MINUTE}/min", create=True),
    ):
        _check_page_rate_limit(world, clause)


def _check_page_rate_limit(world: World, clause: Clause) -> None:
    # The page counts posts with the API's own comment throttle: one limit for both.
    client = page_client(world.policymaker)
    for n in range(PAGE_POSTS_PER_MINUTE):
        assert post_comment(client, clause, body=f"Comment {n}").status_code == 302
    response = post_comment(client, clause, body="One too many.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = html_of(response)
    assert "You are posting too fast" in html and "One too many.</textarea>" in html
    top = Comment.objects.filter(clause=clause).first()
    assert top is not None
    reply = client.post(f"/comments/{top.pk}/reply/", {"body": "Also too many."})
    assert reply.status_code == 429 and "You are posting too fast" in html_of(reply)
    # Others are not slowed down.
    assert post_comment(page_client(world.industry), clause, body="Mine.").status_code == 302


@pytest.mark.parametrize("status", ["draft", "voting", "adopted", "published", "withdrawn"])
def test_posting_outside_consultation_shows_the_services_message(world: World, status: str) -> None:
    closed = make_drafting(world, status=status)
    response = post_comment(page_client(world.policymaker), closed.scope, body="Late.")
    assert response.status_code == 409
    html = html_of(response)
    assert "Comments are open only while the framework is in consultation" in html
    assert f"it is in {status}" in html


def test_clause_page_explains_why_the_form_is_missing(world: World) -> None:
    closed = make_drafting(world, status="voting")
    html = html_of(page_client(world.policymaker).get(page_url(closed.scope)))
    assert 'id="new-comment"' in html and '<form method="post" action="/clauses/' not in html
    assert "it is in voting" in html
    html = html_of(page_client(None).get(page_url(closed.scope)))
    assert "Sign in</a> to comment" in html
