"""The outcomes of page access tables, shared by the subdomains' tables: who gets the page,
who is sent to sign in, and who gets 403 or 404."""

from __future__ import annotations

from typing import Any

from tests.conftest import ACTORS

LOGIN = "login"  # anonymous: sent to the sign-in page
DONE = "done"  # the action took effect

READ = {
    "public": dict.fromkeys(ACTORS, 200),
    "private": {
        "anonymous": 404,
        "outsider": 404,
        "observer": 200,
        "policymaker": 200,
        "other_organizer": 404,
        "organizer": 200,
    },
}


def only(allowed: set[str], ok: Any) -> dict[str, dict[str, Any]]:
    """``allowed`` actors get ``ok``; other members 403; non-members 403 on a public convening
    and 404 on a private one (they may not know it exists); anonymous are sent to sign in."""

    def outcome(actor: str, visibility: str) -> Any:
        if actor in allowed:
            return ok
        if actor == "anonymous":
            return LOGIN
        if actor in {"outsider", "other_organizer"} and visibility == "private":
            return 404
        return 403

    return {v: {a: outcome(a, v) for a in ACTORS} for v in ("public", "private")}
