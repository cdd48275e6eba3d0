"""The account page in Chromium (issue 13): a delegate follows the header's link, changes their
name and time zone by keyboard, sees the confirmation, and the pages then use the new zone."""

from __future__ import annotations

from typing import Any

import pytest

from convene.models import User
from tests.browser.targets import check_target_sizes
from tests.browser.test_acceptance import sign_in
from tests.browser.test_voting import check_axe
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delegate_edits_their_account_by_keyboard(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    sign_in(page, world.policymaker.email)
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url("**/account/")
    page.get_by_role("heading", level=1, name="Your account").wait_for()

    name = page.get_by_label("Display name")
    name.focus()
    name.fill("Pat Policy")
    page.keyboard.press("Tab")  # to the handle
    page.keyboard.press("Tab")  # to the time zone
    assert page.evaluate("document.activeElement.id") == "id_timezone"
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save"
    page.keyboard.press("Enter")
    page.get_by_text("Your account is saved.").wait_for()
    assert page.get_by_label("Display name").input_value() == "Pat Policy"
    assert page.get_by_label("Time zone").input_value() == "Asia/Tokyo"
    assert User.objects.get(pk=world.policymaker.pk).display_name == "Pat Policy"

    page.get_by_role("cell", name=world.convening.title).wait_for()
    found: dict[str, list[str]] = {}
    small: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        check_axe(page, f"account@{width}", found)
        check_target_sizes(page, f"account@{width}", small)
    assert found == {} and small == []
    assert problems == []


def test_a_taken_handle_is_refused_next_to_the_field(world: World, browser_page: Any) -> None:
    page, problems = browser_page
    sign_in(page, world.policymaker.email)
    page.goto("/account/")
    page.get_by_label("Handle").fill(world.industry.handle or "")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#id_handle_error")
    error.wait_for()
    assert "This handle is taken" in error.inner_text()
    assert [p for p in problems if "409" not in p] == []
