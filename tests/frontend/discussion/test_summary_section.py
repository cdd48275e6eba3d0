"""The thread summary above a clause's comments: shown once there is one, each point linking
to the comments it cites, user text escaped, and a hidden comment gone from it."""

from __future__ import annotations

import pytest

from deliberation.discussion import services as discussion
from deliberation.discussion.services.summaries import summary_refresh
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def test_no_summary_section_before_the_first_summary(drafting: Drafting) -> None:
    body = page_client(None).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Summary of the discussion" not in body


def test_the_summary_links_each_point_to_its_comments(drafting: Drafting) -> None:
    w = drafting.world
    comment = discussion.comment_post(
        actor=w.policymaker, clause=drafting.scope, body="Audit <script>alert(1)</script> compute."
    )
    summary_refresh(clause_id=drafting.scope.pk)
    body = page_client(None).get(f"/clauses/{drafting.scope.pk}/").content.decode()
    assert "Summary of the discussion" in body
    assert f'href="/comments/{comment.pk}/"' in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_a_hidden_comment_leaves_the_summary(
    drafting: Drafting, django_capture_on_commit_callbacks: object
) -> None:
    w = drafting.world
    discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body="Keep this point.")
    hidden = discussion.comment_post(actor=w.industry, clause=drafting.scope, body="Slur here.")
    summary_refresh(clause_id=drafting.scope.pk, force=True)
    cited = f'href="/comments/{hidden.pk}/"'
    assert cited in _summary_section(page_client(None).get(f"/clauses/{drafting.scope.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        discussion.comment_moderate(
            actor=w.organizer, comment=hidden, action="hide", reason="Abuse."
        )
    section = _summary_section(page_client(None).get(f"/clauses/{drafting.scope.pk}/"))
    assert cited not in section
    assert "Slur here" not in section


def _summary_section(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return body.split('id="thread-summary"')[1].split("</details>")[0]
