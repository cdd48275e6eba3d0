"""Notification mail: what one item says by email, the daily digest, and the signed
one-click unsubscribe link.

The link's token names a user and what to stop; it can change that user's notification
preferences and nothing else (it never signs anyone in). It does not expire: a mail read
months later must still stop the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from convene.models import EmailOutbox
from convene.notifications.models import Category, Notification

UNSUBSCRIBE_SALT = "convene.notifications.unsubscribe"
# The token's scope for a digest: every category now sent by digest goes in-app only.
DIGEST = "digest"
SCOPES = {*Category.values, DIGEST}


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    scope: str

    @property
    def what(self) -> str:
        if self.scope == DIGEST:
            return "the daily digest"
        return f"emails about {Category(self.scope).label.lower()}"


def unsubscribe_token(user_id: int, scope: str) -> str:
    return signing.dumps({"u": user_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """What a token stops, or None if it was altered or is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if data.get("s") not in SCOPES:
        return None
    return Unsubscribe(user_id=data["u"], scope=data["s"])


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user_id: int, scope: str) -> str:
    return absolute(reverse("notifications_unsubscribe", args=[unsubscribe_token(user_id, scope)]))


def _footer(reason: str, stop_url: str) -> tuple[str, str]:
    settings_url = absolute(reverse("notification_settings"))
    text = (
        f"\n\n--\nYou get this email for {reason}.\n"
        f"Choose what Convene emails you: {settings_url}\nStop these emails: {stop_url}\n"
    )
    html = format_html(
        '<hr><p style="color:#555;font-size:13px">You get this email for {}. '
        '<a href="{}">Choose what Convene emails you</a> · <a href="{}">Stop these emails</a></p>',
        reason,
        settings_url,
        stop_url,
    )
    return text, html


def _item_html(item: Notification) -> str:
    return format_html(
        '<p><a href="{}"><strong>{}</strong></a></p>{}',
        absolute(item.target_url),
        item.title,
        format_html('<blockquote style="color:#333">{}</blockquote>', item.excerpt)
        if item.excerpt
        else "",
    )


def _item_text(item: Notification) -> str:
    excerpt = f"\n\n{item.excerpt}" if item.excerpt else ""
    return f"{item.title}{excerpt}\n\nOpen it: {absolute(item.target_url)}"


def item_mail(item: Notification, to: str) -> EmailOutbox:
    """The (unsaved) mail that tells one recipient of one item, at once."""
    stop = unsubscribe_url(item.recipient_id, item.category)
    reason = Category(item.category).label.lower()
    text_footer, html_footer = _footer(reason, stop)
    return EmailOutbox(
        to=to,
        subject=item.title[:250],
        body=_item_text(item) + text_footer,
        html=f"<!doctype html><html><body>{_item_html(item)}{html_footer}</body></html>",
        unsubscribe_url=stop,
        notification=item,
    )


def digest_mail(user_id: int, to: str, items: Sequence[Notification]) -> EmailOutbox:
    """The (unsaved) daily digest of ``items``, newest last."""
    stop = unsubscribe_url(user_id, DIGEST)
    text_footer, html_footer = _footer("your daily Convene digest", stop)
    count = len(items)
    subject = f"Convene: {count} update{'s' if count != 1 else ''} since your last digest"
    body = "\n\n* ".join(["Since your last digest:", *(_item_text(i) for i in items)])
    html = format_html_join("", "{}", ((_item_html(i),) for i in items))
    return EmailOutbox(
        to=to,
        subject=subject,
        body=body + text_footer,
        html=f"<!doctype html><html><body><h1 style='font-size:18px'>{subject}</h1>"
        f"{html}{html_footer}</body></html>",
        unsubscribe_url=stop,
    )
