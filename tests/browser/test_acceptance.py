"""Acceptance: an organizer invites a delegate through the real pages, and an invitee
creates their account from the emailed link, in headless Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

from convene import services
from convene.models import Invitation, Membership, User
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/convene-convening-390.png"


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url("**/")


def test_organizer_invites_a_delegate(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    sign_in(page, world.organizer.email)

    page.get_by_role("link", name=world.convening.title).first.click()
    page.wait_for_url(f"**/c/{world.convening.slug}/")
    page.get_by_role("link", name="Members & invitations").click()
    page.wait_for_url(f"**/c/{world.convening.slug}/members/")

    form = page.locator("form[action$='/members/invite/']")
    form.get_by_label("Email").fill("delegate@example.org")
    form.get_by_label("Role").select_option("participant")
    form.get_by_label("Stakeholder group").select_option("civil_society")
    form.get_by_label("Organization").select_option(label="NGO (KE)")
    form.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"**/c/{world.convening.slug}/members/")

    row = page.locator("tr.invitation", has_text="delegate@example.org")
    assert row.is_visible()
    assert "Pending" in row.inner_text()
    assert page.get_by_text("Invitation sent to delegate@example.org.").is_visible()
    assert Invitation.objects.filter(email="delegate@example.org").exists()

    # htmx: open a member's row for editing and change the role; the row is swapped in place.
    industry = Membership.objects.get(convening=world.convening, user=world.industry)
    member_row = page.locator(f"#member-{industry.pk}")
    member_row.get_by_role("link", name=re.compile("^Edit")).click()
    member_row.get_by_label("Role").select_option("observer")
    with page.expect_response(re.compile(rf"/members/{industry.pk}/$")) as response:
        member_row.get_by_role("button", name=re.compile("^Save")).click()
    assert response.value.status == 200
    page.locator(f"#member-{industry.pk} td", has_text="Observer").wait_for()
    industry.refresh_from_db()
    assert industry.role == "observer"
    assert page.url.endswith(f"/c/{world.convening.slug}/members/")

    assert problems == [], problems

    # htmx: a refusal comes back as the row with its error (409), still in place.
    organizer = Membership.objects.get(convening=world.convening, user=world.organizer)
    own_row = page.locator(f"#member-{organizer.pk}")
    own_row.get_by_role("link", name=re.compile("^Edit")).click()
    own_row.get_by_label("Role").select_option("observer")
    with page.expect_response(re.compile(rf"/members/{organizer.pk}/$")) as refused:
        own_row.get_by_role("button", name=re.compile("^Save")).click()
    assert refused.value.status == 409
    page.get_by_text("The last organizer cannot step down").wait_for()
    # The expected refusal shows up twice (our response log and Chromium's console, which logs
    # every 4xx fetch); nothing else may.
    assert len(problems) == 2 and all("409" in p for p in problems), problems


def test_invitee_creates_an_account_from_the_link(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    _, token = services.invitation_create(
        actor=world.organizer,
        convening=world.convening,
        email="newcomer@example.org",
        role="participant",
        stakeholder_group="industry",
        organization=world.org_lab,
    )
    page.goto(f"/invitations/{token}/")
    assert page.get_by_role("heading", name=f"Invitation to {world.convening.title}").is_visible()
    page.get_by_label("Display name").fill("Nina Newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()
    page.wait_for_url(f"**/c/{world.convening.slug}/")

    assert page.get_by_text(f"Welcome to {world.convening.title}.").is_visible()
    assert page.locator(".person-name", has_text="Nina Newcomer").is_visible()
    user = User.objects.get(email="newcomer@example.org")
    assert Membership.objects.filter(convening=world.convening, user=user).exists()
    assert problems == [], problems


def test_convening_page_reads_on_a_phone(world: World, chromium: Any, live_server: Any) -> None:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    sign_in(page, world.organizer.email)
    page.goto(f"/c/{world.convening.slug}/")
    # Nothing may overflow sideways at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.goto(f"/c/{world.convening.slug}/members/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/convene-members-390.png", full_page=True)
    context.close()
    assert problems == [], problems


def test_keyboard_user_can_skip_to_main_content(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # visible when focused
    assert problems == [], problems
