"""The reader: one edition of a published framework, for anyone, from its frozen document.

Header (title, convening, edition, adopting round, delegations), a table of contents, the
preamble, every clause with its spec and its decision record (narrative first, the rule in
words, a per-group chart with its table, objections, alternatives, comment dispositions), then
the framework's own decisions. Two queries: the edition, and the framework's edition list.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from convene.models import StakeholderGroup
from deliberation.models import Edition
from deliberation.publishing import selectors
from deliberation.voting import tally
from frontend.views.publishing.caching import edition_response
from frontend.views.text.clause import spec_rows, spec_sentence
from frontend.views.voting import OUTCOMES
from frontend.views.voting.results import CHART, group_chart

KIND_WORDS = {
    "adopt_clause": "Adopt the clause",
    "accept_amendment": "Accept an amendment",
    "choose_alternative": "Choose among alternatives",
    "adopt_framework": "Adopt the framework as a whole",
}
METHOD_WORDS = {
    "approval": "The alternative with the most approvals is chosen; a tie goes to the lowest "
    "label.",
    "schulze": "Ranked ballots, counted by the Schulze method; a tie among winners goes to the "
    "lowest label.",
}
DISPOSITION_WORDS = [
    ("accepted", "Accepted"),
    ("partly_accepted", "Partly accepted"),
    ("not_accepted", "Not accepted"),
    ("noted", "Noted"),
    ("awaiting_response", "Awaiting a response"),
]


def _rule_words(decision: dict[str, Any]) -> str:
    if decision["rule"]:
        return tally.Rule.from_dict(decision["rule"]).explain()
    return METHOD_WORDS.get(decision["method"] or "", "")


def _decision(decision: dict[str, Any]) -> dict[str, Any]:
    yes_no = decision["kind"] != "choose_alternative"
    round_ = decision["round"]
    return {
        **decision,
        "id": decision["motion"],
        "kind_words": KIND_WORDS.get(decision["kind"], decision["kind"]),
        "outcome_words": OUTCOMES[tally.Outcome(decision["outcome"])],
        "closed_at": parse_datetime(round_["closed_at"]) if round_["closed_at"] else None,
        "rule_words": _rule_words(decision),
        "yes_no": yes_no,
        "chart": group_chart(decision, yes_no=yes_no, key=decision["motion"], what=""),
        "objections": [
            {**o, "group_label": StakeholderGroup(o["group"]).label} for o in decision["objections"]
        ],
    }


def _clause(clause: dict[str, Any]) -> dict[str, Any]:
    dispositions = clause["comments"]["dispositions"]
    return {
        **clause,
        "kind_words": clause["kind"].replace("_", " ").capitalize(),
        "spec_rows": spec_rows(clause["kind"], clause["spec"]),
        "spec_sentence": spec_sentence(clause["kind"], clause["spec"]),
        "decisions": [_decision(d) for d in clause["decisions"]],
        "dispositions": [(label, dispositions.get(key, 0)) for key, label in DISPOSITION_WORDS],
    }


def _delegations(participants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "delegations": [p for p in participants if p["group"] == group],
        }
        for group, label in StakeholderGroup.choices
        if any(p["group"] == group for p in participants)
    ]


def _adopted_in(document: dict[str, Any]) -> dict[str, Any] | None:
    round_ = document["edition"]["adopted_in"]
    if not round_:
        return None
    closed = round_["closed_at"]
    return {"title": round_["title"], "closed_at": parse_datetime(closed) if closed else None}


@require_safe
@edition_response(personal=True)
def reader(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    edition = selectors.edition(slug=slug, number=number)
    document = edition.content
    editions = list(
        Edition.objects.filter(framework_id=edition.framework_id)
        .order_by("-number")
        .values("number", "published_at")
    )
    context = {
        "edition": edition,
        "slug": edition.framework.slug,
        "document": document,
        "framework": document["framework"],
        "adopted_in": _adopted_in(document),
        "groups": _delegations(document["participants"]),
        "clauses": [_clause(c) for c in document["clauses"]],
        # §n in the text links to clause n on this page.
        "refs": {c["number"]: f"#clause-{c['number']}" for c in document["clauses"]},
        "decisions": [_decision(d) for d in document["decisions"]],
        "editions": editions,
        "latest": editions[0]["number"],
        "chart": CHART,
    }
    return render(request, "frontend/publishing/reader.html", context)
