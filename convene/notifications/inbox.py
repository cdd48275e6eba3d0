"""Writing notifications: ``notify`` turns one change into at most one item per recipient,
with the mail each recipient asked for, inside the transaction of the change; and the
recipient's own writes (mark read, preferences).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.errors import DomainError
from convene.models import EmailOutbox, User
from convene.notifications import mail
from convene.notifications.models import (
    DEFAULT_MODES,
    TIME_ZONES,
    Category,
    Mode,
    Notification,
    NotificationSettings,
    PendingNotice,
)
from convene.notifications.services import nudge

# Rows per INSERT: a round closing for thousands of voters writes them in a few statements.
BATCH = 1000
# Past this many recipients the change writes one PendingNotice and a worker writes the items:
# a round closing for 5,000 voters commits in milliseconds, not in the seconds 5,000 items and
# their mails take. Under it the items are written at once, in the change's transaction.
INLINE_MAX = 200
# How long an expanded PendingNotice stays, to look at; the sweep deletes it then.
KEEP_EXPANDED = timedelta(days=1)
EMAIL_FOR_MODE = {
    Mode.INAPP: Notification.Email.NONE,
    Mode.IMMEDIATE: Notification.Email.IMMEDIATE,
    Mode.DIGEST: Notification.Email.DIGEST,
}


@dataclass(frozen=True)
class Notice:
    """One change, told the same way to everyone it concerns."""

    event: str  # unique per change: "comment.posted:1234"
    verb: str  # "comment.replied"
    title: str
    target_url: str
    convening_id: int | None
    excerpt: str = ""
    # As every recipient may see them: the caller applies the attribution.
    actor_name: str = ""
    actor_handle: str = ""


NOTICE_FIELDS = tuple(Notice.__dataclass_fields__)


def first_reasons(reasons: Iterable[tuple[Iterable[int], str]]) -> dict[int, str]:
    """Recipient → category, each recipient under the first reason that names them (callers
    list reasons most specific first: a reply before a followed clause)."""
    chosen: dict[int, str] = {}
    for user_ids, category in reasons:
        for user_id in user_ids:
            chosen.setdefault(user_id, category)
    return chosen


def _recipients(ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(pk__in=list(ids), is_active=True)
        .select_related("notification_settings")
        .only("pk", "email", "notification_settings")
    )


def mode_of(user: User, category: str) -> str:
    prefs = getattr(user, "notification_settings", None)
    return prefs.mode(category) if prefs is not None else DEFAULT_MODES[category]


def notify(
    notice: Notice,
    recipients: Mapping[int, str],
    *,
    exclude: int | None = None,
    mail_allowed: bool = True,
) -> list[Notification]:
    """Write ``notice`` for each recipient id (→ category), honouring their preferences; the
    actor (``exclude``) is never told of their own act, and nobody twice of one event. Must
    run inside the transaction of the change. A constant number of queries, however many
    recipients. Past ``INLINE_MAX`` recipients it writes one ``PendingNotice`` instead and a
    worker writes the items after the commit (``expand``); the items written now are returned,
    so none then.

    ``mail_allowed=False`` when the change already mails them itself (an invitation).
    """
    targets = {uid: cat for uid, cat in recipients.items() if uid != exclude}
    if len(targets) > INLINE_MAX:
        _defer(notice, targets, mail_allowed=mail_allowed)
        return []
    return _write(notice, targets, mail_allowed=mail_allowed)


def _defer(notice: Notice, targets: Mapping[int, str], *, mail_allowed: bool) -> None:
    from convene.notifications.tasks import notices_expand

    pending = PendingNotice.objects.create(
        **_stored(notice),
        recipients=[[uid, category] for uid, category in targets.items()],
        mail_allowed=mail_allowed,
    )
    nudge(notices_expand, pending.pk)


def expand(pending_id: int) -> int | None:
    """Write a pending notice's items, once: the number written, or None if it is already
    expanded or another worker holds it. Runs in its own transaction."""
    with transaction.atomic():
        pending = (
            PendingNotice.objects.select_for_update(skip_locked=True)
            .filter(pk=pending_id, expanded_at__isnull=True)
            .first()
        )
        if pending is None:
            return None
        notice = Notice(**{name: getattr(pending, name) for name in NOTICE_FIELDS})
        targets = {int(uid): str(category) for uid, category in pending.recipients}
        created = _write(notice, targets, mail_allowed=pending.mail_allowed)
        pending.expanded_at = timezone.now()
        pending.save(update_fields=["expanded_at"])
    return len(created)


def expand_waiting(*, older_than: timedelta = timedelta(seconds=5)) -> int:
    """Expand every pending notice still waiting ``older_than`` after it was written (its
    task lost to a broker outage or a crashed worker), and forget those expanded a day ago
    (their items are the record): beat's sweep. Items written."""
    now = timezone.now()
    PendingNotice.objects.filter(expanded_at__lte=now - KEEP_EXPANDED).delete()
    cutoff = now - older_than
    waiting = PendingNotice.objects.filter(expanded_at__isnull=True, created_at__lte=cutoff)
    return sum(expand(pk) or 0 for pk in waiting.order_by("pk").values_list("pk", flat=True))


def _write(notice: Notice, targets: dict[int, str], *, mail_allowed: bool) -> list[Notification]:
    """The items (and mails) of ``notice`` for ``targets``, in a constant number of queries."""
    # Idempotent: whoever has this event already (a periodic task's second run) is skipped.
    told = Notification.objects.filter(event=notice.event[:100], recipient_id__in=list(targets))
    for uid in told.values_list("recipient_id", flat=True):
        targets.pop(uid, None)
    if not targets:
        return []
    rows, addresses = [], {}
    for user in _recipients(targets):
        category = targets[user.pk]
        mode = mode_of(user, category)
        if mode == Mode.OFF:
            continue
        email = EMAIL_FOR_MODE[Mode(mode)] if mail_allowed else Notification.Email.NONE
        addresses[user.pk] = user.email
        rows.append(_row(notice, user.pk, category, email))
    created = Notification.objects.bulk_create(rows, batch_size=BATCH)
    mails = [
        mail.item_mail(item, addresses[item.recipient_id])
        for item in created
        if item.email == Notification.Email.IMMEDIATE
    ]
    if mails:
        from convene.notifications.tasks import outbox_relay

        EmailOutbox.objects.bulk_create(mails, batch_size=BATCH)
        nudge(outbox_relay)
    return created


def _stored(notice: Notice) -> dict[str, Any]:
    """The notice's fields as an item (or a pending notice) stores them, cut to their sizes."""
    return {
        "event": notice.event[:100],
        "verb": notice.verb,
        "title": notice.title[:300],
        "excerpt": notice.excerpt,
        "target_url": notice.target_url,
        "actor_name": notice.actor_name[:200],
        "actor_handle": notice.actor_handle or "",
        "convening_id": notice.convening_id,
    }


def _row(notice: Notice, recipient_id: int, category: str, email: str) -> Notification:
    return Notification(
        **_stored(notice), recipient_id=recipient_id, category=category, email=email
    )


def excerpt(text: str, limit: int = 280) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def notifications_mark_read(*, user: User, ids: Any = None, everything: bool = False) -> int:
    """Mark the user's own items read (the listed ids, or all); how many changed. Ids that are
    not theirs are refused as a whole, so nothing is marked by a bad request."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if everything:
        return unread.update(read_at=timezone.now())
    if not isinstance(ids, list) or not ids or len(ids) > 500:
        raise DomainError("Give the ids to mark read (1 to 500), or all: true.", field="ids")
    if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise DomainError("Ids are positive integers.", field="ids")
    owned = set(
        Notification.objects.filter(recipient=user, pk__in=ids).values_list("pk", flat=True)
    )
    missing = sorted(set(ids) - owned)
    if missing:
        raise DomainError(f"No such notification: {missing[0]}.", field="ids", status=404)
    return unread.filter(pk__in=ids).update(read_at=timezone.now())


def settings_of(user: User) -> NotificationSettings:
    """The user's settings, or unsaved defaults."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found if found is not None else NotificationSettings(user=user)


def notification_settings_update(*, user: User, changes: Mapping[str, Any]) -> NotificationSettings:
    """Set some categories' modes and/or the time zone; all checked before anything is saved."""
    if not isinstance(changes, Mapping):
        raise DomainError("Send the categories to change, and/or timezone.")
    errors: dict[str, list[str]] = {}
    for key, value in changes.items():
        if key == "timezone":
            if not isinstance(value, str) or value not in TIME_ZONES:
                errors[key] = ["An IANA time zone name, such as Europe/Berlin."]
        elif key not in Category.values:
            errors[key] = ["Not a notification category."]
        elif value not in Mode.values:
            errors[key] = [f"One of: {', '.join(Mode.values)}."]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors)
    if not changes:
        return settings_of(user)
    with transaction.atomic():
        prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        for key, value in changes.items():
            setattr(prefs, "time_zone" if key == "timezone" else key, value)
        prefs.save()
    return prefs


def unsubscribe(*, token: str) -> tuple[NotificationSettings, mail.Unsubscribe]:
    """Apply a mail's one-click unsubscribe: its categories stop mailing (they stay in-app)."""
    what = mail.read_unsubscribe_token(token)
    if what is None or not User.objects.filter(pk=what.user_id).exists():
        raise DomainError("This unsubscribe link is not valid.", status=400)
    with transaction.atomic():
        prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(
            user_id=what.user_id
        )
        for category in Category.values:
            mode = prefs.mode(category)
            stops = category == what.scope or (what.scope == mail.DIGEST and mode == Mode.DIGEST)
            if stops and mode in (Mode.IMMEDIATE, Mode.DIGEST):
                setattr(prefs, category, Mode.INAPP)
        prefs.save()
    return prefs, what
