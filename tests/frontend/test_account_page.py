"""The account page (issue 13): display name, @handle and time zone; signing in; memberships.
Refusals are shown in place with the service's status and save nothing."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from convene import services
from convene.models import AuditEvent, Role, User
from convene.notifications import inbox
from frontend.timezones import SESSION_KEY
from tests.conftest import World
from tests.factories import UserFactory
from tests.frontend.conftest import page_client

URL = "/account/"


def _form(**changes: str) -> dict[str, str]:
    return {"display_name": "Pat Policy", "handle": "pat-policy", "timezone": "Europe/Paris"} | (
        changes
    )


def test_signed_out_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = page_client(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_shows_your_profile_addresses_and_memberships_only(world: World) -> None:
    services.email_address_verify(user=world.policymaker)
    html = page_client(world.policymaker).get(URL).content.decode()
    assert f'value="{world.policymaker.handle}"' in html
    assert '<option value="UTC" selected>UTC</option>' in html
    assert "policymaker@example.org" in html and "verified" in html
    assert world.convening.title in html
    assert "Ministry</bdi> (FR)" in html and "Policymaker" in html
    assert world.other_convening.title not in html
    # The header's link leads here and says so.
    assert 'href="/account/" aria-current="page"' in html


def test_saving_changes_name_handle_and_zone_audited(world: World) -> None:
    client = page_client(world.policymaker)
    response = client.post(URL, _form())
    assert response.status_code == 302 and response["Location"] == URL
    user = User.objects.get(pk=world.policymaker.pk)
    assert (user.display_name, user.handle) == ("Pat Policy", "pat-policy")
    assert inbox.settings_of(user).time_zone == "Europe/Paris"
    assert client.session[SESSION_KEY] == "Europe/Paris"
    event = AuditEvent.objects.filter(verb="user.updated").get()
    assert event.payload == {"display_name": "Pat Policy", "handle": "pat-policy"}
    assert "Your account is saved." in client.get(URL).content.decode()


REFUSALS = {
    "taken handle": ({"handle": "industry-handle"}, 409, "This handle is taken"),
    "bad handle": ({"handle": "Not a handle!"}, 400, "lower-case letters"),
    "blank name": ({"display_name": "  "}, 400, "This field is required"),
    "unknown zone": ({"timezone": "Mars/Olympus"}, 400, "Select a valid choice"),
    "name with a line break": ({"display_name": "A\u2028B"}, 400, "U+2028"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refusal_is_shown_in_place_and_saves_nothing(world: World, case: str) -> None:
    world.industry.handle = "industry-handle"
    world.industry.save()
    before = User.objects.get(pk=world.policymaker.pk)
    changes, status, message = REFUSALS[case]
    response = page_client(world.policymaker).post(URL, _form(**changes))
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'class="field field-invalid"' in html
    after = User.objects.get(pk=world.policymaker.pk)
    assert (after.display_name, after.handle) == (before.display_name, before.handle)
    assert inbox.settings_of(after).time_zone == "UTC"
    assert not AuditEvent.objects.filter(verb="user.updated").exists()


def test_a_handle_is_stored_without_its_at_and_in_lower_case(world: World) -> None:
    page_client(world.policymaker).post(URL, _form(handle="@Pat-Policy"))
    assert User.objects.get(pk=world.policymaker.pk).handle == "pat-policy"


def _queries(user: User) -> int:
    client = page_client(user)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_with_one_or_ten_memberships(world: World) -> None:
    one = _queries(world.policymaker)
    for n in range(9):
        other = services.convening_create(actor=world.organizer, title=f"Convening {n}")
        services.member_add(
            actor=world.organizer,
            convening=other,
            user=world.policymaker,
            role=Role.PARTICIPANT,
            stakeholder_group="policymaker",
            organization=world.org_gov,
        )
    assert _queries(world.policymaker) == one


def test_account_emails_speak_as_convene(world: World) -> None:
    user = UserFactory(email="forgetful@example.org", display_name="Forgetful")
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    response = Client().post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject.startswith("[Convene] ")
    assert "Hello from Convene!" in message.body
    assert "testserver" not in message.subject
