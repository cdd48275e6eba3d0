"""Bad input to the drafting API gets a clear 4xx JSON answer, never a 500, and changes nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.text import services
from tests.conftest import client_for, make_world
from tests.deliberation.conftest import TRIGGER_SPEC, make_drafting

BIG = "x" * 50_001


def _ids() -> dict[str, Any]:
    world = make_world()
    drafting = make_drafting(world)
    amendment = services.amendment_propose(
        actor=world.policymaker,
        clause=drafting.scope,
        text="Applies to everyone.",
        rationale="Broader.",
    )
    alternative = services.alternative_propose(
        actor=world.policymaker, clause=drafting.trigger, text="Option one."
    )
    return {
        "world": world,
        "convening": world.convening.slug,
        "framework": drafting.framework.slug,
        "scope": drafting.scope.pk,
        "trigger": drafting.trigger.pk,
        "amendment": amendment.pk,
        "alternative": alternative.pk,
    }


def _state() -> tuple[Any, ...]:
    return (
        list(Framework.objects.order_by("pk").values_list("slug", "title", "preamble", "status")),
        list(
            Clause.objects.order_by("pk").values_list(
                "pk", "position", "kind", "title", "text", "spec", "status"
            )
        ),
        ClauseVersion.objects.count(),
        list(Amendment.objects.order_by("pk").values_list("pk", "status", "text", "base_version")),
        list(Alternative.objects.order_by("pk").values_list("pk", "status")),
    )


# (who, method, url, body, field that must be named in errors or None)
# who: "organizer" or "author" (the policymaker, who wrote the amendment and the alternative).
CASES: list[tuple[str, str, str, Any, str | None]] = [
    # frameworks
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/", {}, "title"),
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/", {"title": 5}, "title"),
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/", {"title": None}, "title"),
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/", {"title": ["a"]}, "title"),
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/", {"title": "   "}, "title"),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "t" * 201},
        "title",
    ),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "T", "preamble": BIG},
        "preamble",
    ),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "T", "preamble": 7},
        "preamble",
    ),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "T", "slug": "Not A Slug"},
        "slug",
    ),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "T", "slug": 12},
        "slug",
    ),
    (
        "organizer",
        "post",
        "/api/v1/convenings/{convening}/frameworks/",
        {"title": "T\x00"},
        "title",
    ),
    ("organizer", "patch", "/api/v1/frameworks/{framework}/", {"title": 5}, "title"),
    ("organizer", "patch", "/api/v1/frameworks/{framework}/", {"title": ""}, "title"),
    ("organizer", "patch", "/api/v1/frameworks/{framework}/", {"preamble": BIG}, "preamble"),
    ("organizer", "patch", "/api/v1/frameworks/{framework}/", {"preamble": {"a": 1}}, "preamble"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/transition/", {}, "to"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/transition/", {"to": 1}, "to"),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/transition/",
        {"to": {"status": "voting"}},
        "to",
    ),
    # clauses
    ("organizer", "post", "/api/v1/frameworks/{framework}/clauses/", {}, "kind"),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "preamble", "title": "T", "text": "x"},
        "kind",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": 3, "title": "T", "text": "x"},
        "kind",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": None, "title": "T", "text": "x"},
        "kind",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "text": "x"},
        "title",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": 1, "text": "x"},
        "title",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T"},
        "text",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T", "text": 42},
        "text",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T", "text": "  "},
        "text",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T", "text": BIG},
        "text",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T", "text": "x\x00y"},
        "text",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {"kind": "general", "title": "T", "text": "x", "rationale": 5},
        "rationale",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/",
        {
            "kind": "trigger",
            "title": "T",
            "text": "x",
            "spec": {**TRIGGER_SPEC, "metric": "a\x00b"},
        },
        "spec.metric",
    ),
    ("organizer", "patch", "/api/v1/clauses/{scope}/", {"text": 5, "rationale": "r"}, "text"),
    ("organizer", "patch", "/api/v1/clauses/{scope}/", {"text": BIG, "rationale": "r"}, "text"),
    (
        "organizer",
        "patch",
        "/api/v1/clauses/{scope}/",
        {"text": "new", "rationale": ["r"]},
        "rationale",
    ),
    (
        "organizer",
        "patch",
        "/api/v1/clauses/{scope}/",
        {"text": "new", "rationale": "r" * 10_001},
        "rationale",
    ),
    ("organizer", "patch", "/api/v1/clauses/{scope}/", {"kind": "nope", "rationale": "r"}, "kind"),
    (
        "organizer",
        "patch",
        "/api/v1/clauses/{scope}/",
        {"kind": "trigger", "rationale": "r"},
        "spec",
    ),
    ("organizer", "patch", "/api/v1/clauses/{scope}/", {"title": None}, "title"),
    ("organizer", "patch", "/api/v1/clauses/{scope}/", {"title": ""}, "title"),
    (
        "organizer",
        "patch",
        "/api/v1/clauses/{trigger}/",
        {"spec": "P90D", "rationale": "r"},
        "spec",
    ),
    ("organizer", "patch", "/api/v1/clauses/{trigger}/", {"spec": None, "rationale": "r"}, "spec"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/clauses/reorder/", {}, "order"),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": "{scope},{trigger}"},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": None},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": {"a": 1}},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": ["a", "b"]},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": [1.5, 2.5]},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": [True, False]},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": [[1], [2]]},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": [-1, 0]},
        "order",
    ),
    (
        "organizer",
        "post",
        "/api/v1/frameworks/{framework}/clauses/reorder/",
        {"order": [10**30, 1]},
        "order",
    ),
    # amendments
    ("author", "post", "/api/v1/clauses/{scope}/amendments/", {}, "text"),
    ("author", "post", "/api/v1/clauses/{scope}/amendments/", {"text": "New."}, "rationale"),
    (
        "author",
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": 1, "rationale": "r"},
        "text",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": BIG, "rationale": "r"},
        "text",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": "New.", "rationale": False},
        "rationale",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": "New.", "rationale": "  "},
        "rationale",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{scope}/amendments/",
        {"text": "New.", "rationale": "r", "spec": {"a": 1}},
        "spec",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{trigger}/amendments/",
        {"text": "New.", "rationale": "r", "spec": [1]},
        "spec",
    ),
    ("organizer", "post", "/api/v1/amendments/{amendment}/accept/", {"reason": 5}, "reason"),
    (
        "organizer",
        "post",
        "/api/v1/amendments/{amendment}/accept/",
        {"reason": "r" * 10_001},
        "reason",
    ),
    ("organizer", "post", "/api/v1/amendments/{amendment}/reject/", {"reason": ["no"]}, "reason"),
    ("organizer", "post", "/api/v1/amendments/{amendment}/reject/", {"reason": None}, "reason"),
    ("author", "post", "/api/v1/amendments/{amendment}/rebase/", {"text": 5}, "text"),
    ("author", "post", "/api/v1/amendments/{amendment}/rebase/", {"text": BIG}, "text"),
    ("author", "post", "/api/v1/amendments/{amendment}/rebase/", {"text": "  "}, "text"),
    ("author", "post", "/api/v1/amendments/{amendment}/rebase/", {"rationale": ""}, "rationale"),
    # alternatives
    ("author", "post", "/api/v1/clauses/{trigger}/alternatives/", {}, "text"),
    ("author", "post", "/api/v1/clauses/{trigger}/alternatives/", {"text": {"a": 1}}, "text"),
    ("author", "post", "/api/v1/clauses/{trigger}/alternatives/", {"text": BIG}, "text"),
    (
        "author",
        "post",
        "/api/v1/clauses/{trigger}/alternatives/",
        {"text": "x", "rationale": 3},
        "rationale",
    ),
    (
        "author",
        "post",
        "/api/v1/clauses/{trigger}/alternatives/",
        {"text": "x", "spec": {}},
        "spec.metric",
    ),
    ("organizer", "post", "/api/v1/clauses/{trigger}/resolve/", {}, "alternative"),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": "abc", "reason": "r"},
        "alternative",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": None, "reason": "r"},
        "alternative",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": 1.5, "reason": "r"},
        "alternative",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": 999999, "reason": "r"},
        "alternative",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": 10**30, "reason": "r"},
        "alternative",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": "{alternative}"},
        "reason",
    ),
    (
        "organizer",
        "post",
        "/api/v1/clauses/{trigger}/resolve/",
        {"alternative": "{alternative}", "reason": 1},
        "reason",
    ),
]


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids) if "{" in value else value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _assert_error_shape(response: Any, status: int | tuple[int, ...] = 400) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "field"),
    CASES,
    ids=[f"{m}-{u}-{json.dumps(b)[:60]}" for _, m, u, b, _ in CASES],
)
def test_bad_input_is_400_with_field_errors(
    db: Any, who: str, method: str, url: str, body: Any, field: str | None
) -> None:
    ids = _ids()
    world = ids["world"]
    client = client_for(world.organizer if who == "organizer" else world.policymaker)
    before = _state()
    response = getattr(client, method)(url.format(**ids), _fill(body, ids), format="json")
    errors = _assert_error_shape(response)["errors"]
    if field is not None:
        # The field itself, or a path inside it such as order.0.
        assert any(key == field or key.startswith(f"{field}.") for key in errors), errors
    assert _state() == before


POSTS = [
    ("organizer", "post", "/api/v1/convenings/{convening}/frameworks/"),
    ("organizer", "patch", "/api/v1/frameworks/{framework}/"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/transition/"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/clauses/"),
    ("organizer", "post", "/api/v1/frameworks/{framework}/clauses/reorder/"),
    ("organizer", "patch", "/api/v1/clauses/{scope}/"),
    ("author", "post", "/api/v1/clauses/{scope}/amendments/"),
    ("organizer", "post", "/api/v1/amendments/{amendment}/accept/"),
    ("organizer", "post", "/api/v1/amendments/{amendment}/reject/"),
    ("author", "post", "/api/v1/amendments/{amendment}/rebase/"),
    ("author", "post", "/api/v1/clauses/{trigger}/alternatives/"),
    ("organizer", "post", "/api/v1/clauses/{trigger}/resolve/"),
]
RAW_BODIES = [
    '{"title": ',
    "not json at all",
    '{"text": "a", "text": }',
    "[1, 2, 3]",
    '"just a string"',
    "42",
    "null",
    '{"spec": {"threshold": NaN}, "text": "x", "kind": "trigger", "title": "T"}',
    '{"alternative": Infinity, "reason": "r"}',
    "[" * 50_000 + "]" * 50_000,
]


@pytest.mark.parametrize(("who", "method", "url"), POSTS, ids=[f"{m}-{u}" for _, m, u in POSTS])
def test_malformed_or_non_object_json_is_4xx_json(db: Any, who: str, method: str, url: str) -> None:
    ids = _ids()
    world = ids["world"]
    client = client_for(world.organizer if who == "organizer" else world.policymaker)
    before = _state()
    for raw in RAW_BODIES:
        response = getattr(client, method)(url.format(**ids), raw, content_type="application/json")
        _assert_error_shape(response)
    response = getattr(client, method)(
        url.format(**ids), "title=x", content_type="application/x-www-form-urlencoded"
    )
    _assert_error_shape(response, 415)
    assert _state() == before


@pytest.mark.parametrize("value", ["1e400", "-1e400", "1" + "0" * 5000])
def test_non_finite_or_absurd_threshold_is_refused(db: Any, value: str) -> None:
    ids = _ids()
    raw = (
        '{"kind": "trigger", "title": "T", "text": "x", "spec": '
        + json.dumps(TRIGGER_SPEC).replace('"threshold": 4', f'"threshold": {value}')
        + "}"
    )
    assert value in raw
    before = _state()
    response = client_for(ids["world"].organizer).post(
        f"/api/v1/frameworks/{ids['framework']}/clauses/", raw, content_type="application/json"
    )
    body = _assert_error_shape(response)
    assert response.status_code == 400
    if value.startswith(("1e", "-1e")):
        assert any(key.startswith("spec") for key in body["errors"]), body
    assert _state() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/clauses/99999999999999999999999/",
        "/api/v1/clauses/99999999999999999999999/versions/",
        "/api/v1/clauses/{scope}/versions/99999999999999999999999/",
        "/api/v1/clauses/99999999999999999999999/amendments/",
        "/api/v1/clauses/99999999999999999999999/alternatives/",
        "/api/v1/clauses/99999999999999999999999/diff/?from=1&to=1",
    ],
)
def test_huge_ids_in_urls_are_404(db: Any, url: str) -> None:
    ids = _ids()
    response = client_for(ids["world"].organizer).get(url.format(**ids))
    _assert_error_shape(response, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/amendments/99999999999999999999999/accept/",
        "/api/v1/alternatives/99999999999999999999999/withdraw/",
        "/api/v1/clauses/99999999999999999999999/resolve/",
    ],
)
def test_huge_ids_in_write_urls_are_404(db: Any, url: str) -> None:
    ids = _ids()
    response = client_for(ids["world"].organizer).post(
        url, {"alternative": 1, "reason": "r"}, format="json"
    )
    _assert_error_shape(response, 404)


def test_hostile_text_is_stored_verbatim_and_rendered_escaped(db: Any) -> None:
    ids = _ids()
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    response = client_for(ids["world"].organizer).post(
        f"/api/v1/frameworks/{ids['framework']}/clauses/",
        {"kind": "general", "title": "<b>T</b>", "text": hostile},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == hostile and body["title"] == "<b>T</b>"
    assert "<script" not in body["text_html"] and "<img" not in body["text_html"]
    assert not re.search(r"<[a-z][^>]*onerror", body["text_html"])
    assert 'href="javascript:' not in body["text_html"]
