"""Issue 11's acceptance, in headless Chromium on the demo (`seed_demo`), as an anonymous
visitor: from the home page to the published protocol; a clause's decision record and the diff
of its versions; a clause's deep link; every export downloaded and checked; a clause found
through search. axe-core finds no serious or critical violation on the home, reader, clause
history, timeline, search, round results and record pages, and the keyboard reaches every
control of the reader and the search page."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from deliberation.models import VotingRound
from deliberation.publishing.demo import SLUG
from tests.browser.test_voting import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORTS = {
    "JSON": ".json",
    "Markdown": ".md",
    "Vote results (CSV)": ".csv",
    "Akoma Ntoso": ".akn.xml",
}


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def _downloads(page: Any, tmp_path: Path) -> dict[str, bytes]:
    got = {}
    nav = page.get_by_role("navigation", name="Downloads")
    for name, suffix in EXPORTS.items():
        with page.expect_download() as info:
            nav.get_by_role("link", name=name).click()
        download = info.value
        assert download.suggested_filename.endswith(suffix), download.suggested_filename
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        got[suffix] = target.read_bytes()
    return got


def _every_control_takes_focus(page: Any, limit: int = 400) -> None:
    """Tab through the page: every link, button and field is reached, in order, once."""
    controls = page.evaluate(
        "document.querySelectorAll('a[href], button, input, select, textarea, summary').length"
    )
    seen = set()
    for _ in range(min(limit, controls + 5)):
        page.keyboard.press("Tab")
        seen.add(
            page.evaluate(
                "(() => { const el = document.activeElement; "
                "return el.outerHTML.slice(0, 200) + '@' + "
                "Math.round(el.getBoundingClientRect().top + scrollY); })()"
            )
        )
    assert len(seen) >= min(controls, limit), (len(seen), controls)


def test_a_visitor_reads_checks_downloads_and_searches_the_public_record(
    demo: None, browser_page: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, problems = browser_page
    axe: dict[str, list[str]] = {}

    page.goto("/")
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() >= 1
    check_axe(page, "home", axe)
    page.get_by_role("region", name="Published frameworks").get_by_role(
        "link", name="Emergency Pause Protocol"
    ).click()
    page.wait_for_url(f"**/frameworks/{SLUG}/")
    check_axe(page, "reader", axe)

    # A clause's decision record: the narrative, the chart and its table.
    clause = page.locator("#clause-1")
    assert clause.locator(".decision .narrative").count() >= 1
    assert clause.locator("figure.chart svg").count() >= 1
    assert clause.locator("table.chart-table").count() >= 1

    # Every export, downloaded as a visitor's browser does.
    files = _downloads(page, tmp_path)
    document = json.loads(files[".json"])
    assert document["framework"]["slug"] == SLUG
    for suffix in (".md", ".akn.xml"):
        assert document["content_hash"].encode() in files[suffix], suffix
    assert files[".csv"].startswith(b"\xef\xbb\xbf") or b"," in files[".csv"].splitlines()[0]

    # The diff of a clause's versions, from the reader.
    clause.get_by_role("link", name="History of §1").click()
    page.wait_for_url(f"**/frameworks/{SLUG}/**/history/")
    assert page.locator("ins, del").count() >= 1 or "only one version" in page.content()
    check_axe(page, "clause history", axe)
    page.goto(f"/frameworks/{SLUG}/history/")
    check_axe(page, "timeline", axe)

    # A clause's deep link lands on it.
    page.goto(f"/frameworks/{SLUG}/#clause-2")
    top = page.evaluate("document.getElementById('clause-2').getBoundingClientRect().top")
    assert 0 <= top < 200
    _every_control_takes_focus(page)

    # Search from the header, then follow the result to its clause.
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("pause")
    search.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?*")
    result = page.locator("main mark").first
    result.wait_for()
    check_axe(page, "search", axe)
    _every_control_takes_focus(page)
    page.locator("main").get_by_role("link", name="Emergency Pause Protocol").first.click()
    page.wait_for_url(f"**/frameworks/{SLUG}/**")

    # The deciding round's public results and record.
    decided = VotingRound.objects.filter(
        framework__slug=SLUG, status=VotingRound.Status.CLOSED
    ).first()
    assert decided is not None
    for kind in ("results", "record"):
        page.goto(f"/rounds/{decided.pk}/{kind}/")
        assert page.get_by_role("heading", level=1).count() == 1
        check_axe(page, f"round {kind}", axe)

    assert axe == {}
    # A download ends its navigation: Chromium reports those requests as aborted.
    assert [p for p in problems if "/export." not in p or "ERR_ABORTED" not in p] == []
