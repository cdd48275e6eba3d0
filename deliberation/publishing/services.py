"""Publishing: a new edition of an adopted framework, frozen as its JSON export."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from convene.audit import audit_append
from convene.models import User
from deliberation import notices
from deliberation.models import Framework
from deliberation.publishing import export, selectors
from deliberation.publishing.models import Edition
from deliberation.publishing.permissions import can_publish


def framework_publish(*, actor: User, framework: Framework) -> Edition:
    """Publish the framework's next edition (the first makes it ``published``). The document is
    built and hashed once, now, and never changes; earlier editions stay as they were."""
    with transaction.atomic():
        framework = (
            Framework.objects.select_for_update().select_related("convening").get(pk=framework.pk)
        )
        can_publish(actor, framework).enforce()
        last = Edition.objects.filter(framework=framework).aggregate(n=Max("number"))["n"] or 0
        now = timezone.now()
        document = export.build(framework, edition=last + 1, published_at=now)
        edition = Edition(
            framework=framework,
            number=last + 1,
            published_at=now,
            published_by=actor,
            content=document,
            content_hash=document["content_hash"],
        )
        edition.save(force_insert=True)
        if framework.status != Framework.Status.PUBLISHED:
            framework.status = Framework.Status.PUBLISHED
            framework.status_changed_at = now
            framework.save(update_fields=["status", "status_changed_at"])
        audit_append(
            convening=framework.convening,
            actor=actor,
            verb="framework.published",
            target=framework,
            payload={"edition": edition.number, "content_hash": edition.content_hash},
        )
        notices.framework_published(framework, number=edition.number, actor=actor)
        # Now, and again once committed: a reader between the two may re-cache the old state.
        slug, number = framework.slug, edition.number
        selectors.forget(slug, number)
        transaction.on_commit(lambda: selectors.forget(slug, number))
    return edition
