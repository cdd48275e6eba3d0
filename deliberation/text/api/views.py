"""API v1 views for the text: parse, check access, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in, validated
from convene.api.permissions import Needs
from convene.errors import DomainError
from convene.parsing import LARGEST, parse_version_number
from convene.permissions import Need, access_convening
from deliberation.models import Alternative, Amendment, Clause, ClauseKind, ClauseVersion, Framework
from deliberation.text import diff, selectors, services, specs
from deliberation.text.api import serializers
from deliberation.text.permissions import (
    access_alternative,
    access_amendment,
    access_clause,
    access_framework,
)


class FrameworkListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = serializers.FrameworkSerializer

    def get_queryset(self) -> QuerySet[Framework]:
        if getattr(self, "swagger_fake_view", False):
            return Framework.objects.none()
        return selectors.framework_list(
            convening=access_convening(self.request.user, self.kwargs["slug"])
        )

    @extend_schema(
        request=serializers.FrameworkInputSerializer,
        responses={201: serializers.FrameworkSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        convening = access_convening(request.user, slug, need=Need.MANAGE)
        data = validated(serializers.FrameworkInputSerializer, request.data)
        framework = services.framework_create(actor=signed_in(request), convening=convening, **data)
        return Response(
            serializers.FrameworkSerializer(framework).data, status=status.HTTP_201_CREATED
        )


class FrameworkDetailView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_framework)
    needs = {"PATCH": Need.EDIT}
    target: Framework

    @extend_schema(responses=serializers.FrameworkSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(serializers.FrameworkSerializer(self.target).data)

    @extend_schema(
        request=serializers.FrameworkUpdateSerializer, responses=serializers.FrameworkSerializer
    )
    def patch(self, request: Request, slug: str) -> Response:
        data = validated(serializers.FrameworkUpdateSerializer, request.data)
        framework = services.framework_update(
            actor=signed_in(request), framework=self.target, **data
        )
        return Response(serializers.FrameworkSerializer(framework).data)


class FrameworkTransitionView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_framework)
    needs = {"POST": Need.TRANSITION}
    target: Framework

    @extend_schema(
        request=serializers.TransitionSerializer, responses=serializers.TransitionResultSerializer
    )
    def post(self, request: Request, slug: str) -> Response:
        data = validated(serializers.TransitionSerializer, request.data)
        framework = services.framework_transition(
            actor=signed_in(request), framework=self.target, to=data["to"]
        )
        body = dict(serializers.FrameworkSerializer(framework).data)
        body["open_items"] = selectors.open_items(framework=framework)
        return Response(body)


class ClauseListView(generics.ListAPIView):
    permission_classes = [Needs]
    access = staticmethod(access_framework)
    needs = {"POST": Need.EDIT_CLAUSES}
    serializer_class = serializers.ClauseSerializer
    target: Framework

    def get_queryset(self) -> QuerySet[Clause]:
        if getattr(self, "swagger_fake_view", False):
            return Clause.objects.none()
        return selectors.clause_list(framework=self.target)

    @extend_schema(
        request=serializers.ClauseInputSerializer, responses={201: serializers.ClauseSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        data = validated(serializers.ClauseInputSerializer, request.data)
        clause = services.clause_create(actor=signed_in(request), framework=self.target, **data)
        return Response(serializers.ClauseSerializer(clause).data, status=status.HTTP_201_CREATED)


class ClauseReorderView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_framework)
    needs = {"POST": Need.EDIT_CLAUSES}
    target: Framework

    @extend_schema(
        request=serializers.ReorderSerializer, responses=serializers.ClauseSerializer(many=True)
    )
    def post(self, request: Request, slug: str) -> Response:
        data = validated(serializers.ReorderSerializer, request.data)
        services.clause_reorder(
            actor=signed_in(request), framework=self.target, order=data["order"]
        )
        return Response(
            serializers.ClauseSerializer(
                selectors.clause_list(framework=self.target), many=True
            ).data
        )


class ClauseDetailView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    needs = {"PATCH": Need.EDIT}
    target: Clause

    @extend_schema(responses=serializers.ClauseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(serializers.ClauseSerializer(self.target).data)

    @extend_schema(
        request=serializers.ClauseUpdateSerializer, responses=serializers.ClauseSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        data = validated(serializers.ClauseUpdateSerializer, request.data)
        spec = data.pop("spec", ...)
        services.clause_update(actor=signed_in(request), clause=self.target, spec=spec, **data)
        return Response(serializers.ClauseSerializer(access_clause(request.user, pk)).data)


class VersionListView(generics.ListAPIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    serializer_class = serializers.VersionSerializer
    target: Clause

    def get_queryset(self) -> QuerySet[ClauseVersion]:
        if getattr(self, "swagger_fake_view", False):
            return ClauseVersion.objects.none()
        return selectors.version_list(clause=self.target)


class VersionDetailView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    target: Clause

    @extend_schema(responses=serializers.VersionSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        version = selectors.version_list(clause=self.target).filter(number=number).first()
        if version is None:
            raise Http404("No such version.")
        return Response(serializers.VersionSerializer(version).data)


VERSION = {"type": "integer", "minimum": 1, "maximum": LARGEST}


class DiffView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    target: Clause

    @extend_schema(
        parameters=[
            OpenApiParameter("from", VERSION, required=True, description="older version number"),
            OpenApiParameter("to", VERSION, required=True, description="newer version number"),
        ],
        responses=serializers.DiffSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        numbers = {
            name: parse_version_number(request.query_params.get(name, ""), field=name)
            for name in ("from", "to")
        }
        versions = selectors.versions_by_number(clause=self.target, numbers=numbers.values())
        for name, number in numbers.items():
            if number not in versions:
                raise DomainError(f"Version {number} does not exist.", field=name, status=404)
        old, new = versions[numbers["from"]], versions[numbers["to"]]
        # References compared by identity, shown with current numbers.
        refs = selectors.refs_for(framework=self.target.framework_id, texts=(old.text, new.text))
        ops = refs.display_ops(diff.diff(refs.comparable(old.text), refs.comparable(new.text)))
        body = {
            "from": old.number,
            "to": new.number,
            "ops": ops,
            "html": diff.render_html(ops),
            "spec_changes": diff.spec_changes(old.spec, new.spec),
        }
        return Response(body)


class AmendmentListView(generics.ListAPIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    needs = {"POST": Need.PROPOSE}
    serializer_class = serializers.AmendmentSerializer
    target: Clause

    def get_queryset(self) -> QuerySet[Amendment]:
        if getattr(self, "swagger_fake_view", False):
            return Amendment.objects.none()
        return selectors.amendment_list(clause=self.target)

    @extend_schema(
        request=serializers.AmendmentInputSerializer,
        responses={201: serializers.AmendmentSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.AmendmentInputSerializer, request.data)
        spec = data.pop("spec", ...)
        amendment = services.amendment_propose(
            actor=signed_in(request), clause=self.target, spec=spec, **data
        )
        return Response(_amendment(request, amendment.pk), status=status.HTTP_201_CREATED)


def _amendment(request: Request, pk: int) -> dict[str, Any]:
    return serializers.AmendmentSerializer(access_amendment(request.user, pk)).data  # type: ignore[return-value]


class _AmendmentAction(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_amendment)
    target: Amendment


class AmendmentAcceptView(_AmendmentAction):
    needs = {"POST": Need.DECIDE}

    @extend_schema(
        request=serializers.DecisionSerializer, responses=serializers.AmendmentSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.DecisionSerializer, request.data)
        services.amendment_accept(
            actor=signed_in(request), amendment=self.target, reason=data["reason"]
        )
        return Response(_amendment(request, pk))


class AmendmentRejectView(_AmendmentAction):
    needs = {"POST": Need.DECIDE}

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.AmendmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.RejectSerializer, request.data)
        services.amendment_reject(
            actor=signed_in(request), amendment=self.target, reason=data["reason"]
        )
        return Response(_amendment(request, pk))


class AmendmentWithdrawView(_AmendmentAction):
    needs = {"POST": Need.WITHDRAW}

    @extend_schema(request=None, responses=serializers.AmendmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        services.amendment_withdraw(actor=signed_in(request), amendment=self.target)
        return Response(_amendment(request, pk))


class AmendmentRebaseView(_AmendmentAction):
    needs = {"POST": Need.REBASE}

    @extend_schema(
        request=serializers.AmendmentRebaseSerializer, responses=serializers.AmendmentSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.AmendmentRebaseSerializer, request.data)
        spec = data.pop("spec", ...)
        services.amendment_rebase(
            actor=signed_in(request), amendment=self.target, spec=spec, **data
        )
        return Response(_amendment(request, pk))


class AlternativeListView(generics.ListAPIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    needs = {"POST": Need.PROPOSE}
    serializer_class = serializers.AlternativeSerializer
    target: Clause

    def get_queryset(self) -> QuerySet[Alternative]:
        if getattr(self, "swagger_fake_view", False):
            return Alternative.objects.none()
        return selectors.alternative_list(clause=self.target)

    @extend_schema(
        request=serializers.AlternativeInputSerializer,
        responses={201: serializers.AlternativeSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.AlternativeInputSerializer, request.data)
        spec = data.pop("spec", ...)
        alternative = services.alternative_propose(
            actor=signed_in(request), clause=self.target, spec=spec, **data
        )
        alternative = selectors.alternative_list(clause=self.target).get(pk=alternative.pk)
        return Response(
            serializers.AlternativeSerializer(alternative).data, status=status.HTTP_201_CREATED
        )


class AlternativeWithdrawView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_alternative)
    needs = {"POST": Need.WITHDRAW}
    target: Alternative

    @extend_schema(request=None, responses=serializers.AlternativeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        services.alternative_withdraw(actor=signed_in(request), alternative=self.target)
        alternatives = selectors.alternative_list(clause=self.target.clause)
        return Response(serializers.AlternativeSerializer(alternatives.get(pk=pk)).data)


class ResolveView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    needs = {"POST": Need.RESOLVE}
    target: Clause

    @extend_schema(request=serializers.ResolveSerializer, responses=serializers.ClauseSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(serializers.ResolveSerializer, request.data)
        services.alternatives_resolve(
            actor=signed_in(request),
            clause=self.target,
            alternative_id=data["alternative"],
            reason=data["reason"],
        )
        return Response(serializers.ClauseSerializer(access_clause(request.user, pk)).data)


class ClauseKindsView(APIView):
    @extend_schema(responses=serializers.ClauseKindSerializer(many=True))
    def get(self, request: Request) -> Response:
        kinds = [
            {
                "kind": kind,
                "label": label,
                "has_spec": specs.has_spec(kind),
                "schema": specs.SCHEMAS[kind],
            }
            for kind, label in ClauseKind.choices
        ]
        return Response(kinds)
