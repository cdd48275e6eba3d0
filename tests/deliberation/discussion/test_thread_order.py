"""Threads read in six orders (issue 13), each kept by stored figures: the pages and the API
(``?sort=``) agree, every page of every order lists each thread once, and "no disposition yet"
is the organizers' worklist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps

from deliberation.discussion import ordering
from deliberation.discussion import services as discussion
from deliberation.models import Comment
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting
from tests.frontend.conftest import page_client

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def comments_url(drafting: Drafting, query: str = "") -> str:
    return f"/api/v1/clauses/{drafting.scope.pk}/comments/{query}"


def say(world: World, who: str, drafting: Drafting, body: str, **kwargs: Any) -> Comment:
    actor = world.actor(who)
    assert actor is not None
    return discussion.comment_post(actor=actor, clause=drafting.scope, body=body, **kwargs)


@pytest.fixture
def threads(drafting: Drafting) -> dict[str, Comment]:
    """Four threads on §1: ``busy`` has the most replies, ``bridging`` is agreed with in every
    group, ``revived`` was replied to last, ``answered`` has a disposition."""
    w = drafting.world
    posted: dict[str, Comment] = {}
    with time_machine.travel(T0, tick=False) as clock:
        for name in ("answered", "busy", "bridging", "revived"):
            posted[name] = say(w, "policymaker", drafting, f"The {name} thread.")
            clock.shift(timedelta(minutes=1))
        for n in range(3):
            say(w, "industry", drafting, f"Reply {n}.", parent_id=posted["busy"].pk)
            clock.shift(timedelta(minutes=1))
        for who in ("policymaker", "industry", "civil_society"):
            actor = w.actor(who)
            assert actor is not None
            discussion.reaction_set(actor=actor, comment=posted["bridging"], stance="agree")
        discussion.reaction_set(actor=w.industry, comment=posted["busy"], stance="agree")
        discussion.reaction_set(actor=w.civil_society, comment=posted["busy"], stance="disagree")
        clock.shift(timedelta(hours=1))
        say(w, "civil_society", drafting, "A late reply.", parent_id=posted["revived"].pk)
    discussion.disposition_set(
        actor=w.organizer, comment=posted["answered"], outcome="noted", response="Thank you."
    )
    return posted


def test_a_reply_updates_its_thread_figures(
    drafting: Drafting, threads: dict[str, Comment]
) -> None:
    busy = Comment.objects.get(pk=threads["busy"].pk)
    assert busy.reply_count == 3
    assert busy.last_activity_at == T0 + timedelta(minutes=6)
    revived = Comment.objects.get(pk=threads["revived"].pk)
    assert revived.reply_count == 1
    assert revived.last_activity_at == T0 + timedelta(minutes=7, hours=1)


def test_agreement_is_counted_per_group(drafting: Drafting, threads: dict[str, Comment]) -> None:
    assert Comment.objects.get(pk=threads["bridging"].pk).agree_groups == 3
    # Agreed in industry, disagreed in civil society: one group.
    assert Comment.objects.get(pk=threads["busy"].pk).agree_groups == 1
    discussion.reaction_set(actor=drafting.world.industry, comment=threads["busy"], stance=None)
    assert Comment.objects.get(pk=threads["busy"].pk).agree_groups == 0


EXPECTED = {
    "oldest": ["answered", "busy", "bridging", "revived"],
    "newest": ["revived", "bridging", "busy", "answered"],
    "replies": ["busy", "revived", "bridging", "answered"],
    "agreed": ["bridging", "busy", "revived", "answered"],
    "recent": ["revived", "busy", "bridging", "answered"],
    "undisposed": ["busy", "bridging", "revived"],
}


@pytest.mark.parametrize("sort", list(EXPECTED))
def test_every_order_walks_each_thread_once_in_the_api(
    drafting: Drafting, threads: dict[str, Comment], sort: str
) -> None:
    """Pages of one thread each: the cursor carries the position from page to page."""
    names = {c.pk: name for name, c in threads.items()}
    client = client_for(drafting.world.organizer)
    url: str | None = comments_url(drafting, f"?sort={sort}&top_level=true&page_size=1")
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        seen += [names[row["id"]] for row in response.json()["results"]]
        url = response.json()["next"]
    assert seen == EXPECTED[sort]


@pytest.mark.parametrize("sort", list(EXPECTED))
def test_the_page_lists_threads_in_the_chosen_order(
    drafting: Drafting, threads: dict[str, Comment], sort: str
) -> None:
    body = page_client(drafting.world.organizer).get(
        f"/clauses/{drafting.scope.pk}/comments/?sort={sort}"
    )
    html = body.content.decode()
    found = {name: html.find(f'id="comment-{c.pk}"') for name, c in threads.items()}
    positions = {name: at for name, at in found.items() if at >= 0}
    assert sorted(positions, key=positions.__getitem__) == EXPECTED[sort]
    assert f'<option value="{sort}" selected>' in html


def test_the_next_page_keeps_the_order(
    drafting: Drafting, threads: dict[str, Comment], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deliberation.discussion.selectors.THREADS_PER_PAGE", 2)
    client = page_client(drafting.world.policymaker)
    first = client.get(f"/clauses/{drafting.scope.pk}/comments/?sort=replies").content.decode()
    after = threads["revived"].pk
    assert f"?sort=replies&amp;after={after}#comments" in first
    second = client.get(f"/clauses/{drafting.scope.pk}/comments/?sort=replies&after={after}")
    html = second.content.decode()
    assert f'id="comment-{threads["bridging"].pk}"' in html
    assert f'id="comment-{threads["busy"].pk}"' not in html


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("observer", 403),
        ("policymaker", 403),
        ("other_organizer", 403),
        ("organizer", 200),
    ],
)
def test_only_organizers_list_threads_awaiting_a_disposition(
    drafting: Drafting, threads: dict[str, Comment], actor: str, status: int
) -> None:
    response = client_for(drafting.world.actor(actor)).get(
        comments_url(drafting, "?sort=undisposed")
    )
    assert response.status_code == status, response.json()
    if status == 403:
        assert "sort" in response.json()["errors"]


def test_a_page_reader_without_the_worklist_gets_the_default_order(
    drafting: Drafting, threads: dict[str, Comment]
) -> None:
    html = (
        page_client(drafting.world.policymaker)
        .get(f"/clauses/{drafting.scope.pk}/comments/?sort=undisposed")
        .content.decode()
    )
    assert 'value="undisposed"' not in html
    assert f'id="comment-{threads["answered"].pk}"' in html
    assert '<option value="oldest" selected>' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?sort=loudest", "sort"),
        ("?sort=", "sort"),
    ],
)
def test_a_bad_order_is_a_400(
    drafting: Drafting, threads: dict[str, Comment], query: str, field: str
) -> None:
    response = client_for(drafting.world.policymaker).get(comments_url(drafting, query))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_forged_cursor_of_another_order_is_a_404(
    drafting: Drafting, threads: dict[str, Comment]
) -> None:
    client = client_for(drafting.world.policymaker)
    first = client.get(comments_url(drafting, "?sort=replies&page_size=1")).json()
    assert "cursor=" in first["next"]
    # "p=9999999": a thread that is not on this clause.
    forged = client.get(comments_url(drafting, "?sort=replies&cursor=cD05OTk5OTk5"))
    assert forged.status_code == 404, forged.json()
    assert client.get(comments_url(drafting, "?sort=replies&cursor=cD1ub3Q=")).status_code == 404


def test_the_backfill_computes_what_the_services_keep(
    drafting: Drafting, threads: dict[str, Comment]
) -> None:
    kept = list(
        Comment.objects.order_by("pk").values_list(
            "pk", "reply_count", "last_activity_at", "agree_groups"
        )
    )
    Comment.objects.update(reply_count=0, agree_groups=0, last_activity_at=T0)
    migration = __import__("deliberation.migrations.0018_thread_order", fromlist=["thread_figures"])
    migration.thread_figures(apps, None)
    rebuilt = list(
        Comment.objects.order_by("pk").values_list(
            "pk", "reply_count", "last_activity_at", "agree_groups"
        )
    )
    assert rebuilt == kept


def test_the_orders_are_named_in_one_place() -> None:
    assert ordering.DEFAULT.key == "oldest"
    assert all(order.fields[-1].lstrip("-") == "id" for order in ordering.ORDERS.values())


def test_an_order_lists_threads_only_whatever_the_filters(
    drafting: Drafting, threads: dict[str, Comment]
) -> None:
    client = client_for(drafting.world.policymaker)
    busy = threads["busy"].pk
    in_thread = client.get(comments_url(drafting, f"?sort=replies&root={busy}")).json()
    assert [row["id"] for row in in_thread["results"]] == [busy]
    replies = client.get(comments_url(drafting, f"?sort=recent&parent={busy}")).json()
    assert replies["results"] == []
