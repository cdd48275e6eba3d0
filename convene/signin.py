"""Sign-in protection (issue 8): where a request comes from, which account a sign-in names, and
what a lockout answers.

django-axes counts failed sign-ins in the database, one counter per account and one per client
address (``AXES_LOCKOUT_PARAMETERS``), whichever way the password was tried: the API's token
endpoint, the sign-in page or the admin's. These are the callables its settings name.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as far as it can be trusted.

    With no proxy in front (``TRUSTED_PROXY_COUNT`` 0, the default) that is the connection's
    address, and a client-sent ``X-Forwarded-For`` means nothing. With n proxies, each appending
    the address it was connected from (or the first one replacing the header with it), the n-th
    entry of ``X-Forwarded-For`` from the right is the client's; what stands left of it is
    whatever the client sent. DRF's ``NUM_PROXIES`` counts the same way, so the API's
    per-address rate limits and the lockout agree.
    """
    count: int = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and header:
        # ipware's proxy_count is the number of entries right of the client's, one fewer than
        # the proxies (the last proxy's address is the connection's, not in the header). A
        # shorter header (fewer proxies on this path) gives its left-most entry, as DRF does.
        # Not strict: extra entries on the left are expected; a client can always add some.
        forwarded, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=min(count, len(header.split(","))) - 1,
            request_header_order=("HTTP_X_FORWARDED_FOR",),
            strict=False,
        )
        if forwarded is not None:
            return forwarded
    remote, _routable = get_client_ip(request, request_header_order=("REMOTE_ADDR",))
    return remote


def account_key(request: Any, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in names, spelled one way: the API and allauth pass ``email``, the
    admin ``username``, and ``Observer@Example.org`` must count against the same account."""
    values = credentials or {}
    name = values.get("email") or values.get("username") or values.get("login")
    if name is None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        name = data.get("email") or data.get("login") or data.get("username")
    return str(name or "").strip().lower()


def locked_out(request: Any) -> bool:
    """Whether the sign-in just tried on this request was refused or tipped into a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def retry_after(request: Any = None) -> int:
    """Seconds until a locked-out account or address may try again (at most)."""
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_message(request: Any = None) -> str:
    minutes = max(1, -(-retry_after(request) // 60))
    return (
        "Too many failed sign-in attempts for this account or from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """What ``AxesMiddleware`` answers for a request whose sign-in is locked out.

    Under ``/api/`` the API's error shape; elsewhere the page as it was rendered (the sign-in
    page shows the lockout in its form, see ``frontend.accounts``), answered 429."""
    wait = retry_after(request)
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": lockout_message(request), "errors": {}}, status=429
        )
    else:
        response = original_response or HttpResponse(lockout_message(request))
        response.status_code = 429
    if wait:
        response["Retry-After"] = str(wait)
    return response
