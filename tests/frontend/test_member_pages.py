"""Member pages and the organizers' members table: who may open a member's page under each
attribution, what it lists, where names link to it; the table's search, filters, pages, row
editing and organization creation; and the query budgets of both pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convene import services
from convene.models import AuditEvent, Convening, Membership, Organization, Role, User
from deliberation.discussion import services as discussion_services
from deliberation.models import Clause, Comment
from deliberation.text import services as text_services
from tests.conftest import ACTORS, World, make_world
from tests.deliberation.conftest import make_drafting
from tests.frontend.conftest import page_client


def member_url(world: World, user: User) -> str:
    return f"/c/{world.convening.slug}/members/@{user.handle}/"


def members_url(world: World) -> str:
    return f"/c/{world.convening.slug}/members/"


def email_html(user: User) -> str:
    """An address as the table shows it: it may wrap before its @, never inside a word."""
    local, _, domain = user.email.rpartition("@")
    return f"{local}<wbr>@{domain}</bdi>"


def set_attribution(world: World, mode: str) -> None:
    Convening.objects.filter(pk=world.convening.pk).update(attribution=mode)
    world.convening.refresh_from_db()


def say(world: World, clause: Clause, who: str, body: str) -> Comment:
    return discussion_services.comment_post(actor=getattr(world, who), clause=clause, body=body)


# --- Who may open a member page ------------------------------------------------------------

# Organizers always; other members only under named attribution; nobody else, ever (404: the
# page neither confirms the member nor the convening).
MEMBER_PAGE = {
    ("named", "public"): {"organizer": 200, "observer": 200, "policymaker": 200},
    ("group", "public"): {"organizer": 200},
    ("named", "private"): {"organizer": 200, "observer": 200, "policymaker": 200},
    ("group", "private"): {"organizer": 200},
}
MEMBER_PAGE_CASES = [
    (mode, visibility, actor, allowed.get(actor, 404))
    for (mode, visibility), allowed in MEMBER_PAGE.items()
    for actor in ACTORS
]


@pytest.mark.parametrize(("mode", "visibility", "actor", "expected"), MEMBER_PAGE_CASES)
def test_member_page_access(db: Any, mode: str, visibility: str, actor: str, expected: int) -> None:
    world = make_world(visibility=visibility)
    set_attribution(world, mode)
    response = page_client(world.actor(actor)).get(member_url(world, world.industry))
    assert response.status_code == expected
    if expected == 404:
        assert "Industry" not in response.content.decode()


def test_unknown_handle_and_another_convenings_member_are_404(world: World) -> None:
    client = page_client(world.organizer)
    assert client.get(f"/c/{world.convening.slug}/members/@nobody/").status_code == 404
    other = f"/c/{world.other_convening.slug}/members/@{world.industry.handle}/"
    assert page_client(world.other_organizer).get(other).status_code == 404


def test_member_page_shows_group_organization_country_and_role(world: World) -> None:
    m = Membership.objects.get(convening=world.convening, user=world.industry)
    services.member_update(actor=world.organizer, membership=m, head_of_delegation=True)
    html = page_client(world.policymaker).get(member_url(world, world.industry)).content.decode()
    assert "<h1><bdi>Industry</bdi></h1>" in html
    assert f"@{world.industry.handle}" in html
    for shown in ("Participant", "Head of delegation", "Lab", "United States"):
        assert shown in html
    assert "<dt>Stakeholder group</dt><dd>Industry</dd>" in html


# --- What a member page lists --------------------------------------------------------------


@pytest.fixture
def clause(world: World) -> Clause:
    return make_drafting(world).scope


def test_member_page_lists_comments_and_amendments_with_their_links(
    world: World, clause: Clause
) -> None:
    comment = say(world, clause, "industry", "We need *longer* windows.")
    amendment = text_services.amendment_propose(
        actor=world.industry, clause=clause, text="Applies to all developers.", rationale="Wider."
    )
    html = page_client(world.observer).get(member_url(world, world.industry)).content.decode()
    assert f'href="/comments/{comment.pk}/"' in html
    assert "We need longer windows." in html
    assert f'href="/clauses/{clause.pk}/#amendment-{amendment.pk}"' in html
    assert "Wider." in html


def test_comments_said_under_group_attribution_stay_off_the_page_for_delegates(
    world: World, clause: Clause
) -> None:
    set_attribution(world, "group")
    say(world, clause, "industry", "Off the record.")
    set_attribution(world, "named")
    say(world, clause, "industry", "On the record.")
    delegate = page_client(world.policymaker).get(member_url(world, world.industry))
    assert "On the record." in delegate.content.decode()
    assert "Off the record." not in delegate.content.decode()
    organizer = page_client(world.organizer).get(member_url(world, world.industry))
    assert "Off the record." in organizer.content.decode()


def test_hidden_comments_are_not_listed(world: World, clause: Clause) -> None:
    comment = say(world, clause, "industry", "Rude words.")
    discussion_services.comment_moderate(
        actor=world.organizer, comment=comment, action="hide", reason="Off topic."
    )
    html = page_client(world.organizer).get(member_url(world, world.industry)).content.decode()
    assert "Rude words." not in html


def test_member_page_pages_its_comments(world: World, clause: Clause) -> None:
    for n in range(12):
        say(world, clause, "industry", f"Point number {n}.")
    client = page_client(world.policymaker)
    first = client.get(member_url(world, world.industry)).content.decode()
    assert "Point number 11." in first and "Point number 1." not in first
    assert "?comments=2" in first
    second = client.get(member_url(world, world.industry) + "?comments=2").content.decode()
    assert "Point number 1." in second and "Point number 11." not in second


# --- Where names link to member pages -------------------------------------------------------


def byline_links(html: str, world: World, user: User) -> bool:
    return f'href="{member_url(world, user)}"' in html


@pytest.mark.parametrize(
    ("mode", "actor", "linked"),
    [
        ("named", "policymaker", True),
        ("named", "organizer", True),
        ("named", "anonymous", False),
        ("named", "outsider", False),
        ("group", "policymaker", False),
        ("group", "organizer", True),
    ],
)
def test_comment_bylines_link_to_member_pages_as_the_mode_allows(
    world: World, clause: Clause, mode: str, actor: str, linked: bool
) -> None:
    set_attribution(world, mode)
    say(world, clause, "industry", "Said.")
    client = page_client(world.actor(actor))
    comments = client.get(f"/clauses/{clause.pk}/comments/").content.decode()
    assert byline_links(comments, world, world.industry) == linked
    detail = client.get(f"/c/{world.convening.slug}/").content.decode()
    assert byline_links(detail, world, world.industry) == (linked and actor != "outsider")


def test_a_named_comment_does_not_link_once_the_convening_turns_to_group(
    world: World, clause: Clause
) -> None:
    say(world, clause, "industry", "On the record.")
    set_attribution(world, "group")
    html = page_client(world.policymaker).get(f"/clauses/{clause.pk}/comments/").content.decode()
    assert "On the record." in html and ">Industry</bdi>" in html
    assert not byline_links(html, world, world.industry)


@pytest.mark.parametrize(("mode", "linked"), [("named", True), ("group", False)])
def test_amendment_cards_link_their_author_as_the_mode_allows(
    world: World, clause: Clause, mode: str, linked: bool
) -> None:
    text_services.amendment_propose(
        actor=world.industry, clause=clause, text="Applies to all developers.", rationale="Wider."
    )
    set_attribution(world, mode)
    html = page_client(world.policymaker).get(f"/clauses/{clause.pk}/").content.decode()
    assert byline_links(html, world, world.industry) == linked


# --- The organizers' members table ----------------------------------------------------------


def rows_of(html: str) -> int:
    return html.count('class="member-row')


def test_table_shows_one_line_per_member_with_an_edit_action(world: World) -> None:
    html = page_client(world.organizer).get(members_url(world)).content.decode()
    assert rows_of(html) == 5
    table = html.split('class="table members-table"')[1].split("</table>")[0]
    assert "<select" not in table and "row-form" not in table
    m = Membership.objects.get(convening=world.convening, user=world.industry)
    assert f"edit={m.pk}#member-{m.pk}" in html
    assert f'hx-get="/c/{world.convening.slug}/members/{m.pk}/row/?edit=1"' in html
    assert f'href="{member_url(world, world.industry)}"' in html
    assert email_html(world.industry) in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "olga"}, {"organizer"}),
        ({"q": "CIVIL_SOCIETY@example"}, {"civil_society"}),
        ({"q": "@person"}, {"organizer", "policymaker", "industry", "civil_society", "observer"}),
        ({"group": "industry"}, {"industry"}),
        ({"role": "observer"}, {"observer"}),
        ({"role": "participant", "group": "policymaker"}, {"policymaker"}),
        ({"organization": "org_ngo"}, {"civil_society"}),
        (
            {"group": "nonsense", "role": "chief"},
            {"organizer", "policymaker", "industry", "civil_society", "observer"},
        ),
    ],
)
def test_search_and_filters_narrow_the_table(
    world: World, params: dict[str, str], expected: set[str]
) -> None:
    if params.get("organization") == "org_ngo":
        params = {"organization": str(world.org_ngo.pk)}
    html = page_client(world.organizer).get(members_url(world), params).content.decode()
    shown = {
        name
        for name in ("organizer", "policymaker", "industry", "civil_society", "observer")
        if email_html(getattr(world, name)) in html
    }
    assert shown == expected


def test_filter_by_organization_offers_the_members_organizations(world: World) -> None:
    Organization.objects.create(name="Nobody's Agency", kind="regulator", country="DE")
    html = page_client(world.organizer).get(members_url(world)).content.decode()
    form = html.split('class="member-filters"')[1].split("</form>")[0]
    assert "NGO (KE)" in form and "Nobody" not in form


def grow(world: World, count: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"m{n:02}@example.org", display_name=f"Zed {n:02}", handle=f"zed-{n:02}")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(
            convening=world.convening,
            user=user,
            role=Role.PARTICIPANT,
            stakeholder_group="industry",
            organization=world.org_lab,
        )
        for user in users
    )


def test_table_is_paged_and_pages_keep_the_filters(world: World) -> None:
    grow(world, 30)
    client = page_client(world.organizer)
    first = client.get(members_url(world), {"group": "industry"}).content.decode()
    assert rows_of(first) == 25
    assert "Page 1 of 2" in first
    assert 'href="?group=industry&amp;page=2"' in first
    second = client.get(members_url(world), {"group": "industry", "page": "2"}).content.decode()
    assert rows_of(second) == 6
    # A page past the end shows the last one.
    assert rows_of(client.get(members_url(world), {"page": "99"}).content.decode()) == 10


# --- Editing a row ------------------------------------------------------------------------


def industry_membership(world: World) -> Membership:
    return Membership.objects.get(convening=world.convening, user=world.industry)


def test_edit_without_javascript_opens_that_row_only(world: World) -> None:
    m = industry_membership(world)
    html = page_client(world.organizer).get(members_url(world), {"edit": m.pk}).content.decode()
    assert html.count('class="row-form"') == 1
    assert f'name="m{m.pk}-role"' in html


def test_edit_through_htmx_swaps_in_the_form_with_focus_on_its_first_field(world: World) -> None:
    m = industry_membership(world)
    url = f"/c/{world.convening.slug}/members/{m.pk}/row/?edit=1&group=industry"
    response = page_client(world.organizer).get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="member-{m.pk}"')
    assert "<html" not in html
    assert f'name="m{m.pk}-role"' in html
    assert "data-focus-after-swap" in html.split(f'name="m{m.pk}-role"')[1].split(">")[0]
    assert 'name="back" value="group=industry"' in html


def test_cancel_through_htmx_returns_the_row_with_focus_on_edit(world: World) -> None:
    m = industry_membership(world)
    url = f"/c/{world.convening.slug}/members/{m.pk}/row/"
    html = page_client(world.organizer).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "row-form" not in html
    assert "data-focus-after-swap>Edit" in html


def test_saving_through_htmx_returns_the_row_and_announces_it(world: World) -> None:
    m = industry_membership(world)
    data = {f"m{m.pk}-role": "observer", f"m{m.pk}-stakeholder_group": "industry", "back": ""}
    response = page_client(world.organizer).post(
        f"{members_url(world)}{m.pk}/", data, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "row-form" not in html and "data-focus-after-swap>Edit" in html
    assert '<span class="visually-hidden" data-announce>Saved: Industry, Observer, Industry' in html


def test_saving_without_javascript_returns_to_the_filtered_table(world: World) -> None:
    m = industry_membership(world)
    data = {
        f"m{m.pk}-role": "observer",
        f"m{m.pk}-stakeholder_group": "industry",
        "back": "group=industry&page=1&evil=1",
    }
    response = page_client(world.organizer).post(f"{members_url(world)}{m.pk}/", data)
    assert response.status_code == 302
    assert response["Location"] == f"{members_url(world)}?group=industry&page=1#member-{m.pk}"


def test_refused_edit_without_javascript_keeps_the_row_open_with_its_error(world: World) -> None:
    m = Membership.objects.get(convening=world.convening, user=world.organizer)
    data = {f"m{m.pk}-role": "observer", "back": "role=organizer"}
    response = page_client(world.organizer).post(f"{members_url(world)}{m.pk}/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The last organizer cannot step down" in html
    assert html.count('class="row-form"') == 1
    m.refresh_from_db()
    assert m.role == "organizer"


# --- Creating an organization ---------------------------------------------------------------


def create_org(world: World, client: Any = None, **data: str) -> Any:
    fields = {"name": "Office for AI", "kind": "regulator", "country": "GB"} | data
    return (client or page_client(world.organizer)).post(
        f"/c/{world.convening.slug}/organizations/new/",
        {f"org-{key}": value for key, value in fields.items()},
    )


def test_organizer_creates_an_organization_from_the_page(world: World) -> None:
    client = page_client(world.organizer)
    response = create_org(world, client)
    assert response.status_code == 302
    assert response["Location"] == members_url(world)
    org = Organization.objects.get(name="Office for AI")
    assert (org.kind, org.country) == ("regulator", "GB")
    assert AuditEvent.objects.filter(verb="organization.created", target_id=str(org.pk)).exists()
    page = client.get(members_url(world)).content.decode()
    assert "Organization Office for AI (GB) added." in page
    assert f'<option value="{org.pk}">Office for AI (GB)</option>' in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"name": "ministry", "country": "FR"}, 409, "This organization already exists"),
        ({"name": ""}, 400, "This field is required."),
        ({"name": "Bad\u202eName"}, 400, ""),
        ({"country": "XX"}, 400, "Select a valid choice."),
        ({"kind": "cartel"}, 400, "Select a valid choice."),
    ],
)
def test_refused_organization_is_shown_in_the_form_and_nothing_is_saved(
    world: World, data: dict[str, str], status: int, message: str
) -> None:
    before = Organization.objects.count()
    response = create_org(world, **data)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'id="organization-heading"' in html and "errorlist" in html
    assert Organization.objects.count() == before


# --- Query budgets ----------------------------------------------------------------------------

# session + user; the membership (with convening, user and organization); the reader's own
# membership; comments counted and one page of them; amendments counted and one page of them.
MEMBER_PAGE_QUERIES = 2 + 1 + 1 + 2 + 2


@pytest.mark.parametrize("comments", [2, 20])
def test_member_page_query_count_does_not_grow_with_comments(
    world: World, clause: Clause, comments: int
) -> None:
    for n in range(comments):
        say(world, clause, "industry", f"Point {n}.")
    for n in range(comments // 2):
        text_services.amendment_propose(
            actor=world.industry, clause=clause, text=f"Variant {n}.", rationale="Why not."
        )
    client = page_client(world.policymaker)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(member_url(world, world.industry))
    assert response.status_code == 200
    assert len(queries) == MEMBER_PAGE_QUERIES


# convening, your membership; organizations, the members' organizations, members counted and
# one page of them, invitations: whatever the filters and the number of members.
MEMBERS_TABLE_QUERIES = 2 + 2 + 5


@pytest.mark.parametrize("size", [5, 40])
@pytest.mark.parametrize("params", [{}, {"q": "zed", "group": "industry", "page": "2"}])
def test_members_table_query_count_does_not_grow(
    world: World, size: int, params: dict[str, str]
) -> None:
    grow(world, size)
    client = page_client(world.organizer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(members_url(world), params)
    assert response.status_code == 200
    assert len(queries) == MEMBERS_TABLE_QUERIES


def test_email_wrap_escapes_both_parts_and_breaks_only_before_the_at() -> None:
    from frontend.templatetags.convene_tags import email_wrap

    assert email_wrap("a<b>@c&d.org") == "a&lt;b&gt;<wbr>@c&amp;d.org"
    assert email_wrap("no-at-<sign>") == "no-at-&lt;sign&gt;"


def test_hostile_names_on_member_pages_and_the_table_are_escaped(
    world: World, clause: Clause
) -> None:
    from tests.frontend.test_pages import HOSTILE, assert_escaped

    User.objects.filter(pk=world.industry.pk).update(display_name=HOSTILE)
    Convening.objects.filter(pk=world.convening.pk).update(title=HOSTILE)
    say(world, clause, "industry", HOSTILE)
    client = page_client(world.organizer)
    for url in (member_url(world, world.industry), f"{members_url(world)}?q=industry"):
        response = client.get(url)
        assert response.status_code == 200
        assert_escaped(response.content.decode())
