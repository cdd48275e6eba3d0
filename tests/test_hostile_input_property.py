"""Every endpoint and form answers hostile input with a 4xx, never a 5xx, and commits nothing
when it refuses (issue 8, point 7).

Hypothesis fills each input field of each write (API JSON bodies, page forms, query strings)
with hostile values: Unicode digits that pass ``isdigit()`` but not ``int()``, numbers past any
column, lone surrogates, control and bidi characters, wrong JSON types. The organizer sends
them, so authorization does not stop the request before the input is read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convene.models import AuditEvent, EmailOutbox, Invitation, Membership
from deliberation.discussion import services as discussion_services
from deliberation.models import (
    Alternative,
    Amendment,
    Clause,
    ClauseVersion,
    Comment,
    Disposition,
    Flag,
    Framework,
    Reaction,
)
from deliberation.text import services as text_services
from tests.conftest import World, client_for, make_world
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client

HOSTILE_STRINGS = st.one_of(
    st.sampled_from(
        [
            "²",
            "\u0661",  # ARABIC-INDIC DIGIT ONE: isdigit() but not an ASCII digit
            "\u0663\u0664",
            "99999999999999999999999",
            "-1",
            "0",
            "1.5",
            "1e9",
            " 1",
            "\ud800",
            "a\udfffb",
            "\x00",
            "\r\nBcc: victim@example.org",
            "\u202eevil",
            "",
            " ",
            "x" * 20_000,
            "<script>alert(1)</script>",
            "null",
        ]
    ),
    st.text(max_size=40),
)
HOSTILE_JSON = st.one_of(
    HOSTILE_STRINGS,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
MODELS = [
    AuditEvent,
    EmailOutbox,
    Invitation,
    Membership,
    Alternative,
    Amendment,
    Clause,
    ClauseVersion,
    Comment,
    Disposition,
    Flag,
    Framework,
    Reaction,
]
NO_HEALTH_CHECKS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _state() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _scene(world: World) -> dict[str, Any]:
    drafting = make_drafting(world)
    comment = discussion_services.comment_post(
        actor=world.industry, clause=drafting.scope, body="A comment."
    )
    amendment = text_services.amendment_propose(
        actor=world.policymaker, clause=drafting.trigger, text="Changed.", rationale="Why."
    )
    alternative = text_services.alternative_propose(
        actor=world.organizer, clause=drafting.scope, text="Option."
    )
    return {
        "slug": drafting.framework.slug,
        "convening": world.convening.slug,
        "clause": drafting.scope.pk,
        "comment": comment.pk,
        "amendment": amendment.pk,
        "alternative": alternative.pk,
    }


# (method, path, fields) for the API: each field gets a hostile JSON value, the others a valid one.
API = [
    ("post", "/api/v1/clauses/{clause}/comments/", {"body": "x", "parent": None, "anchor": None}),
    ("patch", "/api/v1/comments/{comment}/", {"body": "x"}),
    ("put", "/api/v1/comments/{comment}/reaction/", {"stance": "agree"}),
    ("post", "/api/v1/comments/{comment}/flag/", {"reason": "r"}),
    ("post", "/api/v1/comments/{comment}/moderate/", {"action": "hide", "reason": "r"}),
    (
        "put",
        "/api/v1/comments/{comment}/disposition/",
        {"outcome": "noted", "response": "r", "version": None, "amendment": None},
    ),
    ("post", "/api/v1/frameworks/{slug}/transition/", {"to": "voting"}),
    ("patch", "/api/v1/frameworks/{slug}/", {"title": "t", "preamble": "p"}),
    ("post", "/api/v1/frameworks/{slug}/clauses/reorder/", {"order": []}),
    ("patch", "/api/v1/clauses/{clause}/", {"title": "t", "text": "x", "rationale": "r"}),
    ("post", "/api/v1/clauses/{clause}/amendments/", {"text": "x", "rationale": "r"}),
    ("post", "/api/v1/clauses/{clause}/resolve/", {"alternative": 1, "reason": "r"}),
    ("post", "/api/v1/amendments/{amendment}/reject/", {"reason": "r"}),
    ("post", "/api/v1/amendments/{amendment}/rebase/", {"text": "x"}),
    ("post", "/api/v1/convenings/{convening}/invitations/", {"email": "a@example.org"}),
    ("patch", "/api/v1/convenings/{convening}/", {"title": "t"}),
    ("patch", "/api/v1/me/", {"display_name": "Olga", "handle": "olga"}),
]
# Query strings of reads.
QUERIES = [
    ("/api/v1/clauses/{clause}/comments/", ["parent", "root", "top_level", "page_size"]),
    ("/api/v1/clauses/{clause}/diff/", ["from", "to"]),
    ("/api/v1/frameworks/{slug}/dispositions/", ["outcome", "group", "format"]),
    ("/api/v1/convenings/{convening}/audit/", ["page", "page_size"]),
    ("/clauses/{clause}/", ["after", "from", "to", "view"]),
    ("/clauses/{clause}/history/", ["from", "to", "view"]),
    ("/f/{slug}/dispositions/", ["page", "outcome", "group"]),
    ("/f/{slug}/moderation/", ["page"]),
]
# Page forms: each field gets a hostile string.
FORMS = [
    ("/clauses/{clause}/comments/", ["body", "anchor_paragraph", "anchor_quote", "next"]),
    ("/comments/{comment}/reply/", ["body", "base", "next"]),
    ("/comments/{comment}/react/", ["stance", "base"]),
    ("/comments/{comment}/flag/", ["reason", "base"]),
    ("/comments/{comment}/moderate/", ["action", "reason", "queue"]),
    ("/comments/{comment}/disposition/", ["outcome", "response", "version", "amendment", "base"]),
    ("/f/{slug}/transition/", ["to"]),
    ("/f/{slug}/reorder/", ["position-{clause}"]),
    ("/clauses/{clause}/resolve/", ["alternative", "reason"]),
    ("/amendments/{amendment}/reject/", ["reason"]),
    ("/amendments/{amendment}/rebase/", ["text"]),
    ("/account/", ["display_name", "handle", "timezone"]),
]


def _wire(value: str) -> str:
    """``value`` percent-encoded as a client would put it on the wire: a lone surrogate becomes
    the invalid UTF-8 bytes an attacker can send (the test client cannot encode it itself)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _refuses_cleanly(send: Callable[[], Any]) -> None:
    before = _state()
    response = send()
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert _state() == before, f"{response.status_code} committed a change"


@pytest.mark.parametrize(("method", "path", "fields"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_api_writes_refuse_hostile_json_cleanly(
    db: Any, method: str, path: str, fields: dict[str, Any]
) -> None:
    world = make_world()
    ids = _scene(world)
    api = client_for(world.organizer)
    url = path.format(**ids)

    @NO_HEALTH_CHECKS
    @given(field=st.sampled_from(sorted(fields)), value=HOSTILE_JSON)
    def check(field: str, value: Any) -> None:
        body = json.dumps({**fields, field: value})
        _refuses_cleanly(
            lambda: getattr(api, method)(url, data=body, content_type="application/json")
        )

    check()


@pytest.mark.parametrize(("path", "params"), QUERIES, ids=[p for p, _ in QUERIES])
def test_reads_refuse_hostile_query_strings_cleanly(db: Any, path: str, params: list[str]) -> None:
    world = make_world()
    ids = _scene(world)
    url = path.format(**ids)
    readers = [client_for(world.organizer), page_client(world.organizer)]

    @NO_HEALTH_CHECKS
    @given(param=st.sampled_from(params), value=HOSTILE_STRINGS)
    def check(param: str, value: str) -> None:
        client = readers[1] if not url.startswith("/api/") else readers[0]
        _refuses_cleanly(lambda: client.get(f"{url}?{param}={_wire(value)}"))

    check()


@pytest.mark.parametrize(("path", "fields"), FORMS, ids=[p for p, _ in FORMS])
def test_page_forms_refuse_hostile_strings_cleanly(db: Any, path: str, fields: list[str]) -> None:
    world = make_world()
    ids = _scene(world)
    url = path.format(**ids)
    names = [name.format(**ids) for name in fields]
    client: Client = page_client(world.organizer)

    @NO_HEALTH_CHECKS
    @given(field=st.sampled_from(names), value=HOSTILE_STRINGS, htmx=st.booleans())
    def check(field: str, value: str, htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        body = f"{_wire(field)}={_wire(value)}"
        form = "application/x-www-form-urlencoded"
        _refuses_cleanly(lambda: client.post(url, body, content_type=form, headers=headers))

    check()
