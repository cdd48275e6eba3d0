"""Status gates (issue 3, acceptance 5): what may happen to the text in each framework status.

The expectations are written out here rather than read from ``deliberation.text.gates`` so that a
change to the gates fails a test. Amendments and alternatives are proposed only in
consultation; nothing in the text changes once the framework is adopted. A refusal by status is
409 with a message naming the statuses in which the action is possible; a refusal by role is 403
whatever the status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.text import services
from tests.conftest import World, client_for, make_world
from tests.deliberation.conftest import framework_move, make_drafting

STATUSES = ["draft", "consultation", "voting", "adopted", "published", "withdrawn"]
EDITING = {"draft", "consultation"}

# action → (statuses in which it is allowed, roles that may do it at all)
GATES: dict[str, tuple[set[str], set[str]]] = {
    "edit_framework": (EDITING, {"organizer"}),
    "create_clause": (EDITING, {"organizer"}),
    "edit_clause_text": (EDITING, {"organizer"}),
    "reorder": (EDITING, {"organizer"}),
    "propose_amendment": ({"consultation"}, {"organizer", "policymaker"}),
    "accept_amendment": (EDITING, {"organizer"}),
    "reject_amendment": (EDITING, {"organizer"}),
    # Withdrawing one's own proposal stays possible while the text is still being decided.
    "withdraw_amendment": ({"draft", "consultation", "voting"}, {"policymaker"}),
    "propose_alternative": ({"consultation"}, {"organizer", "policymaker"}),
    "resolve": (EDITING, {"organizer"}),
}
ACTORS = ["observer", "policymaker", "organizer"]
SUCCESS = {"create_clause": 201, "propose_amendment": 201, "propose_alternative": 201}
TEXT_CHANGING = [
    "edit_framework",
    "create_clause",
    "edit_clause_text",
    "reorder",
    "accept_amendment",
    "resolve",
]

PATHS = {
    "draft": ["draft"],
    "consultation": [],
    "voting": ["voting"],
    "adopted": ["voting", "adopted"],
    "published": ["voting", "adopted", "published"],
    "withdrawn": ["withdrawn"],
}


@dataclass
class Scene:
    world: World
    framework: Framework
    scope: Clause
    trigger: Clause
    amendment: Amendment
    alternatives: list[Alternative]


def make_scene(status: str) -> Scene:
    """Proposals are made in consultation; then the framework moves to ``status``."""
    world = make_world()
    drafting = make_drafting(world, status="consultation")
    amendment = services.amendment_propose(
        actor=world.policymaker,
        clause=drafting.scope,
        text="This framework applies to frontier AI developers and their suppliers.",
        rationale="Supply chains matter.",
    )
    alternatives = [
        services.alternative_propose(actor=world.policymaker, clause=drafting.trigger, text=text)
        for text in (
            "A pause is triggered on any doubling.",
            "A pause is triggered on two doublings.",
        )
    ]
    framework = drafting.framework
    for to in PATHS[status]:
        framework = framework_move(actor=world.organizer, framework=framework, to=to)
    assert framework.status == status
    return Scene(world, framework, drafting.scope, drafting.trigger, amendment, alternatives)


def _request(scene: Scene, action: str) -> tuple[str, str, dict[str, Any]]:
    scope, trigger = scene.scope.pk, scene.trigger.pk
    return {
        "edit_framework": (
            "patch",
            f"/api/v1/frameworks/{scene.framework.slug}/",
            {"title": "Renamed"},
        ),
        "create_clause": (
            "post",
            f"/api/v1/frameworks/{scene.framework.slug}/clauses/",
            {"kind": "general", "title": "Entry into force", "text": "On signature."},
        ),
        "edit_clause_text": (
            "patch",
            f"/api/v1/clauses/{scope}/",
            {"text": "This framework applies to all frontier labs.", "rationale": "Plainer."},
        ),
        "reorder": (
            "post",
            f"/api/v1/frameworks/{scene.framework.slug}/clauses/reorder/",
            {"order": [trigger, scope]},
        ),
        "propose_amendment": (
            "post",
            f"/api/v1/clauses/{scope}/amendments/",
            {"text": "This framework applies to everyone.", "rationale": "Broader."},
        ),
        "accept_amendment": ("post", f"/api/v1/amendments/{scene.amendment.pk}/accept/", {}),
        "reject_amendment": (
            "post",
            f"/api/v1/amendments/{scene.amendment.pk}/reject/",
            {"reason": "No."},
        ),
        "withdraw_amendment": ("post", f"/api/v1/amendments/{scene.amendment.pk}/withdraw/", {}),
        "propose_alternative": (
            "post",
            f"/api/v1/clauses/{trigger}/alternatives/",
            {"text": "A pause is triggered on three doublings.", "rationale": "Looser."},
        ),
        "resolve": (
            "post",
            f"/api/v1/clauses/{trigger}/resolve/",
            {"alternative": scene.alternatives[0].pk, "reason": "Clearer."},
        ),
    }[action]


def _text_state() -> tuple[Any, ...]:
    return (
        list(Framework.objects.order_by("pk").values_list("title", "preamble", "status")),
        list(
            Clause.objects.order_by("pk").values_list(
                "pk", "position", "kind", "title", "text", "spec", "status"
            )
        ),
        list(ClauseVersion.objects.order_by("pk").values_list("pk", "hash")),
        list(Amendment.objects.order_by("pk").values_list("pk", "status")),
        list(Alternative.objects.order_by("pk").values_list("pk", "status")),
    )


def _expected(action: str, status: str, actor: str) -> int:
    statuses, roles = GATES[action]
    if actor not in roles:
        return 403
    if status not in statuses:
        return 409
    return SUCCESS.get(action, 200)


CASES = [
    pytest.param(status, action, actor, id=f"{status}-{action}-{actor}")
    for status in STATUSES
    for action in GATES
    for actor in ACTORS
]


@pytest.mark.parametrize(("status", "action", "actor"), CASES)
def test_status_gate(db: Any, status: str, action: str, actor: str) -> None:
    scene = make_scene(status)
    method, url, body = _request(scene, action)
    before = _text_state()
    response = getattr(client_for(scene.world.actor(actor)), method)(url, body, format="json")
    expected = _expected(action, status, actor)
    assert response.status_code == expected, (response.status_code, response.json())
    if expected == 409:
        detail = response.json()["detail"]
        for allowed in GATES[action][0]:
            assert allowed in detail, detail
        assert status in detail
        assert response.json()["errors"] == {} or isinstance(response.json()["errors"], dict)
    if expected >= 400:
        assert _text_state() == before


@pytest.mark.parametrize("status", ["adopted", "published", "withdrawn"])
def test_nothing_in_the_text_changes_after_adoption(db: Any, status: str) -> None:
    scene = make_scene(status)
    before = _text_state()
    organizer, author = client_for(scene.world.organizer), client_for(scene.world.policymaker)
    for action in [*TEXT_CHANGING, "propose_amendment", "propose_alternative"]:
        method, url, body = _request(scene, action)
        assert getattr(organizer, method)(url, body, format="json").status_code == 409, action
    method, url, body = _request(scene, "withdraw_amendment")
    assert getattr(author, method)(url, body, format="json").status_code == 409
    response = author.post(
        f"/api/v1/alternatives/{scene.alternatives[0].pk}/withdraw/", {}, format="json"
    )
    assert response.status_code == 409
    patch = organizer.patch(
        f"/api/v1/clauses/{scene.trigger.pk}/",
        {"spec": {"threshold": 3}, "rationale": "Tighter."},
        format="json",
    )
    assert patch.status_code in (400, 409)
    assert _text_state() == before


# --- transitions ---------------------------------------------------------------------------
TRANSITIONS = {
    "draft": {"consultation", "withdrawn"},
    "consultation": {"draft", "voting", "withdrawn"},
    # Adopted only through an adopted adopt_framework motion (tests/deliberation/voting).
    "voting": {"consultation", "withdrawn"},
    # Published only by publishing an edition (tests/deliberation/publishing).
    "adopted": set(),
    "published": set(),
    "withdrawn": set(),
}


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in STATUSES for t in STATUSES],
    ids=[f"{c}-to-{t}" for c in STATUSES for t in STATUSES],
)
def test_transition(db: Any, current: str, target: str) -> None:
    world = make_world()
    drafting = make_drafting(world, status=current)
    response = client_for(world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/", {"to": target}, format="json"
    )
    framework = Framework.objects.get(pk=drafting.framework.pk)
    if target in TRANSITIONS[current]:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target
        assert framework.status == target
        assert set(response.json()["allowed_transitions"]) == TRANSITIONS[target]
    else:
        assert response.status_code == 409, response.json()
        detail = response.json()["detail"]
        for allowed in TRANSITIONS[current]:
            assert allowed in detail, detail
        if not TRANSITIONS[current]:
            assert "none" in detail
        assert framework.status == current


def test_the_whole_lifecycle_through_the_api(db: Any) -> None:
    world = make_world()
    drafting = make_drafting(world, status="draft")
    organizer = client_for(world.organizer)
    url = f"/api/v1/frameworks/{drafting.framework.slug}/transition/"
    for target in ["consultation", "voting"]:
        response = organizer.post(url, {"to": target}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == target
    # A vote adopts the framework, not an organizer's transition.
    assert organizer.post(url, {"to": "adopted"}, format="json").status_code == 409


@pytest.mark.parametrize("to", ["", "finished", "DRAFT", None, 3, ["voting"]])
def test_transition_to_unknown_status_is_400(db: Any, to: Any) -> None:
    world = make_world()
    drafting = make_drafting(world)
    response = client_for(world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/", {"to": to}, format="json"
    )
    assert response.status_code == 400
    assert "to" in response.json()["errors"]
    assert Framework.objects.get(pk=drafting.framework.pk).status == "consultation"


def test_transition_is_audited(db: Any) -> None:
    world = make_world()
    drafting = make_drafting(world)
    client_for(world.organizer).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/", {"to": "voting"}, format="json"
    )
    events = (
        client_for(None)
        .get(f"/api/v1/convenings/{world.convening.slug}/audit/?page_size=200")
        .json()
    )
    last = events["results"][-1]
    assert last["verb"] == "framework.transitioned"
    assert last["payload"] == {"from": "consultation", "to": "voting"}


@pytest.mark.parametrize("status", ["voting", "adopted"])
def test_participant_cannot_transition(db: Any, status: str) -> None:
    world = make_world()
    drafting = make_drafting(world, status=status)
    response = client_for(world.policymaker).post(
        f"/api/v1/frameworks/{drafting.framework.slug}/transition/",
        {"to": "withdrawn"},
        format="json",
    )
    assert response.status_code == 403
