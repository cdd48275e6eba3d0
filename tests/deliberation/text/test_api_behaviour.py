"""What the drafting API does, through the API, as the issue's contract says it should."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from convene.audit import audit_verify, convening_chain
from deliberation.models import Clause, ClauseVersion
from deliberation.text import diff
from tests.conftest import client_for
from tests.deliberation.conftest import SPECS, TRIGGER_SPEC, Drafting

VERSION_FIELDS = {"number", "text", "spec", "author", "rationale", "created_at", "hash"}


def _versions(client: APIClient, clause_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/clauses/{clause_id}/versions/?page_size=200")
    assert response.status_code == 200
    return response.json()["results"]


def _version_count(clause: Clause) -> int:
    return ClauseVersion.objects.filter(clause=clause).count()


def _audit_verbs(drafting: Drafting) -> list[str]:
    slug = drafting.world.convening.slug
    response = client_for(drafting.world.organizer).get(
        f"/api/v1/convenings/{slug}/audit/?page_size=200"
    )
    assert response.status_code == 200
    return [event["verb"] for event in response.json()["results"]]


def _chain_holds(drafting: Drafting) -> None:
    chain = convening_chain(drafting.world.convening)
    assert audit_verify(chain) is None


def _propose(client: APIClient, clause_id: int, text: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/clauses/{clause_id}/amendments/",
        {"text": text, "rationale": "Because.", **extra},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


# --- versions --------------------------------------------------------------------------------
def test_versions_list_and_detail_have_the_contract_shape(drafting: Drafting) -> None:
    reader = client_for(None)
    listed = _versions(reader, drafting.trigger.pk)
    assert len(listed) == 1
    assert set(listed[0]) >= VERSION_FIELDS
    detail = reader.get(f"/api/v1/clauses/{drafting.trigger.pk}/versions/1/")
    assert detail.status_code == 200
    assert detail.json() == listed[0]
    version = detail.json()
    assert version["number"] == 1
    assert version["text"] == drafting.trigger.text
    assert version["spec"] == TRIGGER_SPEC
    assert version["author"]["id"] == drafting.world.organizer.pk
    assert isinstance(version["rationale"], str) and version["rationale"]
    assert len(version["hash"]) == 64


def test_unknown_version_number_is_404(drafting: Drafting) -> None:
    response = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/versions/2/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def _recomputed_hash(clause_id: int, version: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the version's content, from what the API serves."""
    content = {
        "clause": clause_id,
        "number": version["number"],
        "text": version["text"],
        "spec": version["spec"],
        "rationale": version["rationale"],
        "author": version["author"]["id"],
        "created_at": version["created_at"],
    }
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_version_hash_is_sha256_of_the_served_content(drafting: Drafting) -> None:
    organizer = client_for(drafting.world.organizer)
    response = organizer.patch(
        f"/api/v1/clauses/{drafting.trigger.pk}/",
        {
            "text": "Ünïcode — and a new threshold.",
            "spec": {**TRIGGER_SPEC, "threshold": 2.5},
            "rationale": "Tighter.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    versions = _versions(client_for(None), drafting.trigger.pk)
    assert [v["number"] for v in versions] == [1, 2]
    for version in versions:
        assert version["created_at"].endswith("Z")
        assert version["hash"] == _recomputed_hash(drafting.trigger.pk, version)
    assert versions[0]["hash"] != versions[1]["hash"]


def test_text_or_spec_change_without_rationale_is_400(drafting: Drafting) -> None:
    organizer = client_for(drafting.world.organizer)
    url = f"/api/v1/clauses/{drafting.trigger.pk}/"
    for body in [
        {"text": "A different text."},
        {"text": "A different text.", "rationale": ""},
        {"text": "A different text.", "rationale": "   "},
        {"spec": {**TRIGGER_SPEC, "threshold": 3}},
        {"title": "Renamed", "spec": {**TRIGGER_SPEC, "unit": "weeks"}},
    ]:
        response = organizer.patch(url, body, format="json")
        assert response.status_code == 400, body
        assert "rationale" in response.json()["errors"], response.json()
    assert _version_count(drafting.trigger) == 1
    assert Clause.objects.get(pk=drafting.trigger.pk).title == "Capability trigger"


def test_each_change_makes_exactly_one_version(drafting: Drafting) -> None:
    organizer = client_for(drafting.world.organizer)
    clause = drafting.trigger
    url = f"/api/v1/clauses/{clause.pk}/"
    steps: list[tuple[dict[str, Any], int]] = [
        ({"title": "Renamed trigger"}, 0),
        ({"text": "New text one.", "rationale": "r1"}, 1),
        ({"spec": {**TRIGGER_SPEC, "threshold": 3}, "rationale": "r2"}, 1),
        (
            {
                "text": "New text two.",
                "spec": {**TRIGGER_SPEC, "threshold": 2},
                "title": "T",
                "rationale": "r3",
            },
            1,
        ),
        ({"text": "New text two.", "rationale": "no change"}, 0),
        ({"title": "T"}, 0),
    ]
    for body, made in steps:
        before = _version_count(clause)
        response = organizer.patch(url, body, format="json")
        assert response.status_code == 200, response.json()
        assert _version_count(clause) == before + made, body
        assert response.json()["version"] == _version_count(clause)
    amendment = _propose(client_for(drafting.world.policymaker), clause.pk, "Amended text.")
    before = _version_count(clause)
    assert (
        organizer.post(
            f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json"
        ).status_code
        == 200
    )
    assert _version_count(clause) == before + 1
    numbers = [v["number"] for v in _versions(organizer, clause.pk)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_title_only_patch_is_audited_without_a_version(drafting: Drafting) -> None:
    organizer = client_for(drafting.world.organizer)
    response = organizer.patch(
        f"/api/v1/clauses/{drafting.scope.pk}/", {"title": "Who is covered"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Who is covered"
    assert response.json()["version"] == 1
    assert _audit_verbs(drafting)[-1] == "clause.updated"


def test_clause_has_the_contract_shape(drafting: Drafting) -> None:
    response = client_for(None).get(f"/api/v1/clauses/{drafting.trigger.pk}/")
    body = response.json()
    assert {"id", "number", "kind", "title", "text", "spec", "status", "version"} <= set(body)
    assert (body["number"], body["kind"], body["status"], body["version"]) == (
        2,
        "trigger",
        "open",
        1,
    )
    assert body["spec"] == TRIGGER_SPEC


# --- diff ------------------------------------------------------------------------------------
def test_diff_has_the_contract_shape_and_its_ops_rebuild_the_newer_text(drafting: Drafting) -> None:
    organizer = client_for(drafting.world.organizer)
    clause = drafting.scope
    texts = [
        clause.text,
        "This framework applies to all frontier AI developers <b>and</b> their\n\nsuppliers.",
        "It applies to   everyone.\n",
    ]
    for text in texts[1:]:
        response = organizer.patch(
            f"/api/v1/clauses/{clause.pk}/", {"text": text, "rationale": "Edit."}, format="json"
        )
        assert response.status_code == 200
    served = {v["number"]: v["text"] for v in _versions(organizer, clause.pk)}
    reader = client_for(None)
    for old in served:
        for new in served:
            response = reader.get(f"/api/v1/clauses/{clause.pk}/diff/?from={old}&to={new}")
            assert response.status_code == 200
            body = response.json()
            assert {"from", "to", "ops", "html"} <= set(body)
            assert (body["from"], body["to"]) == (old, new)
            assert all(
                set(op) == {"op", "text"} and op["op"] in {"equal", "insert", "delete"}
                for op in body["ops"]
            )
            assert diff.apply(served[old], body["ops"]) == served[new]
    body = reader.get(f"/api/v1/clauses/{clause.pk}/diff/?from=1&to=2").json()
    assert "<ins>" in body["html"] and "&lt;b&gt;" in body["html"] and "<b>" not in body["html"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "from"),
        ("?to=1", "from"),
        ("?from=1", "to"),
        ("?from=abc&to=1", "from"),
        ("?from=1&to=x", "to"),
        ("?from=0&to=1", "from"),
        ("?from=-1&to=1", "from"),
        ("?from=1.5&to=1", "from"),
        ("?from=1&to=", "to"),
        ("?from=%C2%B2&to=1", "from"),
        ("?from=%D9%A1&to=1", "from"),
        ("?from=1&to=" + "9" * 5000, "to"),
        ("?from= 1&to=1", "from"),
    ],
)
def test_diff_with_bad_version_numbers_is_400(drafting: Drafting, query: str, field: str) -> None:
    response = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/diff/{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "query", ["?from=1&to=2", "?from=7&to=1", "?from=99999999999999999999&to=1"]
)
def test_diff_with_unknown_version_is_404(drafting: Drafting, query: str) -> None:
    response = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/diff/{query}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


# --- amendments ------------------------------------------------------------------------------
def test_participants_and_organizers_propose_observers_do_not(drafting: Drafting) -> None:
    w = drafting.world
    for user in (w.policymaker, w.industry, w.civil_society, w.organizer):
        body = _propose(client_for(user), drafting.scope.pk, f"Applies to {user.display_name}.")
        assert body["status"] == "open" and body["base_version"] == 1
        assert body["author"]["id"] == user.pk and body["clause"] == drafting.scope.pk
        assert {
            "id",
            "clause",
            "base_version",
            "text",
            "spec",
            "rationale",
            "author",
            "status",
        } <= set(body)
    response = client_for(w.observer).post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": "No.", "rationale": "r"},
        format="json",
    )
    assert response.status_code == 403


def test_amendment_must_change_something(drafting: Drafting) -> None:
    response = client_for(drafting.world.policymaker).post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": drafting.scope.text, "rationale": "Same."},
        format="json",
    )
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_accepted_amendment_becomes_next_version_linking_it(drafting: Drafting) -> None:
    w = drafting.world
    amendment = _propose(
        client_for(w.industry),
        drafting.trigger.pk,
        "Doubling in under three months.",
        spec={**TRIGGER_SPEC, "threshold": 3},
    )
    response = client_for(w.organizer).post(
        f"/api/v1/amendments/{amendment['id']}/accept/",
        {"reason": "Agreed in session."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted" and response.json()["resulting_version"] == 2
    version = client_for(None).get(f"/api/v1/clauses/{drafting.trigger.pk}/versions/2/").json()
    assert f"Amendment {amendment['number']} accepted" in version["rationale"]
    assert version.get("amendment") == amendment["id"]
    assert version["text"] == "Doubling in under three months."
    assert version["spec"]["threshold"] == 3
    # The proposer wrote the text; the organizer accepted it (issue 7: it was credited to them).
    assert version["author"]["id"] == w.industry.pk
    assert version["accepted_by"]["id"] == w.organizer.pk
    clause = client_for(None).get(f"/api/v1/clauses/{drafting.trigger.pk}/").json()
    assert (
        clause["version"] == 2
        and clause["text"] == version["text"]
        and clause["spec"] == version["spec"]
    )
    again = client_for(w.organizer).post(
        f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json"
    )
    assert again.status_code == 409
    assert _version_count(drafting.trigger) == 2


def test_reject_needs_a_reason_and_records_it(drafting: Drafting) -> None:
    w = drafting.world
    amendment = _propose(client_for(w.policymaker), drafting.scope.pk, "Applies to some.")
    organizer = client_for(w.organizer)
    url = f"/api/v1/amendments/{amendment['id']}/reject/"
    for body in ({}, {"reason": ""}, {"reason": "  "}):
        response = organizer.post(url, body, format="json")
        assert response.status_code == 400, body
        assert "reason" in response.json()["errors"]
    response = organizer.post(url, {"reason": "Out of scope."}, format="json")
    assert response.status_code == 200
    assert (
        response.json()["status"] == "rejected"
        and response.json()["decision_reason"] == "Out of scope."
    )
    assert (
        organizer.post(
            f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json"
        ).status_code
        == 409
    )
    assert _version_count(drafting.scope) == 1


def test_only_the_author_withdraws(drafting: Drafting) -> None:
    w = drafting.world
    amendment = _propose(client_for(w.policymaker), drafting.scope.pk, "Applies to some.")
    url = f"/api/v1/amendments/{amendment['id']}/withdraw/"
    for other in (w.industry, w.organizer, w.observer):
        assert client_for(other).post(url, {}, format="json").status_code == 403
    response = client_for(w.policymaker).post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client_for(w.policymaker).post(url, {}, format="json").status_code == 409
    assert (
        client_for(w.organizer)
        .post(f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json")
        .status_code
        == 409
    )


def test_stale_amendment_is_409_until_rebased(drafting: Drafting) -> None:
    w = drafting.world
    organizer, author = client_for(w.organizer), client_for(w.policymaker)
    amendment = _propose(author, drafting.scope.pk, "Applies to all frontier AI developers.")
    revised = organizer.patch(
        f"/api/v1/clauses/{drafting.scope.pk}/",
        {"text": "This framework applies to frontier AI labs.", "rationale": "Plainer."},
        format="json",
    )
    assert revised.status_code == 200
    listed = organizer.get(f"/api/v1/clauses/{drafting.scope.pk}/amendments/").json()["results"]
    assert listed[0]["is_stale"] is True
    response = organizer.post(f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json")
    assert response.status_code == 409
    assert "rebase" in response.json()["detail"]
    assert _version_count(drafting.scope) == 2
    assert (
        organizer.post(
            f"/api/v1/amendments/{amendment['id']}/rebase/", {}, format="json"
        ).status_code
        == 403
    )
    rebased = author.post(
        f"/api/v1/amendments/{amendment['id']}/rebase/",
        {"text": "This framework applies to all frontier AI labs.", "rationale": "Rebased."},
        format="json",
    )
    assert rebased.status_code == 200, rebased.json()
    assert rebased.json()["base_version"] == 2 and rebased.json()["is_stale"] is False
    response = organizer.post(f"/api/v1/amendments/{amendment['id']}/accept/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["resulting_version"] == 3
    current = client_for(None).get(f"/api/v1/clauses/{drafting.scope.pk}/").json()
    assert (
        current["text"] == "This framework applies to all frontier AI labs."
        and current["version"] == 3
    )


# --- alternatives ----------------------------------------------------------------------------
def _alternative(client: APIClient, clause_id: int, text: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/clauses/{clause_id}/alternatives/", {"text": text, **extra}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_two_open_alternatives_bracket_the_clause_and_resolve_unbrackets_it(
    drafting: Drafting,
) -> None:
    w = drafting.world
    clause_url = f"/api/v1/clauses/{drafting.trigger.pk}/"
    a = _alternative(client_for(w.policymaker), drafting.trigger.pk, "Option one.")
    assert {"id", "label", "text", "spec", "proposer", "status"} <= set(a)
    assert (a["label"], a["status"], a["proposer"]["id"]) == ("A", "open", w.policymaker.pk)
    assert client_for(None).get(clause_url).json()["status"] == "open"
    b = _alternative(
        client_for(w.industry),
        drafting.trigger.pk,
        "Option two.",
        spec={**TRIGGER_SPEC, "threshold": 6},
    )
    c = _alternative(client_for(w.organizer), drafting.trigger.pk, "Option three.")
    assert (b["label"], c["label"]) == ("B", "C")
    assert client_for(None).get(clause_url).json()["status"] == "bracketed"
    organizer = client_for(w.organizer)
    missing_reason = organizer.post(
        f"/api/v1/clauses/{drafting.trigger.pk}/resolve/", {"alternative": b["id"]}, format="json"
    )
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["errors"]
    response = organizer.post(
        f"/api/v1/clauses/{drafting.trigger.pk}/resolve/",
        {"alternative": b["id"], "reason": "Broadest support."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    clause = response.json()
    assert clause["status"] == "open" and clause["version"] == 2
    assert clause["text"] == "Option two." and clause["spec"]["threshold"] == 6
    listed = {
        alt["label"]: alt for alt in organizer.get(f"{clause_url}alternatives/").json()["results"]
    }
    assert (
        listed["B"]["status"] == "chosen"
        and listed["B"]["resolution_reason"] == "Broadest support."
    )
    assert listed["A"]["status"] == listed["C"]["status"] == "not_chosen"
    version = client_for(None).get(f"{clause_url}versions/2/").json()
    assert "Broadest support." in version["rationale"] and "B" in version["rationale"]
    assert version.get("alternative") == b["id"]
    again = organizer.post(
        f"/api/v1/clauses/{drafting.trigger.pk}/resolve/",
        {"alternative": a["id"], "reason": "Changed mind."},
        format="json",
    )
    assert again.status_code == 409
    assert _version_count(drafting.trigger) == 2


def test_withdrawing_one_of_two_alternatives_unbrackets(drafting: Drafting) -> None:
    w = drafting.world
    a = _alternative(client_for(w.policymaker), drafting.scope.pk, "Option one.")
    _alternative(client_for(w.industry), drafting.scope.pk, "Option two.")
    assert Clause.objects.get(pk=drafting.scope.pk).status == "bracketed"
    url = f"/api/v1/alternatives/{a['id']}/withdraw/"
    assert client_for(w.industry).post(url, {}, format="json").status_code == 403
    response = client_for(w.policymaker).post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert Clause.objects.get(pk=drafting.scope.pk).status == "open"


def test_resolve_with_an_alternative_of_another_clause_is_400(drafting: Drafting) -> None:
    w = drafting.world
    foreign = _alternative(client_for(w.policymaker), drafting.scope.pk, "Option one.")
    response = client_for(w.organizer).post(
        f"/api/v1/clauses/{drafting.trigger.pk}/resolve/",
        {"alternative": foreign["id"], "reason": "r"},
        format="json",
    )
    assert response.status_code == 400
    assert "alternative" in response.json()["errors"]


# --- reorder ---------------------------------------------------------------------------------
def _add_clauses(drafting: Drafting, n: int) -> list[int]:
    organizer = client_for(drafting.world.organizer)
    for i in range(n):
        response = organizer.post(
            f"/api/v1/frameworks/{drafting.framework.slug}/clauses/",
            {"kind": "general", "title": f"General {i}", "text": f"Text {i}."},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["number"] == 3 + i
    return list(
        Clause.objects.filter(framework=drafting.framework)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def test_reorder_renumbers_by_the_given_permutation(drafting: Drafting) -> None:
    ids = _add_clauses(drafting, 3)
    order = [ids[3], ids[0], ids[4], ids[2], ids[1]]
    organizer = client_for(drafting.world.organizer)
    url = f"/api/v1/frameworks/{drafting.framework.slug}/clauses/reorder/"
    response = organizer.post(url, {"order": order}, format="json")
    assert response.status_code == 200, response.json()
    assert [c["id"] for c in response.json()] == order
    listed = organizer.get(f"/api/v1/frameworks/{drafting.framework.slug}/clauses/").json()[
        "results"
    ]
    assert [(c["id"], c["number"]) for c in listed] == [
        (pk, n) for n, pk in enumerate(order, start=1)
    ]
    assert _audit_verbs(drafting)[-1] == "clauses.reordered"


@pytest.mark.parametrize("case", ["missing", "duplicate", "foreign", "unknown", "empty"])
def test_reorder_must_list_every_clause_once(
    drafting: Drafting, other_drafting_clause: int, case: str
) -> None:
    ids = _add_clauses(drafting, 1)
    order = {
        "missing": ids[:2],
        "duplicate": [ids[0], ids[1], ids[1]],
        "foreign": [*ids, other_drafting_clause],
        "unknown": [*ids[:2], 999999],
        "empty": [],
    }[case]
    response = client_for(drafting.world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/clauses/reorder/",
        {"order": order},
        format="json",
    )
    assert response.status_code == 400
    assert "order" in response.json()["errors"]
    assert (
        list(
            Clause.objects.filter(framework=drafting.framework)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        == ids
    )


@pytest.fixture
def other_drafting_clause(drafting: Drafting) -> int:
    from deliberation.text import services

    framework = services.framework_create(
        actor=drafting.world.organizer,
        convening=drafting.world.convening,
        title="Another framework",
    )
    clause = services.clause_create(
        actor=drafting.world.organizer,
        framework=framework,
        kind="general",
        title="Other",
        text="Other text.",
    )
    return clause.pk


# --- clause kinds and specs ------------------------------------------------------------------
KINDS = [
    "scope",
    "definition",
    "trigger",
    "obligation",
    "lift_condition",
    "verification",
    "adjudication",
    "general",
]


def _served_schemas() -> dict[str, dict[str, Any]]:
    response = client_for(None).get("/api/v1/clause-kinds/")
    assert response.status_code == 200
    return {item["kind"]: item for item in response.json()}


def test_clause_kinds_serve_a_valid_json_schema_for_every_kind(db: Any) -> None:
    served = _served_schemas()
    assert sorted(served) == sorted(KINDS)
    for kind, item in served.items():
        Draft202012Validator.check_schema(item["schema"])
        assert item["has_spec"] == (kind in SPECS)
        assert item["label"]


def _invalid_specs(kind: str) -> list[tuple[Any, str]]:
    """(spec, the error path the server must name) for each way a spec can be wrong."""
    valid = SPECS[kind]
    cases: list[tuple[Any, str]] = []
    for name in valid:
        missing = {k: v for k, v in valid.items() if k != name}
        cases.append((missing, f"spec.{name}"))
        cases.append(({**valid, name: None}, f"spec.{name}"))
    for name, value in valid.items():
        wrong = 123 if isinstance(value, str) else "four"
        cases.append(({**valid, name: wrong}, f"spec.{name}"))
        if isinstance(value, str):
            cases.append(({**valid, name: "   "}, f"spec.{name}"))
            cases.append(({**valid, name: ""}, f"spec.{name}"))
    if "threshold" in valid:
        cases += [
            ({**valid, "threshold": True}, "spec.threshold"),
            ({**valid, "threshold": [4]}, "spec.threshold"),
            ({**valid, "comparator": "=>"}, "spec.comparator"),
            ({**valid, "comparator": "=="}, "spec.comparator"),
            ({**valid, "window": "90 days"}, "spec.window"),
            ({**valid, "window": "P"}, "spec.window"),
            ({**valid, "window": "PT"}, "spec.window"),
            ({**valid, "window": "P1.5D"}, "spec.window"),
        ]
    if "min_duration" in valid:
        cases += [
            ({**valid, "min_duration": "3 months"}, "spec.min_duration"),
            ({**valid, "min_duration": "P-1D"}, "spec.min_duration"),
        ]
    cases += [
        ({**valid, "extra": "x"}, "spec.extra"),
        (None, "spec"),
        ("a string", "spec"),
        ([valid], "spec"),
        (42, "spec"),
        ({}, f"spec.{next(iter(valid))}"),
    ]
    return cases


SPEC_CASES = [
    pytest.param(kind, spec, path, id=f"{kind}-{i}-{path}")
    for kind in SPECS
    for i, (spec, path) in enumerate(_invalid_specs(kind))
]


def _create(drafting: Drafting, kind: str, spec: Any) -> Any:
    body: dict[str, Any] = {"kind": kind, "title": "A clause", "text": "Some prose."}
    body["spec"] = spec
    return client_for(drafting.world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/clauses/", body, format="json"
    )


@pytest.mark.parametrize("kind", list(SPECS))
def test_valid_example_spec_is_accepted_and_matches_the_served_schema(
    drafting: Drafting, kind: str
) -> None:
    schema = _served_schemas()[kind]["schema"]
    assert Draft202012Validator(schema).is_valid(SPECS[kind])
    response = _create(drafting, kind, SPECS[kind])
    assert response.status_code == 201, response.json()
    assert response.json()["spec"] == SPECS[kind]
    for variant in ({**SPECS[kind]},):
        if "threshold" in variant:
            for threshold in (0, -1, 2.5, 1e9):
                for comparator in (">=", ">", "<=", "<"):
                    for window in ("P90D", "P6M", "PT12H", "P1Y2M", "P2W", "PT0.5S"):
                        candidate = {
                            **variant,
                            "threshold": threshold,
                            "comparator": comparator,
                            "window": window,
                        }
                        assert Draft202012Validator(schema).is_valid(candidate), candidate
            response = _create(drafting, kind, {**variant, "threshold": 2.5, "window": "P1Y2M"})
            assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("kind", "spec", "path"), SPEC_CASES)
def test_invalid_spec_is_400_naming_the_path_and_the_served_schema_agrees(
    drafting: Drafting, kind: str, spec: Any, path: str
) -> None:
    schema = _served_schemas()[kind]["schema"]
    assert not Draft202012Validator(schema).is_valid(spec), spec
    before = Clause.objects.count()
    response = _create(drafting, kind, copy.deepcopy(spec))
    assert response.status_code == 400, response.json()
    body = response.json()
    assert path in body["errors"], body
    assert body["detail"]
    assert Clause.objects.count() == before


@pytest.mark.parametrize("kind", list(SPECS))
def test_bad_spec_is_refused_everywhere_a_spec_is_written(drafting: Drafting, kind: str) -> None:
    w = drafting.world
    organizer = client_for(w.organizer)
    created = _create(drafting, kind, SPECS[kind])
    clause_id = created.json()["id"]
    bad = {**SPECS[kind], "extra": 1}
    bad.pop(next(iter(SPECS[kind])))
    missing = f"spec.{next(iter(SPECS[kind]))}"
    responses = [
        organizer.patch(
            f"/api/v1/clauses/{clause_id}/", {"spec": bad, "rationale": "r"}, format="json"
        ),
        client_for(w.policymaker).post(
            f"/api/v1/clauses/{clause_id}/amendments/",
            {"text": "New.", "spec": bad, "rationale": "r"},
            format="json",
        ),
        client_for(w.policymaker).post(
            f"/api/v1/clauses/{clause_id}/alternatives/",
            {"text": "New.", "spec": bad},
            format="json",
        ),
    ]
    for response in responses:
        assert response.status_code == 400, response.json()
        assert {missing, "spec.extra"} <= set(response.json()["errors"]), response.json()
    assert _version_count(Clause.objects.get(pk=clause_id)) == 1


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in SPECS])
def test_kinds_without_a_spec_agree_with_their_served_schema(drafting: Drafting, kind: str) -> None:
    validator = Draft202012Validator(_served_schemas()[kind]["schema"])
    for spec in [None, {"metric": "x"}, [], "text", 0, False]:
        response = _create(drafting, kind, spec)
        assert (response.status_code == 201) == validator.is_valid(spec), (spec, response.json())
        if response.status_code == 400:
            assert "spec" in response.json()["errors"]
    absent = client_for(drafting.world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/clauses/",
        {"kind": kind, "title": "No spec", "text": "Prose."},
        format="json",
    )
    assert absent.status_code == 201 and absent.json()["spec"] is None


def test_empty_object_spec_on_a_kind_without_spec_agrees_with_the_served_schema(
    drafting: Drafting,
) -> None:
    validator = Draft202012Validator(_served_schemas()["general"]["schema"])
    response = _create(drafting, "general", {})
    assert (response.status_code == 201) == validator.is_valid({}), response.json()


# --- audit -----------------------------------------------------------------------------------
def test_every_change_appends_an_audit_event_and_the_chain_holds(drafting: Drafting) -> None:
    w = drafting.world
    organizer, author = client_for(w.organizer), client_for(w.policymaker)
    slug = drafting.framework.slug
    start = len(_audit_verbs(drafting))

    def step(expected_verb: str, response: Any) -> None:
        assert response.status_code in (200, 201), response.json()
        verbs = _audit_verbs(drafting)
        assert verbs[-1] == expected_verb
        nonlocal start
        assert len(verbs) == start + 1, verbs[start:]
        start = len(verbs)

    step(
        "framework.updated",
        organizer.patch(f"/api/v1/frameworks/{slug}/", {"preamble": "Whereas…"}, format="json"),
    )
    step(
        "clause.created",
        organizer.post(
            f"/api/v1/frameworks/{slug}/clauses/",
            {"kind": "general", "title": "G", "text": "T."},
            format="json",
        ),
    )
    step(
        "clause.revised",
        organizer.patch(
            f"/api/v1/clauses/{drafting.scope.pk}/",
            {"text": "Scope v2.", "rationale": "r"},
            format="json",
        ),
    )
    step(
        "clause.updated",
        organizer.patch(
            f"/api/v1/clauses/{drafting.scope.pk}/", {"title": "Scope!"}, format="json"
        ),
    )
    ids = list(
        Clause.objects.filter(framework=drafting.framework)
        .order_by("-position")
        .values_list("pk", flat=True)
    )
    step(
        "clauses.reordered",
        organizer.post(
            f"/api/v1/frameworks/{slug}/clauses/reorder/", {"order": ids}, format="json"
        ),
    )
    a1 = author.post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": "Scope v3.", "rationale": "r"},
        format="json",
    )
    step("amendment.proposed", a1)
    a2 = author.post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": "Scope v4.", "rationale": "r"},
        format="json",
    )
    step("amendment.proposed", a2)
    a3 = author.post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": "Scope v5.", "rationale": "r"},
        format="json",
    )
    step("amendment.proposed", a3)
    step(
        "amendment.accepted",
        organizer.post(f"/api/v1/amendments/{a1.json()['id']}/accept/", {}, format="json"),
    )
    step(
        "amendment.rebased",
        author.post(f"/api/v1/amendments/{a2.json()['id']}/rebase/", {}, format="json"),
    )
    step(
        "amendment.rejected",
        organizer.post(
            f"/api/v1/amendments/{a2.json()['id']}/reject/", {"reason": "No."}, format="json"
        ),
    )
    step(
        "amendment.withdrawn",
        author.post(f"/api/v1/amendments/{a3.json()['id']}/withdraw/", {}, format="json"),
    )
    alt_url = f"/api/v1/clauses/{drafting.trigger.pk}/alternatives/"
    b1 = author.post(alt_url, {"text": "Option A."}, format="json")
    step("alternative.proposed", b1)
    b2 = author.post(alt_url, {"text": "Option B."}, format="json")
    step("alternative.proposed", b2)
    b3 = author.post(alt_url, {"text": "Option C."}, format="json")
    step("alternative.proposed", b3)
    step(
        "alternative.withdrawn",
        author.post(f"/api/v1/alternatives/{b3.json()['id']}/withdraw/", {}, format="json"),
    )
    step(
        "clause.alternatives_resolved",
        organizer.post(
            f"/api/v1/clauses/{drafting.trigger.pk}/resolve/",
            {"alternative": b1.json()["id"], "reason": "r"},
            format="json",
        ),
    )
    step(
        "framework.transitioned",
        organizer.post(f"/api/v1/frameworks/{slug}/transition/", {"to": "voting"}, format="json"),
    )
    _chain_holds(drafting)


def test_refused_requests_append_no_audit_event(drafting: Drafting) -> None:
    w = drafting.world
    before = _audit_verbs(drafting)
    client_for(w.organizer).patch(
        f"/api/v1/clauses/{drafting.scope.pk}/", {"text": "No reason."}, format="json"
    )
    client_for(w.observer).post(
        f"/api/v1/clauses/{drafting.scope.pk}/amendments/",
        {"text": "x", "rationale": "r"},
        format="json",
    )
    client_for(w.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/",
        {"to": "published"},
        format="json",
    )
    assert _audit_verbs(drafting) == before
    _chain_holds(drafting)
