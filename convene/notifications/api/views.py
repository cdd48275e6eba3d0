"""API v1 for the inbox and notification preferences (signed in)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in, validated
from convene.api.pagination import CursorPagination
from convene.errors import DomainError
from convene.notifications import inbox
from convene.notifications.api.serializers import (
    MarkedSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    preferences_request_schema,
)
from convene.notifications.models import Notification
from convene.notifications.selectors import inbox_items, unread_count

TRUTH = {"1": True, "true": True, "0": False, "false": False}
# Either the ids or all: true, never both and never neither (as MarkReadSerializer checks).
MARK_READ_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "ids": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                    "minItems": 1,
                    "maxItems": 500,
                }
            },
            "required": ["ids"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"all": {"type": "boolean", "enum": [True]}},
            "required": ["all"],
            "additionalProperties": False,
        },
    ]
}


class NotificationCursor(CursorPagination):
    """Newest first, by keyset: stable while new items arrive."""

    ordering = "-id"


class NotificationListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = NotificationCursor

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        raw = self.request.query_params.get("unread")
        if raw is not None and raw.lower() not in TRUTH:
            raise DomainError("Use unread=1 or unread=0.", field="unread")
        unread = raw is not None and TRUTH[raw.lower()]
        return inbox_items(signed_in(self.request), unread_only=unread)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="only items not yet read")]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MarkReadView(APIView):
    permission_classes = [IsAuthenticated]
    request_body_required = True

    @extend_schema(
        request={"application/json": MARK_READ_SCHEMA},
        responses={
            200: MarkedSerializer,
            404: OpenApiResponse(description="An id is not one of your notifications."),
        },
    )
    def post(self, request: Request) -> Response:
        """Mark your items read: the listed ``ids``, or ``all: true``. An id that is not one of
        your items is a 404 and nothing is marked."""
        data = validated(MarkReadSerializer, request.data)
        user = signed_in(request)
        marked = inbox.notifications_mark_read(
            user=user, ids=data.get("ids"), everything=bool(data.get("all"))
        )
        return Response({"marked": marked, "unread": unread_count(user)})


class PreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(PreferencesSerializer(inbox.settings_of(signed_in(request))).data)

    @extend_schema(
        request={"application/json": preferences_request_schema()},
        responses=PreferencesSerializer,
    )
    def put(self, request: Request) -> Response:
        """Change some categories and/or the time zone; what you leave out stays as it is."""
        data = validated(PreferencesSerializer, request.data)
        prefs = inbox.notification_settings_update(user=signed_in(request), changes=data)
        return Response(PreferencesSerializer(prefs).data)
