"""The comment flow through the API: anchor, reply across groups, react, disposition."""

from __future__ import annotations

from tests.conftest import client_for
from tests.deliberation.conftest import Drafting


def test_anchored_comment_reply_reaction_and_disposition(drafting: Drafting) -> None:
    w = drafting.world
    clause = drafting.trigger
    policymaker, industry, organizer = (
        client_for(u) for u in (w.policymaker, w.industry, w.organizer)
    )
    r = policymaker.post(
        f"/api/v1/clauses/{clause.pk}/comments/",
        {"body": "Too *slow*, @industry?", "anchor": {"paragraph": 0, "quote": "doubles too fast"}},
        format="json",
    )
    assert r.status_code == 201, r.json()
    top = r.json()
    assert top["anchor"] == {"paragraph": 0, "quote": "doubles too fast"}
    assert top["author"]["stakeholder_group"] == "policymaker"
    assert "<em>slow</em>" in top["body_html"]
    r = industry.post(
        f"/api/v1/clauses/{clause.pk}/comments/",
        {"body": "Agreed.", "parent": top["id"]},
        format="json",
    )
    assert r.status_code == 201, r.json()
    reply = r.json()
    assert reply["parent"] == top["id"] and reply["depth"] == 1
    r = industry.put(f"/api/v1/comments/{top['id']}/reaction/", {"stance": "agree"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["reactions"] == {"agree": 1, "disagree": 0, "pass": 0}
    assert r.json()["reactions_by_group"] == {"industry": {"agree": 1, "disagree": 0, "pass": 0}}
    assert r.json()["my_reaction"] == "agree"
    r = organizer.put(
        f"/api/v1/comments/{top['id']}/disposition/",
        {"outcome": "partly_accepted", "response": "We will tighten the window.", "version": 1},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["disposition"]["outcome"] == "partly_accepted"
    r = policymaker.get(f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/")
    assert r.status_code == 200
    assert [row["outcome"] for row in r.json()] == ["partly_accepted"]
    r = policymaker.get(f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "partly_accepted" in r.content.decode()
    r = policymaker.get(f"/api/v1/clauses/{clause.pk}/comments/")
    assert [c["id"] for c in r.json()["results"]] == [top["id"], reply["id"]]


def test_authors_cannot_flag_their_own_comment(drafting: Drafting) -> None:
    client = client_for(drafting.world.policymaker)
    r = client.post(
        f"/api/v1/clauses/{drafting.scope.pk}/comments/", {"body": "Mine."}, format="json"
    )
    r = client.post(f"/api/v1/comments/{r.json()['id']}/flag/", {"reason": "spam"}, format="json")
    assert r.status_code == 409
    assert "own comment" in r.json()["detail"]


def test_deleted_comments_take_no_disposition(drafting: Drafting) -> None:
    w = drafting.world
    author = client_for(w.policymaker)
    r = author.post(
        f"/api/v1/clauses/{drafting.scope.pk}/comments/", {"body": "Gone soon."}, format="json"
    )
    comment_id = r.json()["id"]
    assert author.delete(f"/api/v1/comments/{comment_id}/").status_code == 200
    r = client_for(w.organizer).put(
        f"/api/v1/comments/{comment_id}/disposition/",
        {"outcome": "noted", "response": "Ok."},
        format="json",
    )
    assert r.status_code == 409
