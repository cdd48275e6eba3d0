"""Hostile input in comments: the API's HTML is inert, the Markdown source round-trips, and
names come back as plain strings (escaping them is the page's job)."""

from __future__ import annotations

from typing import Any

import pytest

from convene.models import Organization, User
from convene.text import render_markdown
from deliberation.discussion import services
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting
from tests.hostile import HOSTILE, assert_inert, inert_problems


def test_corpus_is_big_and_varied_enough() -> None:
    assert len(HOSTILE) >= 50
    assert len(set(HOSTILE)) == len(HOSTILE)
    assert all(0 < len(entry) <= 10_000 for entry in HOSTILE)
    assert any(len(entry) == 10_000 and " " not in entry for entry in HOSTILE)
    for needle in ("<script", "onerror=", "javascript:", "data:", "vbscript:", "<svg", "\u202e"):
        assert any(needle in entry.lower() for entry in HOSTILE), needle


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src="x">',
        "<svg></svg>",
        "<iframe></iframe>",
        "<object></object>",
        "<embed>",
        "<style></style>",
        '<meta http-equiv="refresh">',
        '<b onclick="alert(1)">x</b>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JAVA\tSCRIPT:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
        '<p id="pwned">x</p>',
        "<!-- x -->",
    ],
)
def test_assert_inert_catches_executable_markup(html: str) -> None:
    assert inert_problems(html)
    with pytest.raises(AssertionError):
        assert_inert(html)


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://example.org" rel="nofollow">x</a></p>',
        '<a href="http://example.org">x</a>',
        '<a href="mailto:a@example.org">x</a>',
        '<a href="/relative/path">x</a>',
        '<a href="#section">x</a>',
        '<a href="page?x=javascript:1">x</a>',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>",
        "<pre><code>&lt;img src=x onerror=alert(1)&gt;</code></pre>",
    ],
)
def test_assert_inert_passes_safe_markup(html: str) -> None:
    assert_inert(html)


@pytest.mark.parametrize("source", HOSTILE, ids=range(len(HOSTILE)))
def test_render_markdown_makes_every_hostile_entry_inert(source: str) -> None:
    assert_inert(render_markdown(source))


def test_hostile_comment_bodies_are_inert_and_round_trip(drafting: Drafting) -> None:
    world, clause = drafting.world, drafting.trigger
    client = client_for(world.policymaker)
    posted: dict[int, str] = {}
    failures: list[str] = []
    for index, source in enumerate(HOSTILE):
        response = client.post(
            f"/api/v1/clauses/{clause.pk}/comments/", {"body": source}, format="json"
        )
        if response.status_code != 201:
            failures.append(f"#{index}: {response.status_code} {response.content[:200]!r}")
            continue
        comment = response.json()
        posted[comment["id"]] = source
        if comment["body"] != source:
            failures.append(f"#{index}: body changed to {comment['body'][:80]!r}")
        problems = inert_problems(comment["body_html"])
        if problems:
            failures.append(f"#{index}: {problems}")
    assert not failures, "\n".join(failures)
    seen: dict[int, dict[str, Any]] = {}
    url: str | None = f"/api/v1/clauses/{clause.pk}/comments/?page_size=200"
    while url:
        page = client_for(None).get(url).json()
        seen.update({c["id"]: c for c in page["results"]})
        url = page["next"]
    assert set(seen) == set(posted)
    for comment_id, source in posted.items():
        assert seen[comment_id]["body"] == source
        assert_inert(seen[comment_id]["body_html"])
        detail = client_for(world.industry).get(f"/api/v1/comments/{comment_id}/").json()
        assert detail["body"] == source
        assert_inert(detail["body_html"])


def test_hostile_edits_are_inert_and_round_trip(drafting: Drafting) -> None:
    world = drafting.world
    comment = services.comment_post(actor=world.policymaker, clause=drafting.trigger, body="Hi.")
    client = client_for(world.policymaker)
    for source in HOSTILE[:40]:
        response = client.patch(f"/api/v1/comments/{comment.pk}/", {"body": source}, format="json")
        assert response.status_code == 200, response.content[:200]
        assert response.json()["body"] == source
        assert_inert(response.json()["body_html"])


@pytest.mark.parametrize("source", HOSTILE[:60], ids=range(60))
def test_hostile_names_come_back_as_plain_strings(drafting: Drafting, source: str) -> None:
    world = drafting.world
    name, org_name = source[:120], source[:200]
    User.objects.filter(pk=world.policymaker.pk).update(display_name=name)
    Organization.objects.filter(pk=world.org_gov.pk).update(name=org_name)
    comment = services.comment_post(actor=world.policymaker, clause=drafting.trigger, body="Hi.")
    services.disposition_set(actor=world.organizer, comment=comment, outcome="noted", response="x")
    client = client_for(None)
    row = client.get(f"/api/v1/clauses/{drafting.trigger.pk}/comments/").json()["results"][0]
    assert row["author"]["display_name"] == name
    assert row["author"]["organization"] == org_name
    assert client.get(f"/api/v1/comments/{comment.pk}/").json()["author"]["display_name"] == name
    table = client.get(f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/").json()
    assert table[0]["author"] == name
    csv_text = client.get(
        f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?format=csv"
    ).content.decode()
    assert name.strip("\r\n")[:20].replace('"', '""') in csv_text
