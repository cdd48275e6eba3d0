"""Reader fixtures: a framework adopted by a round (tests/deliberation/publishing's scene) and
published, and a way to publish a forged later edition whose document has other clauses (the
reader renders only from the document, so this is how its size and content are varied)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import timezone

from deliberation.models import Edition
from deliberation.publishing import export, services
from tests.conftest import World
from tests.deliberation.publishing.test_publishing import _adopt
from tests.deliberation.voting.conftest import make_voting


def publish(world: World) -> Edition:
    framework = _adopt(make_voting(world))
    return services.framework_publish(actor=world.organizer, framework=framework)


@pytest.fixture
def published(world: World) -> Edition:
    return publish(world)


def forge_edition(edition: Edition, clauses: list[dict[str, Any]], **framework: Any) -> Edition:
    """The next edition of ``edition``'s framework with ``clauses`` in its document (and the
    ``framework`` fields given, e.g. a title)."""
    document = copy.deepcopy(edition.content)
    document["framework"].update(framework)
    number = Edition.objects.filter(framework=edition.framework).count() + 1
    document["edition"]["number"] = number
    document["clauses"] = clauses
    document.pop("content_hash")
    document["content_hash"] = export.content_hash(document)
    forged = Edition(
        framework=edition.framework,
        number=number,
        published_at=timezone.now(),
        published_by=edition.published_by,
        content=document,
        content_hash=document["content_hash"],
    )
    forged.save(force_insert=True)
    return forged


def clauses_of(edition: Edition, count: int) -> list[dict[str, Any]]:
    """``count`` clauses, repeating the edition's (with their decisions), numbered 1..count."""
    source = edition.content["clauses"]
    out = []
    for n in range(count):
        clause = copy.deepcopy(source[n % len(source)])
        clause["number"] = n + 1
        clause["id"] = 10_000 + n
        out.append(clause)
    return out
