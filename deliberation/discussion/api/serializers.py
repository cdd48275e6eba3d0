"""Shapes of the comments API: what comes out (with attribution applied), what goes in, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from convene.api.fields import SingleLineCharField, StrictCharField
from deliberation.discussion.attribution import author_of
from deliberation.discussion.permissions import shows_content
from deliberation.discussion.selectors import GROUPS as REACTION_GROUPS
from deliberation.models import Amendment, Comment, Disposition, Flag, Reaction

# --- output ---------------------------------------------------------------------------------
# Reaction counts, by stance: a fixed shape, built from the choices ("pass" can't be a class
# attribute).
StanceCountsSerializer = type(
    "StanceCountsSerializer",
    (serializers.Serializer,),
    {stance: serializers.IntegerField(min_value=0) for stance in Reaction.Stance.values},
)
# Counts per stakeholder group: only groups that reacted appear; ``none`` counts members
# without a group (organizers, observers).
ReactionsByGroupSerializer = type(
    "ReactionsByGroupSerializer",
    (serializers.Serializer,),
    {
        group: StanceCountsSerializer(required=False, help_text=label)
        for group, label in REACTION_GROUPS
    },
)


class CommentAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    display_name = serializers.CharField(required=False)
    handle = serializers.CharField(required=False)
    stakeholder_group = serializers.CharField()
    organization = serializers.CharField(required=False, allow_null=True)
    organization_id = serializers.IntegerField(required=False, allow_null=True)
    country = serializers.CharField(required=False, allow_null=True)


class DispositionSerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField()
    amendment: serializers.PrimaryKeyRelatedField[Amendment] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Disposition
        fields = ["outcome", "response", "version", "amendment", "decided_at"]

    def get_version(self, obj: Disposition) -> int | None:
        return obj.version.number if obj.version else None


class AnchorSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(min_value=0)
    quote = StrictCharField(max_length=1000, trim_whitespace=False)


class CommentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    anchor = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    reactions_by_group = serializers.SerializerMethodField()
    my_reaction = serializers.SerializerMethodField()
    disposition = serializers.SerializerMethodField()
    mentions = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "parent",
            "root",
            "depth",
            "clause",
            "version",
            "anchor",
            "author",
            "body",
            "body_html",
            "status",
            "moderation_reason",
            "created_at",
            "edited_at",
            "reactions",
            "reactions_by_group",
            "my_reaction",
            "disposition",
            "mentions",
        ]
        # Output only: without the columns' ranges, which differ between databases.
        read_only_fields = fields

    def _shown(self, obj: Comment) -> bool:
        """What moderation hides is hidden here as on the pages (``shows_content``)."""
        reader = self.context["reader"]
        return shows_content(reader.user, obj, organizer=reader.organizer)

    @extend_schema_field(AnchorSerializer(allow_null=True))
    def get_anchor(self, obj: Comment) -> dict[str, Any] | None:
        return obj.anchor if self._shown(obj) else None

    @extend_schema_field(CommentAuthorSerializer(allow_null=True))
    def get_author(self, obj: Comment) -> dict[str, Any] | None:
        return author_of(obj, self.context["reader"])

    def get_body(self, obj: Comment) -> str:
        return obj.body if self._shown(obj) else ""

    def get_body_html(self, obj: Comment) -> str:
        return obj.body_html if self._shown(obj) else ""

    @extend_schema_field(StanceCountsSerializer)
    def get_reactions(self, obj: Comment) -> dict[str, int]:
        return {"agree": obj.agree_count, "disagree": obj.disagree_count, "pass": obj.pass_count}

    @extend_schema_field(ReactionsByGroupSerializer)
    def get_reactions_by_group(self, obj: Comment) -> dict[str, dict[str, int]]:
        return self.context.get("by_group", {}).get(obj.pk, {})

    @extend_schema_field(serializers.ChoiceField(choices=Reaction.Stance.choices, allow_null=True))
    def get_my_reaction(self, obj: Comment) -> str | None:
        return self.context.get("mine", {}).get(obj.pk)

    @extend_schema_field(DispositionSerializer(allow_null=True))
    def get_disposition(self, obj: Comment) -> dict[str, Any] | None:
        disposition = getattr(obj, "disposition", None) if obj.parent_id is None else None
        return DispositionSerializer(disposition).data if disposition else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_mentions(self, obj: Comment) -> list[str]:
        if not self._shown(obj):
            return []
        return sorted(u.handle for u in obj.mentions.all() if u.handle)


# --- input ----------------------------------------------------------------------------------
class CommentInputSerializer(serializers.Serializer):
    body = StrictCharField(max_length=10_000, trim_whitespace=False)
    # The stubs see Field.parent; the serializer metaclass moves declared fields off the class.
    parent = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)  # type: ignore[assignment]
    anchor = AnchorSerializer(required=False, allow_null=True, default=None)


class CommentEditSerializer(serializers.Serializer):
    body = StrictCharField(max_length=10_000, trim_whitespace=False)


class ReactionInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Reaction.Stance.choices)


class FlagSerializer(serializers.ModelSerializer):
    """A flag as its author sees it after flagging."""

    class Meta:
        model = Flag
        fields = ["id", "comment", "reason"]


class FlagInputSerializer(serializers.Serializer):
    reason = SingleLineCharField(max_length=500)


class ModerateInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("hide", "hide"), ("restore", "restore")])
    reason = SingleLineCharField(max_length=500)


class DismissFlagsInputSerializer(serializers.Serializer):
    reason = SingleLineCharField(
        max_length=500, help_text="Why the flags are unfounded (recorded in the audit log)."
    )


class DispositionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Disposition.Outcome.choices)
    response = StrictCharField(max_length=10_000)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    amendment = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        rows = data if isinstance(data, list) else [data]
        out = io.StringIO()
        # The view names its columns so that an empty table still has its header row.
        fields = getattr((renderer_context or {}).get("view"), "csv_fields", None)
        if isinstance(data, list) and (fields or rows):
            writer = csv.DictWriter(out, fieldnames=fields or list(rows[0]))
            writer.writeheader()
            for row in rows:
                # Neutralize spreadsheet formulas in user text (CSV injection).
                writer.writerow({k: _safe_cell(v) for k, v in row.items()})
        elif rows:
            out.write(str(rows[0].get("detail", "")) + "\n")
        return out.getvalue().encode("utf-8")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


class DispositionRowSerializer(serializers.Serializer):
    comment = serializers.IntegerField()
    clause = serializers.IntegerField()
    clause_number = serializers.IntegerField()
    clause_title = serializers.CharField()
    author = serializers.CharField()
    stakeholder_group = serializers.CharField()
    created_at = serializers.DateTimeField()
    excerpt = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    response = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    amendment = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
