"""API v1 shapes for frameworks, clauses, versions, diffs and proposals."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from convene.api.fields import Rfc3339DateTimeField, SingleLineCharField, StrictCharField
from convene.api.serializers import SlugInputField, UserBriefSerializer
from convene.html_cache import markdown_html
from convene.models import Convening
from convene.text import render_markdown
from deliberation.models import Alternative, Amendment, Clause, ClauseKind, ClauseVersion, Framework
from deliberation.text import gates, specs
from deliberation.text.selectors import Numbering


def _spec_schema() -> dict[str, Any]:
    """Every kind's spec schema (``specs.SCHEMAS``, served by ``/clause-kinds/``) as OpenAPI:
    one of the spec objects, or null for the kinds that have none."""
    variants = [
        {key: value for key, value in schema.items() if key != "$schema"}
        for kind, schema in specs.SCHEMAS.items()
        if specs.has_spec(kind)
    ]
    return {
        "oneOf": variants,
        "description": "The structured spec of a trigger, lift-condition, verification or "
        "adjudication clause (the one its kind takes, see `/api/v1/clause-kinds/`); null for "
        "the other kinds.",
    }


@extend_schema_field(_spec_schema(), component_name="ClauseSpec")
class AnyJSONField(serializers.JSONField):
    """A spec: checked against the kind's schema by the service."""


class ShownText(serializers.CharField):
    """Clause, version, amendment or alternative text as readers see it: references to other
    clauses (stored by identity, ``deliberation.text.crossrefs``) show their current number.
    Clients write ``§n`` and read ``§n``."""

    def to_representation(self, value: Any) -> str:
        return numbering(self.context).display(str(value))


def numbering(context: Any) -> Numbering:
    """One per response, shared by every object it shows."""
    shown = context.setdefault("numbering", Numbering())
    assert isinstance(shown, Numbering)
    return shown


# --- output ---------------------------------------------------------------------------------
class FrameworkSerializer(serializers.ModelSerializer):
    convening: serializers.SlugRelatedField[Convening] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    preamble_html = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = [
            "slug",
            "title",
            "preamble",
            "preamble_html",
            "status",
            "allowed_transitions",
            "convening",
            "created_at",
            "status_changed_at",
            "consultation_opens_at",
            "consultation_closes_at",
            "voting_planned_at",
        ]

    def get_preamble_html(self, obj: Framework) -> str:
        return render_markdown(obj.preamble)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, obj: Framework) -> list[str]:
        return list(gates.TRANSITIONS[obj.status])


class ClauseSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="position", read_only=True)
    version = serializers.SerializerMethodField()
    framework: serializers.SlugRelatedField[Framework] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    text = ShownText(read_only=True)
    text_html = serializers.SerializerMethodField()
    spec_summary = serializers.SerializerMethodField()
    spec = AnyJSONField(allow_null=True)

    class Meta:
        model = Clause
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "text",
            "text_html",
            "spec",
            "spec_summary",
            "status",
            "version",
            "framework",
        ]

    def get_version(self, obj: Clause) -> int | None:
        return obj.current_version.number if obj.current_version else None

    def get_text_html(self, obj: Clause) -> str:
        return markdown_html(numbering(self.context).display(obj.text))

    def get_spec_summary(self, obj: Clause) -> str:
        return specs.describe(obj.spec, obj.kind) if obj.spec else ""


class VersionSerializer(serializers.ModelSerializer):
    author = UserBriefSerializer()
    accepted_by = UserBriefSerializer(allow_null=True, read_only=True)
    spec = AnyJSONField(allow_null=True)
    amendment: serializers.PrimaryKeyRelatedField[Amendment] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    alternative: serializers.PrimaryKeyRelatedField[Alternative] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )

    text = ShownText(read_only=True)

    class Meta:
        model = ClauseVersion
        fields = [
            "number",
            "text",
            "spec",
            "author",
            "accepted_by",
            "rationale",
            "created_at",
            "hash",
            "amendment",
            "alternative",
        ]
        # Output only: without the column's range, which differs between databases.
        read_only_fields = fields


class DiffOpSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


# One changed field of a spec: ``{field, from, to}`` (``from`` can't be a class attribute).
SpecChangeSerializer = type(
    "SpecChangeSerializer",
    (serializers.Serializer,),
    {
        "field": serializers.CharField(),
        "from": serializers.JSONField(help_text="The value before; null if the field was unset."),
        "to": serializers.JSONField(help_text="The value after; null if the field is now unset."),
    },
)


class DiffSerializer(serializers.Serializer):
    from_ = serializers.IntegerField()
    to = serializers.IntegerField()
    ops = DiffOpSerializer(many=True)
    html = serializers.CharField()
    spec_changes = SpecChangeSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class AmendmentSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(
        read_only=True,
        help_text="1, 2, 3 … within the clause, in the order proposed (Amendment 2 to §3).",
    )
    base_version = serializers.IntegerField(source="base_version.number")
    author = UserBriefSerializer()
    spec = AnyJSONField(allow_null=True)
    resulting_version = serializers.SerializerMethodField()
    is_stale = serializers.SerializerMethodField()
    text = ShownText(read_only=True)

    class Meta:
        model = Amendment
        fields = [
            "id",
            "number",
            "clause",
            "base_version",
            "text",
            "spec",
            "rationale",
            "author",
            "status",
            "is_stale",
            "decision_reason",
            "resulting_version",
            "created_at",
            "decided_at",
        ]

    def get_resulting_version(self, obj: Amendment) -> int | None:
        return obj.resulting_version.number if obj.resulting_version else None

    def get_is_stale(self, obj: Amendment) -> bool:
        """Open, but written against a version that is no longer current: needs a rebase."""
        return (
            obj.status == Amendment.Status.OPEN
            and obj.base_version_id != obj.clause.current_version_id
        )


class AlternativeSerializer(serializers.ModelSerializer):
    proposer = UserBriefSerializer()
    spec = AnyJSONField(allow_null=True)
    text = ShownText(read_only=True)

    class Meta:
        model = Alternative
        fields = [
            "id",
            "label",
            "text",
            "spec",
            "rationale",
            "proposer",
            "status",
            "resolution_reason",
            "created_at",
        ]


class ClauseKindSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClauseKind.choices)
    # The stubs see Field.label; the serializer metaclass moves declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]
    has_spec = serializers.BooleanField()
    schema = serializers.DictField()


# --- input ----------------------------------------------------------------------------------
_TEXT: dict[str, Any] = {"max_length": 50_000, "trim_whitespace": False}


class FrameworkInputSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200)
    preamble = StrictCharField(max_length=50_000, required=False, allow_blank=True, default="")
    slug = SlugInputField(max_length=80, required=False)


class FrameworkUpdateSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200, required=False)
    preamble = StrictCharField(max_length=50_000, required=False, allow_blank=True)
    consultation_opens_at = Rfc3339DateTimeField(
        required=False, allow_null=True, help_text="When the consultation opens (null: unset)."
    )
    consultation_closes_at = Rfc3339DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the consultation closes: after it, commenting and proposing are refused "
        "(409). Must be after the opening.",
    )
    voting_planned_at = Rfc3339DateTimeField(
        required=False,
        allow_null=True,
        help_text="When voting is planned; at or after the consultation's close.",
    )


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Framework.Status.choices)


class OpenItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("amendment", "amendment"), ("bracket", "bracket")])
    id = serializers.IntegerField(help_text="the amendment's id, or the bracketed clause's")
    clause = serializers.IntegerField()
    clause_number = serializers.IntegerField()
    clause_title = serializers.CharField()
    options = serializers.ListField(
        child=serializers.CharField(), help_text="a bracket's open option labels"
    )


class TransitionResultSerializer(FrameworkSerializer):
    """The framework after the move, and what is still open in it (the move is not refused
    for them: a voting round decides them)."""

    open_items = OpenItemSerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "open_items"]


class ClauseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClauseKind.choices)
    title = SingleLineCharField(max_length=200)
    text = StrictCharField(**_TEXT)
    spec = AnyJSONField(required=False, allow_null=True, default=None)
    rationale = StrictCharField(max_length=10_000, required=False, allow_blank=True)


class ClauseUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClauseKind.choices, required=False)
    title = SingleLineCharField(max_length=200, required=False)
    text = StrictCharField(required=False, **_TEXT)
    spec = AnyJSONField(required=False, allow_null=True)
    rationale = StrictCharField(max_length=10_000, required=False, allow_blank=True)


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=2000
    )


class AmendmentInputSerializer(serializers.Serializer):
    text = StrictCharField(**_TEXT)
    spec = AnyJSONField(required=False, allow_null=True)
    rationale = StrictCharField(max_length=10_000)


class AmendmentRebaseSerializer(serializers.Serializer):
    text = StrictCharField(required=False, **_TEXT)
    spec = AnyJSONField(required=False, allow_null=True)
    rationale = StrictCharField(max_length=10_000, required=False)


class DecisionSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=10_000, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=10_000)


class AlternativeInputSerializer(serializers.Serializer):
    text = StrictCharField(**_TEXT)
    spec = AnyJSONField(required=False, allow_null=True)
    rationale = StrictCharField(max_length=10_000, required=False, allow_blank=True, default="")


class ResolveSerializer(serializers.Serializer):
    alternative = serializers.IntegerField(min_value=1)
    reason = StrictCharField(max_length=10_000)
