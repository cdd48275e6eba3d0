"""A version that came from a decision credits who wrote the text and who decided (issue 7: an
accepted amendment used to name the organizer as the version's author)."""

from __future__ import annotations

from deliberation.models import ClauseVersion
from deliberation.text import services
from deliberation.text.services.common import version_hash
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting


def test_accepted_amendment_is_authored_by_its_proposer_and_accepted_by_the_organizer(
    drafting: Drafting,
) -> None:
    w = drafting.world
    amendment = services.amendment_propose(
        actor=w.civil_society, clause=drafting.scope, text="Applies to every lab.", rationale="Why."
    )
    services.amendment_accept(actor=w.organizer, amendment=amendment, reason="Agreed.")
    version = ClauseVersion.objects.get(clause=drafting.scope, number=2)
    assert version.author_id == w.civil_society.pk
    assert version.accepted_by_id == w.organizer.pk
    # The hash covers who accepted it, so the record cannot be re-credited silently.
    assert version.hash == version_hash(version)
    body = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/versions/2/").json()
    assert body["author"]["id"] == w.civil_society.pk
    assert body["accepted_by"]["id"] == w.organizer.pk


def test_chosen_alternative_is_authored_by_its_proposer(drafting: Drafting) -> None:
    w = drafting.world
    first = services.alternative_propose(
        actor=w.industry, clause=drafting.scope, text="Option one."
    )
    services.alternative_propose(actor=w.policymaker, clause=drafting.scope, text="Option two.")
    version = services.alternatives_resolve(
        actor=w.organizer, clause=drafting.scope, alternative_id=first.pk, reason="Broader."
    )
    assert (version.author_id, version.accepted_by_id) == (w.industry.pk, w.organizer.pk)
    assert version.alternative_id == first.pk


def test_direct_edits_have_no_acceptor_and_keep_their_old_hash_form(drafting: Drafting) -> None:
    w = drafting.world
    services.clause_update(
        actor=w.organizer, clause=drafting.scope, text="Edited by hand.", rationale="Clearer."
    )
    version = ClauseVersion.objects.get(clause=drafting.scope, number=2)
    assert version.author_id == w.organizer.pk and version.accepted_by_id is None
    assert version.hash == version_hash(version)
    body = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/versions/2/").json()
    assert body["accepted_by"] is None
