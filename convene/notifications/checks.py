"""A system check that the outbox's timing holds: an SMTP stall must end before the send
task's time limit, which ends before the claim's lease, or a slow server could get a message
twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from convene.notifications.services import SEND_SOFT_TIME_LIMIT


@register()
def email_timeout_check(**kwargs: Any) -> list[CheckMessage]:
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if timeout is not None and 0 < timeout < SEND_SOFT_TIME_LIMIT:
        return []
    return [
        Warning(
            f"EMAIL_TIMEOUT is {timeout!r}: an SMTP server that stalls may outlast the "
            f"outbox send task's time limit and its lease, and get a message twice.",
            hint=f"Set EMAIL_TIMEOUT to fewer than {SEND_SOFT_TIME_LIMIT} seconds.",
            id="convene.W001",
        )
    ]
