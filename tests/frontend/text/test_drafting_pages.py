"""Behaviour of the drafting pages through the Django test client: frameworks, clauses with
specs generated from the kinds' schemas, versions and diffs, amendments, alternatives,
transitions and status gates, hostile text."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from deliberation.models import Alternative, Amendment, Clause, ClauseVersion, Framework
from deliberation.text import services
from tests.conftest import World
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, framework_move, make_drafting
from tests.frontend.conftest import page_client
from tests.hostile import HOSTILE, assert_inert


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def text_of(html: str) -> str:
    """The visible text, with tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def current_number(clause: Clause) -> int:
    version = Clause.objects.select_related("current_version").get(pk=clause.pk).current_version
    assert version is not None
    return version.number


HTMX = {"HX-Request": "true"}  # what htmx sends; django-htmx sets request.htmx from it


def trigger_fields(**overrides: Any) -> dict[str, Any]:
    spec = {f"trigger__{k}": v for k, v in TRIGGER_SPEC.items()}
    return spec | {f"trigger__{k}": v for k, v in overrides.items()}


# --- Frameworks ----------------------------------------------------------------------------


def test_organizer_starts_a_framework_from_the_convening_page(world: World) -> None:
    client = page_client(world.organizer)
    page = client.get(f"/c/{world.convening.slug}/").content.decode()
    assert f'href="/c/{world.convening.slug}/frameworks/new/"' in page
    response = client.post(
        f"/c/{world.convening.slug}/frameworks/new/",
        {"title": "Pause framework", "preamble": "*Recalling* the need.", "slug": ""},
    )
    framework = Framework.objects.get(title="Pause framework")
    assert response.status_code == 302
    assert response["Location"] == f"/f/{framework.slug}/"
    workspace = client.get(f"/f/{framework.slug}/").content.decode()
    assert "<em>Recalling</em>" in workspace
    assert "Draft" in workspace
    assert "Pause framework" in client.get(f"/c/{world.convening.slug}/").content.decode()


def test_framework_with_a_taken_slug_reshows_the_form(drafting: Drafting) -> None:
    world = drafting.world
    response = page_client(world.organizer).post(
        f"/c/{world.convening.slug}/frameworks/new/",
        {"title": "Another", "slug": drafting.framework.slug},
    )
    assert response.status_code == 409
    assert 'id="id_slug_error"' in response.content.decode()


def test_workspace_lists_clauses_with_numbers_kinds_and_open_amendments(drafting: Drafting) -> None:
    world = drafting.world
    services.amendment_propose(
        actor=world.industry,
        clause=drafting.scope,
        text="Applies to all developers.",
        rationale="Wider.",
    )
    html = page_client(None).get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "§1" in html and "§2" in html
    assert "Capability trigger" in html and "Trigger" in html
    assert "1 open amendment" in html
    # Readers see no organizer tools.
    assert "Organizer tools" not in html and "/clauses/new/" not in html


def test_organizer_edits_title_and_preamble(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    url = f"/f/{drafting.framework.slug}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "New title", "preamble": "Line one.\r\n\r\nLine two."})
    assert response.status_code == 302
    drafting.framework.refresh_from_db()
    assert drafting.framework.title == "New title"
    assert drafting.framework.preamble == "Line one.\n\nLine two."


# --- Transitions ---------------------------------------------------------------------------


def test_workspace_offers_the_allowed_transitions_only(drafting: Drafting) -> None:
    html = (
        page_client(drafting.world.organizer).get(f"/f/{drafting.framework.slug}/").content.decode()
    )
    offered = set(re.findall(r'name="to" value="([a-z]+)"', html))
    assert offered == {"draft", "voting", "withdrawn"}


def test_valid_transition_moves_the_framework(drafting: Drafting) -> None:
    response = page_client(drafting.world.organizer).post(
        f"/f/{drafting.framework.slug}/transition/", {"to": "voting"}
    )
    assert response.status_code == 302
    drafting.framework.refresh_from_db()
    assert drafting.framework.status == "voting"


def test_invalid_transition_shows_the_409_message(drafting: Drafting) -> None:
    response = page_client(drafting.world.organizer).post(
        f"/f/{drafting.framework.slug}/transition/", {"to": "published"}
    )
    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert (
        "A framework in consultation cannot move to published. Allowed: draft, voting, withdrawn."
        in html
    )
    drafting.framework.refresh_from_db()
    assert drafting.framework.status == "consultation"


def test_unknown_transition_target_is_a_400(drafting: Drafting) -> None:
    response = page_client(drafting.world.organizer).post(
        f"/f/{drafting.framework.slug}/transition/", {"to": "<b>nowhere</b>"}
    )
    assert response.status_code == 400
    assert "<b>nowhere</b>" not in response.content.decode()


# --- Reordering ----------------------------------------------------------------------------


def test_reorder_form_renumbers_clauses(drafting: Drafting) -> None:
    world = drafting.world
    scope, trigger = drafting.scope, drafting.trigger
    response = page_client(world.organizer).post(
        f"/f/{drafting.framework.slug}/reorder/",
        {f"position-{scope.pk}": "2", f"position-{trigger.pk}": "1"},
    )
    assert response.status_code == 302
    assert list(drafting.framework.clauses.order_by("position").values_list("pk", flat=True)) == [
        trigger.pk,
        scope.pk,
    ]


def test_reorder_moves_a_clause_before_the_one_whose_number_it_takes(drafting: Drafting) -> None:
    world = drafting.world
    third = services.clause_create(
        actor=world.organizer,
        framework=drafting.framework,
        kind="general",
        title="Third",
        text="T.",
    )
    page_client(world.organizer).post(
        f"/f/{drafting.framework.slug}/reorder/",
        {
            f"position-{drafting.scope.pk}": "1",
            f"position-{drafting.trigger.pk}": "2",
            f"position-{third.pk}": "1",
        },
    )
    order = list(drafting.framework.clauses.order_by("position").values_list("pk", flat=True))
    assert order == [third.pk, drafting.scope.pk, drafting.trigger.pk]


def test_reorder_with_a_missing_number_reshows_the_workspace(drafting: Drafting) -> None:
    response = page_client(drafting.world.organizer).post(
        f"/f/{drafting.framework.slug}/reorder/", {f"position-{drafting.scope.pk}": "x"}
    )
    assert response.status_code == 400
    assert 'id="reorder-error"' in response.content.decode()


def test_reorder_refused_in_voting_shows_the_message(drafting: Drafting) -> None:
    world = drafting.world
    services.framework_transition(actor=world.organizer, framework=drafting.framework, to="voting")
    response = page_client(world.organizer).post(
        f"/f/{drafting.framework.slug}/reorder/",
        {f"position-{drafting.scope.pk}": "2", f"position-{drafting.trigger.pk}": "1"},
    )
    assert response.status_code == 409
    assert 'id="workspace-error">Clauses can be created, edited and reordered only while' in (
        response.content.decode()
    )


# --- Clause forms --------------------------------------------------------------------------


def test_clause_form_generates_spec_fields_from_the_schemas(drafting: Drafting) -> None:
    html = (
        page_client(drafting.world.organizer)
        .get(f"/f/{drafting.framework.slug}/clauses/new/")
        .content.decode()
    )
    for kind in ("trigger", "lift_condition", "verification", "adjudication"):
        assert f'data-spec-kind="{kind}"' in html
    assert re.search(r'<select name="trigger__comparator"', html)
    assert re.search(r'<input type="number" name="trigger__threshold"[^>]*step="any"', html)
    assert re.search(
        r'name="trigger__window"[^>]*placeholder="e.g. 180 days"'
        r'|placeholder="e.g. 180 days"[^>]*name="trigger__window"',
        html,
    )
    assert "What is measured, e.g. autonomous task horizon doubling time." in html
    assert 'name="lift_condition__min_duration"' in html


def test_create_clause_with_a_spec(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    data = {"kind": "trigger", "title": "Red-team trigger", "text": "A pause when…\r\n\r\nSecond."}
    response = client.post(f"/f/{drafting.framework.slug}/clauses/new/", data | trigger_fields())
    clause = Clause.objects.get(title="Red-team trigger")
    assert response.status_code == 302
    assert response["Location"] == f"/clauses/{clause.pk}/"
    assert clause.spec == TRIGGER_SPEC
    assert clause.text == "A pause when…\n\nSecond."
    assert clause.position == 3
    page = client.get(f"/clauses/{clause.pk}/").content.decode()
    assert (
        "Pause is triggered when autonomous task horizon doubling time is ≤ 4 months over "
        "180 days, per independent evaluation lab report."
    ) in page
    assert '<th scope="row">Measurement window</th><td>180 days</td>' in page


def test_create_clause_without_spec_kind_ignores_other_fieldsets(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    data = {"kind": "general", "title": "General", "text": "Text."} | trigger_fields()
    assert client.post(f"/f/{drafting.framework.slug}/clauses/new/", data).status_code == 302
    assert Clause.objects.get(title="General").spec is None


def test_bad_spec_reshows_the_form_with_per_field_errors(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    data = {"kind": "trigger", "title": "Bad", "text": "Text."} | trigger_fields(
        window="ninety days", metric=""
    )
    response = client.post(f"/f/{drafting.framework.slug}/clauses/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'id="id_trigger__window_error"><li>Enter a duration such as &#x27;180 days&#x27;', html
    )
    # What was typed is kept.
    assert 'value="ninety days"' in html
    assert not Clause.objects.filter(title="Bad").exists()
    data["trigger__window"] = "90 days"
    response = client.post(f"/f/{drafting.framework.slug}/clauses/new/", data)
    html = response.content.decode()
    assert re.search(r'id="id_trigger__metric_error"><li>This field is required.', html)
    assert 'value="90 days"' in html


def test_non_numeric_threshold_is_a_field_error(drafting: Drafting) -> None:
    data = {"kind": "trigger", "title": "Bad", "text": "Text."} | trigger_fields(threshold="four")
    response = page_client(drafting.world.organizer).post(
        f"/f/{drafting.framework.slug}/clauses/new/", data
    )
    assert response.status_code == 400
    assert 'id="id_trigger__threshold_error"><li>Must be a number.' in response.content.decode()


def test_edit_form_is_prefilled_with_the_current_spec(drafting: Drafting) -> None:
    html = (
        page_client(drafting.world.organizer)
        .get(f"/clauses/{drafting.trigger.pk}/edit/")
        .content.decode()
    )
    assert re.search(r'name="trigger__metric" value="autonomous task horizon doubling time"', html)
    assert re.search(r'<option value="&lt;=" selected>', html)
    assert (
        'name="lift_condition__metric"' in html
        and 'name="lift_condition__metric" value' not in html
    )


def test_edit_makes_a_new_version(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    clause = drafting.trigger
    data = {
        "kind": "trigger",
        "title": clause.title,
        "text": "A pause is triggered when the task horizon doubles far too fast.",
        "rationale": "Stronger.",
    } | trigger_fields(threshold="6")
    response = client.post(f"/clauses/{clause.pk}/edit/", data)
    assert response.status_code == 302
    clause.refresh_from_db()
    assert current_number(clause) == 2
    assert (clause.spec or {})["threshold"] == 6
    assert ClauseVersion.objects.filter(clause=clause).count() == 2


def test_edit_without_changes_makes_no_version_even_with_crlf(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    clause = drafting.scope
    data = {"kind": "scope", "title": clause.title, "text": clause.text.replace("\n", "\r\n")}
    assert client.post(f"/clauses/{clause.pk}/edit/", data).status_code == 302
    assert ClauseVersion.objects.filter(clause=clause).count() == 1


def test_edit_changing_text_without_rationale_reshows_the_form(drafting: Drafting) -> None:
    clause = drafting.scope
    data = {"kind": "scope", "title": clause.title, "text": "Different.", "rationale": ""}
    response = page_client(drafting.world.organizer).post(f"/clauses/{clause.pk}/edit/", data)
    assert response.status_code == 400
    assert 'id="id_rationale_error"' in response.content.decode()
    assert ClauseVersion.objects.filter(clause=clause).count() == 1


def test_clause_forms_refused_after_adoption(world: World) -> None:
    drafting = make_drafting(world, status="adopted")
    client = page_client(world.organizer)
    page = client.get(f"/f/{drafting.framework.slug}/clauses/new/").content.decode()
    assert "only while the framework is in draft or consultation; it is in adopted" in page
    data = {"kind": "general", "title": "Late", "text": "Too late."}
    response = client.post(f"/f/{drafting.framework.slug}/clauses/new/", data)
    assert response.status_code == 409
    assert not Clause.objects.filter(title="Late").exists()


# --- History and diffs ---------------------------------------------------------------------


def revise(drafting: Drafting, text: str, number: int = 1) -> None:
    services.clause_update(
        actor=drafting.world.organizer,
        clause=drafting.scope,
        text=text,
        rationale=f"Revision {number}.",
    )


def test_history_diff_shows_insertions_and_deletions(drafting: Drafting) -> None:
    revise(drafting, "This framework applies to all frontier AI developers.")
    html = (
        page_client(None).get(f"/clauses/{drafting.scope.pk}/history/?from=1&to=2").content.decode()
    )
    assert "<ins>all </ins>" in html
    assert "Revision 1." in html


def test_diff_escapes_the_texts(drafting: Drafting) -> None:
    revise(drafting, "This framework applies to <script>alert(1)</script> developers.")
    html = (
        page_client(None).get(f"/clauses/{drafting.scope.pk}/history/?from=1&to=2").content.decode()
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_side_by_side_view_works_without_javascript(drafting: Drafting) -> None:
    revise(drafting, "This framework applies to all AI developers.")
    html = (
        page_client(None)
        .get(f"/clauses/{drafting.scope.pk}/history/?from=1&to=2&view=side")
        .content.decode()
    )
    old = re.search(r'class="diff-text diff-old">(.*?)</div>', html, re.S)
    new = re.search(r'class="diff-text diff-new">(.*?)</div>', html, re.S)
    assert old and new
    assert "<del>frontier</del>" in old.group(1) and "<ins>" not in old.group(1)
    assert "<ins>all</ins>" in new.group(1) and "<del>" not in new.group(1)


def test_diff_between_any_two_versions_and_backwards(drafting: Drafting) -> None:
    revise(drafting, "Second text.", 1)
    revise(drafting, "Third text.", 2)
    client = page_client(None)
    html = client.get(f"/clauses/{drafting.scope.pk}/history/?from=3&to=1").content.decode()
    assert "Changes from v3 to v1" in html
    assert "<del>Third</del>" in html


def test_htmx_diff_returns_the_fragment_only(drafting: Drafting) -> None:
    revise(drafting, "Changed.")
    response = page_client(None).get(
        f"/clauses/{drafting.scope.pk}/history/?from=1&to=2", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="diff-result"')
    assert "<html" not in html


@pytest.mark.parametrize("query", ["from=0&to=1", "from=x&to=1", "from=1&to=99", "from=²&to=1"])
def test_bad_version_numbers_are_a_400_with_a_message(drafting: Drafting, query: str) -> None:
    response = page_client(None).get(f"/clauses/{drafting.scope.pk}/history/?{query}")
    assert response.status_code == 400
    assert "Choose versions between 1 and 1." in response.content.decode()


# --- Amendments ----------------------------------------------------------------------------


def propose(drafting: Drafting, user: Any, text: str, clause: Clause | None = None) -> Amendment:
    clause = clause or drafting.scope
    return services.amendment_propose(actor=user, clause=clause, text=text, rationale="Because.")


def test_participant_proposes_an_amendment_through_the_form(drafting: Drafting) -> None:
    client = page_client(drafting.world.industry)
    url = f"/clauses/{drafting.trigger.pk}/amendments/new/"
    form = client.get(url).content.decode()
    assert "A pause is triggered when the task horizon doubles too fast." in form  # prefilled
    assert 'name="trigger__metric" value="autonomous task horizon doubling time"' in form
    data = {"text": "A pause is triggered when the horizon doubles fast.", "rationale": "Simpler."}
    response = client.post(url, data | trigger_fields(unit="weeks"))
    assert response.status_code == 302
    amendment = Amendment.objects.get(clause=drafting.trigger)
    assert amendment.author == drafting.world.industry
    assert (amendment.spec or {})["unit"] == "weeks"
    page = client.get(f"/clauses/{drafting.trigger.pk}/").content.decode()
    assert '<del><span class="visually-hidden">removed: </span>task </del>' in page
    assert "Simpler." in page


def test_amendment_that_changes_nothing_reshows_the_form(drafting: Drafting) -> None:
    url = f"/clauses/{drafting.scope.pk}/amendments/new/"
    response = page_client(drafting.world.industry).post(
        url, {"text": drafting.scope.text, "rationale": "Nothing."}
    )
    assert response.status_code == 400
    assert "does not change the text or the spec" in response.content.decode()


def test_propose_refused_in_draft(world: World) -> None:
    drafting = make_drafting(world, status="draft")
    client = page_client(world.industry)
    url = f"/clauses/{drafting.scope.pk}/amendments/new/"
    page = client.get(url).content.decode()
    assert (
        "Amendments and alternatives can be proposed only while the framework is in "
        "consultation; it is in draft." in page
    )
    assert 'class="proposal-form"' not in page
    response = client.post(url, {"text": "New.", "rationale": "Why."})
    assert response.status_code == 409
    assert not Amendment.objects.exists()
    clause_page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "/amendments/new/" not in clause_page


def test_observer_sees_no_propose_button(drafting: Drafting) -> None:
    page = (
        page_client(drafting.world.observer).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    )
    assert "/amendments/new/" not in page and "/alternatives/new/" not in page


def test_organizer_accepts_an_amendment(drafting: Drafting) -> None:
    world = drafting.world
    amendment = propose(drafting, world.industry, "This framework applies to every AI developer.")
    client = page_client(world.organizer)
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'action="/amendments/{amendment.pk}/accept/"' in page
    response = client.post(f"/amendments/{amendment.pk}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/clauses/{drafting.scope.pk}/#amendment-{amendment.pk}"
    drafting.scope.refresh_from_db()
    assert drafting.scope.text == "This framework applies to every AI developer."
    assert current_number(drafting.scope) == 2
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Became version 2" in page


def test_participant_sees_no_accept_button(drafting: Drafting) -> None:
    amendment = propose(drafting, drafting.world.industry, "Changed.")
    page = (
        page_client(drafting.world.policymaker)
        .get(f"/clauses/{drafting.scope.pk}/")
        .content.decode()
    )
    assert f"/amendments/{amendment.pk}/accept/" not in page
    assert f"/amendments/{amendment.pk}/withdraw/" not in page


def test_reject_needs_a_reason(drafting: Drafting) -> None:
    amendment = propose(drafting, drafting.world.industry, "Changed.")
    client = page_client(drafting.world.organizer)
    response = client.post(f"/amendments/{amendment.pk}/reject/", {"reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="amendment-{amendment.pk}-error">Say why: a reason is required.' in html
    response = client.post(f"/amendments/{amendment.pk}/reject/", {"reason": "Out of scope."})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "rejected" and amendment.decision_reason == "Out of scope."
    assert "Out of scope." in client.get(f"/clauses/{drafting.scope.pk}/").content.decode()


def test_author_withdraws_an_amendment(drafting: Drafting) -> None:
    amendment = propose(drafting, drafting.world.industry, "Changed.")
    client = page_client(drafting.world.industry)
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'action="/amendments/{amendment.pk}/withdraw/"' in page
    assert client.post(f"/amendments/{amendment.pk}/withdraw/").status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "withdrawn"


def test_stale_amendment_shows_the_409_then_rebase_makes_it_acceptable(drafting: Drafting) -> None:
    world = drafting.world
    first = propose(drafting, world.industry, "This framework applies to frontier AI labs.")
    second = propose(
        drafting, world.civil_society, "This framework applies to all frontier AI developers."
    )
    organizer = page_client(world.organizer)
    assert organizer.post(f"/amendments/{first.pk}/accept/").status_code == 302

    page = organizer.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    item = page[page.index(f'id="amendment-{second.pk}"') :]
    assert "needs rebase" in item[: item.index("</li>")]

    response = organizer.post(f"/amendments/{second.pk}/accept/")
    assert response.status_code == 409
    assert "it must be rebased before it can be accepted" in response.content.decode()

    author = page_client(world.civil_society)
    author_page = author.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'action="/amendments/{second.pk}/rebase/"' in author_page
    text = "This framework applies to all frontier AI labs."
    assert author.post(f"/amendments/{second.pk}/rebase/", {"text": text}).status_code == 302
    second.refresh_from_db()
    assert second.base_version_id == Clause.objects.get(pk=drafting.scope.pk).current_version_id
    assert second.text == text
    assert organizer.post(f"/amendments/{second.pk}/accept/").status_code == 302
    drafting.scope.refresh_from_db()
    assert drafting.scope.text == text and current_number(drafting.scope) == 3


def test_decide_refused_in_voting_shows_the_message(drafting: Drafting) -> None:
    amendment = propose(drafting, drafting.world.industry, "Changed.")
    services.framework_transition(
        actor=drafting.world.organizer, framework=drafting.framework, to="voting"
    )
    response = page_client(drafting.world.organizer).post(f"/amendments/{amendment.pk}/accept/")
    assert response.status_code == 409
    assert (
        "can be decided only while the framework is in draft or consultation"
        in response.content.decode()
    )


# --- Alternatives --------------------------------------------------------------------------


def test_alternatives_render_as_brackets_and_are_resolved(drafting: Drafting) -> None:
    world = drafting.world
    client = page_client(world.industry)
    url = f"/clauses/{drafting.scope.pk}/alternatives/new/"
    assert client.post(url, {"text": "Applies to labs.", "rationale": ""}).status_code == 302
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "[Option A:" not in text_of(page)  # one open option is no bracket yet
    page_client(world.civil_society).post(
        url, {"text": "Applies to everyone.", "rationale": "Broad."}
    )
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "[Option A: Applies to labs. / Option B: Applies to everyone.]" in text_of(page)
    drafting.scope.refresh_from_db()
    assert drafting.scope.status == "bracketed"
    workspace = client.get(f"/f/{drafting.framework.slug}/").content.decode()
    assert "clause-bracketed" in workspace and 'class="bracket-mark"' in workspace

    organizer = page_client(world.organizer)
    page = organizer.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'action="/clauses/{drafting.scope.pk}/resolve/"' in page
    option_b = Alternative.objects.get(clause=drafting.scope, label="B")
    response = organizer.post(
        f"/clauses/{drafting.scope.pk}/resolve/", {"alternative": str(option_b.pk), "reason": ""}
    )
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    response = organizer.post(
        f"/clauses/{drafting.scope.pk}/resolve/",
        {"alternative": str(option_b.pk), "reason": "Broader."},
    )
    assert response.status_code == 302
    drafting.scope.refresh_from_db()
    assert drafting.scope.text == "Applies to everyone." and drafting.scope.status == "open"
    page = organizer.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "[Option A:" not in text_of(page)
    assert "Option B chosen over A: Broader." in page


def test_participant_cannot_resolve(drafting: Drafting) -> None:
    response = page_client(drafting.world.industry).post(
        f"/clauses/{drafting.scope.pk}/resolve/", {"alternative": "1", "reason": "Mine."}
    )
    assert response.status_code == 403


# --- Hostile text --------------------------------------------------------------------------

PAYLOADS = [p for p in HOSTILE if len(p) < 2000][:40]


def test_hostile_titles_texts_and_specs_are_inert(world: World) -> None:
    drafting = make_drafting(world)
    organizer = world.organizer
    framework = services.framework_create(
        actor=organizer,
        convening=world.convening,
        title=PAYLOADS[0][:200],
        preamble="\n\n".join(PAYLOADS),
    )
    services.framework_transition(actor=organizer, framework=framework, to="consultation")
    clauses = []
    for payload in PAYLOADS[:12]:
        clauses.append(
            services.clause_create(
                actor=organizer,
                framework=framework,
                kind="trigger",
                title=payload[:200],
                text=payload,
                spec=TRIGGER_SPEC | {"metric": payload[:500], "unit": payload[:100] or "u"},
            )
        )
    target = clauses[0]
    for n, payload in enumerate(PAYLOADS):
        services.amendment_propose(
            actor=world.industry, clause=target, text=f"{payload} {n}", rationale=payload
        )
    services.alternative_propose(
        actor=world.industry, clause=target, text=PAYLOADS[1], rationale=PAYLOADS[2]
    )
    services.alternative_propose(
        actor=world.industry, clause=target, text=PAYLOADS[3], rationale=PAYLOADS[4]
    )
    services.clause_update(actor=organizer, clause=target, text=PAYLOADS[5], rationale=PAYLOADS[6])
    client = page_client(organizer)
    urls = [
        f"/c/{world.convening.slug}/",
        f"/f/{framework.slug}/",
        f"/f/{framework.slug}/edit/",
        f"/clauses/{target.pk}/",
        f"/clauses/{target.pk}/edit/",
        f"/clauses/{target.pk}/history/?from=1&to=2",
        f"/clauses/{target.pk}/history/?from=1&to=2&view=side",
        f"/clauses/{target.pk}/amendments/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        main = html[html.index('<main id="main"') : html.index("</main>")]
        # The page's own forms are expected; everything else must be inert.
        assert_inert(re.sub(r"</?form[^>]*>", "", main))
    assert drafting.framework.pk != framework.pk


# --- Alternatives: withdrawing ---------------------------------------------------------------


def two_alternatives(drafting: Drafting) -> tuple[Alternative, Alternative]:
    world, scope = drafting.world, drafting.scope
    first = services.alternative_propose(actor=world.industry, clause=scope, text="Labs only.")
    second = services.alternative_propose(actor=world.civil_society, clause=scope, text="Everyone.")
    return first, second


def test_proposer_withdraws_an_alternative_and_the_brackets_close(drafting: Drafting) -> None:
    first, _ = two_alternatives(drafting)
    client = page_client(drafting.world.industry)
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'action="/alternatives/{first.pk}/withdraw/"' in page
    response = client.post(f"/alternatives/{first.pk}/withdraw/")
    assert response.status_code == 302
    assert response["Location"] == f"/clauses/{drafting.scope.pk}/#alternative-{first.pk}"
    first.refresh_from_db()
    drafting.scope.refresh_from_db()
    assert first.status == "withdrawn" and drafting.scope.status == "open"
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Option A withdrawn." in page
    assert "[Option A:" not in text_of(page)
    assert f"/alternatives/{first.pk}/withdraw/" not in page


@pytest.mark.parametrize("actor", ["civil_society", "organizer", "observer"])
def test_only_the_proposer_may_withdraw_an_alternative(drafting: Drafting, actor: str) -> None:
    first, _ = two_alternatives(drafting)
    client = page_client(getattr(drafting.world, actor))
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f"/alternatives/{first.pk}/withdraw/" not in page
    assert client.post(f"/alternatives/{first.pk}/withdraw/").status_code == 403
    first.refresh_from_db()
    assert first.status == "open"


def test_withdrawing_an_alternative_that_is_not_open_is_a_409(drafting: Drafting) -> None:
    first, second = two_alternatives(drafting)
    services.alternatives_resolve(
        actor=drafting.world.organizer,
        clause=drafting.scope,
        alternative_id=second.pk,
        reason="Broad.",
    )
    client = page_client(drafting.world.industry)
    response = client.post(f"/alternatives/{first.pk}/withdraw/")
    assert response.status_code == 409
    html = response.content.decode()
    assert f'id="alternative-{first.pk}-error">This alternative is already not_chosen.' in html
    assert "<html" in html  # without htmx, the whole page
    response = client.post(f"/alternatives/{first.pk}/withdraw/", headers=HTMX)
    assert response.status_code == 409
    assert f'id="alternative-{first.pk}-error"' in response.content.decode()


def test_withdrawing_an_alternative_after_adoption_is_a_409(drafting: Drafting) -> None:
    first, _ = two_alternatives(drafting)
    for to in ("voting", "adopted"):
        framework_move(actor=drafting.world.organizer, framework=drafting.framework, to=to)
    client = page_client(drafting.world.industry)
    assert f"/alternatives/{first.pk}/withdraw/" not in (
        client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    )
    response = client.post(f"/alternatives/{first.pk}/withdraw/")
    assert response.status_code == 409
    assert "Proposals can be withdrawn only while" in response.content.decode()


# --- htmx: actions in place ------------------------------------------------------------------


def article_of(response: Any) -> str:
    """The clause's (or workspace's) article alone: what htmx swaps in."""
    html = response.content.decode()
    assert "<html" not in html and "<main" not in html
    assert re.match(r'\s*<article class="[a-z-]+" id="(clause-drafting|framework-workspace)"', html)
    return html


def test_htmx_accept_answers_the_article_with_the_new_version(drafting: Drafting) -> None:
    world = drafting.world
    amendment = propose(drafting, world.industry, "This framework applies to every AI developer.")
    client = page_client(world.organizer)
    page = client.get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert f'hx-post="/amendments/{amendment.pk}/accept/" hx-target="#clause-drafting"' in page
    response = client.post(f"/amendments/{amendment.pk}/accept/", headers=HTMX)
    assert response.status_code == 200
    html = article_of(response)
    assert f"Amendment {amendment.number} to §{amendment.clause.position} accepted" in html
    assert "Version 2" in html and 'id="version-2" class="current-version"' in html
    assert "This framework applies to every AI developer." in text_of(html)
    assert "Became version 2" in html
    assert current_number(drafting.scope) == 2
    # The message was said in place, not queued for the next page.
    assert "accepted" not in client.get(f"/f/{drafting.framework.slug}/").content.decode()


def test_htmx_accept_of_a_stale_amendment_is_a_409_article(drafting: Drafting) -> None:
    world = drafting.world
    first = propose(drafting, world.industry, "This framework applies to frontier AI labs.")
    second = propose(drafting, world.civil_society, "This framework applies to all developers.")
    client = page_client(world.organizer)
    assert client.post(f"/amendments/{first.pk}/accept/", headers=HTMX).status_code == 200
    response = client.post(f"/amendments/{second.pk}/accept/", headers=HTMX)
    assert response.status_code == 409
    html = article_of(response)
    assert f'id="amendment-{second.pk}-error">' in html
    assert "it must be rebased before it can be accepted" in html
    second.refresh_from_db()
    assert second.status == "open"


def test_htmx_reject_without_reason_is_a_400_article_then_rejects(drafting: Drafting) -> None:
    amendment = propose(drafting, drafting.world.industry, "Changed.")
    client = page_client(drafting.world.organizer)
    url = f"/amendments/{amendment.pk}/reject/"
    response = client.post(url, {"reason": ""}, headers=HTMX)
    assert response.status_code == 400
    html = article_of(response)
    assert f'id="amendment-{amendment.pk}-error">Say why: a reason is required.' in html
    assert re.search(r'<details class="confirm" open>', html)  # the reject form stays open
    response = client.post(url, {"reason": "Out of scope."}, headers=HTMX)
    assert response.status_code == 200
    html = article_of(response)
    assert "Out of scope." in html and "(0 open)" in html


def test_htmx_withdraw_and_rebase_by_the_author(drafting: Drafting) -> None:
    world = drafting.world
    stale = propose(drafting, world.industry, "This framework applies to frontier AI labs.")
    other = propose(drafting, world.industry, "Changed.")
    revise(drafting, "This framework applies to all frontier AI developers.")
    client = page_client(world.industry)
    response = client.post(f"/amendments/{other.pk}/withdraw/", headers=HTMX)
    assert response.status_code == 200
    assert f"Amendment {other.number} to §{other.clause.position} withdrawn." in article_of(
        response
    )
    text = "This framework applies to all frontier AI labs."
    response = client.post(f"/amendments/{stale.pk}/rebase/", {"text": text}, headers=HTMX)
    assert response.status_code == 200
    html = article_of(response)
    assert (
        f"Amendment {stale.number} to §{stale.clause.position} now applies to the current version."
        in html
    )
    assert "needs rebase" not in html


def test_htmx_proposal_form_is_fetched_into_the_page_and_proposes(drafting: Drafting) -> None:
    client = page_client(drafting.world.industry)
    url = f"/clauses/{drafting.trigger.pk}/amendments/new/"
    page = client.get(f"/clauses/{drafting.trigger.pk}/").content.decode()
    assert f'hx-get="{url}" hx-target="#amendment-form-slot"' in page
    assert 'id="amendment-form-slot"' in page
    form = client.get(url, headers=HTMX)
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(
        '<div class="proposal-box panel proposal-inline" id="amendment-form">'
    )
    assert f'hx-post="{url}" hx-target="#amendment-form"' in html
    assert 'id="amendment-text"' in html  # apart from the alternative form's ids
    same = {"text": drafting.trigger.text, "rationale": "Same."} | trigger_fields()
    refused = client.post(url, same, headers=HTMX)
    assert refused.status_code == 400
    assert "does not change the text or the spec" in refused.content.decode()
    assert "HX-Retarget" not in refused
    data = {"text": "A pause is triggered sooner.", "rationale": "Earlier."} | trigger_fields()
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#clause-drafting"
    assert response["HX-Reswap"] == "outerHTML"
    html = article_of(response)
    assert "Amendment proposed." in html and "(1 open)" in html
    assert Amendment.objects.get(clause=drafting.trigger).text == "A pause is triggered sooner."


def test_htmx_alternatives_bracket_then_resolve_in_place(drafting: Drafting) -> None:
    world = drafting.world
    url = f"/clauses/{drafting.scope.pk}/alternatives/new/"
    page_client(world.industry).post(url, {"text": "Labs only.", "rationale": ""}, headers=HTMX)
    response = page_client(world.civil_society).post(
        url, {"text": "Everyone.", "rationale": ""}, headers=HTMX
    )
    assert response.status_code == 200
    html = article_of(response)
    assert "[Option A: Labs only. / Option B: Everyone.]" in text_of(html)
    assert "badge-bracketed" in html
    organizer = page_client(world.organizer)
    option_b = Alternative.objects.get(clause=drafting.scope, label="B")
    resolve = f"/clauses/{drafting.scope.pk}/resolve/"
    refused = organizer.post(resolve, {"alternative": str(option_b.pk), "reason": ""}, headers=HTMX)
    assert refused.status_code == 400
    assert 'id="id_reason_error"' in article_of(refused)
    response = organizer.post(
        resolve, {"alternative": str(option_b.pk), "reason": "Broader."}, headers=HTMX
    )
    assert response.status_code == 200
    html = article_of(response)
    assert "Option B chosen" in html and "Version 2" in html
    assert "[Option A:" not in text_of(html)


def test_htmx_alternative_withdraw_answers_the_article(drafting: Drafting) -> None:
    first, _ = two_alternatives(drafting)
    response = page_client(drafting.world.industry).post(
        f"/alternatives/{first.pk}/withdraw/", headers=HTMX
    )
    assert response.status_code == 200
    html = article_of(response)
    assert "Option A withdrawn." in html and "[Option A:" not in text_of(html)


def test_htmx_transition_and_reorder_answer_the_workspace(drafting: Drafting) -> None:
    client = page_client(drafting.world.organizer)
    slug = drafting.framework.slug
    scope, trigger = drafting.scope, drafting.trigger
    response = client.post(
        f"/f/{slug}/reorder/",
        {f"position-{scope.pk}": "2", f"position-{trigger.pk}": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = article_of(response)
    assert "Clauses renumbered." in html
    assert html.index("Capability trigger") < html.index(">Scope<")
    refused = client.post(f"/f/{slug}/reorder/", {f"position-{scope.pk}": "x"}, headers=HTMX)
    assert refused.status_code == 400 and 'id="reorder-error"' in article_of(refused)
    refused = client.post(f"/f/{slug}/transition/", {"to": "published"}, headers=HTMX)
    assert refused.status_code == 409
    assert "cannot move to published" in unescape(article_of(refused))
    response = client.post(f"/f/{slug}/transition/", {"to": "voting"}, headers=HTMX)
    assert response.status_code == 200
    html = article_of(response)
    assert "The framework is now in voting." in html and "badge-voting" in html
