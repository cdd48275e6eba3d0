"""The public history of a published framework, from an edition's frozen document: every version
of a clause with the diff between any two, and a timeline of versions, rounds and publications
with the convening's audit chain status.

No person is named: the document carries versions without their authors, and decisions without
their voters (attribution is a promise).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from convene.models import Convening
from convene.selectors import audit_status
from deliberation.models import ClauseVersion, Edition
from deliberation.publishing import selectors
from deliberation.voting import tally
from frontend.views import htmx
from frontend.views.publishing.reader import KIND_WORDS
from frontend.views.text.diff import compare_context
from frontend.views.voting import OUTCOMES


def _url(name: str, slug: str, number: int | None, **kwargs: Any) -> str:
    if number is None:
        return reverse(name, kwargs={"slug": slug, **kwargs})
    return reverse(f"{name}_edition", kwargs={"slug": slug, "number": number, **kwargs})


def _versions(clause: dict[str, Any]) -> list[ClauseVersion]:
    """The clause's versions as (unsaved) ClauseVersion rows, so the members' diff serves them."""
    return [
        ClauseVersion(
            number=v["number"],
            text=v.get("text", ""),
            spec=v.get("spec"),
            rationale=v["rationale"],
            hash=v["hash"],
            created_at=datetime.fromisoformat(v["created_at"]),
        )
        for v in clause["versions"]
    ]


@require_safe
def clause_history(
    request: HttpRequest, slug: str, clause: int, number: int | None = None
) -> HttpResponse:
    """Every version of §``clause`` in the edition, newest first, and the diff of any two
    (``?from=&to=&view=side``); htmx asks for the diff alone."""
    edition = selectors.edition(slug=slug, number=number)
    found = next((c for c in edition.content["clauses"] if c["number"] == clause), None)
    if found is None or not found["versions"]:
        raise Http404("No such clause in this edition.")
    versions = _versions(found)
    has_text = all("text" in v for v in found["versions"])
    compare = compare_context(versions, request.GET) if has_text else {"error": ""}
    context = {
        "edition": edition,
        "slug": edition.framework.slug,
        "framework": edition.content["framework"],
        "clause": found,
        "clause_versions": versions,
        "newest_first": versions[::-1],
        "has_text": has_text,
        "compare": compare,
        "history_url": _url("public_clause_history", slug, number, clause=clause),
        "reader_url": _url("reader", slug, number),
        "decisions": [_decision_line(d) for d in found["decisions"]],
    }
    status = 400 if compare.get("error") else 200
    if htmx(request) and has_text:
        return render(request, "frontend/drafting/partials/diff.html", context, status=status)
    return render(request, "frontend/publishing/clause_history.html", context, status=status)


def _decision_line(decision: dict[str, Any]) -> dict[str, Any]:
    closed = decision["round"]["closed_at"]
    return {
        "round": decision["round"]["title"],
        "closed_at": parse_datetime(closed) if closed else None,
        "what": KIND_WORDS.get(decision["kind"], decision["kind"]),
        "outcome": OUTCOMES[tally.Outcome(decision["outcome"])],
        "motion": decision["motion"],
    }


def _timeline(document: dict[str, Any], editions: list[Edition], slug: str) -> list[dict[str, Any]]:
    """Versions, closed rounds and publications, oldest first."""
    events: list[dict[str, Any]] = []
    for clause in document["clauses"]:
        for v in clause["versions"]:
            events.append(
                {
                    "at": parse_datetime(v["created_at"]),
                    "kind": "version",
                    "text": f"§{clause['number']} {clause['title']}: version {v['number']}",
                    "detail": v["rationale"],
                    "url": reverse(
                        "public_clause_history", kwargs={"slug": slug, "clause": clause["number"]}
                    )
                    + f"?from={max(v['number'] - 1, 1)}&to={v['number']}",
                }
            )
    rounds: dict[int, dict[str, Any]] = {}
    decisions = [d for c in document["clauses"] for d in c["decisions"]] + document["decisions"]
    for d in decisions:
        round_ = d["round"]
        if round_["closed_at"] and round_["id"] not in rounds:
            rounds[round_["id"]] = {
                "at": parse_datetime(round_["closed_at"]),
                "kind": "round",
                "text": f"Voting round closed: {round_['title']}",
                "detail": f"{round_['ballot_mode'].capitalize()} ballot.",
                "url": f"{reverse('reader', kwargs={'slug': slug})}#decision-{d['motion']}",
            }
    events += rounds.values()
    events += [
        {
            "at": e.published_at,
            "kind": "publication",
            "text": f"Edition {e.number} published",
            "detail": f"Content hash {e.content_hash[:12]}…",
            "url": reverse("reader_edition", kwargs={"slug": slug, "number": e.number}),
        }
        for e in editions
    ]
    return sorted(events, key=lambda e: (e["at"], e["kind"]))


@require_safe
def framework_history(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    """The framework's timeline as of the edition, and its convening's audit chain status."""
    edition = selectors.edition(slug=slug, number=number)
    editions = list(
        Edition.objects.filter(framework_id=edition.framework_id, number__lte=edition.number)
        .defer("content")
        .order_by("number")
    )
    convening = Convening.objects.get(pk=edition.framework.convening_id)
    context = {
        "edition": edition,
        "slug": edition.framework.slug,
        "framework": edition.content["framework"],
        "events": _timeline(edition.content, editions, edition.framework.slug),
        "audit": audit_status(convening=convening),
        "public_convening": convening.visibility == Convening.Visibility.PUBLIC,
        "convening_slug": convening.slug,
        "reader_url": _url("reader", slug, number),
    }
    return render(request, "frontend/publishing/framework_history.html", context)
