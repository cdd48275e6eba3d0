"""The reading view: a framework on one page, for whoever may read its workspace, at every
status — what delegates prepare their positions from. Current text of every clause, open
alternatives in treaty brackets, each clause's comment count linking to its thread, specs in
words, and §n references as links within the page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation.text import crossrefs, selectors
from deliberation.text.permissions import access_framework
from frontend.views.text.clause import spec_rows, spec_sentence


@require_safe
def framework_reading(request: HttpRequest, slug: str) -> HttpResponse:
    framework = access_framework(request.user, slug)
    clauses = list(selectors.reading_list(framework=framework))
    # References are stored by clause id; shown here with the numbers clauses have now.
    refs = crossrefs.Refs({c.position: c.pk for c in clauses})
    for c in clauses:
        c.text = refs.display(c.text)  # shown, never saved
        for a in getattr(c, "open_alternatives", []):
            a.text = refs.display(a.text)
    rows = [
        {
            "clause": c,
            "spec_rows": spec_rows(c.kind, c.spec),
            "spec_sentence": spec_sentence(c.kind, c.spec),
        }
        for c in clauses
    ]
    context = {
        "framework": framework,
        "rows": rows,
        "refs": {c.position: f"#clause-{c.position}" for c in clauses},
    }
    return render(request, "frontend/drafting/reading.html", context)
