"""Acceptance 2, the pages: hostile comment bodies, quotes, reasons and responses, and hostile
display names and organization names, rendered in real Chromium. No dialog may fire, no
element with id "pwned" may exist, no script but the site's own static files may be in the
DOM, no element may carry an event-handler attribute, and the Content-Security-Policy must
have had nothing to block (a blocked injection shows up as a console error)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest

from convene import services as people
from convene.models import Organization, Role, User
from deliberation.discussion import services as discussion_services
from deliberation.models import Clause, Comment, Framework
from deliberation.text import services as text_services
from tests.browser.test_acceptance import sign_in
from tests.conftest import World, clear_cache
from tests.deliberation.conftest import make_drafting
from tests.factories import OrganizationFactory, UserFactory
from tests.hostile import HOSTILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = ["policymaker", "industry", "civil_society"]
# Quoted in the clause text, so anchors (and their marks) carry hostile text too.
HOSTILE_QUOTES = ['"><img src=x onerror=alert(1) id=pwned>', "<script>alert(1)</script>"]
CLAUSE_TEXT = (
    "The panel decides. " + HOSTILE_QUOTES[0] + " Then it publishes.\n\n"
    "Second paragraph with " + HOSTILE_QUOTES[1] + " inside it."
)

INSPECT = """() => {
  const scripts = Array.from(document.scripts).map((s) => s.getAttribute("src") || "INLINE");
  const handlers = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith("on")) {
        handlers.push(element.tagName + " " + attribute.name);
      }
    }
  }
  const links = Array.from(document.querySelectorAll("[href], [src], [action], [formaction]"))
    .map((e) => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action")
      || e.getAttribute("formaction") || "")
    .filter((url) => /^(javascript|data|vbscript):/i.test(url.replace(/[\\u0000-\\u0020]/g, "")));
  return {
    pwned: document.getElementById("pwned") !== null,
    scripts: scripts,
    handlers: handlers,
    links: links,
    frames: document.querySelectorAll("iframe, object, embed, frame").length,
  };
}"""


@dataclass
class HostileScene:
    world: World
    framework: Framework
    clause: Clause
    first: Comment


@pytest.fixture(autouse=True)
def _big_pages(monkeypatch: Any) -> Iterator[None]:
    # Every hostile comment on one page of the thread.
    monkeypatch.setattr("deliberation.discussion.selectors.THREADS_PER_PAGE", 500)
    clear_cache()
    yield


def hostile_people(world: World, count: int) -> list[User]:
    """Members whose display names and organizations' names are hostile."""
    users = []
    for n, payload in enumerate(HOSTILE[:count]):
        org = cast(Organization, OrganizationFactory(name=f"{payload[:190]} {n}", country="FR"))
        user = cast(
            User,
            UserFactory(
                email=f"hostile{n}@example.org", display_name=payload[:120], handle=f"hostile-{n}"
            ),
        )
        people.member_add(
            actor=world.organizer,
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group=GROUPS[n % 3],
            organization=org,
        )
        users.append(user)
    return users


def make_scene(world: World) -> HostileScene:
    drafting = make_drafting(world)
    clause = text_services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Adjudication <script>alert(1)</script>",
        text=CLAUSE_TEXT,
    )
    authors = hostile_people(world, 20)
    comments = []
    for n, body in enumerate(HOSTILE):
        anchor = None
        if n < len(HOSTILE_QUOTES):
            anchor = {"paragraph": n, "quote": HOSTILE_QUOTES[n]}
        comments.append(
            discussion_services.comment_post(
                actor=authors[n % len(authors)], clause=clause, body=body, anchor=anchor
            )
        )
    first = comments[0]
    for n, comment in enumerate(comments[:12]):
        discussion_services.comment_post(
            actor=world.industry, clause=clause, body=HOSTILE[-n - 1], parent_id=comment.pk
        )
        discussion_services.reaction_set(actor=world.industry, comment=comment, stance="agree")
        discussion_services.comment_flag(
            actor=world.civil_society, comment=comment, reason=HOSTILE[n][:500]
        )
        discussion_services.disposition_set(
            actor=world.organizer, comment=comment, outcome="noted", response=HOSTILE[n + 12]
        )
    for n, comment in enumerate(comments[12:18]):
        discussion_services.comment_moderate(
            actor=world.organizer, comment=comment, action="hide", reason=HOSTILE[n + 24][:500]
        )
    return HostileScene(world, drafting.framework, clause, first)


def assert_page_is_inert(page: Any, path: str, dialogs: list[str], problems: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("load")
    # Give deferred scripts and anything that might have been injected time to run.
    page.wait_for_timeout(150)
    found = page.evaluate(INSPECT)
    assert dialogs == [], f"{path}: dialogs {dialogs}"
    assert not found["pwned"], f"{path}: an element with id pwned exists"
    assert found["handlers"] == [], f"{path}: {found['handlers'][:5]}"
    assert found["links"] == [], f"{path}: {found['links'][:5]}"
    assert found["frames"] == 0, path
    for src in found["scripts"]:
        assert src.startswith("/static/"), f"{path}: script {src!r}"
    assert problems == [], f"{path}: {problems}"


PAGES = [
    "/clauses/{clause}/comments/",
    "/comments/{first}/thread/",
    "/f/{slug}/dispositions/",
    "/f/{slug}/moderation/",
    "/c/{convening}/",
    "/c/{convening}/members/",
]


@pytest.fixture
def scene(world: World) -> HostileScene:
    return make_scene(world)


@pytest.mark.parametrize("actor", ["organizer", "policymaker", "anonymous"])
def test_hostile_text_is_inert_on_every_page(
    scene: HostileScene, browser_page: Any, actor: str
) -> None:
    page, problems = browser_page
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    if actor != "anonymous":
        sign_in(page, getattr(scene.world, actor).email)
    values = {
        "clause": scene.clause.pk,
        "first": scene.first.pk,
        "slug": scene.framework.slug,
        "convening": scene.world.convening.slug,
    }
    for path in PAGES:
        if actor != "organizer" and ("moderation" in path or "members" in path):
            continue
        assert_page_is_inert(page, path.format(**values), dialogs, problems)
    # The hostile text is there, escaped: the thread shows every comment.
    page.goto(f"/clauses/{scene.clause.pk}/comments/")
    assert page.locator(".thread > article.comment").count() == len(HOSTILE)
    assert page.locator("#clause-text mark.anchor-mark").count() >= len(HOSTILE_QUOTES)
    if actor != "anonymous":
        # Expand everything (hidden texts, forms) and hover the marks: still nothing runs.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        page.locator("#clause-text mark.anchor-mark").first.hover()
        page.wait_for_timeout(100)
        assert dialogs == [] and page.evaluate("document.getElementById('pwned')") is None
    assert problems == [], problems
