"""Behaviour of the server-rendered pages: forms, refusals shown in the form, invitations,
hostile input, security headers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from convene import services
from convene.models import Convening, EmailOutbox, Invitation, Membership, Organization, User
from tests.conftest import World
from tests.factories import PASSWORD
from tests.frontend.conftest import page_client


def members_url(world: World) -> str:
    return f"/c/{world.convening.slug}/members/"


def invite(world: World, email: str, **extra: str) -> tuple[Invitation, str]:
    return services.invitation_create(
        actor=world.organizer,
        convening=world.convening,
        email=email,
        role=extra.get("role", "participant"),
        stakeholder_group=extra.get("stakeholder_group", "industry"),
        organization=world.org_lab,
    )


def membership(world: World, user: User) -> Membership:
    return Membership.objects.get(convening=world.convening, user=user)


# --- Creating a convening ------------------------------------------------------------------


def test_create_convening_makes_the_creator_its_organizer(world: World) -> None:
    client = page_client(world.outsider)
    response = client.post(
        "/c/new/", {"title": "Brake talks", "description": "*Hi*", "visibility": "private"}
    )
    convening = Convening.objects.get(title="Brake talks")
    assert response.status_code == 302
    assert response["Location"] == f"/c/{convening.slug}/"
    assert convening.visibility == "private"
    assert membership_role(convening, world.outsider) == "organizer"


def membership_role(convening: Convening, user: User) -> str:
    return Membership.objects.get(convening=convening, user=user).role


def test_create_convening_without_title_reshows_the_form(world: World) -> None:
    response = page_client(world.outsider).post("/c/new/", {"title": "  ", "visibility": "public"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_error"' in html and "This field is required." in html
    assert not Convening.objects.filter(created_by=world.outsider).exists()


def test_create_convening_with_unknown_visibility_reshows_the_form(world: World) -> None:
    response = page_client(world.outsider).post("/c/new/", {"title": "T", "visibility": "secret"})
    assert response.status_code == 400
    assert 'id="id_visibility_error"' in response.content.decode()


# --- Inviting ------------------------------------------------------------------------------


def test_invite_form_creates_an_invitation_and_an_outbox_mail(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = page_client(world.organizer)
    data = {
        "email": "Delegate@Example.org",
        "role": "participant",
        "stakeholder_group": "civil_society",
        "organization": str(world.org_ngo.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{members_url(world)}invite/", data)
    assert response.status_code == 302
    assert response["Location"] == members_url(world)
    invitation = Invitation.objects.get(convening=world.convening, email="delegate@example.org")
    assert invitation.organization == world.org_ngo
    assert invitation.stakeholder_group == "civil_society"
    outbox = EmailOutbox.objects.get(to="delegate@example.org")
    assert "/invitations/" in outbox.body
    assert [m.to for m in mail.outbox] == [["delegate@example.org"]]
    page = client.get(members_url(world)).content.decode()
    assert "delegate@example.org" in page
    assert "Invitation sent to delegate@example.org." in page


def test_invite_with_a_bad_email_reshows_the_form_with_the_error(world: World) -> None:
    data = {"email": "not-an-email", "role": "observer", "stakeholder_group": ""}
    response = page_client(world.organizer).post(f"{members_url(world)}invite/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert "Enter a valid email address." in html
    assert 'value="not-an-email"' in html
    assert not Invitation.objects.exists()


def test_invite_of_a_participant_without_group_shows_the_service_error(world: World) -> None:
    data = {"email": "x@example.org", "role": "participant", "stakeholder_group": ""}
    response = page_client(world.organizer).post(f"{members_url(world)}invite/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_stakeholder_group_error"' in html
    assert "Participants need a stakeholder group." in html


def test_invite_of_a_member_is_a_conflict_shown_at_the_email_field(world: World) -> None:
    data = {"email": "industry@example.org", "role": "observer"}
    response = page_client(world.organizer).post(f"{members_url(world)}invite/", data)
    assert response.status_code == 409
    assert "This person is already a member." in response.content.decode()


def test_invite_with_an_unknown_organization_is_refused(world: World) -> None:
    data = {"email": "y@example.org", "role": "observer", "organization": "999999"}
    response = page_client(world.organizer).post(f"{members_url(world)}invite/", data)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


# --- Revoking ------------------------------------------------------------------------------


def test_revoke_marks_the_invitation_revoked(world: World) -> None:
    invitation, _ = invite(world, "z@example.org")
    client = page_client(world.organizer)
    response = client.post(f"/c/{world.convening.slug}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    page = client.get(members_url(world)).content.decode()
    assert "badge-revoked" in page


def test_revoking_twice_is_a_conflict_shown_on_the_page(world: World) -> None:
    invitation, _ = invite(world, "z@example.org")
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    response = page_client(world.organizer).post(
        f"/c/{world.convening.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 409
    assert "This invitation is already revoked." in response.content.decode()


def test_revoking_another_convenings_invitation_is_404(world: World) -> None:
    invitation, _ = services.invitation_create(
        actor=world.other_organizer,
        convening=world.other_convening,
        email="q@example.org",
        role="observer",
    )
    response = page_client(world.organizer).post(
        f"/c/{world.convening.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Changing and removing members ---------------------------------------------------------


def member_data(m: Membership, **changes: str) -> dict[str, str]:
    data = {
        "role": m.role,
        "stakeholder_group": m.stakeholder_group,
        "organization": str(m.organization_id or ""),
    }
    data.update(changes)
    return {f"m{m.pk}-{key}": value for key, value in data.items()}


def test_role_change_updates_the_membership(world: World) -> None:
    m = membership(world, world.industry)
    response = page_client(world.organizer).post(
        f"{members_url(world)}{m.pk}/", member_data(m, role="observer")
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == "observer"


def test_role_change_through_htmx_returns_the_updated_row(world: World) -> None:
    m = membership(world, world.industry)
    response = page_client(world.organizer).post(
        f"{members_url(world)}{m.pk}/",
        member_data(m, role="organizer", organization=str(world.org_gov.pk)),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="member-{m.pk}"')
    assert "<html" not in html
    m.refresh_from_db()
    assert (m.role, m.organization) == ("organizer", world.org_gov)


def test_last_organizer_cannot_step_down_error_shown_in_the_row(world: World) -> None:
    m = membership(world, world.organizer)
    client = page_client(world.organizer)
    url = f"{members_url(world)}{m.pk}/"
    response = client.post(url, member_data(m, role="observer"))
    assert response.status_code == 409
    assert "The last organizer cannot step down" in response.content.decode()
    htmx = client.post(url, member_data(m, role="observer"), headers={"HX-Request": "true"})
    assert htmx.status_code == 409
    assert "The last organizer cannot step down" in htmx.content.decode()
    m.refresh_from_db()
    assert m.role == "organizer"


def test_last_organizer_cannot_be_removed_error_shown(world: World) -> None:
    m = membership(world, world.organizer)
    response = page_client(world.organizer).post(f"{members_url(world)}{m.pk}/remove/")
    assert response.status_code == 409
    assert "The last organizer cannot be removed." in response.content.decode()
    assert Membership.objects.filter(pk=m.pk).exists()


def test_remove_deletes_the_membership(world: World) -> None:
    m = membership(world, world.civil_society)
    response = page_client(world.organizer).post(f"{members_url(world)}{m.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_organizer_who_steps_down_is_sent_to_the_convening_page(world: World) -> None:
    services.member_update(
        actor=world.organizer, membership=membership(world, world.industry), role="organizer"
    )
    m = membership(world, world.organizer)
    response = page_client(world.organizer).post(
        f"{members_url(world)}{m.pk}/", member_data(m, role="observer")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{world.convening.slug}/"


# --- What the convening page shows ---------------------------------------------------------


def test_public_sees_delegations_but_not_names(world: World) -> None:
    html = page_client(world.outsider).get(f"/c/{world.convening.slug}/").content.decode()
    assert "Ministry" in html and "Lab" in html and "NGO" in html
    assert "Policymaker" in html
    for name in ["Olga Organizer", "Industry", "Oscar Observer"]:
        assert f">{name}<" not in html
    assert "Members &amp; invitations" not in html


def test_members_see_names_grouped_and_organizers_the_members_link(world: World) -> None:
    html = page_client(world.observer).get(f"/c/{world.convening.slug}/").content.decode()
    assert "Olga Organizer" in html and "Oscar Observer" in html
    assert html.index("Policymaker delegates") < html.index("Organizers") < html.index("Observers")
    assert "Members &amp; invitations" not in html
    organizer_html = page_client(world.organizer).get(f"/c/{world.convening.slug}/").content
    assert f'href="{members_url(world)}"'.encode() in organizer_html


def test_home_lists_public_and_your_private_convenings(private_world: World) -> None:
    public = services.convening_create(actor=private_world.outsider, title="Open talks")
    html = page_client(private_world.observer).get("/").content.decode()
    assert "Global AI Safety Brake" in html and "Open talks" in html
    assert "Your convenings" in html and 'href="/c/new/"' in html
    anonymous = page_client(None).get("/").content.decode()
    assert "Open talks" in anonymous and "Global AI Safety Brake" not in anonymous
    assert "Your convenings" not in anonymous
    assert public.slug in anonymous


def test_private_convening_is_a_404_in_the_site_layout(private_world: World) -> None:
    response = page_client(private_world.outsider).get(f"/c/{private_world.convening.slug}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="skip-link"' in html
    assert "Global AI Safety Brake" not in html


def test_forbidden_page_renders_in_the_site_layout(world: World) -> None:
    response = page_client(world.policymaker).get(members_url(world))
    assert response.status_code == 403
    assert "Only organizers of this convening may do this." in response.content.decode()


# --- Accepting invitations -----------------------------------------------------------------


def accept_url(token: str) -> str:
    return f"/invitations/{token}/"


def test_acceptance_creates_an_account_and_signs_it_in(world: World) -> None:
    _, token = invite(world, "newcomer@example.org")
    client = page_client(None)
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    assert "Lab" in page.content.decode()
    response = client.post(
        accept_url(token),
        {"display_name": "Nina Newcomer", "password": PASSWORD, "password_confirmation": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{world.convening.slug}/"
    user = User.objects.get(email="newcomer@example.org")
    assert user.display_name == "Nina Newcomer"
    m = membership(world, user)
    assert (m.role, m.stakeholder_group, m.organization) == (
        "participant",
        "industry",
        world.org_lab,
    )
    home = client.get(f"/c/{world.convening.slug}/")
    assert "Nina Newcomer" in home.content.decode()  # signed in, so a member's view


def test_acceptance_with_differing_passwords_reshows_the_form(world: World) -> None:
    _, token = invite(world, "newcomer@example.org")
    response = page_client(None).post(
        accept_url(token),
        {"display_name": "Nina", "password": PASSWORD, "password_confirmation": PASSWORD + "x"},
    )
    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_acceptance_with_a_weak_password_shows_the_validator_message(world: World) -> None:
    _, token = invite(world, "newcomer@example.org")
    response = page_client(None).post(
        accept_url(token),
        {"display_name": "Nina", "password": "12345678", "password_confirmation": "12345678"},
    )
    assert response.status_code == 400
    assert 'id="id_password_error"' in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_existing_account_signed_in_accepts_with_a_button(world: World) -> None:
    _, token = invite(world, "outsider@example.org")
    client = page_client(world.outsider)
    assert "Accept invitation" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert membership(world, world.outsider).role == "participant"


def test_existing_account_signed_out_is_asked_to_sign_in(world: World) -> None:
    _, token = invite(world, "outsider@example.org")
    response = page_client(None).get(accept_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/accounts/login/?next=%2Finvitations%2F{token}%2F" in html
    assert '<form method="post">' not in html


def test_signed_in_as_someone_else_is_refused_naming_the_invited_address(world: World) -> None:
    _, token = invite(world, "outsider@example.org")
    client = page_client(world.observer)
    response = client.get(accept_url(token))
    assert response.status_code == 403
    html = response.content.decode()
    assert "outsider@example.org" in html and "observer@example.org" in html
    assert client.post(accept_url(token)).status_code == 403
    assert not Membership.objects.filter(convening=world.convening, user=world.outsider).exists()


def test_signed_in_while_invitation_is_for_a_new_account_is_refused(world: World) -> None:
    _, token = invite(world, "nobody-yet@example.org")
    response = page_client(world.outsider).post(
        accept_url(token),
        {"display_name": "X", "password": PASSWORD, "password_confirmation": PASSWORD},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="nobody-yet@example.org").exists()


def test_expired_invitation_is_410(world: World) -> None:
    _, token = invite(world, "late@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = page_client(None).get(accept_url(token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_revoked_invitation_is_410(world: World) -> None:
    invitation, token = invite(world, "late@example.org")
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    response = page_client(None).post(
        accept_url(token),
        {"display_name": "X", "password": PASSWORD, "password_confirmation": PASSWORD},
    )
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_used_invitation_is_410(world: World) -> None:
    _, token = invite(world, "outsider@example.org")
    services.invitation_accept(token=token, user=world.outsider)
    response = page_client(world.outsider).get(accept_url(token))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_unknown_token_is_404(db: Any) -> None:
    response = page_client(None).get(accept_url("no-such-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


# --- Security: CSP, escaping ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def assert_no_inline_code(html: str) -> None:
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not STYLE_ATTR.search(html)
    assert "<style" not in html.lower()


@pytest.mark.parametrize(
    "path",
    ["/", "/c/new/", "/c/{slug}/", "/c/{slug}/members/", "/accounts/login/", "/nowhere/"],
)
def test_pages_send_a_strict_csp_and_have_no_inline_code(world: World, path: str) -> None:
    user = None if path.startswith("/accounts/") else world.organizer
    response = page_client(user).get(path.format(slug=world.convening.slug))
    assert response.status_code in {200, 404}
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert_no_inline_code(response.content.decode())


def test_invitation_pages_have_no_inline_code(world: World) -> None:
    _, token = invite(world, "newcomer@example.org")
    response = page_client(None).get(accept_url(token))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert_no_inline_code(response.content.decode())


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'&"
HOSTILE_MARKDOWN = (
    "[click](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n"
    "[ok](https://example.org) ![img](https://example.org/x.png)"
)


@pytest.fixture
def hostile_world(world: World) -> World:
    world.convening.title = HOSTILE
    world.convening.description = HOSTILE_MARKDOWN
    world.convening.save()
    User.objects.filter(pk=world.industry.pk).update(display_name=HOSTILE)
    Organization.objects.filter(pk=world.org_lab.pk).update(name=HOSTILE)
    invite(world, "hostile@example.org")
    return world


def assert_escaped(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img" not in html
    assert "onerror=alert(1)>" not in html
    # Refused links stay as inert text; what matters is that no attribute carries them.
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
    assert_no_inline_code(html)


@pytest.mark.parametrize("actor", ["organizer", "outsider"])
@pytest.mark.parametrize("path", ["/", "/c/{slug}/", "/c/{slug}/members/"])
def test_hostile_names_and_text_are_escaped(hostile_world: World, path: str, actor: str) -> None:
    client = page_client(hostile_world.actor(actor))
    response = client.get(path.format(slug=hostile_world.convening.slug))
    if response.status_code == 403:
        return
    html = response.content.decode()
    assert_escaped(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_links_are_sanitized_and_safe_ones_kept(hostile_world: World) -> None:
    html = page_client(None).get(f"/c/{hostile_world.convening.slug}/").content.decode()
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert_escaped(html)


def test_hostile_names_on_the_invitation_page_are_escaped(world: World) -> None:
    Organization.objects.filter(pk=world.org_lab.pk).update(name=HOSTILE)
    Convening.objects.filter(pk=world.convening.pk).update(title=HOSTILE)
    _, token = invite(world, "newcomer@example.org")
    assert_escaped(page_client(None).get(accept_url(token)).content.decode())


def test_hostile_display_name_in_the_htmx_row_is_escaped(world: World) -> None:
    User.objects.filter(pk=world.industry.pk).update(display_name=HOSTILE)
    m = membership(world, world.industry)
    response = page_client(world.organizer).post(
        f"{members_url(world)}{m.pk}/", member_data(m), headers={"HX-Request": "true"}
    )
    assert_escaped(response.content.decode())


# --- allauth in the site layout ------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_use_the_site_layout(db: Any, path: str) -> None:
    html = page_client(None).get(path).content.decode()
    assert 'class="skip-link"' in html
    assert "frontend/convene.css" in html


def test_sign_up_asks_for_a_display_name_and_creates_the_account(db: Any) -> None:
    client = page_client(None)
    assert 'name="display_name"' in client.get("/accounts/signup/").content.decode()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "fresh@example.org",
            "display_name": "Fresh Person",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="fresh@example.org").display_name == "Fresh Person"


def test_sign_out_is_a_post_form_in_the_header(world: World) -> None:
    html = page_client(world.observer).get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)


def test_existing_users_sign_in_via_allauth(world: World) -> None:
    client = page_client(None)
    response = client.post(
        "/accounts/login/", {"login": world.observer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Oscar Observer" in client.get(f"/c/{world.convening.slug}/").content.decode()
