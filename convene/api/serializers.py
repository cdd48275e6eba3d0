"""Input serializers check shape (types, choices, lengths); output serializers shape replies.
Writes go through ``convene.services``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from convene.api.fields import (
    SingleLineCharField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictPrimaryKeyRelatedField,
)
from convene.api.schema import country_code_schema, handle_schema, slug_schema
from convene.audit import timestamp
from convene.models import (
    ApiToken,
    AuditEvent,
    Convening,
    Invitation,
    Membership,
    Organization,
    Role,
    StakeholderGroup,
    User,
)
from convene.text import render_markdown


# --- output -------------------------------------------------------------------------------
class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "country"]


class ConveningSerializer(serializers.ModelSerializer):
    description_html = serializers.SerializerMethodField()

    class Meta:
        model = Convening
        fields = [
            "slug",
            "title",
            "description",
            "description_html",
            "visibility",
            "attribution",
            "attribution_shows_country",
            "created_at",
        ]

    def get_description_html(self, obj: Convening) -> str:
        return render_markdown(obj.description)


class MembershipSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer()
    organization: serializers.PrimaryKeyRelatedField[Organization] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )
    organization_detail = OrganizationSerializer(
        source="organization", read_only=True, allow_null=True
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "role",
            "stakeholder_group",
            "organization",
            "organization_detail",
            "head_of_delegation",
        ]


class MyMembershipSerializer(serializers.ModelSerializer):
    convening: serializers.SlugRelatedField[Convening] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organization: serializers.PrimaryKeyRelatedField[Organization] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "convening",
            "role",
            "stakeholder_group",
            "organization",
            "head_of_delegation",
        ]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "handle", "memberships"]

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, obj: User) -> list[dict[str, Any]]:
        return MyMembershipSerializer(self.context["memberships"], many=True).data  # type: ignore[return-value]


@extend_schema_field(handle_schema())
class HandleField(SingleLineCharField):
    """Checked by ``user_profile_update``; the schema states its rule."""


class MeUpdateSerializer(serializers.Serializer):
    display_name = SingleLineCharField(max_length=120, required=False)
    handle = HandleField(max_length=60, required=False)


class InvitationSerializer(serializers.ModelSerializer):
    organization: serializers.PrimaryKeyRelatedField[Organization] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "stakeholder_group",
            "organization",
            "created_at",
            "expires_at",
            "status",
        ]


class AuditEventSerializer(serializers.ModelSerializer):
    chain = serializers.CharField(source="chain.key")
    actor = UserBriefSerializer(allow_null=True)
    target = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "chain",
            "seq",
            "verb",
            "actor",
            "target",
            "target_type",
            "target_id",
            "payload",
            "created_at",
            "prev_hash",
            "hash",
        ]

    def get_target(self, obj: AuditEvent) -> str:
        return f"{obj.target_type}:{obj.target_id}"

    def get_created_at(self, obj: AuditEvent) -> str:
        return timestamp(obj.created_at)


# --- input --------------------------------------------------------------------------------
class TokenRequestSerializer(serializers.Serializer):
    email = StrictCharField(max_length=254)
    password = StrictCharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    name = StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text='A label for the new token in your list of tokens (default "API token").',
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(
        help_text="Whether this request was authenticated with this token."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "expires_at", "current"]

    def get_current(self, obj: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


@extend_schema_field(slug_schema())
class SlugInputField(SingleLineCharField):
    """Checked by the services (``convening_create``, ``framework_create``)."""


@extend_schema_field(country_code_schema())
class CountryCodeField(SingleLineCharField):
    """Checked against the ISO list by ``organization_create``; the schema lists the codes."""


class OrganizationInputSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    country = CountryCodeField(min_length=2, max_length=2)


class ConveningInputSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200)
    description = StrictCharField(max_length=20_000, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=Convening.Visibility.choices, default=Convening.Visibility.PUBLIC
    )
    slug = SlugInputField(max_length=80, required=False)


class ConveningUpdateSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200, required=False)
    description = StrictCharField(max_length=20_000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Convening.Visibility.choices, required=False)
    attribution = serializers.ChoiceField(choices=Convening.Attribution.choices, required=False)
    attribution_shows_country = StrictBooleanField(required=False)
    confirm_attribution_change = StrictBooleanField(
        required=False,
        help_text="Required (true) with a change of attribution, which applies only to what is "
        "said afterwards: comments keep the attribution they were posted under.",
    )


class _MemberFieldsSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    stakeholder_group = serializers.ChoiceField(
        choices=StakeholderGroup.choices, required=False, allow_blank=True, default=""
    )
    organization = StrictPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )


class MemberAddSerializer(_MemberFieldsSerializer):
    email = StrictEmailField(max_length=254)
    head_of_delegation = StrictBooleanField(required=False, default=False)


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    stakeholder_group = serializers.ChoiceField(
        choices=StakeholderGroup.choices, required=False, allow_blank=True
    )
    organization = StrictPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    head_of_delegation = StrictBooleanField(required=False)


class InvitationInputSerializer(_MemberFieldsSerializer):
    email = StrictEmailField(max_length=254)


class InvitationAcceptSerializer(serializers.Serializer):
    password = StrictCharField(
        max_length=128, required=False, trim_whitespace=False, style={"input_type": "password"}
    )
    display_name = SingleLineCharField(max_length=120, required=False)
