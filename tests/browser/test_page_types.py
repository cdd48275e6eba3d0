"""Every page type, as a visitor, a delegate and the organizer see it, at 1280 and 390 px wide:
axe-core finds no serious or critical violation and no control is under 24x24 px (issue 13,
acceptance 2). The demo supplies one of everything: a framework in consultation with comments,
amendments and options, a round, a published framework with its record.

``PAGES`` names every page of the site; ``test_every_page_is_swept`` fails when a page is added
to the URLs without being added here (or to ``NOT_PAGES`` with the reason)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from convene.management.commands.seed_demo import DEMO_PASSWORD
from convene.models import Convening
from deliberation.models import Amendment, Comment, Framework, VotingRound
from tests.browser.targets import check_target_sizes
from tests.browser.test_voting import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANIZER = "amara.okafor@example.org"
DELEGATE = "lena.hartmann@example.org"


@dataclass(frozen=True)
class Demo:
    """Where each page type lives in the seeded demo."""

    convening: str
    drafting: str
    published: str
    clause: int
    comment: int
    amendment: int
    round: int
    invitation: str


def _demo() -> Demo:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    # Tokens are not stored (only their hashes): the seed prints the open invitations' links.
    tokens = re.findall(r"/invitations/([^/\s]+)/", out.getvalue())
    assert tokens, out.getvalue()
    convening = Convening.objects.get(slug="global-ai-safety-brake")
    drafting = Framework.objects.filter(status=Framework.Status.CONSULTATION).first()
    published = Framework.objects.filter(status=Framework.Status.PUBLISHED).first()
    assert drafting is not None and published is not None
    amendment = Amendment.objects.filter(clause__framework=drafting).first()
    assert amendment is not None
    comment = Comment.objects.filter(clause=amendment.clause, parent=None).first()
    assert comment is not None
    round_ = VotingRound.objects.order_by("pk").first()
    assert round_ is not None
    return Demo(
        convening=convening.slug,
        drafting=drafting.slug,
        published=published.slug,
        clause=amendment.clause_id,
        comment=comment.pk,
        amendment=amendment.pk,
        round=round_.pk,
        invitation=tokens[0],
    )


VISITOR, DELEGATE_ROLE, ORGANIZER_ROLE = "visitor", "delegate", "organizer"
EVERYONE = (VISITOR, DELEGATE_ROLE, ORGANIZER_ROLE)
MEMBERS = (DELEGATE_ROLE, ORGANIZER_ROLE)
ORGANIZERS = (ORGANIZER_ROLE,)

# url name → (who sees it, its address in the demo)
PAGES: dict[str, tuple[tuple[str, ...], Callable[[Demo], str]]] = {
    "home": (EVERYONE, lambda d: "/"),
    "api_guide": ((VISITOR,), lambda d: "/api/v1/guide/"),
    "search": ((VISITOR,), lambda d: "/search/?q=threshold"),
    "convening_new": (ORGANIZERS, lambda d: "/c/new/"),
    "convening_detail": (EVERYONE, lambda d: f"/c/{d.convening}/"),
    "members": (ORGANIZERS, lambda d: f"/c/{d.convening}/members/"),
    # Members see each other's pages only when the convening attributes by name; organizers do.
    "member_page": (ORGANIZERS, lambda d: f"/c/{d.convening}/members/@lena-hartmann/"),
    "invitation_accept": ((VISITOR,), lambda d: f"/invitations/{d.invitation}/"),
    "account": ((DELEGATE_ROLE,), lambda d: "/account/"),
    "api_tokens": ((DELEGATE_ROLE,), lambda d: "/account/tokens/"),
    "notification_settings": ((DELEGATE_ROLE,), lambda d: "/account/notifications/"),
    "inbox": (MEMBERS, lambda d: "/inbox/"),
    "attention": (MEMBERS, lambda d: "/inbox/attention/"),
    "framework_new": (ORGANIZERS, lambda d: f"/c/{d.convening}/frameworks/new/"),
    "framework_detail": (EVERYONE, lambda d: f"/f/{d.drafting}/"),
    "framework_edit": (ORGANIZERS, lambda d: f"/f/{d.drafting}/edit/"),
    "framework_reading": (EVERYONE, lambda d: f"/f/{d.drafting}/read/"),
    "clause_new": (ORGANIZERS, lambda d: f"/f/{d.drafting}/clauses/new/"),
    "clause_detail": (EVERYONE, lambda d: f"/clauses/{d.clause}/"),
    "clause_edit": (ORGANIZERS, lambda d: f"/clauses/{d.clause}/edit/"),
    "clause_history": (EVERYONE, lambda d: f"/clauses/{d.clause}/history/"),
    "amendment_new": ((DELEGATE_ROLE,), lambda d: f"/clauses/{d.clause}/amendments/new/"),
    "alternative_new": (ORGANIZERS, lambda d: f"/clauses/{d.clause}/alternatives/new/"),
    "clause_comments": (EVERYONE, lambda d: f"/clauses/{d.clause}/comments/"),
    "comment_thread": (EVERYONE, lambda d: f"/comments/{d.comment}/thread/"),
    # An action's form on its own page (what a disclosure links to without JavaScript).
    "comment_action_form": (
        ORGANIZERS,
        lambda d: f"/comments/{d.comment}/forms/disposition/?next=/clauses/{d.clause}/comments/",
    ),
    "comment_moderation": (ORGANIZERS, lambda d: f"/f/{d.drafting}/moderation/"),
    "comment_dispositions": (ORGANIZERS, lambda d: f"/f/{d.drafting}/dispositions/"),
    "round_list": (MEMBERS, lambda d: f"/f/{d.drafting}/rounds/"),
    "round_new": (ORGANIZERS, lambda d: f"/f/{d.drafting}/rounds/new/"),
    "round_detail": (MEMBERS, lambda d: f"/rounds/{d.round}/"),
    "round_results": (EVERYONE, lambda d: f"/rounds/{d.round}/results/"),
    "round_record": (EVERYONE, lambda d: f"/rounds/{d.round}/record/"),
    "reader": (EVERYONE, lambda d: f"/frameworks/{d.published}/"),
    "reader_edition": ((VISITOR,), lambda d: f"/frameworks/{d.published}/editions/1/"),
    "public_history": (EVERYONE, lambda d: f"/frameworks/{d.published}/history/"),
    "public_history_edition": (
        (VISITOR,),
        lambda d: f"/frameworks/{d.published}/editions/1/history/",
    ),
    "public_clause_history": (
        (VISITOR,),
        lambda d: f"/frameworks/{d.published}/clauses/1/history/",
    ),
    "public_clause_history_edition": (
        (VISITOR,),
        lambda d: f"/frameworks/{d.published}/editions/1/clauses/1/history/",
    ),
}

# The sign-in library's pages, in the site's layout (frontend/templates/allauth).
ACCOUNT_PAGES: dict[str, tuple[tuple[str, ...], Callable[[Demo], str]]] = {
    "account_login": ((VISITOR,), lambda d: "/accounts/login/"),
    "account_signup": ((VISITOR,), lambda d: "/accounts/signup/"),
    "account_reset_password": ((VISITOR,), lambda d: "/accounts/password/reset/"),
    "account_change_password": ((DELEGATE_ROLE,), lambda d: "/accounts/password/change/"),
    "account_email": ((DELEGATE_ROLE,), lambda d: "/accounts/email/"),
}

# Named URLs that are not pages of their own: actions (POST), fragments, feeds, files, links.
NOT_PAGES = {
    # POST actions: their refusals render the page they were sent from.
    *[
        "invitation_create",
        "member_update",
        "member_remove",
        "invitation_revoke",
        "inbox_mark_read",
    ],
    *["api_token_revoke", "framework_transition", "clause_reorder", "alternatives_resolve"],
    *["alternative_withdraw", "amendment_accept", "amendment_reject", "amendment_withdraw"],
    *["amendment_rebase", "clause_follow", "framework_follow", "comment_reply", "comment_edit"],
    *["comment_delete", "comment_react", "comment_flag", "comment_moderate", "comment_disposition"],
    *["comment_flags_dismiss", "round_open", "round_close", "round_cancel", "ballot_cast"],
    "organization_create",
    # Fragments fetched by pages (htmx, autocomplete) and redirects.
    "member_row",
    "member_handles",
    "inbox_badge",
    "inbox_open",
    "comment_link",
    "round_rule_explained",
    # Feeds and downloads, not HTML; the unsubscribe page needs a signed token from a mail and
    # is checked in tests/browser/test_inbox.py.
    "feed_published",
    "feed_convening",
    "reader_export",
    "reader_edition_export",
    "notifications_unsubscribe",
}


def _frontend_names() -> set[str]:
    def walk(resolver: URLResolver) -> set[str]:
        names: set[str] = set()
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                names |= walk(entry)
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and entry.callback.__module__.startswith("frontend.")
            ):
                names.add(entry.name)
        return names

    return walk(get_resolver())


def test_every_page_is_swept() -> None:
    for name, (_, address) in ACCOUNT_PAGES.items():
        assert reverse(name) == address(None)  # type: ignore[arg-type]
    names = _frontend_names()
    assert names - PAGES.keys() - NOT_PAGES == set(), "add the new page to PAGES"
    assert PAGES.keys() - names == set(), "PAGES names a URL that no longer exists"


def _sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def _sweep(page: Any, role: str, demo: Demo, found: dict[str, list[str]], small: list[str]) -> None:
    for name, (roles, address) in (PAGES | ACCOUNT_PAGES).items():
        if role not in roles:
            continue
        url = address(demo)
        response = page.goto(url)
        assert response is not None and response.status == 200, (role, url, response)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            check_axe(page, f"{role} {name}@{width}", found)
            check_target_sizes(page, f"{role} {name}@{width}", small)


@pytest.mark.parametrize("role", EVERYONE)
def test_every_page_type_passes_axe_and_the_target_size_check(role: str, browser_page: Any) -> None:
    page, problems = browser_page
    demo = _demo()
    if role == DELEGATE_ROLE:
        _sign_in(page, DELEGATE)
    elif role == ORGANIZER_ROLE:
        _sign_in(page, ORGANIZER)
    found: dict[str, list[str]] = {}
    small: list[str] = []
    _sweep(page, role, demo, found, small)
    assert found == {}
    assert small == []
    assert problems == []
