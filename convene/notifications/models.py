"""The outbox's model. It stays in ``convene.models`` under the ``convene`` app label, so its
table and migrations don't move; this module is where notification code imports it from."""

from __future__ import annotations

from convene.models import EmailOutbox

__all__ = ["EmailOutbox"]
