"""Django's error views, answering in the API's error shape under ``/api/``.

DRF turns what its views raise into JSON (``convene.api.errors``), but some errors never reach a
view: a URL no route matches (404), an exception DRF does not handle (500), a request Django
refuses before routing (400, e.g. a disallowed host). Django answers those with these handlers
(``convene.urls``), which for ``/api/`` paths answer ``{"detail": ..., "errors": {}}`` and for
pages the usual templates. With ``DEBUG`` on Django shows its own debug pages instead.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("You do not have permission to perform this action.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json("A server error occurred.", 500)
    return defaults.server_error(request)
