"""Issue 8, point 9: control and bidirectional characters in single-line fields.

A convening title with "\\r\\nBcc: …" was accepted and broke the invitation mail after commit;
"\\u202e" in a title reversed the text around it on the page. Titles, names, slugs and short
reasons now refuse control characters, line separators and bidirectional overrides/isolates,
with a 400 naming the field, on the API and on the pages alike; and pages isolate user text in
``<bdi>`` so that anything already stored cannot reorder what surrounds it.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.core import mail

from convene import services
from convene.errors import DomainError
from convene.models import AuditEvent, Convening, EmailOutbox, Organization, Role, User
from deliberation.discussion import services as discussion_services
from deliberation.models import Clause, Flag, Framework
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

API = "/api/v1"
BAD = {
    "crlf-header": "Brake talks\r\nBcc: everyone@evil.example",
    "lf": "Brake\ntalks",
    "tab": "Brake\ttalks",
    "c1-next-line": "Brake\x85talks",
    "line-separator": "Brake\u2028talks",
    "rtl-override": "Brake talks \u202etxt.exe",
    "rtl-embedding": "Brake \u202btalks\u202c",
    "isolate": "Brake \u2067talks\u2069",
}
CRLF_AND_RLO = [BAD["crlf-header"], BAD["rtl-override"]]
# Stored before the fields were checked (or written around the services).
RLO_NAME = "Eve \u202elivE"
RLO_TITLE = "Talks \u202etxt.exe"
RLO_ORGANIZATION = "Lab \u202esbaL"


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def _assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert "U+" in body["errors"][field][0]


# --- the rule, as the services apply it to every caller ----------------------------------------
@pytest.mark.parametrize("title", BAD.values(), ids=BAD.keys())
def test_a_convening_title_must_be_one_plain_line(world: World, title: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.convening_create(actor=world.outsider, title=title)
    assert (refused.value.status, refused.value.field) == (400, "title")
    assert "U+" in refused.value.message


def test_marks_and_letters_of_any_script_stay_allowed(world: World) -> None:
    title = "Pause \u200ede l'IA — مؤتمر 東京 Ωmega\u200f"
    assert services.convening_create(actor=world.outsider, title=title).title == title


def test_a_trailing_line_break_is_whitespace_and_trimmed(world: World) -> None:
    assert services.convening_create(actor=world.outsider, title="Talks\r\n").title == "Talks"


# --- the API -------------------------------------------------------------------------------------
@pytest.mark.parametrize("title", BAD.values(), ids=BAD.keys())
def test_the_api_refuses_a_convening_title_and_commits_nothing(world: World, title: str) -> None:
    convenings, events = Convening.objects.count(), AuditEvent.objects.count()
    response = client_for(world.outsider).post(
        f"{API}/convenings/", {"title": title}, format="json"
    )
    _assert_refused(response, "title")
    assert (Convening.objects.count(), AuditEvent.objects.count()) == (convenings, events)


@pytest.mark.parametrize("title", CRLF_AND_RLO)
def test_the_api_refuses_a_convening_title_change(world: World, title: str) -> None:
    response = client_for(world.organizer).patch(
        f"{API}/convenings/{world.convening.slug}/", {"title": title}, format="json"
    )
    _assert_refused(response, "title")
    world.convening.refresh_from_db()
    assert world.convening.title == "Global AI Safety Brake"


@pytest.mark.parametrize("name", CRLF_AND_RLO)
def test_the_api_refuses_an_organization_name(world: World, name: str) -> None:
    response = client_for(world.outsider).post(
        f"{API}/organizations/",
        {"name": name, "kind": "government", "country": "FR"},
        format="json",
    )
    _assert_refused(response, "name")
    assert not Organization.objects.filter(name__startswith="Brake").exists()


@pytest.mark.parametrize("name", CRLF_AND_RLO)
def test_the_api_refuses_a_display_name_when_accepting_an_invitation(
    world: World, name: str
) -> None:
    _invitation, token = services.invitation_create(
        actor=world.organizer, convening=world.convening, email="new@example.org", role="observer"
    )
    response = client_for(None).post(
        f"{API}/invitations/{token}/accept/",
        {"password": "a long enough passphrase", "display_name": name},
        format="json",
    )
    _assert_refused(response, "display_name")
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("title", CRLF_AND_RLO)
def test_the_api_refuses_framework_and_clause_titles(drafting: Drafting, title: str) -> None:
    world = drafting.world
    client = client_for(world.organizer)
    frameworks = Framework.objects.count()
    response = client.post(
        f"{API}/convenings/{world.convening.slug}/frameworks/", {"title": title}, format="json"
    )
    _assert_refused(response, "title")
    assert Framework.objects.count() == frameworks
    response = client.patch(
        f"{API}/frameworks/{drafting.framework.slug}/", {"title": title}, format="json"
    )
    _assert_refused(response, "title")
    clauses = Clause.objects.count()
    response = client.post(
        f"{API}/frameworks/{drafting.framework.slug}/clauses/",
        {"kind": "general", "title": title, "text": "Text."},
        format="json",
    )
    _assert_refused(response, "title")
    assert Clause.objects.count() == clauses
    response = client.patch(f"{API}/clauses/{drafting.scope.pk}/", {"title": title}, format="json")
    _assert_refused(response, "title")
    drafting.scope.refresh_from_db()
    assert drafting.scope.title == "Scope"


@pytest.mark.parametrize("reason", CRLF_AND_RLO)
def test_the_api_refuses_a_flag_or_moderation_reason(drafting: Drafting, reason: str) -> None:
    world = drafting.world
    comment = discussion_services.comment_post(
        actor=world.industry, clause=drafting.scope, body="A comment."
    )
    response = client_for(world.policymaker).post(
        f"{API}/comments/{comment.pk}/flag/", {"reason": reason}, format="json"
    )
    _assert_refused(response, "reason")
    assert not Flag.objects.exists()
    response = client_for(world.organizer).post(
        f"{API}/comments/{comment.pk}/moderate/",
        {"action": "hide", "reason": reason},
        format="json",
    )
    _assert_refused(response, "reason")
    comment.refresh_from_db()
    assert comment.moderation_reason == ""


# --- the pages -----------------------------------------------------------------------------------
@pytest.mark.parametrize("title", CRLF_AND_RLO)
def test_the_new_convening_page_refuses_the_title_and_creates_nothing(
    world: World, title: str
) -> None:
    response = page_client(world.outsider).post("/c/new/", {"title": title, "visibility": "public"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_error"' in page and "U+" in page
    assert not Convening.objects.filter(created_by=world.outsider).exists()


@pytest.mark.parametrize("title", CRLF_AND_RLO)
def test_the_drafting_pages_refuse_framework_titles(world: World, title: str) -> None:
    frameworks = Framework.objects.count()
    response = page_client(world.organizer).post(
        f"/c/{world.convening.slug}/frameworks/new/", {"title": title, "preamble": ""}
    )
    assert response.status_code == 400
    assert 'id="id_title_error"' in response.content.decode()
    assert Framework.objects.count() == frameworks


@pytest.mark.parametrize("reason", CRLF_AND_RLO)
def test_the_comment_page_refuses_a_flag_reason(drafting: Drafting, reason: str) -> None:
    world = drafting.world
    comment = discussion_services.comment_post(
        actor=world.industry, clause=drafting.scope, body="A comment."
    )
    response = page_client(world.policymaker).post(
        f"/comments/{comment.pk}/flag/", {"reason": reason}
    )
    assert response.status_code == 400
    assert not Flag.objects.exists()


@pytest.mark.parametrize("name", CRLF_AND_RLO)
def test_sign_up_refuses_the_display_name(db: Any, name: str) -> None:
    response = page_client(None).post(
        "/accounts/signup/",
        {
            "email": "fresh@example.org",
            "display_name": name,
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 200
    assert "U+" in response.content.decode()
    assert not User.objects.filter(email="fresh@example.org").exists()


@pytest.mark.parametrize("name", CRLF_AND_RLO)
def test_the_invitation_page_refuses_the_new_accounts_display_name(world: World, name: str) -> None:
    _invitation, token = services.invitation_create(
        actor=world.organizer, convening=world.convening, email="new@example.org", role="observer"
    )
    response = page_client(None).post(
        f"/invitations/{token}/",
        {
            "display_name": name,
            "password": "a long enough passphrase",
            "password_confirmation": "a long enough passphrase",
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="new@example.org").exists()


# --- what is already stored is isolated where it is shown ----------------------------------------
def _assert_isolated(page: str, text: str) -> None:
    """Every time ``text`` is shown in the page's body it sits alone in a <bdi>. Elements that
    hold plain text only, where no element can isolate it (<title>, <option>), are left aside:
    what reaches them now passes the single-line rule."""
    body = re.sub(r"<(title|option)\b.*?</\1>", "", page, flags=re.DOTALL)
    shown = html_lib.escape(text, quote=False)
    isolated = body.count(f"<bdi>{shown}</bdi>")
    assert isolated >= 1, f"{text!r} is not shown in a <bdi>"
    assert body.count(shown) == isolated, f"{text!r} is also shown outside a <bdi>"


@pytest.fixture
def stored_overrides(world: World) -> World:
    User.objects.filter(pk=world.industry.pk).update(display_name=RLO_NAME)
    Convening.objects.filter(pk=world.convening.pk).update(title=RLO_TITLE)
    Organization.objects.filter(pk=world.org_lab.pk).update(name=RLO_ORGANIZATION)
    return world


@pytest.mark.parametrize("path", ["/", "/c/{slug}/", "/c/{slug}/members/"])
def test_stored_overrides_are_isolated_in_lists_and_headers(
    stored_overrides: World, path: str
) -> None:
    world = stored_overrides
    page = page_client(world.organizer).get(path.format(slug=world.convening.slug))
    assert page.status_code == 200
    html = page.content.decode()
    _assert_isolated(html, RLO_TITLE)
    if path != "/":
        _assert_isolated(html, RLO_NAME)
    if path == "/c/{slug}/":
        # On the members page the organization is only a choice in each row's <select>.
        _assert_isolated(html, RLO_ORGANIZATION)


def test_a_stored_override_in_a_name_is_isolated_in_comment_bylines(
    stored_overrides: World,
) -> None:
    world = stored_overrides
    drafting = make_drafting(world)
    discussion_services.comment_post(
        actor=world.industry, clause=drafting.scope, body="Agreed, with a caveat."
    )
    Clause.objects.filter(pk=drafting.scope.pk).update(title=RLO_TITLE + " scope")
    html = page_client(world.organizer).get(f"/clauses/{drafting.scope.pk}/comments/")
    assert html.status_code == 200
    page = html.content.decode()
    _assert_isolated(page, RLO_NAME)
    _assert_isolated(page, RLO_TITLE + " scope")


# --- the mail that broke -------------------------------------------------------------------------
def test_an_invitation_to_a_title_stored_with_a_line_break_is_still_mailed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Convening.objects.filter(pk=world.convening.pk).update(
        title="Brake talks\r\nBcc: everyone@evil.example"
    )
    world.convening.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=world.organizer,
            convening=world.convening,
            email="d@example.org",
            role=Role.OBSERVER,
        )
    assert [m.subject for m in mail.outbox] == [
        "Invitation to Brake talks Bcc: everyone@evil.example on Convene"
    ]
    assert mail.outbox[0].bcc == []
    assert EmailOutbox.objects.get(to="d@example.org").sent_at is not None
