"""API v1 views for the text: parse, check access, call one service or selector."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in
from convene.api.input import validated as _valid
from convene.errors import DomainError
from convene.permissions import access_convening
from deliberation.models import Alternative, Amendment, Clause, ClauseKind, ClauseVersion, Framework
from deliberation.text import diff, selectors, services, specs
from deliberation.text.api import serializers as s
from deliberation.text.permissions import (
    access_amendment,
    access_clause,
    access_framework,
    check_alternative_proposer,
    check_amendment_author,
    check_amendment_decider,
)

# Every view that reads a body: too deeply nested JSON is a 400, not a 500.


class FrameworkListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.FrameworkSerializer

    def get_queryset(self) -> QuerySet[Framework]:
        if getattr(self, "swagger_fake_view", False):
            return Framework.objects.none()
        return selectors.framework_list(
            convening=access_convening(self.request.user, self.kwargs["slug"])
        )

    @extend_schema(request=s.FrameworkInputSerializer, responses={201: s.FrameworkSerializer})
    def post(self, request: Request, slug: str) -> Response:
        convening = access_convening(request.user, slug, manage=True)
        data = _valid(s.FrameworkInputSerializer, request.data)
        framework = services.framework_create(actor=signed_in(request), convening=convening, **data)
        return Response(s.FrameworkSerializer(framework).data, status=status.HTTP_201_CREATED)


class FrameworkDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.FrameworkSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(s.FrameworkSerializer(access_framework(request.user, slug)).data)

    @extend_schema(request=s.FrameworkUpdateSerializer, responses=s.FrameworkSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        framework = access_framework(request.user, slug, manage=True)
        data = _valid(s.FrameworkUpdateSerializer, request.data)
        framework = services.framework_update(actor=signed_in(request), framework=framework, **data)
        return Response(s.FrameworkSerializer(framework).data)


class FrameworkTransitionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.TransitionSerializer, responses=s.FrameworkSerializer)
    def post(self, request: Request, slug: str) -> Response:
        framework = access_framework(request.user, slug, manage=True)
        data = _valid(s.TransitionSerializer, request.data)
        framework = services.framework_transition(
            actor=signed_in(request), framework=framework, to=data["to"]
        )
        return Response(s.FrameworkSerializer(framework).data)


class ClauseListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.ClauseSerializer

    def get_queryset(self) -> QuerySet[Clause]:
        if getattr(self, "swagger_fake_view", False):
            return Clause.objects.none()
        return selectors.clause_list(
            framework=access_framework(self.request.user, self.kwargs["slug"])
        )

    @extend_schema(request=s.ClauseInputSerializer, responses={201: s.ClauseSerializer})
    def post(self, request: Request, slug: str) -> Response:
        framework = access_framework(request.user, slug, manage=True)
        data = _valid(s.ClauseInputSerializer, request.data)
        clause = services.clause_create(actor=signed_in(request), framework=framework, **data)
        return Response(s.ClauseSerializer(clause).data, status=status.HTTP_201_CREATED)


class ClauseReorderView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ReorderSerializer, responses=s.ClauseSerializer(many=True))
    def post(self, request: Request, slug: str) -> Response:
        framework = access_framework(request.user, slug, manage=True)
        data = _valid(s.ReorderSerializer, request.data)
        services.clause_reorder(actor=signed_in(request), framework=framework, order=data["order"])
        return Response(
            s.ClauseSerializer(selectors.clause_list(framework=framework), many=True).data
        )


class ClauseDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.ClauseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ClauseSerializer(access_clause(request.user, pk)).data)

    @extend_schema(request=s.ClauseUpdateSerializer, responses=s.ClauseSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk, manage=True)
        data = _valid(s.ClauseUpdateSerializer, request.data)
        spec = data.pop("spec", ...)
        clause = services.clause_update(actor=signed_in(request), clause=clause, spec=spec, **data)
        return Response(s.ClauseSerializer(access_clause(request.user, clause.pk)).data)


class VersionListView(generics.ListAPIView):
    serializer_class = s.VersionSerializer

    def get_queryset(self) -> QuerySet[ClauseVersion]:
        if getattr(self, "swagger_fake_view", False):
            return ClauseVersion.objects.none()
        return selectors.version_list(clause=access_clause(self.request.user, self.kwargs["pk"]))


class VersionDetailView(APIView):
    @extend_schema(responses=s.VersionSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        clause = access_clause(request.user, pk)
        version = selectors.version_list(clause=clause).filter(number=number).first()
        if version is None:
            raise Http404("No such version.")
        return Response(s.VersionSerializer(version).data)


# ASCII digits only ("²".isdigit() is true but int() refuses it), and not thousands of them.
_VERSION_NUMBER = re.compile(r"[0-9]{1,30}")
_MAX_VERSION = 2_147_483_647


class DiffView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="older version number"),
            OpenApiParameter("to", int, required=True, description="newer version number"),
        ],
        responses=s.DiffSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk)
        numbers = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name, "")
            if not _VERSION_NUMBER.fullmatch(raw) or int(raw) < 1:
                raise DomainError("Give a version number (1, 2, …).", field=name)
            numbers[name] = int(raw)
        # A number past the column's range cannot exist; the database would overflow on it.
        wanted = [n for n in numbers.values() if n <= _MAX_VERSION]
        versions = {
            v.number: v for v in selectors.version_list(clause=clause).filter(number__in=wanted)
        }
        for name, number in numbers.items():
            if number not in versions:
                raise DomainError(f"Version {number} does not exist.", field=name, status=404)
        old, new = versions[numbers["from"]], versions[numbers["to"]]
        ops = diff.diff(old.text, new.text)
        body = {
            "from": old.number,
            "to": new.number,
            "ops": ops,
            "html": diff.render_html(ops),
            "spec_changes": diff.spec_changes(old.spec, new.spec),
        }
        return Response(body)


class AmendmentListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.AmendmentSerializer

    def get_queryset(self) -> QuerySet[Amendment]:
        if getattr(self, "swagger_fake_view", False):
            return Amendment.objects.none()
        return selectors.amendment_list(clause=access_clause(self.request.user, self.kwargs["pk"]))

    @extend_schema(request=s.AmendmentInputSerializer, responses={201: s.AmendmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk, propose=True)
        data = _valid(s.AmendmentInputSerializer, request.data)
        spec = data.pop("spec", ...)
        amendment = services.amendment_propose(
            actor=signed_in(request), clause=clause, spec=spec, **data
        )
        return Response(_amendment(request, amendment.pk), status=status.HTTP_201_CREATED)


def _amendment(request: Request, pk: int) -> dict[str, Any]:
    return s.AmendmentSerializer(access_amendment(request.user, pk)).data  # type: ignore[return-value]


class AmendmentActionView(APIView):
    permission_classes = [IsAuthenticated]
    verb = ""

    @extend_schema(request=s.DecisionSerializer, responses=s.AmendmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        amendment = access_amendment(request.user, pk)
        if self.verb == "accept":
            check_amendment_decider(request.user, amendment)
            data = _valid(s.DecisionSerializer, request.data)
            services.amendment_accept(
                actor=signed_in(request), amendment=amendment, reason=data["reason"]
            )
        elif self.verb == "reject":
            check_amendment_decider(request.user, amendment)
            data = _valid(s.RejectSerializer, request.data)
            services.amendment_reject(
                actor=signed_in(request), amendment=amendment, reason=data["reason"]
            )
        elif self.verb == "withdraw":
            check_amendment_author(request.user, amendment)
            services.amendment_withdraw(actor=signed_in(request), amendment=amendment)
        else:
            check_amendment_author(request.user, amendment)
            data = _valid(s.AmendmentRebaseSerializer, request.data)
            spec = data.pop("spec", ...)
            services.amendment_rebase(
                actor=signed_in(request), amendment=amendment, spec=spec, **data
            )
        return Response(_amendment(request, pk))


class AlternativeListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.AlternativeSerializer

    def get_queryset(self) -> QuerySet[Alternative]:
        if getattr(self, "swagger_fake_view", False):
            return Alternative.objects.none()
        return selectors.alternative_list(
            clause=access_clause(self.request.user, self.kwargs["pk"])
        )

    @extend_schema(request=s.AlternativeInputSerializer, responses={201: s.AlternativeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk, propose=True)
        data = _valid(s.AlternativeInputSerializer, request.data)
        spec = data.pop("spec", ...)
        alternative = services.alternative_propose(
            actor=signed_in(request), clause=clause, spec=spec, **data
        )
        alternative = selectors.alternative_list(clause=clause).get(pk=alternative.pk)
        return Response(s.AlternativeSerializer(alternative).data, status=status.HTTP_201_CREATED)


class AlternativeWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.AlternativeSerializer)
    def post(self, request: Request, pk: int) -> Response:
        alternative = Alternative.objects.select_related("clause").filter(pk=pk).first()
        if alternative is None:
            raise Http404("No such alternative.")
        clause = access_clause(request.user, alternative.clause_id)
        check_alternative_proposer(request.user, alternative)
        services.alternative_withdraw(actor=signed_in(request), alternative=alternative)
        return Response(
            s.AlternativeSerializer(selectors.alternative_list(clause=clause).get(pk=pk)).data
        )


class ResolveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ResolveSerializer, responses=s.ClauseSerializer)
    def post(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk, manage=True)
        data = _valid(s.ResolveSerializer, request.data)
        alternative = Alternative.objects.filter(pk=data["alternative"], clause=clause).first()
        if alternative is None:
            raise DomainError("No such alternative on this clause.", field="alternative")
        services.alternatives_resolve(
            actor=signed_in(request), clause=clause, alternative=alternative, reason=data["reason"]
        )
        return Response(s.ClauseSerializer(access_clause(request.user, pk)).data)


class ClauseKindsView(APIView):
    @extend_schema(responses=s.ClauseKindSerializer(many=True))
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
