"""Published editions of adopted frameworks: the public record, frozen when it is published.

An edition keeps the exact document it published (``content``, the JSON export) and its SHA-256
(``content_hash``); a later edition never changes an earlier one, which stays readable at its
own number. Changes are refused here and in the queryset, as for audit events.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from deliberation.text.models import Framework


class EditionQuerySet(models.QuerySet["Edition"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Published editions are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Published editions are immutable.")


class Edition(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="deliberation_edition_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} edition {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Published editions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Published editions are immutable.")
