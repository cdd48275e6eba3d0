"""Dispositions: the organizers' recorded answer to a top-level comment, as in ISO and W3C
comment resolution."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.audit import audit_append
from convene.errors import DomainError
from convene.models import User
from deliberation import notices
from deliberation.discussion.permissions import can_dispose
from deliberation.discussion.services.comments import MAX_BODY, lock_comment
from deliberation.models import Amendment, ClauseVersion, Comment, Disposition


def _disposition_refs(
    comment: Comment, version_number: int | None, amendment_id: int | None
) -> tuple[ClauseVersion | None, Amendment | None]:
    """The resulting version (by number) and amendment (by id) named in a disposition: both
    must belong to the comment's clause."""
    version = amendment = None
    if version_number is not None:
        version = ClauseVersion.objects.filter(
            clause_id=comment.clause_id, number=version_number
        ).first()
        if version is None:
            raise DomainError("No such version of this clause.", field="version")
    if amendment_id is not None:
        amendment = Amendment.objects.filter(clause_id=comment.clause_id, pk=amendment_id).first()
        if amendment is None:
            raise DomainError("No such amendment on this clause.", field="amendment")
    return version, amendment


def _clean_response(response: Any) -> str:
    if not isinstance(response, str) or not response.strip():
        raise DomainError("Write the response the commenter will read.", field="response")
    if len(response) > MAX_BODY:
        raise DomainError(f"At most {MAX_BODY:,} characters.", field="response")
    return response.strip()


def disposition_set(
    *,
    actor: User,
    comment: Comment,
    outcome: str,
    response: str,
    version_number: int | None = None,
    amendment_id: int | None = None,
) -> Disposition:
    """Record (or replace) the organizers' answer to a top-level comment, optionally naming the
    clause version (by number) and the amendment (by id) that resulted from it."""
    if not outcome:
        raise DomainError("Choose an outcome.", field="outcome")
    if outcome not in Disposition.Outcome.values:
        raise DomainError(f"Unknown outcome {outcome!r}.", field="outcome")
    response = _clean_response(response)
    version, amendment = _disposition_refs(comment, version_number, amendment_id)
    with transaction.atomic():
        comment, framework = lock_comment(comment)
        can_dispose(actor, comment).enforce()
        disposition, created = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "outcome": outcome,
                "response": response,
                "version": version,
                "amendment": amendment,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="comment.disposition_recorded" if created else "comment.disposition_changed",
            target=comment,
            payload={
                "outcome": outcome,
                "version": version.number if version else None,
                "amendment": amendment.pk if amendment else None,
            },
        )
        disposition.comment = comment
        notices.disposition_recorded(disposition, created=created)
    return disposition
