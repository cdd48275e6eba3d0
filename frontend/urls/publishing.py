"""The public reader of published frameworks: the latest edition or one by number, and each
edition's exports (JSON, Markdown, CSV)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from frontend.views.publishing import exports, reader

EXT = r"(?P<ext>json|md|csv)"

urlpatterns: list[URLPattern] = [
    path("frameworks/<slug:slug>/", reader.reader, name="reader"),
    path("frameworks/<slug:slug>/editions/<int:number>/", reader.reader, name="reader_edition"),
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
