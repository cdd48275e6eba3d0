"""Reading the inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from convene.notifications.models import Notification


def inbox_items(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's items, newest first (keyset on the inbox index)."""
    items = Notification.objects.filter(recipient=user).order_by("-id")
    return items.filter(read_at=None) if unread_only else items


def unread_count(user: Any) -> int:
    """The header badge: one count on the partial unread index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()
