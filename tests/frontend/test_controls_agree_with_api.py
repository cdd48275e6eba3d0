"""Every control a page draws agrees with the API (issue 7, acceptance point 2).

For each framework status one scene is built: a framework with two clauses, amendments,
alternatives and comments written while it was in consultation, then the framework is moved to
the status. For every actor and every action, the page's control (found by the URL its form
posts to or its link opens) must be drawn if and only if the API call for the same action
answers 2xx. Each API call runs in a savepoint that is rolled back, so no cell leaks into the
next. The pages: the framework workspace, the clause page, the clause's comments page, each
comment's thread page and the moderation queue; an acting control drawn on one of them that the
table does not cover fails the test too.

The author dimension: the amendments, one alternative and three comments are the policymaker's,
so author-only actions are allowed to the policymaker alone; the other alternative and two
comments are written by the industry delegate (not an actor here), one of them already flagged
by every member actor.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, NamedTuple

import pytest
from django.db import transaction

from deliberation.discussion import services as discussion_services
from deliberation.models import (
    Alternative,
    Amendment,
    Clause,
    Comment,
    Disposition,
    Framework,
    Reaction,
)
from deliberation.text import services as text_services
from tests.conftest import ACTORS, World, clear_cache, client_for, make_world
from tests.deliberation.conftest import Drafting, framework_move, make_drafting
from tests.frontend.conftest import page_client

STATUSES = ["draft", "consultation", "voting", "adopted", "published", "withdrawn"]
# From consultation (where everything is written) to each status, by allowed transitions.
PATHS = {
    "draft": ["draft"],
    "consultation": [],
    "voting": ["voting"],
    "adopted": ["voting", "adopted"],
    "published": ["voting", "adopted", "published"],
    "withdrawn": ["withdrawn"],
}
# What a refusal may answer; anything else (400 above all) means the test's request is wrong.
REFUSALS = {401, 403, 404, 409}
# URLs of controls that act; a page drawing one the table does not model fails the test.
ACTING_URL = re.compile(
    r"^/(?:"
    r"f/[\w-]+/(?:edit|clauses/new|reorder|transition)/"
    r"|clauses/\d+/(?:edit|amendments/new|alternatives/new|resolve|comments)/"
    r"|amendments/\d+/(?:accept|reject|withdraw|rebase)/"
    r"|alternatives/\d+/withdraw/"
    r"|comments/\d+/(?:reply|edit|delete|react|flag|moderate|disposition)/"
    r"|comments/\d+/forms/(?:reply|edit|delete|flag|moderate|disposition)/"
    r")$"
)
# A comment's action is drawn as a link to its form (loaded when its disclosure opens).
FORM_LINK = re.compile(r"^/comments/\d+/forms/[a-z]+/$")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


# --- finding the controls on a page ----------------------------------------------------------
class Control(NamedTuple):
    kind: str  # "form": a POST form, by its action; "link": an <a>, by its href
    url: str
    to: str = ""  # a transition form's hidden "to"


class ControlParser(HTMLParser):
    """Collects every link and every POST form (with a transition's target) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: set[Control] = set()
        self._form: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            # Without its query: a form link carries where to come back to.
            self.controls.add(Control("link", attributes["href"].split("?", 1)[0]))
        elif tag == "form" and attributes.get("method", "").lower() == "post":
            self._form = {"action": attributes.get("action", ""), "to": ""}
        elif tag == "input" and self._form is not None and attributes.get("name") == "to":
            self._form["to"] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.controls.add(Control("form", self._form["action"], self._form["to"]))
            self._form = None


def controls_in(html: str) -> set[Control]:
    parser = ControlParser()
    parser.feed(html)
    parser.close()
    return parser.controls


def acting(controls: set[Control]) -> set[Control]:
    """The controls that act (forms that post, links to edit and propose pages)."""
    return {
        c
        for c in controls
        if ACTING_URL.match(c.url)
        and (c.kind == "form" or c.url.endswith(("/edit/", "/new/")) or FORM_LINK.match(c.url))
    }


def page_controls(client: Any, url: str) -> set[Control]:
    """What the page draws for this client; a page it may not open draws nothing."""
    response = client.get(url)
    assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
    if response.status_code != 200:
        return set()
    return controls_in(response.content.decode())


# --- the scene ---------------------------------------------------------------------------------
@dataclass
class Scene:
    world: World
    drafting: Drafting
    clause: Clause
    amendments: dict[str, Amendment]  # "current" and "stale" (written before a revision)
    alternatives: dict[str, Alternative]  # "own" (the policymaker's) and "theirs"
    comments: dict[str, Comment]  # by state, see make_scene

    @property
    def framework(self) -> Framework:
        return self.drafting.framework


def _post(user: Any, clause: Clause, body: str) -> Comment:
    return discussion_services.comment_post(
        actor=user, clause=Clause.objects.get(pk=clause.pk), body=body
    )


def _comments(world: World, clause: Clause) -> dict[str, Comment]:
    """Three of the policymaker's comments (visible, hidden, deleted) and two of industry's
    (one flagged by every member actor)."""
    author = world.policymaker
    comments = {
        "visible": _post(author, clause, "The threshold is too loose."),
        "hidden": _post(author, clause, "Off-topic remark."),
        "deleted": _post(author, clause, "Second thoughts."),
        "theirs": _post(world.industry, clause, "The threshold is too tight."),
        "flagged": _post(world.industry, clause, "A remark others object to."),
    }
    discussion_services.comment_moderate(
        actor=world.organizer, comment=comments["hidden"], action="hide", reason="Off-topic."
    )
    discussion_services.comment_delete(actor=author, comment=comments["deleted"])
    for user in (world.observer, world.policymaker, world.organizer):
        discussion_services.comment_flag(actor=user, comment=comments["flagged"], reason="Check.")
    return {state: Comment.objects.get(pk=c.pk) for state, c in comments.items()}


def make_scene(status: str, *, visibility: str = "public") -> Scene:
    world = make_world(visibility=visibility)
    drafting = make_drafting(world)
    clause = drafting.trigger
    author, organizer = world.policymaker, world.organizer
    stale = text_services.amendment_propose(
        actor=author, clause=clause, text="Written against version 1.", rationale="Earlier."
    )
    text_services.clause_update(
        actor=organizer, clause=clause, text="Revised by the organizers.", rationale="Tighter."
    )
    clause = Clause.objects.get(pk=clause.pk)
    current = text_services.amendment_propose(
        actor=author, clause=clause, text="Written against version 2.", rationale="Clearer."
    )
    own = text_services.alternative_propose(actor=author, clause=clause, text="Option one.")
    theirs = text_services.alternative_propose(actor=world.industry, clause=clause, text="Two.")
    comments = _comments(world, clause)
    framework = drafting.framework
    for to in PATHS[status]:
        framework = framework_move(actor=organizer, framework=framework, to=to)
    drafting.framework = framework
    assert framework.status == status
    return Scene(
        world=world,
        drafting=drafting,
        clause=Clause.objects.get(pk=clause.pk),
        amendments={"current": current, "stale": stale},
        alternatives={"own": own, "theirs": theirs},
        comments=comments,
    )


# --- the table: each action, where its control is, and its API call --------------------------
@dataclass(frozen=True)
class Call:
    method: str
    url: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Action:
    name: str
    control: Control
    pages: tuple[str, ...]  # names of the pages that draw the control (see page_urls)
    call: Call


def page_urls(scene: Scene) -> dict[str, str]:
    slug, clause = scene.framework.slug, scene.clause.pk
    return {
        "workspace": f"/f/{slug}/",
        "clause": f"/clauses/{clause}/",
        "comments": f"/clauses/{clause}/comments/",
        "queue": f"/f/{slug}/moderation/",
        **{f"thread:{state}": f"/comments/{c.pk}/thread/" for state, c in scene.comments.items()},
    }


def framework_actions(scene: Scene) -> list[Action]:
    slug = scene.framework.slug
    api = f"/api/v1/frameworks/{slug}"
    order = [scene.drafting.trigger.pk, scene.drafting.scope.pk]
    new_clause = {"kind": "general", "title": "Reporting", "text": "Developers report."}
    actions = [
        Action(
            "edit framework",
            Control("link", f"/f/{slug}/edit/"),
            ("workspace",),
            Call("patch", f"{api}/", {"title": "Renamed framework"}),
        ),
        Action(
            "add clause",
            Control("link", f"/f/{slug}/clauses/new/"),
            ("workspace",),
            Call("post", f"{api}/clauses/", new_clause),
        ),
        Action(
            "reorder clauses",
            Control("form", f"/f/{slug}/reorder/"),
            ("workspace",),
            Call("post", f"{api}/clauses/reorder/", {"order": order}),
        ),
    ]
    actions += [
        Action(
            f"transition to {to}",
            Control("form", f"/f/{slug}/transition/", to),
            ("workspace",),
            Call("post", f"{api}/transition/", {"to": to}),
        )
        for to in STATUSES
    ]
    return actions


def clause_actions(scene: Scene) -> list[Action]:
    clause = scene.clause.pk
    api = f"/api/v1/clauses/{clause}"
    text = {"text": "A pause starts at a three-month doubling.", "rationale": "Stricter."}
    own = scene.alternatives["own"].pk
    return [
        Action(
            "edit clause",
            Control("link", f"/clauses/{clause}/edit/"),
            ("clause",),
            Call("patch", f"{api}/", {"title": "Renamed clause"}),
        ),
        Action(
            "propose amendment",
            Control("link", f"/clauses/{clause}/amendments/new/"),
            ("clause",),
            Call("post", f"{api}/amendments/", text),
        ),
        Action(
            "propose alternative",
            Control("link", f"/clauses/{clause}/alternatives/new/"),
            ("clause",),
            Call("post", f"{api}/alternatives/", text),
        ),
        Action(
            "resolve brackets",
            Control("form", f"/clauses/{clause}/resolve/"),
            ("clause",),
            Call("post", f"{api}/resolve/", {"alternative": own, "reason": "Clearer."}),
        ),
        Action(
            "post comment",
            Control("form", f"/clauses/{clause}/comments/"),
            ("clause", "comments"),
            Call("post", f"{api}/comments/", {"body": "A new point."}),
        ),
    ]


AMENDMENT_CALLS: dict[str, dict[str, Any]] = {
    "accept": {"reason": ""},
    "reject": {"reason": "Out of scope."},
    "withdraw": {},
    "rebase": {},
}


def proposal_actions(scene: Scene) -> list[Action]:
    actions = [
        Action(
            f"{verb} {state} amendment",
            Control("form", f"/amendments/{amendment.pk}/{verb}/"),
            ("clause",),
            Call("post", f"/api/v1/amendments/{amendment.pk}/{verb}/", body),
        )
        for state, amendment in scene.amendments.items()
        for verb, body in AMENDMENT_CALLS.items()
    ]
    actions += [
        Action(
            f"withdraw {whose} alternative",
            Control("form", f"/alternatives/{alternative.pk}/withdraw/"),
            ("clause",),
            Call("post", f"/api/v1/alternatives/{alternative.pk}/withdraw/", {}),
        )
        for whose, alternative in scene.alternatives.items()
    ]
    return actions


def _comment_calls(scene: Scene, comment: Comment) -> dict[str, Call]:
    api = f"/api/v1/comments/{comment.pk}"
    moderation = "restore" if comment.status == Comment.Status.HIDDEN else "hide"
    reply = {"body": "A reply.", "parent": comment.pk}
    return {
        "reply": Call("post", f"/api/v1/clauses/{scene.clause.pk}/comments/", reply),
        "edit": Call("patch", f"{api}/", {"body": "Edited."}),
        "delete": Call("delete", f"{api}/"),
        "react": Call("put", f"{api}/reaction/", {"stance": "agree"}),
        "flag": Call("post", f"{api}/flag/", {"reason": "Please check."}),
        "moderate": Call("post", f"{api}/moderate/", {"action": moderation, "reason": "Noted."}),
        "disposition": Call("put", f"{api}/disposition/", {"outcome": "noted", "response": "Ok."}),
    }


# The moderation queue lists hidden comments and those with open flags.
IN_QUEUE = {"hidden", "flagged"}


def discussion_actions(scene: Scene) -> list[Action]:
    actions = []
    for state, comment in scene.comments.items():
        for verb, call in _comment_calls(scene, comment).items():
            pages: tuple[str, ...] = ("clause", "comments", f"thread:{state}")
            form = Control("form", f"/comments/{comment.pk}/{verb}/")
            # A reaction is a form on the page; every other action a link to its form.
            link = Control("link", f"/comments/{comment.pk}/forms/{verb}/")
            control = form if verb == "react" else link
            actions.append(Action(f"{verb} {state} comment", control, pages, call))
            if verb == "moderate" and state in IN_QUEUE:  # the queue's own forms
                actions.append(Action(f"{verb} {state} comment (queue)", form, ("queue",), call))
    return actions


def actions_for(scene: Scene) -> list[Action]:
    return [
        *framework_actions(scene),
        *clause_actions(scene),
        *proposal_actions(scene),
        *discussion_actions(scene),
    ]


# --- asking the API, comparing --------------------------------------------------------------
def ask_api(client: Any, call: Call) -> tuple[int, str]:
    """The API's answer to ``call`` (status and message), with everything it wrote undone."""
    with transaction.atomic():
        response = getattr(client, call.method)(call.url, call.body, format="json")
        transaction.set_rollback(True)
    detail = ""
    if response.status_code >= 300 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        payload = response.json()
        detail = f"{payload.get('detail', '')} {payload.get('errors') or ''}".strip()
    return response.status_code, detail


@dataclass(frozen=True)
class Cell:
    status: str
    actor: str
    action: str
    page: str
    shown: bool
    api: int
    detail: str = ""

    @property
    def allowed(self) -> bool:
        return 200 <= self.api < 300

    @property
    def agrees(self) -> bool:
        return self.shown == self.allowed

    def __str__(self) -> str:
        drawn = "shown" if self.shown else "absent"
        return (
            f"{self.status:<20} {self.actor:<15} {self.action:<30} {self.page:<16} page: "
            f"{drawn:<6} API: {self.api} {self.detail}".rstrip()
        )


def disagreements(cells: list[Cell]) -> list[Cell]:
    return [cell for cell in cells if not cell.agrees]


def report(title: str, cells: list[Cell]) -> str:
    return "\n".join([f"{title} ({len(cells)}):", *(f"  {cell}" for cell in cells)])


@dataclass
class Survey:
    cells: list[Cell]
    # (actor, page, control): drawn on a page, but no action of the table is about it.
    unmodeled: list[tuple[str, str, Control]]


def survey(scene: Scene) -> Survey:
    status = scene.framework.status + ("" if scene.world.convening.is_public else "/private")
    actions = actions_for(scene)
    urls = page_urls(scene)
    modeled = {(page, a.control) for a in actions for page in a.pages}
    cells: list[Cell] = []
    unmodeled = []
    for actor in ACTORS:
        user = scene.world.actor(actor)
        browser = page_client(user)
        drawn = {page: page_controls(browser, url) for page, url in urls.items()}
        unmodeled += [
            (actor, page, control)
            for page, controls in drawn.items()
            for control in sorted(acting(controls))
            if (page, control) not in modeled
        ]
        api = client_for(user)
        for action in actions:
            code, detail = ask_api(api, action.call)
            cells += [
                Cell(status, actor, action.name, page, action.control in drawn[page], code, detail)
                for page in action.pages
            ]
    return Survey(cells, unmodeled)


def snapshot(scene: Scene) -> tuple[Any, ...]:
    """What the API calls could change; equal before and after a survey when nothing leaked."""
    framework = Framework.objects.get(pk=scene.framework.pk)
    clauses = Clause.objects.filter(framework=framework).order_by("pk")
    return (
        framework.status,
        framework.title,
        list(clauses.values_list("title", "position", "status", "current_version_id")),
        list(Amendment.objects.order_by("pk").values_list("status", "base_version_id")),
        list(Alternative.objects.order_by("pk").values_list("status")),
        list(Comment.objects.order_by("pk").values_list("status", "body", "flag_count")),
        Reaction.objects.count(),
        Disposition.objects.count(),
    )


# --- the tests ----------------------------------------------------------------------------------
# Every status on a public convening; a private one adds the 404s of non-members.
SCENES = [pytest.param(s, "public", id=s) for s in STATUSES] + [
    pytest.param("consultation", "private", id="consultation-private")
]


@pytest.mark.parametrize(("status", "visibility"), SCENES)
def test_every_control_is_drawn_exactly_when_the_api_allows_it(
    db: Any, status: str, visibility: str
) -> None:
    started = time.monotonic()
    scene = make_scene(status, visibility=visibility)
    before = snapshot(scene)
    result = survey(scene)
    assert snapshot(scene) == before, "an API call was not rolled back"
    malformed = [c for c in result.cells if not c.allowed and c.api not in REFUSALS]
    assert not malformed, report("API answers that are neither success nor refusal", malformed)
    assert not result.unmodeled, "Controls the table does not cover:\n" + "\n".join(
        f"  {actor} {page} {control}" for actor, page, control in result.unmodeled
    )
    # Some of each, so the comparison is not vacuous: the author may always delete their
    # visible comment and organizers may always moderate it.
    assert any(c.allowed for c in result.cells) and not all(c.allowed for c in result.cells)
    drift = disagreements(result.cells)
    assert not drift, report(
        f"Page and API disagree, {len(result.cells)} cells in {time.monotonic() - started:.1f}s",
        drift,
    )


def test_detector_finds_drawn_controls_and_misses_absent_ones(db: Any) -> None:
    scene = make_scene("consultation")
    world, visible = scene.world, scene.comments["visible"]
    clause_page, workspace = f"/clauses/{scene.clause.pk}/", f"/f/{scene.framework.slug}/"
    moderate = Control("link", f"/comments/{visible.pk}/forms/moderate/")
    transition = f"/f/{scene.framework.slug}/transition/"

    organizer = page_controls(page_client(world.organizer), clause_page)
    observer = page_controls(page_client(world.observer), clause_page)
    assert moderate in organizer and moderate in acting(organizer)
    assert moderate not in observer
    steps = page_controls(page_client(world.organizer), workspace)
    assert Control("form", transition, "voting") in steps
    assert Control("form", transition, "published") not in steps
    assert page_controls(page_client(None), f"/f/{scene.framework.slug}/moderation/") == set()


@pytest.mark.parametrize(
    ("shown", "api", "agrees"),
    [
        (True, 200, True),
        (True, 201, True),
        (False, 403, True),
        (False, 409, True),
        (True, 403, False),
        (True, 409, False),
        (False, 200, False),
        (False, 201, False),
    ],
)
def test_a_cell_agrees_only_when_drawn_exactly_when_allowed(
    shown: bool, api: int, agrees: bool
) -> None:
    cell = Cell("voting", "observer", "flag visible comment", "clause", shown, api, "Why.")
    assert cell.agrees is agrees
    assert disagreements([cell]) == ([] if agrees else [cell])
    assert "observer" in str(cell) and str(api) in str(cell) and "flag visible" in str(cell)
