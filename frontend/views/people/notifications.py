"""The inbox, its header badge, "needs my attention", notification settings, and the mail's
one-click unsubscribe page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from convene.errors import DomainError
from convene.notifications import inbox, mail
from convene.notifications.models import TIME_ZONES, Category, Mode, Notification
from convene.notifications.selectors import inbox_items, unread_count
from deliberation import attention
from frontend.timezones import remember_time_zone
from frontend.views import htmx, signed_in_user

PAGE = 30


def _page(request: HttpRequest, unread_only: bool) -> tuple[list[Notification], int | None]:
    """One page of the inbox by keyset (``?before=<id>``), and the id to continue from."""
    items = inbox_items(signed_in_user(request), unread_only=unread_only)
    before = request.GET.get("before", "")
    if before.isdigit() and len(before) < 19:
        items = items.filter(pk__lt=int(before))
    page = list(items[: PAGE + 1])
    more = page[PAGE - 1].pk if len(page) > PAGE else None
    return page[:PAGE], more


@login_required
@require_http_methods(["GET"])
def inbox_page(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    items, more = _page(request, unread_only)
    context = {
        "items": items,
        "more": more,
        "unread_only": unread_only,
        "unread": unread_count(request.user),
    }
    return render(request, "frontend/notifications/inbox.html", context)


@login_required
@require_http_methods(["GET"])
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, polled by htmx: one count query; 204 (nothing to swap, so
    nothing re-announced) while it is the count the page already shows."""
    count = unread_count(request.user)
    if request.GET.get("shown") == str(count):
        return HttpResponse(status=204)
    return render(request, "frontend/notifications/badge.html", {"unread": count})


@login_required
@require_http_methods(["GET"])
def inbox_open(request: HttpRequest, item_id: int) -> HttpResponse:
    """Open an item: mark it read and go where it points."""
    user = signed_in_user(request)
    item = Notification.objects.filter(pk=item_id, recipient=user).first()
    if item is None:
        raise Http404("No such notification.")
    if item.read_at is None:
        inbox.notifications_mark_read(user=user, ids=[item.pk])
    target = item.target_url
    # Always a path of ours (written from reverse()); never follow anything else.
    return redirect(target if target.startswith("/") and not target.startswith("//") else "inbox")


@login_required
@require_http_methods(["POST"])
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    raw = request.POST.get("id", "")
    try:
        if raw:
            if not raw.isdigit() or len(raw) > 18:
                raise DomainError("No such notification.", status=404)
            marked = inbox.notifications_mark_read(user=user, ids=[int(raw)])
        else:
            marked = inbox.notifications_mark_read(user=user, everything=True)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("inbox")
    if htmx(request) and raw:
        item = Notification.objects.get(pk=int(raw))
        return render(request, "frontend/notifications/item.html", {"item": item, "announce": True})
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("inbox")


@login_required
@require_http_methods(["GET"])
def attention_page(request: HttpRequest) -> HttpResponse:
    context = attention.needs_attention(signed_in_user(request))
    return render(request, "frontend/notifications/attention.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status, error = 200, None
    if request.method == "POST":
        changes = {c: request.POST.get(c, "") for c in Category.values}
        changes["timezone"] = request.POST.get("timezone", "")
        try:
            inbox.notification_settings_update(user=user, changes=changes)
        except DomainError as exc:
            status, error = exc.status, exc
        else:
            if changes["timezone"]:
                remember_time_zone(request, changes["timezone"])
            messages.success(request, "Notification settings saved.")
            return redirect("notification_settings")
    prefs = inbox.settings_of(user)
    rows = [
        {"name": c, "label": label, "mode": request.POST.get(c) or prefs.mode(c)}
        for c, label in Category.choices
    ]
    context = {
        "rows": rows,
        "modes": Mode.choices,
        "time_zone": request.POST.get("timezone") or prefs.time_zone,
        "time_zones": TIME_ZONES,
        "error": error,
    }
    return render(request, "frontend/notifications/settings.html", context, status=status)


UNSUBSCRIBE = "frontend/notifications/unsubscribe.html"


# Mail clients POST here without a CSRF token (RFC 8058 one-click); the signed token is the
# only authority, and it can only stop mail, never sign anyone in.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    what = mail.read_unsubscribe_token(token)
    if what is None:
        return render(request, UNSUBSCRIBE, {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, UNSUBSCRIBE, {"what": what.what})
    try:
        inbox.unsubscribe(token=token)
    except DomainError:
        return render(request, UNSUBSCRIBE, {"invalid": True}, status=400)
    return render(request, UNSUBSCRIBE, {"what": what.what, "done": True})
