"""Publishing an adopted framework: editions frozen as their JSON export, valid against the
published JSON Schema, readable by anyone at their own numbers (issue 11, the publishing core)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from convene.models import AuditEvent
from deliberation.models import Edition, Framework
from deliberation.publishing import export
from deliberation.publishing.document_schema import document_schema
from deliberation.text import services as text_services
from deliberation.voting import services as voting
from tests.conftest import World, client_for, make_world
from tests.deliberation.voting.conftest import Voting, make_voting

API = "/api/v1"


def _adopt(voting_: Voting) -> Framework:
    """A round that adopts the framework (and its scope clause), every group voting yes."""
    w = voting_.world
    round_ = voting_.round(
        motions=[
            {"kind": "adopt_clause", "clause": voting_.scope.pk, "rule": {"threshold": "simple"}},
            {"kind": "choose_alternative", "clause": voting_.trigger.pk, "method": "schulze"},
            {"kind": "adopt_framework", "rule": {"threshold": "two_thirds", "chambers": True}},
        ]
    )
    motions = list(round_.motions.order_by("position"))
    for voter in (w.policymaker, w.industry, w.civil_society):
        voting.ballot_cast(
            actor=voter,
            round_=round_,
            choices=[
                {"motion": motions[0].pk, "position": "yes"},
                {"motion": motions[1].pk, "ranking": [voting_.option_b.pk]},
                {"motion": motions[2].pk, "position": "yes"},
            ],
        )
    voting.round_close(actor=w.organizer, round_=round_)
    return Framework.objects.get(pk=voting_.framework.pk)


@pytest.fixture
def adopted(world: World) -> Voting:
    voting_ = make_voting(world)
    assert _adopt(voting_).status == "adopted"
    return voting_


def _publish(user: Any, slug: str) -> Any:
    return client_for(user).post(f"{API}/frameworks/{slug}/publish/")


def test_publishing_freezes_an_edition_that_follows_the_schema(adopted: Voting) -> None:
    slug = adopted.framework.slug
    response = _publish(adopted.world.organizer, slug)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["edition"] == 1 and len(body["content_hash"]) == 64
    assert Framework.objects.get(pk=adopted.framework.pk).status == "published"
    document = client_for(None).get(f"{API}/published/{slug}/").json()
    Draft202012Validator(document_schema()).validate(document)
    assert document["content_hash"] == body["content_hash"] == export.content_hash(document)
    assert document["edition"]["adopted_in"]["title"] == "First reading"
    trigger = next(c for c in document["clauses"] if c["id"] == adopted.trigger.pk)
    chosen = [a["label"] for a in trigger["decisions"][0]["alternatives"] if a["chosen"]]
    assert chosen == [adopted.option_b.label]
    assert trigger["text"] == adopted.option_b.text
    assert [d["kind"] for d in document["decisions"]] == ["adopt_framework"]
    assert AuditEvent.objects.filter(verb="framework.published").count() == 1


def test_a_later_edition_leaves_the_earlier_one_as_it_was(adopted: Voting) -> None:
    slug = adopted.framework.slug
    first = _publish(adopted.world.organizer, slug).json()
    before = client_for(None).get(f"{API}/published/{slug}/editions/1/").content
    second = _publish(adopted.world.organizer, slug).json()
    assert (first["edition"], second["edition"]) == (1, 2)
    assert client_for(None).get(f"{API}/published/{slug}/editions/1/").content == before
    latest = client_for(None).get(f"{API}/published/{slug}/").json()
    assert latest["edition"]["number"] == 2
    listed = client_for(None).get(f"{API}/published/").json()["results"]
    assert [(p["slug"], p["edition"]) for p in listed] == [(slug, 2)]
    assert client_for(None).get(f"{API}/published/{slug}/editions/3/").status_code == 404


def test_an_edition_is_byte_for_byte_stable(adopted: Voting) -> None:
    slug = adopted.framework.slug
    _publish(adopted.world.organizer, slug)
    reads = {client_for(None).get(f"{API}/published/{slug}/editions/1/").content for _ in range(3)}
    assert len(reads) == 1
    edition = Edition.objects.get()
    assert export.content_hash(json.loads(reads.pop())) == edition.content_hash


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("observer", 403),
        ("policymaker", 403),
        ("other_organizer", 403),
        ("organizer", 200),
    ],
)
def test_who_may_publish(adopted: Voting, actor: str, status: int) -> None:
    before = Edition.objects.count()
    response = _publish(adopted.world.actor(actor), adopted.framework.slug)
    assert response.status_code == status, response.content
    assert Edition.objects.count() == before + (1 if status == 200 else 0)


@pytest.mark.parametrize("status", ["draft", "consultation", "voting", "withdrawn"])
def test_only_an_adopted_framework_is_published(world: World, status: str) -> None:
    from tests.deliberation.conftest import make_drafting

    drafting = make_drafting(world, status=status)
    response = _publish(world.organizer, drafting.framework.slug)
    assert response.status_code == 409
    assert "adopted" in response.json()["detail"]
    assert not Edition.objects.exists()


def test_a_private_convenings_framework_is_public_once_published(db: Any) -> None:
    world = make_world(visibility="private")
    voting_ = make_voting(world)
    _adopt(voting_)
    slug = voting_.framework.slug
    assert _publish(world.outsider, slug).status_code == 404
    assert client_for(None).get(f"{API}/published/{slug}/").status_code == 404
    assert _publish(world.organizer, slug).status_code == 200
    assert client_for(None).get(f"{API}/published/{slug}/").status_code == 200
    # The convening itself stays private.
    assert client_for(None).get(f"{API}/convenings/{world.convening.slug}/").status_code == 404


def test_editions_refuse_to_change(adopted: Voting) -> None:
    _publish(adopted.world.organizer, adopted.framework.slug)
    edition = Edition.objects.get()
    for attempt in (
        edition.save,
        edition.delete,
        lambda: Edition.objects.update(number=9),
        lambda: Edition.objects.all().delete(),
    ):
        with pytest.raises(TypeError, match="immutable"):
            attempt()


def test_the_schema_is_served(db: Any) -> None:
    response = client_for(None).get("/schemas/framework-v1.json")
    assert response.status_code == 200
    assert response.json() == document_schema()
    Draft202012Validator.check_schema(response.json())


def test_building_the_export_reads_a_fixed_number_of_queries(adopted: Voting) -> None:
    framework = Framework.objects.select_related("convening").get(pk=adopted.framework.pk)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export.build(framework, edition=1, published_at=framework.status_changed_at)
        return len(queries)

    small = count()
    for n in range(10):
        Framework.objects.filter(pk=framework.pk).update(status="consultation")
        text_services.clause_create(
            actor=adopted.world.organizer,
            framework=framework,
            kind="general",
            title=f"Clause {n}",
            text="More text.",
        )
    assert count() == small
