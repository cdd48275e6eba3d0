"""The public record: the reader of published frameworks (the latest edition or one by number),
each edition's exports, and the Atom feeds of new editions."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path
from django.views.decorators.http import require_safe

from frontend.views.publishing import exports, feeds, history, reader, search

EXT = r"(?P<ext>json|md|csv|akn\.xml)"

urlpatterns: list[URLPattern] = [
    path("search/", search.search_page, name="search"),
    path("feeds/published.atom", require_safe(feeds.PublishedFeed()), name="feed_published"),
    path(
        "feeds/convenings/<slug:slug>.atom",
        require_safe(feeds.ConveningFeed()),
        name="feed_convening",
    ),
    path("frameworks/<slug:slug>/", reader.reader, name="reader"),
    path("frameworks/<slug:slug>/editions/<int:number>/", reader.reader, name="reader_edition"),
    path("frameworks/<slug:slug>/history/", history.framework_history, name="public_history"),
    path(
        "frameworks/<slug:slug>/editions/<int:number>/history/",
        history.framework_history,
        name="public_history_edition",
    ),
    path(
        "frameworks/<slug:slug>/clauses/<int:clause>/history/",
        history.clause_history,
        name="public_clause_history",
    ),
    path(
        "frameworks/<slug:slug>/editions/<int:number>/clauses/<int:clause>/history/",
        history.clause_history,
        name="public_clause_history_edition",
    ),
    re_path(
        rf"^frameworks/(?P<slug>[-a-zA-Z0-9_]+)/export\.{EXT}$",
        exports.edition_export,
        name="reader_export",
    ),
    re_path(
        rf"^frameworks/(?P<slug>[-a-zA-Z0-9_]+)/editions/(?P<number>[0-9]+)/export\.{EXT}$",
        exports.edition_export,
        name="reader_edition_export",
    ),
]
