"""A framework's dated process in templates: ``framework|timeline`` and ``framework|countdown``
(computed now, in UTC; no queries)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from deliberation.models import Framework
from deliberation.text import process

register = template.Library()


@register.filter
def timeline(framework: Framework) -> list[process.Step]:
    return process.timeline(framework)


@register.filter
def countdown(framework: Framework) -> str:
    return process.countdown(framework, timezone.now())
