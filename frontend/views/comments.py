"""Comment threads under clauses. (Being built: this is the interface the clause page uses.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def comments_context(request: HttpRequest, clause: Any) -> dict[str, Any]:
    """Everything ``frontend/comments/section.html`` needs for the clause page."""
    return {"comment_anchors": []}
