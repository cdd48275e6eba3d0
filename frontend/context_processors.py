"""Names templates compare states with, so no template spells a state as a string literal."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from convene.models import Convening
from deliberation.models import Amendment, Comment, Framework


def inbox_poll(request: HttpRequest) -> dict[str, Any]:
    """How often the header's unread badge asks for the count, in seconds."""
    return {"INBOX_POLL_SECONDS": settings.INBOX_POLL_SECONDS}


def choices(request: HttpRequest) -> dict[str, Any]:
    # TextChoices set do_not_call_in_templates, so ``CommentStatus.HIDDEN`` reads as a value.
    return {
        "Attribution": Convening.Attribution,
        "AmendmentStatus": Amendment.Status,
        "CommentStatus": Comment.Status,
        "FrameworkStatus": Framework.Status,
    }
