"""One permission class for every API view that acts on one object (pretix's model).

A view declares what it needs per HTTP method and which ``access_*`` helper fetches its object:

    access = staticmethod(access_amendment)
    needs = {"POST": Need.DECIDE}

``Needs`` resolves it before the handler runs: anonymous writes are 401, an object the caller may
not see is 404, an action that is not theirs is 403 (the same predicate the service enforces and
the page draws its controls from). The fetched object is left on ``view.target``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from convene.permissions import Need


class Needs(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        needs: dict[str, Need] = getattr(view, "needs", {})
        need = needs.get(request.method or "GET", Need.VIEW)
        writing = request.method not in SAFE_METHODS or need is not Need.VIEW
        if writing and not (request.user and request.user.is_authenticated):
            return False
        lookup = view.kwargs.get("pk", view.kwargs.get("slug"))
        view.target = view.access(request.user, lookup, need=need)
        return True
