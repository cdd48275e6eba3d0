"""The reader serves the Akoma Ntoso export of the latest edition and of each numbered one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import Edition
from tests.conftest import clear_cache
from tests.frontend.conftest import page_client
from tests.frontend.publishing.conftest import clauses_of, forge_edition


@pytest.mark.parametrize("prefix", ["", "editions/1/"])
def test_the_export_is_served_as_an_attachment_with_its_hash(
    published: Edition, prefix: str
) -> None:
    slug = published.framework.slug
    url = f"/frameworks/{slug}/{prefix}export.akn.xml"
    first = page_client(None).get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/akn+xml"
    assert first["Content-Disposition"] == f'attachment; filename="{slug}-edition-1.akn.xml"'
    assert first["X-Content-Hash"] == published.content_hash
    assert published.content_hash.encode() in first.content
    clear_cache()
    assert page_client(None).get(url).content == first.content


def test_unknown_frameworks_and_editions_are_404(published: Edition) -> None:
    slug = published.framework.slug
    for url in (
        "/frameworks/nothing-here/export.akn.xml",
        f"/frameworks/{slug}/editions/7/export.akn.xml",
        f"/frameworks/{slug}/export.akn.html",
    ):
        assert page_client(None).get(url).status_code == 404, url


def test_the_export_costs_the_same_whatever_the_size(published: Edition) -> None:
    small = forge_edition(published, clauses_of(published, 2))
    large = forge_edition(published, clauses_of(published, 60))
    forge_edition(published, clauses_of(published, 1))  # the latest: both above are superseded
    counts = []
    for edition in (small, large):
        clear_cache()
        url = f"/frameworks/{published.framework.slug}/editions/{edition.number}/export.akn.xml"
        with CaptureQueriesContext(connection) as ctx:
            assert page_client(None).get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
