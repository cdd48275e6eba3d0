"""The inbox and preferences as the API shows them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from convene.notifications.models import (
    TIME_ZONES,
    Category,
    Mode,
    Notification,
    NotificationSettings,
)


class ActorSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(
        help_text="As you may see them: a stakeholder group under group attribution."
    )
    handle = serializers.CharField(allow_null=True)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "category",
            "verb",
            "title",
            "excerpt",
            "target_url",
            "actor",
            "created_at",
            "read_at",
        ]

    @extend_schema_field(ActorSerializer(allow_null=True))
    def get_actor(self, item: Notification) -> dict[str, Any] | None:
        if not item.actor_name:
            return None
        return {"name": item.actor_name, "handle": item.actor_handle or None}


def _refuse_unknown(
    serializer: serializers.Serializer[Any], message: str = "Unknown field."
) -> None:
    """A key the request may not carry is a 400 (the schema says additionalProperties: false),
    so a misspelt category never passes for a request that changed nothing."""
    sent = serializer.initial_data if isinstance(serializer.initial_data, dict) else {}
    unknown = sorted(set(sent) - set(serializer.fields))
    if unknown:
        raise serializers.ValidationError({unknown[0]: [message]})


def preferences_request_schema() -> dict[str, Any]:
    """PUT's body: any of the categories and the time zone, nothing else ({} changes nothing)."""
    mode = {"type": "string", "enum": Mode.values}
    properties: dict[str, Any] = {category: mode for category in Category.values}
    properties["timezone"] = {"type": "string", "enum": TIME_ZONES}
    return {"type": "object", "properties": properties, "additionalProperties": False}


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        min_length=1,
        max_length=500,
    )
    all = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _refuse_unknown(self)
        if bool(attrs.get("ids")) == bool(attrs.get("all")):
            raise serializers.ValidationError("Send either ids or all: true.")
        return attrs


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


def _mode_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    return {
        category: serializers.ChoiceField(choices=Mode.choices, required=False, help_text=label)
        for category, label in Category.choices
    }


class PreferencesSerializer(serializers.Serializer[NotificationSettings]):
    """Each category's delivery, and the time zone the 08:00 digest follows."""

    timezone = serializers.ChoiceField(
        choices=TIME_ZONES, required=False, help_text="IANA name, e.g. Europe/Berlin"
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        return {**_mode_fields(), **fields}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _refuse_unknown(self, "Not a notification category.")
        return attrs

    def to_representation(self, prefs: NotificationSettings) -> dict[str, Any]:
        shown: dict[str, Any] = {c: prefs.mode(c) for c in Category.values}
        shown["timezone"] = prefs.time_zone
        return shown
