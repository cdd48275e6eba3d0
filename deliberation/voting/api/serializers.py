"""Shapes of the voting API: rounds and motions in and out, ballots, results, the record."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from convene.api.fields import SingleLineCharField, StrictBooleanField, StrictCharField
from convene.parsing import MAX_INT
from deliberation.models import Motion, VotingRound
from deliberation.voting import tally


def _id(**kwargs: Any) -> serializers.IntegerField:
    """An id as the parser takes it: a whole number from 1 up to PostgreSQL's integer."""
    return serializers.IntegerField(min_value=1, max_value=MAX_INT, **kwargs)


# --- rounds and motions -----------------------------------------------------------------------
class RuleSerializer(serializers.Serializer):
    threshold = serializers.ChoiceField(choices=[t.value for t in tally.Threshold])
    quorum_percent = serializers.IntegerField(min_value=0, max_value=100, default=0)
    consent = StrictBooleanField(default=False)
    chambers = StrictBooleanField(default=False)
    unit = serializers.ChoiceField(choices=[u.value for u in tally.Unit], default="person")

    def to_internal_value(self, data: Any) -> Any:
        # A misspelt key ("quorum") would otherwise be dropped, and the rule be another one.
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Not a rule setting."] for key in unknown})
        return super().to_internal_value(data)


class MotionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Motion.Kind.choices)
    clause = _id(required=False, help_text="adopt_clause, choose_alternative: the clause.")
    amendment = _id(required=False, help_text="accept_amendment: the amendment.")
    rule = RuleSerializer(
        required=False, help_text="Yes/no kinds; default: a simple majority, no quorum."
    )
    method = serializers.ChoiceField(
        choices=Motion.Method.choices,
        required=False,
        help_text="choose_alternative: schulze (ranked, the default) or approval.",
    )


class RoundInputSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200)
    description = StrictCharField(max_length=20_000, required=False, allow_blank=True, default="")
    ballot_mode = serializers.ChoiceField(
        choices=VotingRound.BallotMode.choices, default=VotingRound.BallotMode.RECORDED
    )
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    motions = MotionInputSerializer(many=True, min_length=1, max_length=100)  # type: ignore[call-arg]


class RoundUpdateSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200, required=False)
    description = StrictCharField(max_length=20_000, required=False, allow_blank=True)
    ballot_mode = serializers.ChoiceField(choices=VotingRound.BallotMode.choices, required=False)
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    motions = MotionInputSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=100, required=False
    )


class MotionSerializer(serializers.ModelSerializer):
    rule = RuleSerializer(allow_null=True, read_only=True)
    method = serializers.ChoiceField(
        choices=Motion.Method.choices,
        allow_blank=True,
        read_only=True,
        help_text="choose_alternative: schulze or approval; blank for yes/no motions.",
    )
    outcome = serializers.ChoiceField(
        choices=Motion.Outcome.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank until the round closes.",
    )
    version = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    winner: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Motion
        fields = [
            "id",
            "position",
            "kind",
            "clause",
            "amendment",
            "version",
            "rule",
            "explanation",
            "method",
            "outcome",
            "narrative",
            "winner",
            "tie_broken",
            "effect",
        ]
        read_only_fields = fields

    def get_version(self, obj: Motion) -> int | None:
        """adopt_clause: the number of the clause version put to the vote (set at opening)."""
        return obj.version.number if obj.version_id and obj.version else None

    def get_explanation(self, obj: Motion) -> str:
        """The rule (or method) in plain words."""
        if obj.rule:
            return tally.Rule.from_dict(obj.rule).explain()
        if obj.method == Motion.Method.APPROVAL:
            return (
                "The alternative with the most approvals is chosen; a tie goes to the lowest label."
            )
        return (
            "Ranked ballots, counted by the Schulze method; a tie among winners goes to the "
            "lowest label."
        )


class RoundSerializer(serializers.ModelSerializer):
    framework: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    motions = MotionSerializer(many=True, read_only=True)

    class Meta:
        model = VotingRound
        fields = [
            "id",
            "framework",
            "title",
            "description",
            "ballot_mode",
            "opens_at",
            "closes_at",
            "status",
            "created_at",
            "opened_at",
            "closed_at",
            "cancelled_at",
            "head",
            "counted_root",
            "motions",
        ]
        read_only_fields = fields


# --- ballots ----------------------------------------------------------------------------------
class ChoiceSerializer(serializers.Serializer):
    motion = _id()
    position = serializers.ChoiceField(
        choices=["yes", "no", "abstain", "object"], required=False, help_text="Yes/no motions."
    )
    reason = StrictCharField(
        max_length=5_000, required=False, help_text="Required with, and only with, object."
    )
    ranking = serializers.ListField(
        child=_id(),
        required=False,
        help_text="Schulze motions: alternative ids, best first; unranked ones come last.",
    )
    approvals = serializers.ListField(
        child=_id(),
        required=False,
        help_text="Approval motions: the alternative ids you approve.",
    )


class BallotInputSerializer(serializers.Serializer):
    choices = ChoiceSerializer(many=True, max_length=100)  # type: ignore[call-arg]


class ReceiptSerializer(serializers.Serializer):
    leaf = serializers.CharField(help_text="Find it in the round's record after close.")
    entry = serializers.CharField(help_text="The ballot's link in the round's hash chain.")


class BallotSerializer(serializers.Serializer):
    choices = ChoiceSerializer(many=True)
    receipt = ReceiptSerializer(allow_null=True)
    cast_at = serializers.DateTimeField(allow_null=True)


# --- results ----------------------------------------------------------------------------------
class TallySerializer(serializers.Serializer):
    eligible = serializers.IntegerField()
    turnout = serializers.IntegerField()
    yes = serializers.IntegerField(required=False, help_text="After close, yes/no motions.")
    no = serializers.IntegerField(required=False)
    abstain = serializers.IntegerField(required=False)
    object = serializers.IntegerField(required=False)
    quorum_met = serializers.BooleanField(required=False)
    threshold_met = serializers.BooleanField(required=False)
    skipped = serializers.BooleanField(required=False, help_text="Nobody eligible in the group.")


ByGroupSerializer = type(
    "ByGroupSerializer",
    (serializers.Serializer,),
    {group: TallySerializer() for group in tally.GROUPS},
)


class VoterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class ObjectionSerializer(serializers.Serializer):
    group = serializers.CharField()
    reason = serializers.CharField()
    voter = VoterSerializer(required=False, help_text="Where attribution names voters.")


class MotionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Motion.Kind.choices)
    clause = serializers.IntegerField(allow_null=True)
    amendment = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=Motion.Outcome.choices,
        allow_null=True,
        help_text="Null until the round closes.",
    )
    narrative = serializers.CharField(allow_blank=True)
    totals = TallySerializer()
    by_group = ByGroupSerializer()
    objections = ObjectionSerializer(many=True)
    effect = serializers.CharField(allow_blank=True, help_text="What closing did to the text.")
    winner = serializers.IntegerField(
        required=False, allow_null=True, help_text="choose_alternative: the alternative's id."
    )
    tie_broken = serializers.BooleanField(required=False)


class ResultsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VotingRound.Status.choices)
    motions = MotionResultSerializer(many=True)


# --- the record -------------------------------------------------------------------------------
class OrganizationShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(allow_blank=True)


class RecordBallotSerializer(serializers.Serializer):
    seq = serializers.IntegerField(required=False, help_text="Recorded rounds only.")
    leaf = serializers.CharField()
    prev = serializers.CharField(required=False, help_text="Recorded rounds only.")
    entry = serializers.CharField(required=False, help_text="Recorded rounds only.")
    cast_at = serializers.CharField(required=False, help_text="Recorded rounds only.")
    voter = VoterSerializer(required=False, allow_null=True)
    group = serializers.CharField(required=False)
    organization = OrganizationShownSerializer(required=False, allow_null=True)
    country = serializers.CharField(required=False, allow_null=True)
    choices = ChoiceSerializer(many=True)
    counted = serializers.BooleanField(required=False, help_text="Recorded rounds only.")
    nonce = serializers.CharField()


class RecordRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    ballot_mode = serializers.ChoiceField(choices=VotingRound.BallotMode.choices)
    chain = serializers.CharField()


class RecordSerializer(serializers.Serializer):
    round = RecordRoundSerializer()
    head = serializers.CharField()
    counted_root = serializers.CharField()
    ballots = RecordBallotSerializer(many=True)


class RollEntrySerializer(serializers.Serializer):
    voter = VoterSerializer(allow_null=True)
    group = serializers.CharField()
    organization = OrganizationShownSerializer(allow_null=True)
    country = serializers.CharField(allow_null=True)
    head_of_delegation = serializers.BooleanField()
