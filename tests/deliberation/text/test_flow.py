"""The drafting flow end to end through the API, as a client would drive it."""

from __future__ import annotations

from deliberation.models import Clause
from tests.conftest import client_for
from tests.deliberation.conftest import Drafting


def test_amendment_accepted_becomes_next_version_and_diff_shows_it(drafting: Drafting) -> None:
    w = drafting.world
    delegate, organizer = client_for(w.industry), client_for(w.organizer)
    clause = drafting.scope
    r = delegate.post(
        f"/api/v1/clauses/{clause.pk}/amendments/",
        {
            "text": "This framework applies to all frontier AI developers.",
            "rationale": "Cover everyone.",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    amendment = r.json()
    assert amendment["base_version"] == 1 and amendment["status"] == "open"
    r = organizer.post(f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "accepted" and r.json()["resulting_version"] == 2
    r = delegate.get(f"/api/v1/clauses/{clause.pk}/diff/?from=1&to=2")
    assert r.status_code == 200
    body = r.json()
    assert body["from"] == 1 and body["to"] == 2
    assert {"op": "insert", "text": "all "} in body["ops"] or any(
        op["op"] == "insert" and "all" in op["text"] for op in body["ops"]
    )
    assert "<ins>" in body["html"]
    assert Clause.objects.get(pk=clause.pk).current_version.number == 2
