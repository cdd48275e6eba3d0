"""Mail backends that behave like troublesome SMTP servers, for the outbox's tests."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

SLOW_SECONDS = 0.5


class SlowBackend(LocmemBackend):
    """Delivers to ``mail.outbox``, taking its time like a slow SMTP server."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(SLOW_SECONDS)
        return super().send_messages(messages)


class FailingBackend(BaseEmailBackend):
    """An SMTP server that hangs up."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
