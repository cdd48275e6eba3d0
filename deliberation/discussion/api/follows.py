"""API v1 for following clauses and frameworks (members)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in
from convene.api.permissions import Needs
from convene.permissions import Need
from deliberation.discussion.follows import follow_set
from deliberation.text.permissions import access_clause, access_framework

FOLLOWING = inline_serializer("Following", {"following": serializers.BooleanField()})


class _Follow(APIView):
    permission_classes = [Needs]
    needs = {"PUT": Need.FOLLOW, "DELETE": Need.FOLLOW}
    target: Any
    access: Any

    def _set(self, request: Request, active: bool) -> Response:
        key = "clause" if self.access is access_clause else "framework"
        follow_set(user=signed_in(request), active=active, **{key: self.target})
        return Response({"following": active})

    @extend_schema(request=None, responses=FOLLOWING)
    def put(self, request: Request, **kwargs: Any) -> Response:
        """Follow: hear of new versions and decided amendments."""
        return self._set(request, True)

    @extend_schema(request=None, responses={200: FOLLOWING})
    def delete(self, request: Request, **kwargs: Any) -> Response:
        """Stop following (commenting again does not follow it again)."""
        return self._set(request, False)


class ClauseFollowView(_Follow):
    access = staticmethod(access_clause)


class FrameworkFollowView(_Follow):
    access = staticmethod(access_framework)
