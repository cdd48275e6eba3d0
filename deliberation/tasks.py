"""Celery tasks of the deliberation app; workers autodiscover this module."""

from __future__ import annotations

from deliberation.voting.tasks import rounds_advance

__all__ = ["rounds_advance"]
