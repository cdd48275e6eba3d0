"""An edition's exports: the document as canonical JSON, as Markdown, as Akoma Ntoso XML, and
its vote results as CSV. Each is made from the frozen document alone, so it is the same bytes on
every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from convene.hashchain import canonical_json
from deliberation.publishing import akoma, formats, selectors
from frontend.views.publishing.caching import edition_response

FORMATS: dict[str, tuple[str, Callable[[dict[str, Any]], bytes]]] = {
    "json": ("application/json", canonical_json),
    "md": ("text/markdown; charset=utf-8", lambda doc: formats.to_markdown(doc).encode("utf-8")),
    "csv": ("text/csv; charset=utf-8", formats.to_csv),
    "akn.xml": ("application/akn+xml", akoma.to_akn),
}


@require_safe
@edition_response(personal=False)
def edition_export(
    request: HttpRequest, slug: str, ext: str, number: str | None = None
) -> HttpResponse:
    """``export.<ext>`` of the latest edition, or of edition ``number`` (from the URL's digits)."""
    content_type, render = FORMATS[ext]
    edition = selectors.edition(slug=slug, number=int(number) if number else None)
    response = HttpResponse(render(edition.content), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{edition.framework.slug}-edition-{edition.number}.{ext}"'
    )
    response["X-Content-Hash"] = edition.content_hash
    return response
