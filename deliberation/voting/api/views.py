"""API v1 views for voting: parse, check access, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in, validated
from convene.api.permissions import Needs
from convene.audit import timestamp
from convene.permissions import Need
from deliberation.models import Ballot, VotingRound
from deliberation.voting import selectors, services
from deliberation.voting.api import serializers
from deliberation.voting.permissions import (
    access_framework_rounds,
    access_round,
    can_see_record,
    can_see_roll,
)


def _round(round_: VotingRound) -> dict[str, Any]:
    return dict(serializers.RoundSerializer(selectors.round_detail(round_id=round_.pk)).data)


class RoundListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = serializers.RoundSerializer

    def get_queryset(self) -> QuerySet[VotingRound]:
        if getattr(self, "swagger_fake_view", False):
            return VotingRound.objects.none()
        framework = access_framework_rounds(self.request.user, self.kwargs["slug"])
        return selectors.round_list(framework=framework)

    @extend_schema(
        request=serializers.RoundInputSerializer, responses={201: serializers.RoundSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        framework = access_framework_rounds(request.user, slug, need=Need.RUN)
        data = validated(serializers.RoundInputSerializer, request.data)
        round_ = services.round_create(actor=signed_in(request), framework=framework, **data)
        return Response(_round(round_), status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_round)
    needs = {"PATCH": Need.RUN}
    target: VotingRound

    @extend_schema(responses=serializers.RoundSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_round(self.target))

    @extend_schema(request=serializers.RoundUpdateSerializer, responses=serializers.RoundSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = validated(serializers.RoundUpdateSerializer, request.data)
        round_ = services.round_update(actor=signed_in(request), round_=self.target, **data)
        return Response(_round(round_))


class _RoundAction(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_round)
    needs = {"POST": Need.RUN}
    target: VotingRound

    def act(self, request: Request) -> VotingRound:
        raise NotImplementedError

    @extend_schema(request=None, responses=serializers.RoundSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return Response(_round(self.act(request)))


class RoundOpenView(_RoundAction):
    def act(self, request: Request) -> VotingRound:
        return services.round_open(actor=signed_in(request), round_=self.target)


class RoundCloseView(_RoundAction):
    def act(self, request: Request) -> VotingRound:
        return services.round_close(actor=signed_in(request), round_=self.target)


class RoundCancelView(_RoundAction):
    def act(self, request: Request) -> VotingRound:
        return services.round_cancel(actor=signed_in(request), round_=self.target)


def _ballot(ballot: Ballot | None) -> dict[str, Any]:
    if ballot is None:
        return {"choices": [], "receipt": None, "cast_at": None}
    return {
        "choices": ballot.choices,
        "receipt": {"leaf": ballot.leaf, "entry": ballot.entry},
        "cast_at": timestamp(ballot.cast_at),
    }


class BallotView(APIView):
    """Your ballot in the round: read it, or cast (and recast) it while the round is open."""

    permission_classes = [Needs]
    access = staticmethod(access_round)
    needs = {"GET": Need.VOTE, "PUT": Need.VOTE}
    target: VotingRound

    @extend_schema(
        responses={
            200: serializers.BallotSerializer,
            403: OpenApiResponse(description="You are not on the round's roll."),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_ballot(selectors.my_ballot(user=request.user, round_=self.target)))

    @extend_schema(
        request=serializers.BallotInputSerializer, responses=serializers.BallotSerializer
    )
    def put(self, request: Request, pk: int) -> Response:
        data = validated(serializers.BallotInputSerializer, request.data)
        ballot = services.ballot_cast(
            actor=signed_in(request), round_=self.target, choices=data["choices"]
        )
        return Response(_ballot(ballot))


class ResultsView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_round)
    target: VotingRound

    @extend_schema(responses=serializers.ResultsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        data = selectors.results(user=request.user, round_=self.target)
        return Response(serializers.ResultsSerializer(data).data)


class RecordView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_round)
    target: VotingRound

    @extend_schema(
        responses={
            200: serializers.RecordSerializer,
            409: OpenApiResponse(description="The round is not closed: no record yet."),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        can_see_record(request.user, self.target).enforce()
        data = selectors.record(user=request.user, round_=self.target)
        return Response(serializers.RecordSerializer(data).data)


class RollView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_round)
    target: VotingRound

    @extend_schema(
        responses={
            200: serializers.RollEntrySerializer(many=True),
            403: OpenApiResponse(description="A secret round's roll is for organizers."),
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        can_see_roll(request.user, self.target).authorize()
        entries = selectors.roll(user=request.user, round_=self.target)
        return Response(serializers.RollEntrySerializer(entries, many=True).data)
