"""The search page: the same search as GET /api/v1/search/, as a form and a list of results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation.publishing import search

KIND_LABELS = [
    ("", "Everything"),
    ("framework", "Frameworks"),
    ("clause", "Clauses"),
    ("comment", "Comments"),
]


class SearchForm(forms.Form):
    """The search as the page asks it; the view sets the convenings this reader may pick."""

    q = forms.CharField(label="Search for", max_length=search.MAX_QUERY)
    kind = forms.ChoiceField(label="Kind", choices=KIND_LABELS, required=False)
    convening = forms.ChoiceField(label="Convening", required=False)
    page = forms.IntegerField(
        min_value=1, max_value=search.MAX_PAGE, required=False, widget=forms.HiddenInput
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """A blank query shows the form; a bad one re-shows it with the errors (400)."""
    asked = any(request.GET.get(name) for name in ("q", "kind", "convening", "page"))
    form = SearchForm(request.GET if asked else None)
    choices = search.searchable_convenings(request.user)
    convening = form.fields["convening"]
    assert isinstance(convening, forms.ChoiceField)
    convening.choices = [("", "All convenings"), *choices]
    context: dict[str, Any] = {"form": form, "results": None}
    status = 200
    if asked and form.is_valid():
        data = form.cleaned_data
        page = data["page"] or 1
        context["results"] = search.search(
            user=request.user,
            q=data["q"],
            kind=data["kind"] or None,
            convening=data["convening"] or None,
            page=page,
        )
        params = request.GET.copy()
        params.pop("page", None)
        context["base_query"] = params.urlencode()
    elif asked:
        status = 400
    return render(request, "frontend/publishing/search.html", context, status=status)
