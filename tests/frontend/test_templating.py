"""The comment templates are compacted as they load (frontend.templating): the same page in
a third less HTML, and nothing a reader sees changes."""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template

from deliberation.discussion import services as discussion
from frontend.templating import compact
from tests.conftest import World
from tests.deliberation.conftest import Drafting, make_drafting
from tests.frontend.conftest import page_client


def test_compact_drops_indentation_and_blank_lines_only() -> None:
    source = "<p>\n    <a href='/'>Name</a> <span>x</span>\n\n   \n  {% if a %}\n</p>\n"
    assert compact(source) == "<p>\n<a href='/'>Name</a> <span>x</span>\n{% if a %}\n</p>"


def test_only_the_comment_templates_are_compacted() -> None:
    comment = get_template("frontend/comments/comment.html").template.source
    base = get_template("frontend/base.html").template.source
    assert "\n  " not in comment and "\n\n" not in comment
    assert "\n  " in base


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


def test_a_comment_reads_the_same_with_its_text_and_spacing(drafting: Drafting) -> None:
    w = drafting.world
    body = "First line.\n\n    An indented line stays as written."
    comment = discussion.comment_post(actor=w.policymaker, clause=drafting.scope, body=body)
    html = page_client(w.policymaker).get(f"/clauses/{drafting.scope.pk}/comments/")
    page = html.content.decode()
    start = page.index(f'<article id="comment-{comment.pk}"')
    block = page[start : page.index("</article>", start)]
    assert "\n  <" not in block  # no indentation left between the elements
    # Words between elements keep their space: the name, then the handle.
    assert re.search(r'</bdi></(a|span)> <span class="handle">', block)
    # What the author wrote is data, not template: it keeps its own line breaks.
    edit = page_client(w.policymaker).get(
        f"/comments/{comment.pk}/forms/edit/", headers={"HX-Request": "true"}
    )
    assert body in edit.content.decode()
