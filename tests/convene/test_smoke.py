from __future__ import annotations

from tests.conftest import World, client_for


def test_public_convening_is_listed_for_anonymous(world: World) -> None:
    response = client_for(None).get("/api/v1/convenings/")
    assert response.status_code == 200
    slugs = [c["slug"] for c in response.json()["results"]]
    assert world.convening.slug in slugs
