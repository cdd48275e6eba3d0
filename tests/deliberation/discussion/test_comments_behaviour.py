"""What the comments API does: anchors, threads, edits, tombstones, reactions, flags,
moderation, dispositions, attribution, limits and mentions (issue 4)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from convene.api.throttling import CommentPostThrottle
from convene.models import User
from deliberation.discussion import services as discussion_services
from deliberation.models import Clause, Comment, CommentRevision, Flag, Reaction
from deliberation.text import services as text_services
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting

THREE_PARAGRAPHS = (
    "Developers report their task horizon every quarter.\n\n"
    "A pause is triggered when the horizon doubles in under four months.\n"
    "The panel confirms the measurement.\n\n"
    "The pause is lifted by the panel."
)


def comments_url(clause: Clause) -> str:
    return f"/api/v1/clauses/{clause.pk}/comments/"


def post(client: APIClient, clause: Clause, **body: Any) -> Any:
    return client.post(comments_url(clause), body, format="json")


def created(client: APIClient, clause: Clause, **body: Any) -> dict[str, Any]:
    response = post(client, clause, **body)
    assert response.status_code == 201, response.json()
    return response.json()


def listed(client: APIClient, clause: Clause, query: str = "") -> list[dict[str, Any]]:
    response = client.get(comments_url(clause) + query)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def audit_verbs(world: World) -> list[str]:
    response = client_for(world.organizer).get(
        f"/api/v1/convenings/{world.convening.slug}/audit/?page_size=200"
    )
    assert response.status_code == 200
    return [event["verb"] for event in response.json()["results"]]


@pytest.fixture
def long_clause(drafting: Drafting) -> Clause:
    return text_services.clause_create(
        actor=drafting.world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Reporting",
        text=THREE_PARAGRAPHS,
    )


# --- anchors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("paragraph", "quote"),
    [
        (0, "task horizon"),
        (1, "doubles in under four months"),
        (1, "four months.\nThe panel"),
        (2, "The pause is lifted by the panel."),
    ],
)
def test_anchor_on_a_paragraph_and_quote_is_stored(
    drafting: Drafting, long_clause: Clause, paragraph: int, quote: str
) -> None:
    client = client_for(drafting.world.policymaker)
    comment = created(
        client, long_clause, body="Why?", anchor={"paragraph": paragraph, "quote": quote}
    )
    assert comment["anchor"] == {"paragraph": paragraph, "quote": quote}
    assert comment["version"] == 1
    assert client.get(f"/api/v1/comments/{comment['id']}/").json()["anchor"] == comment["anchor"]


@pytest.mark.parametrize(
    ("anchor", "field"),
    [
        ({"paragraph": 3, "quote": "panel"}, "anchor.paragraph"),
        ({"paragraph": 99, "quote": "panel"}, "anchor.paragraph"),
        ({"paragraph": -1, "quote": "panel"}, "anchor.paragraph"),
        ({"paragraph": "first", "quote": "panel"}, "anchor.paragraph"),
        ({"paragraph": 1.5, "quote": "panel"}, "anchor.paragraph"),
        ({"quote": "panel"}, "anchor.paragraph"),
        ({"paragraph": 0, "quote": "lifted"}, "anchor.quote"),
        ({"paragraph": 0, "quote": "Task horizon"}, "anchor.quote"),
        ({"paragraph": 0, "quote": ""}, "anchor.quote"),
        ({"paragraph": 0, "quote": "   "}, "anchor.quote"),
        ({"paragraph": 0}, "anchor.quote"),
        ({"paragraph": 0, "quote": 5}, "anchor.quote"),
        ({"paragraph": 0, "quote": "x" * 1001}, "anchor.quote"),
    ],
)
def test_bad_anchor_is_400_on_the_field(
    drafting: Drafting, long_clause: Clause, anchor: dict[str, Any], field: str
) -> None:
    response = post(client_for(drafting.world.policymaker), long_clause, body="Hm.", anchor=anchor)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not Comment.objects.filter(clause=long_clause).exists()


def test_anchor_is_checked_against_the_current_version(drafting: Drafting) -> None:
    world = drafting.world
    text_services.clause_update(
        actor=world.organizer,
        clause=drafting.scope,
        text="This framework applies to every developer.\n\nAnd to hosts.",
        rationale="Wider.",
    )
    client = client_for(world.policymaker)
    old_quote = {"paragraph": 0, "quote": "frontier AI developers"}
    response = post(client, drafting.scope, body="Hm.", anchor=old_quote)
    assert response.status_code == 400 and "anchor.quote" in response.json()["errors"]
    comment = created(client, drafting.scope, body="Hm.", anchor={"paragraph": 1, "quote": "hosts"})
    assert comment["version"] == 2


def test_anchor_that_is_not_an_object_is_400(drafting: Drafting) -> None:
    response = post(client_for(drafting.world.policymaker), drafting.trigger, body="x", anchor="p1")
    assert response.status_code == 400
    assert any(key.startswith("anchor") for key in response.json()["errors"])


# --- threads ----------------------------------------------------------------------------------
def test_replies_nest_to_any_depth_with_parent_root_and_depth(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    clients = [client_for(u) for u in (world.policymaker, world.industry, world.civil_society)]
    top = created(clients[0], clause, body="Top.")
    assert (top["parent"], top["root"], top["depth"]) == (None, top["id"], 0)
    parent = top
    chain = [top]
    for depth in range(1, 8):
        reply = created(clients[depth % 3], clause, body=f"Depth {depth}.", parent=parent["id"])
        assert (reply["parent"], reply["root"], reply["depth"]) == (parent["id"], top["id"], depth)
        chain.append(reply)
        parent = reply
    other = created(clients[1], clause, body="Another thread.")
    thread = listed(clients[2], clause, f"?root={top['id']}")
    assert [c["id"] for c in thread] == [c["id"] for c in chain]
    direct = listed(clients[2], clause, f"?parent={top['id']}")
    assert [c["id"] for c in direct] == [chain[1]["id"]]
    tops = listed(clients[2], clause, "?top_level=1")
    assert [c["id"] for c in tops] == [top["id"], other["id"]]


def test_reply_to_a_comment_on_another_clause_is_400(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    elsewhere = created(client, drafting.scope, body="On scope.")
    response = post(client, drafting.trigger, body="Reply.", parent=elsewhere["id"])
    assert response.status_code == 400 and "parent" in response.json()["errors"]


@pytest.mark.parametrize("parent", [999999, "abc", 0, True])
def test_reply_to_a_missing_or_malformed_parent_is_400(drafting: Drafting, parent: Any) -> None:
    response = post(
        client_for(drafting.world.policymaker), drafting.trigger, body="x", parent=parent
    )
    assert response.status_code == 400 and "parent" in response.json()["errors"]


@pytest.mark.parametrize("query", ["?root=abc", "?parent=-1"])
def test_malformed_thread_filter_is_400(drafting: Drafting, query: str) -> None:
    response = client_for(None).get(comments_url(drafting.trigger) + query)
    assert response.status_code == 400


# --- edit and delete --------------------------------------------------------------------------
def test_edit_keeps_earlier_texts_and_sets_edited_at(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    comment = created(client, drafting.trigger, body="First *text*.")
    assert comment["edited_at"] is None
    for body in ("Second text.", "Third **text**."):
        response = client.patch(f"/api/v1/comments/{comment['id']}/", {"body": body}, format="json")
        assert response.status_code == 200, response.json()
    edited = response.json()
    assert edited["body"] == "Third **text**."
    assert "<strong>text</strong>" in edited["body_html"]
    assert edited["edited_at"] is not None and edited["edited_at"] >= edited["created_at"]
    earlier = CommentRevision.objects.filter(comment_id=comment["id"]).order_by("id")
    assert [r.body for r in earlier] == ["First *text*.", "Second text."]


def test_edit_to_the_same_text_keeps_no_revision(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    comment = created(client, drafting.trigger, body="Same.")
    response = client.patch(f"/api/v1/comments/{comment['id']}/", {"body": "Same."}, format="json")
    assert response.status_code == 200
    assert response.json()["edited_at"] is None
    assert not CommentRevision.objects.filter(comment_id=comment["id"]).exists()


@pytest.mark.parametrize("body", ["", "   \n ", None, 42, "x" * 10_001])
def test_edit_with_a_bad_body_is_400_and_changes_nothing(drafting: Drafting, body: Any) -> None:
    client = client_for(drafting.world.policymaker)
    comment = created(client, drafting.trigger, body="Kept.")
    response = client.patch(f"/api/v1/comments/{comment['id']}/", {"body": body}, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]
    assert Comment.objects.get(pk=comment["id"]).body == "Kept."


def test_delete_leaves_a_tombstone_with_replies_intact(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    author, other = client_for(world.policymaker), client_for(world.industry)
    top = created(author, clause, body="Withdrawn soon. @" + (world.industry.handle or ""))
    reply = created(other, clause, body="A reply.", parent=top["id"])
    deeper = created(author, clause, body="Deeper.", parent=reply["id"])
    response = author.delete(f"/api/v1/comments/{top['id']}/")
    assert response.status_code == 200, response.json()
    tombstone = response.json()
    assert tombstone["status"] == "deleted"
    assert tombstone["body"] == "" and tombstone["body_html"] == ""
    assert tombstone["author"] is None and tombstone["mentions"] == []
    for viewer in (None, world.organizer, world.industry):
        rows = listed(client_for(viewer), clause)
        assert [c["id"] for c in rows] == [top["id"], reply["id"], deeper["id"]]
        assert rows[0]["status"] == "deleted" and rows[0]["author"] is None
        assert "Withdrawn soon" not in str(rows)
        assert rows[1]["parent"] == top["id"] and rows[1]["body"] == "A reply."
    assert [c["id"] for c in listed(other, clause, f"?root={top['id']}")] == [
        top["id"],
        reply["id"],
        deeper["id"],
    ]
    assert "comment.deleted" in audit_verbs(world)


def test_a_deleted_comment_takes_no_reply_edit_reaction_or_second_delete(
    drafting: Drafting,
) -> None:
    world, clause = drafting.world, drafting.trigger
    author = client_for(world.policymaker)
    top = created(author, clause, body="Gone.")
    assert author.delete(f"/api/v1/comments/{top['id']}/").status_code == 200
    url = f"/api/v1/comments/{top['id']}/"
    assert post(client_for(world.industry), clause, body="Hi", parent=top["id"]).status_code == 409
    assert author.patch(url, {"body": "Back."}, format="json").status_code == 409
    assert author.delete(url).status_code == 409
    reaction = client_for(world.industry).put(url + "reaction/", {"stance": "agree"}, format="json")
    assert reaction.status_code == 409
    flag = client_for(world.industry).post(url + "flag/", {"reason": "x"}, format="json")
    assert flag.status_code == 409


# --- reactions --------------------------------------------------------------------------------
def test_reactions_one_per_user_changeable_and_clearable(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    top = created(client_for(world.policymaker), clause, body="React to me.")
    url = f"/api/v1/comments/{top['id']}/reaction/"
    industry, ngo, observer = (
        client_for(u) for u in (world.industry, world.civil_society, world.observer)
    )

    def put(client: APIClient, stance: str) -> dict[str, Any]:
        response = client.put(url, {"stance": stance}, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    put(industry, "agree")
    assert put(industry, "agree")["reactions"] == {"agree": 1, "disagree": 0, "pass": 0}
    put(ngo, "disagree")
    result = put(observer, "pass")
    assert result["reactions"] == {"agree": 1, "disagree": 1, "pass": 1}
    assert result["my_reaction"] == "pass"
    result = put(industry, "disagree")
    assert result["reactions"] == {"agree": 0, "disagree": 2, "pass": 1}
    assert result["my_reaction"] == "disagree"
    assert result["reactions_by_group"]["industry"] == {"agree": 0, "disagree": 1, "pass": 0}
    assert result["reactions_by_group"]["civil_society"] == {"agree": 0, "disagree": 1, "pass": 0}
    assert sum(g["pass"] for g in result["reactions_by_group"].values()) == 1
    cleared = ngo.delete(url)
    assert cleared.status_code == 200
    assert cleared.json()["reactions"] == {"agree": 0, "disagree": 1, "pass": 1}
    assert cleared.json()["my_reaction"] is None
    assert "civil_society" not in cleared.json()["reactions_by_group"]
    assert ngo.delete(url).status_code == 200
    assert Reaction.objects.filter(comment_id=top["id"]).count() == 2
    rows = {c["id"]: c for c in listed(industry, clause)}
    assert rows[top["id"]]["my_reaction"] == "disagree"
    assert listed(client_for(None), clause)[0]["my_reaction"] is None


@pytest.mark.parametrize("stance", ["love", "", None, 1, "AGREE"])
def test_unknown_stance_is_400(drafting: Drafting, stance: Any) -> None:
    top = discussion_services.comment_post(
        actor=drafting.world.policymaker, clause=drafting.trigger, body="x"
    )
    response = client_for(drafting.world.industry).put(
        f"/api/v1/comments/{top.pk}/reaction/", {"stance": stance}, format="json"
    )
    assert response.status_code == 400 and "stance" in response.json()["errors"]


# --- flags and moderation ---------------------------------------------------------------------
def test_flag_once_per_member_duplicate_is_409(drafting: Drafting) -> None:
    world = drafting.world
    top = discussion_services.comment_post(
        actor=world.policymaker, clause=drafting.trigger, body="Rude."
    )
    url = f"/api/v1/comments/{top.pk}/flag/"
    for user in (world.industry, world.observer):
        response = client_for(user).post(url, {"reason": "Insulting."}, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["reason"] == "Insulting."
    again = client_for(world.industry).post(url, {"reason": "Still."}, format="json")
    assert again.status_code == 409 and again.json()["detail"]
    top.refresh_from_db()
    assert top.flag_count == 2 and Flag.objects.filter(comment=top).count() == 2
    for reason in ("", "   ", "x" * 501, None):
        bad = client_for(world.civil_society).post(url, {"reason": reason}, format="json")
        assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert "comment.flagged" in audit_verbs(world)


def test_hide_and_restore_with_reason_shown_in_place(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    top = created(client_for(world.policymaker), clause, body="Off-topic rant.")
    client_for(world.industry).post(
        f"/api/v1/comments/{top['id']}/flag/", {"reason": "Off-topic."}, format="json"
    )
    organizer = client_for(world.organizer)
    url = f"/api/v1/comments/{top['id']}/moderate/"
    hidden = organizer.post(url, {"action": "hide", "reason": "off-topic"}, format="json")
    assert hidden.status_code == 200, hidden.json()
    assert hidden.json()["status"] == "hidden"
    assert hidden.json()["moderation_reason"] == "off-topic"
    assert hidden.json()["body"] == "Off-topic rant."  # organizers still read it
    for viewer in (None, world.outsider, world.observer, world.industry, world.policymaker):
        row = listed(client_for(viewer), clause)[0]
        assert row["status"] == "hidden" and row["moderation_reason"] == "off-topic"
        assert row["body"] == "" and row["body_html"] == ""
        detail = client_for(viewer).get(f"/api/v1/comments/{top['id']}/").json()
        assert "Off-topic rant" not in str(detail)
    assert listed(organizer, clause)[0]["body"] == "Off-topic rant."
    assert (
        organizer.post(url, {"action": "hide", "reason": "again"}, format="json").status_code == 409
    )
    assert Flag.objects.get(comment_id=top["id"]).resolved_at is not None
    reply = post(client_for(world.industry), clause, body="Reply.", parent=top["id"])
    assert reply.status_code == 409
    restored = organizer.post(
        url, {"action": "restore", "reason": "on reflection, fine"}, format="json"
    )
    assert restored.status_code == 200
    assert restored.json()["status"] == "visible"
    assert listed(client_for(None), clause)[0]["body"] == "Off-topic rant."
    verbs = audit_verbs(world)
    assert "comment.hidden" in verbs and "comment.restored" in verbs


@pytest.mark.parametrize(
    "body",
    [
        {"action": "delete", "reason": "x"},
        {"action": "hide"},
        {"action": "hide", "reason": ""},
        {"reason": "x"},
    ],
)
def test_bad_moderation_input_is_400(drafting: Drafting, body: dict[str, Any]) -> None:
    top = discussion_services.comment_post(
        actor=drafting.world.policymaker, clause=drafting.trigger, body="x"
    )
    response = client_for(drafting.world.organizer).post(
        f"/api/v1/comments/{top.pk}/moderate/", body, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"]


def test_moderating_a_deleted_comment_is_409(drafting: Drafting) -> None:
    world = drafting.world
    top = discussion_services.comment_post(
        actor=world.policymaker, clause=drafting.trigger, body="x"
    )
    discussion_services.comment_delete(actor=world.policymaker, comment=top)
    response = client_for(world.organizer).post(
        f"/api/v1/comments/{top.pk}/moderate/", {"action": "hide", "reason": "x"}, format="json"
    )
    assert response.status_code == 409


# --- dispositions -----------------------------------------------------------------------------
def _dispose(client: APIClient, comment_id: int, **body: Any) -> Any:
    return client.put(f"/api/v1/comments/{comment_id}/disposition/", body, format="json")


def test_disposition_on_top_level_with_version_or_amendment_of_the_same_clause(
    drafting: Drafting,
) -> None:
    world, clause = drafting.world, drafting.trigger
    organizer = client_for(world.organizer)
    top = created(client_for(world.policymaker), clause, body="Tighten it.")
    amendment = text_services.amendment_propose(
        actor=world.policymaker, clause=clause, text="A tighter trigger.", rationale="Safer."
    )
    other_amendment = text_services.amendment_propose(
        actor=world.policymaker, clause=drafting.scope, text="Wider scope.", rationale="More."
    )
    response = _dispose(organizer, top["id"], outcome="accepted", response="Done.", version=1)
    assert response.status_code == 200, response.json()
    disposition = response.json()["disposition"]
    assert (disposition["outcome"], disposition["version"]) == ("accepted", 1)
    response = _dispose(
        organizer, top["id"], outcome="partly_accepted", response="In part.", amendment=amendment.pk
    )
    assert response.status_code == 200
    assert response.json()["disposition"]["amendment"] == amendment.pk
    assert response.json()["disposition"]["version"] is None
    for body, field in [
        ({"outcome": "noted", "response": "x", "version": 9}, "version"),
        ({"outcome": "noted", "response": "x", "amendment": other_amendment.pk}, "amendment"),
        ({"outcome": "maybe", "response": "x"}, "outcome"),
        ({"outcome": "noted", "response": ""}, "response"),
        ({"outcome": "noted"}, "response"),
    ]:
        bad = _dispose(organizer, top["id"], **body)
        assert bad.status_code == 400 and field in bad.json()["errors"], (body, bad.json())
    assert (
        client_for(None).get(f"/api/v1/comments/{top['id']}/").json()["disposition"]["outcome"]
        == "partly_accepted"
    )
    verbs = audit_verbs(world)
    assert "comment.disposition_recorded" in verbs and "comment.disposition_changed" in verbs


def test_disposition_on_a_reply_is_400(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    top = created(client_for(world.policymaker), clause, body="Top.")
    reply = created(client_for(world.industry), clause, body="Reply.", parent=top["id"])
    response = _dispose(client_for(world.organizer), reply["id"], outcome="noted", response="x")
    assert response.status_code == 400, response.json()
    assert response.json()["detail"]
    assert Comment.objects.get(pk=reply["id"]).parent_id == top["id"]


def _table(client: APIClient, drafting: Drafting, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/{query}")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _csv(client: APIClient, drafting: Drafting, query: str = "") -> list[dict[str, str]]:
    url = f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv{query}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_disposition_table_lists_every_top_level_comment(drafting: Drafting) -> None:
    world = drafting.world
    pol, ind, ngo = (
        client_for(u) for u in (world.policymaker, world.industry, world.civil_society)
    )
    organizer = client_for(world.organizer)
    a = created(pol, drafting.scope, body="On scope.")
    b = created(ind, drafting.trigger, body="On the trigger.")
    c = created(ngo, drafting.trigger, body="Also on the trigger.")
    created(ind, drafting.trigger, body="A reply.", parent=c["id"])
    d = created(ngo, drafting.scope, body="I take this back.")
    e = created(pol, drafting.trigger, body="Hidden later.")
    assert _dispose(organizer, a["id"], outcome="accepted", response="Yes.").status_code == 200
    assert _dispose(organizer, b["id"], outcome="not_accepted", response="No.").status_code == 200
    assert ngo.delete(f"/api/v1/comments/{d['id']}/").status_code == 200
    organizer.post(f"/api/v1/comments/{e['id']}/moderate/", {"action": "hide", "reason": "x"})
    rows = _table(client_for(None), drafting)
    by_id = {row["comment"]: row for row in rows}
    assert set(by_id) == {a["id"], b["id"], c["id"], d["id"], e["id"]}
    assert len(rows) == 5
    assert by_id[a["id"]]["outcome"] == "accepted" and by_id[a["id"]]["response"] == "Yes."
    assert by_id[b["id"]]["outcome"] == "not_accepted"
    assert by_id[c["id"]]["outcome"] == "awaiting_response" and by_id[c["id"]]["response"] == ""
    assert by_id[d["id"]]["status"] == "deleted" and by_id[d["id"]]["excerpt"] == ""
    assert by_id[d["id"]]["author"] == ""
    assert by_id[e["id"]]["status"] == "hidden" and by_id[e["id"]]["excerpt"] == ""
    assert by_id[c["id"]]["excerpt"] == "Also on the trigger."
    # Clause order first (scope before trigger), then posting order.
    assert [row["comment"] for row in rows] == [a["id"], d["id"], b["id"], c["id"], e["id"]]
    assert [r["comment"] for r in _table(pol, drafting, "?outcome=awaiting_response")] == [
        d["id"],
        c["id"],
        e["id"],
    ]
    assert [r["comment"] for r in _table(pol, drafting, "?outcome=accepted")] == [a["id"]]
    assert [r["comment"] for r in _table(pol, drafting, "?group=industry")] == [b["id"]]
    assert [r["comment"] for r in _table(pol, drafting, "?group=civil_society&outcome=noted")] == []
    csv_rows = _csv(pol, drafting)
    assert [int(r["comment"]) for r in csv_rows] == [row["comment"] for row in rows]
    assert [r["outcome"] for r in csv_rows] == [row["outcome"] for row in rows]
    assert [int(r["comment"]) for r in _csv(pol, drafting, "&group=industry")] == [b["id"]]


def test_disposition_table_with_an_unknown_outcome_is_400(drafting: Drafting) -> None:
    response = client_for(None).get(
        f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?outcome=maybe"
    )
    assert response.status_code == 400 and "outcome" in response.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_cells_that_start_a_formula_are_neutralized(drafting: Drafting, payload: str) -> None:
    world = drafting.world
    User.objects.filter(pk=world.policymaker.pk).update(display_name=payload[:120])
    comment = created(client_for(world.policymaker), drafting.trigger, body=payload)
    discussion_services.disposition_set(
        actor=world.organizer,
        comment=Comment.objects.get(pk=comment["id"]),
        outcome="noted",
        response=payload,
    )
    row = _csv(client_for(world.organizer), drafting)[0]
    # JSON is data, not a spreadsheet: it keeps the text as stored.
    data = _table(client_for(world.organizer), drafting)[0]
    assert data["excerpt"] == payload
    for column in ("author", "excerpt", "response"):
        assert row[column] == "'" + data[column], (column, row[column])
    for cell in row.values():
        assert cell[:1] not in {"=", "+", "-", "@", "\t", "\r"}, row


def test_empty_disposition_table_is_an_empty_list_and_csv(drafting: Drafting) -> None:
    assert _table(client_for(None), drafting) == []
    response = client_for(None).get(
        f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()
    assert header == [
        "comment,clause,clause_number,clause_title,author,stakeholder_group,created_at,excerpt,"
        "status,outcome,response,version,amendment,decided_at"
    ]


# --- attribution ------------------------------------------------------------------------------
@pytest.mark.parametrize("shows_country", [False, True])
def test_group_attribution_hides_names_from_everyone_but_organizers(
    drafting: Drafting, shows_country: bool
) -> None:
    world, clause = drafting.world, drafting.trigger
    world.convening.attribution = "group"
    world.convening.attribution_shows_country = shows_country
    world.convening.save()
    top = created(client_for(world.policymaker), clause, body="Said under Chatham House rule.")
    discussion_services.disposition_set(
        actor=world.organizer,
        comment=Comment.objects.get(pk=top["id"]),
        outcome="noted",
        response="Ok.",
    )
    expected: dict[str, Any] = {"stakeholder_group": "policymaker"}
    if shows_country:
        expected["country"] = "FR"
    assert top["author"] == expected  # even the author's own view of the post
    secret = (
        world.policymaker.display_name,
        world.policymaker.handle,
        "Ministry",
        world.policymaker.email,
    )
    for viewer in (
        None,
        world.outsider,
        world.observer,
        world.industry,
        world.policymaker,
        world.other_organizer,
    ):
        client = client_for(viewer)
        for payload in (
            listed(client, clause),
            client.get(f"/api/v1/comments/{top['id']}/").json(),
            _table(client, drafting),
        ):
            text = str(payload)
            assert all(s not in text for s in secret if s), (viewer, payload)
            assert f"'id': {world.policymaker.pk}," not in text.replace(f"'id': {top['id']},", "")
        assert listed(client, clause)[0]["author"] == expected
        assert _table(client, drafting)[0]["author"] == ""
        assert (
            world.policymaker.display_name
            not in client.get(
                f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv"
            ).content.decode()
        )
    organizer = client_for(world.organizer)
    author = listed(organizer, clause)[0]["author"]
    assert author["display_name"] == world.policymaker.display_name
    assert author["id"] == world.policymaker.pk
    assert author["organization"] == "Ministry"
    assert _table(organizer, drafting)[0]["author"] == world.policymaker.display_name


def test_named_attribution_shows_names_to_everyone(drafting: Drafting) -> None:
    world = drafting.world
    top = created(client_for(world.policymaker), drafting.trigger, body="Named.")
    author = listed(client_for(None), drafting.trigger)[0]["author"]
    assert author["id"] == world.policymaker.pk
    assert author["display_name"] == world.policymaker.display_name
    assert author["stakeholder_group"] == "policymaker"
    assert author["organization"] == "Ministry"
    assert top["author"]["display_name"] == world.policymaker.display_name


def test_author_snapshot_keeps_group_and_organization_at_posting_time(
    drafting: Drafting, membership_of: Any
) -> None:
    world = drafting.world
    top = created(client_for(world.policymaker), drafting.trigger, body="Then.")
    membership = membership_of(world, world.policymaker)
    membership.stakeholder_group = "industry"
    membership.organization = world.org_lab
    membership.save()
    author = client_for(None).get(f"/api/v1/comments/{top['id']}/").json()["author"]
    assert (author["stakeholder_group"], author["organization"]) == ("policymaker", "Ministry")


# --- limits -----------------------------------------------------------------------------------
def test_body_of_10000_characters_is_accepted_and_10001_refused(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    assert len(created(client, drafting.trigger, body="x" * 10_000)["body"]) == 10_000
    response = post(client, drafting.trigger, body="y" * 10_001)
    assert response.status_code == 400
    assert response.json()["errors"]["body"]
    assert not Comment.objects.filter(body__startswith="y").exists()


@pytest.mark.parametrize("body", ["", "  \n\t ", None, 7, ["x"], {"x": 1}])
def test_empty_or_non_text_body_is_400(drafting: Drafting, body: Any) -> None:
    response = post(client_for(drafting.world.policymaker), drafting.trigger, body=body)
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_body_is_kept_exactly_as_written(drafting: Drafting) -> None:
    body = "    indented code\n\n  trailing spaces  \n"
    comment = created(client_for(drafting.world.policymaker), drafting.trigger, body=body)
    assert comment["body"] == body
    assert "<pre><code>indented code" in comment["body_html"]


def test_posting_too_fast_is_429_with_retry_after(
    drafting: Drafting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CommentPostThrottle, "THROTTLE_RATES", {"comment": "3/min"})
    world = drafting.world
    throttle = CommentPostThrottle()
    for user in (world.policymaker, world.industry):
        cache.delete(throttle.cache_format % {"scope": "comment", "ident": user.pk})
    client = client_for(world.policymaker)
    for n in range(3):
        created(client, drafting.trigger, body=f"Point {n}.")
    response = post(client, drafting.trigger, body="One too many.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"] and response.json()["errors"] == {}
    assert Comment.objects.filter(clause=drafting.trigger).count() == 3
    # Per user: another delegate still posts; reading is never throttled.
    created(client_for(world.industry), drafting.trigger, body="My turn.")
    assert client.get(comments_url(drafting.trigger)).status_code == 200


# --- mentions ---------------------------------------------------------------------------------
def test_mentions_of_members_are_stored_non_members_ignored(drafting: Drafting) -> None:
    world = drafting.world
    ind, ngo = world.industry.handle, world.civil_society.handle
    out, other = world.outsider.handle, world.other_organizer.handle
    assert ind and ngo and out and other
    body = f"@{ind} and @{ngo.upper()}, see also @{out} and @{other}; mail x@{ind}.org @nobody"
    comment = created(client_for(world.policymaker), drafting.trigger, body=body)
    assert comment["mentions"] == sorted([ind, ngo])
    assert set(Comment.objects.get(pk=comment["id"]).mentions.all()) == {
        world.industry,
        world.civil_society,
    }
    edited = client_for(world.policymaker).patch(
        f"/api/v1/comments/{comment['id']}/",
        {"body": f"Only @{world.observer.handle}."},
        format="json",
    )
    assert edited.json()["mentions"] == [world.observer.handle]


def test_mention_of_a_handle_with_an_underscore_is_not_read_as_a_shorter_one(
    drafting: Drafting,
) -> None:
    world = drafting.world
    User.objects.filter(pk=world.industry.pk).update(handle="lena")
    User.objects.filter(pk=world.civil_society.pk).update(handle="lena_h")
    comment = created(client_for(world.policymaker), drafting.trigger, body="Over to @lena_h.")
    assert comment["mentions"] == ["lena_h"]


def test_group_attribution_is_not_undone_by_the_audit_record(drafting: Drafting) -> None:
    world = drafting.world
    world.convening.attribution = "group"
    world.convening.save()
    top = created(client_for(world.policymaker), drafting.trigger, body="Chatham House.")
    response = client_for(world.industry).get(
        f"/api/v1/convenings/{world.convening.slug}/audit/?page_size=200"
    )
    posted = [
        e for e in response.json()["results"] if e["target"] == f"deliberation.comment:{top['id']}"
    ]
    assert posted
    assert world.policymaker.display_name not in str(posted)
