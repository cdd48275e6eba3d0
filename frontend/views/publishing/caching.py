"""Serving an edition's pages and exports: by ETag, and from a cache keyed by the edition.

An edition never changes, so what a page or export shows is fixed by three things: the edition's
content hash, the number of the latest edition (the reader says when an edition is superseded),
and the code that renders it (``settings.CONVENE_RELEASE``). They make the ETag, so a
conditional request is answered 304 before anything is rendered; a new edition changes the key.

Anonymous readers share one cached copy of each page: a hit costs no query and no template.
Signed-in readers get their own render (the header names them), revalidated by an ETag that
includes who they are. A cached page must carry nothing personal, so it is rendered without a
CSRF token (``request.public_copy``; base.html leaves the htmx header out) and is not stored
when the response sets a cookie.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

from deliberation.publishing import selectors
from deliberation.publishing.selectors import Stamp

# A cached page lives at most this long, so a release that forgot to change CONVENE_RELEASE
# still shows its new layout within the hour.
PAGE_TTL = 3600
# Headers a cached copy keeps besides its body and content type.
KEPT_HEADERS = ("Content-Disposition", "X-Content-Hash")
# Browsers and proxies may keep a page this long; a numbered export's bytes never change.
PAGE_MAX_AGE = 300
EXPORT_MAX_AGE = 365 * 24 * 3600

View = Callable[..., HttpResponse]


def _stamps(slug: str, number: int | None) -> tuple[Stamp, Stamp]:
    latest = selectors.latest_stamp(slug)
    if latest is None:
        raise Http404("No such published framework.")
    if number is None or number == latest.number:
        return latest, latest
    shown = selectors.edition_stamp(slug, number)
    if shown is None:
        raise Http404("No such edition.")
    return latest, shown


def _shareable(request: HttpRequest) -> bool:
    """A visitor with no session and no pending message: their page is everyone's page."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _etag(request: HttpRequest, latest: Stamp, shown: Stamp, reader: str) -> str:
    parts = [shown.content_hash, str(latest.number), settings.CONVENE_RELEASE, request.path, reader]
    return quote_etag(hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32])


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _from_cache(key: str, request: HttpRequest | None = None) -> HttpResponse | None:
    """The cached copy; compressed as stored when the reader accepts gzip, so a hit costs
    neither a render nor a compression (the copy is public: nothing secret for BREACH to find,
    which is why GZipMiddleware's per-response padding is not needed here). This process's
    copy first (no round trip: the key names an edition, which never changes), then Redis's."""
    local = caches["local"]
    hit = local.get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is None:
            return None
        local.set(key, hit, PAGE_TTL)
    accepts = request is not None and _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    )
    if accepts and hit.get("gzip") is not None:
        response = HttpResponse(hit["gzip"], content_type=hit["content_type"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(hit["body"], content_type=hit["content_type"])
    patch_vary_headers(response, ["Accept-Encoding"])
    for name, value in hit["headers"].items():
        response[name] = value
    return response


def _store(key: str, response: HttpResponse) -> None:
    if response.status_code != 200 or response.cookies or response.streaming:
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    body = response.content
    copy = {
        "body": body,
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "content_type": response["Content-Type"],
        "headers": headers,
    }
    cache.set(key, copy, PAGE_TTL)
    caches["local"].set(key, copy, PAGE_TTL)


def edition_response(*, personal: bool) -> Callable[[View], View]:
    """Serve ``view(request, slug, number=None, **kwargs)`` by edition: 304 when the client's
    ETag still holds, else the cached copy for anonymous readers, else a render (then cached).

    ``personal``: the response shows who is signed in (pages), so their ETag names them;
    exports are the same bytes for everyone."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, slug: str, number: Any = None, **kwargs: Any
        ) -> HttpResponse:
            latest, shown = _stamps(slug, int(number) if number is not None else None)
            shareable = not personal or _shareable(request)
            # A signed-in reader's page shows times in their zone: a new zone, a new ETag.
            zone = timezone.get_current_timezone_name()
            reader = "public" if shareable else f"user-{request.user.pk}-{zone}"
            etag = _etag(request, latest, shown, reader)
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                return not_modified
            # DEBUG renders every time, so template edits show at once.
            cached = shareable and not settings.DEBUG
            key = f"publishing:page:{etag}"
            response = _from_cache(key, request) if cached else None
            if response is None:
                request.public_copy = shareable  # type: ignore[attr-defined]
                response = view(request, slug=slug, number=number, **kwargs)
                if cached:
                    _store(key, response)
            # Weak when compressed here, as GZipMiddleware makes it for what it compresses.
            compressed = response.get("Content-Encoding") == "gzip"
            response["ETag"] = f"W/{etag}" if compressed else etag
            _cache_control(response, shareable=shareable, numbered=number is not None)
            if personal:
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorate


def _cache_control(response: HttpResponse, *, shareable: bool, numbered: bool) -> None:
    if not shareable:
        patch_cache_control(response, private=True, no_cache=True)
    elif numbered and response.has_header("X-Content-Hash"):
        patch_cache_control(response, public=True, max_age=EXPORT_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
