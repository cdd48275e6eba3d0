"""API v1 views of the people side: parse, check access, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene import selectors, services, signin
from convene.api import serializers as s
from convene.api.input import signed_in
from convene.api.input import validated as _valid
from convene.api.throttling import SignInRateThrottle
from convene.errors import DomainError
from convene.models import (
    ApiToken,
    AuditEvent,
    Convening,
    Invitation,
    Membership,
    Organization,
)
from convene.permissions import (
    Need,
    access_convening,
    access_invitation,
    access_members,
    access_membership,
)


def _access_members(request: Request, slug: str, *, need: Need = Need.VIEW) -> Convening:
    """``access_members`` for API callers: an anonymous caller gets 404 for a convening they
    may not see (private or unknown), like every other read, and 401 for a public one."""
    if not request.user.is_authenticated:
        access_convening(request.user, slug)
        raise NotAuthenticated()
    return access_members(request.user, slug, need=need)


class SignInLockedOut(APIException):
    """Too many failed sign-ins for the account or from the address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, request: Request):
        super().__init__(signin.lockout_message(request))
        # DRF's exception handler turns ``wait`` into the Retry-After header.
        self.wait = signin.retry_after(request)


class TokenView(APIView):
    # Credentials sent along are ignored: a client whose token expired must be able to sign in
    # again without first dropping its Authorization header (it would otherwise get a 401).
    authentication_classes: list[Any] = []
    throttle_classes = [SignInRateThrottle]

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(description="wrong email or password, or malformed input"),
            403: OpenApiResponse(description="the account has not verified its email address"),
            409: OpenApiResponse(description="the account has too many tokens; revoke one"),
            429: OpenApiResponse(description="too many failed sign-ins (account or address)"),
        },
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.TokenRequestSerializer, request.data)
        # With the request, so the lockout (django-axes, the first authentication backend) can
        # refuse a locked account or address, and count this attempt if it fails.
        user = authenticate(request, email=data["email"].strip().lower(), password=data["password"])
        if signin.locked_out(request):
            raise SignInLockedOut(request)
        if user is None or not user.is_active:
            raise DomainError("Unable to sign in with this email and password.")
        if not services.has_verified_email(user):
            # As the sign-in page: an account that has not proved its address can't act yet.
            raise PermissionDenied(
                "Verify your email address first: follow the link in the confirmation mail. "
                "Signing in on the website sends a new one."
            )
        _token, key = services.api_token_create(user=user, name=data.get("name", ""))
        return Response({"token": key})


class ApiTokenListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.api_token_list(user=signed_in(self.request))


class ApiTokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="not your token")})
    def delete(self, request: Request, pk: int) -> Response:
        services.api_token_revoke(user=signed_in(request), token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        memberships = selectors.user_memberships(user=user)
        return Response(s.MeSerializer(user, context={"memberships": memberships}).data)

    @extend_schema(request=s.MeUpdateSerializer, responses=s.MeSerializer)
    def patch(self, request: Request) -> Response:
        user = signed_in(request)
        data = _valid(s.MeUpdateSerializer, request.data)
        user = services.user_profile_update(
            user=user,
            display_name=data.get("display_name", user.display_name),
            handle=data.get("handle", user.handle or ""),
        )
        memberships = selectors.user_memberships(user=user)
        return Response(s.MeSerializer(user, context={"memberships": memberships}).data)


class OrganizationListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.OrganizationSerializer
    filterset_fields = ["kind", "country"]

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organization_list()

    @extend_schema(request=s.OrganizationInputSerializer, responses={201: s.OrganizationSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(s.OrganizationInputSerializer, request.data)
        org = services.organization_create(actor=signed_in(request), **data)
        return Response(s.OrganizationSerializer(org).data, status=status.HTTP_201_CREATED)


class OrganizationDetailView(generics.RetrieveAPIView):
    serializer_class = s.OrganizationSerializer
    queryset = Organization.objects.all()


class ConveningListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.ConveningSerializer

    def get_queryset(self) -> QuerySet[Convening]:
        return selectors.convening_list(user=self.request.user)

    @extend_schema(request=s.ConveningInputSerializer, responses={201: s.ConveningSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(s.ConveningInputSerializer, request.data)
        convening = services.convening_create(actor=signed_in(request), **data)
        return Response(s.ConveningSerializer(convening).data, status=status.HTTP_201_CREATED)


class ConveningDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.ConveningSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(s.ConveningSerializer(access_convening(request.user, slug)).data)

    @extend_schema(request=s.ConveningUpdateSerializer, responses=s.ConveningSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        convening = access_convening(request.user, slug, need=Need.MANAGE)
        data = _valid(s.ConveningUpdateSerializer, request.data)
        convening = services.convening_update(actor=signed_in(request), convening=convening, **data)
        return Response(s.ConveningSerializer(convening).data)


class MemberListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    members_only = True  # a non-member may not read (403): convene.api.schema
    serializer_class = s.MembershipSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        convening = _access_members(self.request, self.kwargs["slug"])
        return selectors.member_list(convening=convening)

    @extend_schema(
        request=s.MemberAddSerializer,
        responses={
            201: s.MembershipSerializer,
            202: OpenApiResponse(
                s.InvitationSerializer,
                description="no account has proved this address (or none has it): invited",
            ),
            409: OpenApiResponse(description="already a member, or already invited"),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        convening = access_members(request.user, slug, need=Need.MANAGE)
        data = _valid(s.MemberAddSerializer, request.data)
        added = services.member_add_by_email(actor=signed_in(request), convening=convening, **data)
        if isinstance(added, Invitation):
            return Response(s.InvitationSerializer(added).data, status=status.HTTP_202_ACCEPTED)
        return Response(s.MembershipSerializer(added).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    members_only = True  # a non-member may not read (403): convene.api.schema

    @extend_schema(responses=s.MembershipSerializer)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        convening = _access_members(request, slug)
        membership = generics.get_object_or_404(selectors.member_list(convening=convening), pk=pk)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(request=s.MemberUpdateSerializer, responses=s.MembershipSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = access_membership(request.user, slug, pk)
        data = _valid(s.MemberUpdateSerializer, request.data)
        membership = services.member_update(actor=signed_in(request), membership=membership, **data)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = access_membership(request.user, slug, pk)
        services.member_remove(actor=signed_in(request), membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    members_only = True  # a non-organizer may not read (403): convene.api.schema
    serializer_class = s.InvitationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        convening = _access_members(self.request, self.kwargs["slug"], need=Need.MANAGE)
        return selectors.invitation_list(convening=convening)

    @extend_schema(request=s.InvitationInputSerializer, responses={201: s.InvitationSerializer})
    def post(self, request: Request, slug: str) -> Response:
        convening = access_members(request.user, slug, need=Need.MANAGE)
        data = _valid(s.InvitationInputSerializer, request.data)
        invitation, _token = services.invitation_create(
            actor=signed_in(request), convening=convening, **data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.InvitationSerializer)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        invitation = access_invitation(request.user, slug, pk)
        invitation = services.invitation_revoke(actor=signed_in(request), invitation=invitation)
        return Response(s.InvitationSerializer(invitation).data)


class InvitationAcceptView(APIView):
    @extend_schema(
        request=s.InvitationAcceptSerializer,
        responses={
            200: s.MembershipSerializer,
            403: OpenApiResponse(description="signed in as another account, or not signed in"),
            410: OpenApiResponse(description="expired, revoked or already used"),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        data = _valid(s.InvitationAcceptSerializer, request.data)
        membership = services.invitation_accept(
            token=token,
            user=request.user if request.user.is_authenticated else None,
            password=data.get("password"),
            display_name=data.get("display_name"),
        )
        return Response(s.MembershipSerializer(membership).data)


class AuditListView(generics.ListAPIView):
    serializer_class = s.AuditEventSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        # Same audience as the convening itself: public, or members of a private one.
        convening = access_convening(self.request.user, self.kwargs["slug"])
        return selectors.audit_event_list(convening=convening).select_related("chain")
