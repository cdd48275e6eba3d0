"""API v1 for comments: threads, reactions, flags, moderation and dispositions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in, validated
from convene.api.permissions import Needs
from convene.api.throttling import CommentPostThrottle
from convene.errors import DomainError
from convene.models import StakeholderGroup
from convene.parsing import LARGEST, fits_column, parse_id
from convene.permissions import Need
from deliberation.discussion import ordering, selectors, services, tables
from deliberation.discussion.api.pagination import CommentCursor
from deliberation.discussion.api.serializers import (
    CommentEditSerializer,
    CommentInputSerializer,
    CommentSerializer,
    CSVRenderer,
    DismissFlagsInputSerializer,
    DispositionInputSerializer,
    DispositionRowSerializer,
    FlagInputSerializer,
    FlagSerializer,
    ModerateInputSerializer,
    ReactionInputSerializer,
)
from deliberation.discussion.attribution import reader_for
from deliberation.discussion.permissions import access_comment, can_sort_threads
from deliberation.models import Clause, Comment, Disposition, Framework
from deliberation.text.permissions import access_clause, access_framework


def comment_context(request: Request, framework: Any, comments: list[Comment]) -> dict[str, Any]:
    by_group, mine = selectors.reaction_summary(comments, user=request.user)
    return {"reader": reader_for(request.user, framework), "by_group": by_group, "mine": mine}


def _one(request: Request, comment: Comment) -> dict[str, Any]:
    """The comment as this reader sees it, re-read after any change. ``comment`` must already be
    authorized (from ``access_comment``, or posted on a clause from ``access_clause``)."""
    fresh = selectors.comment_list(clause=comment.clause).get(pk=comment.pk)
    framework = comment.clause.framework
    return CommentSerializer(fresh, context=comment_context(request, framework, [fresh])).data  # type: ignore[return-value]


OUTCOMES = [*Disposition.Outcome.values, tables.AWAITING]
ID = {"type": "integer", "minimum": 1, "maximum": LARGEST}
# Query-string booleans, as OpenAPI clients write them.
TRUTH = {"true": True, "1": True, "false": False, "0": False}


def _query_choice(request: Request, name: str, choices: Any) -> str | None:
    """``?name=`` as one of ``choices`` (booleans in any case), None when absent; 400 otherwise,
    a blank value included, so a misspelt filter never silently lists everything."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = raw.lower() if choices is TRUTH else raw
    if value not in choices:
        raise DomainError(f"Use one of {', '.join(choices)}.", field=name)
    return value


class CommentListView(generics.ListAPIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)
    serializer_class = CommentSerializer
    pagination_class = CommentCursor
    # ``?sort=undisposed`` is the organizers' (403 for others): convene.api.schema says so.
    refuses_some_readers = True
    target: Clause

    def get_throttles(self) -> list[Any]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(CommentPostThrottle())
        return throttles

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        queryset = selectors.comment_list(clause=self.target)
        for name in ("parent", "root"):
            raw = self.request.query_params.get(name)
            if raw is not None:
                comment_id = parse_id(raw, field=name, noun="comment id")
                queryset = (
                    queryset.filter(**{name: comment_id})
                    if fits_column(comment_id)
                    else queryset.none()
                )
        top_level = _query_choice(self.request, "top_level", TRUTH)
        if top_level is not None and TRUTH[top_level]:
            queryset = queryset.filter(parent=None)
        if self.order is not ordering.DEFAULT:
            # The orders rank threads by their top comment's figures: replies are not listed.
            queryset = queryset.filter(parent=None)
        return queryset

    @property
    def order(self) -> ordering.ThreadOrder:
        """``?sort=``, checked once per request: 400 for an unknown order, 403 for one the
        reader may not use."""
        if not hasattr(self, "_order"):
            key = _query_choice(self.request, "sort", ordering.ORDERS) or ordering.DEFAULT.key
            order = ordering.ORDERS[key]
            can_sort_threads(self.request.user, self.target, order).enforce(field="sort")
            self._order = order
        return self._order

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", ID, description="only direct replies to this comment"),
            OpenApiParameter("root", ID, description="only this thread"),
            OpenApiParameter("top_level", bool, description="only top-level comments"),
            OpenApiParameter(
                "sort",
                str,
                enum=list(ordering.ORDERS),
                description=(
                    "the order of the threads: "
                    + "; ".join(f"`{o.key}`: {o.label.lower()}" for o in ordering.ORDERS.values())
                    + " (organizers only). Any order but `oldest` lists threads (top-level "
                    "comments) only, and pages forward only; with `parent` the list is empty "
                    "and with `root` it is that thread's top comment."
                ),
            ),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset) or []
        context = comment_context(request, self.target.framework, page)
        return self.get_paginated_response(CommentSerializer(page, many=True, context=context).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = validated(CommentInputSerializer, request.data)
        comment = services.comment_post(
            actor=signed_in(request),
            clause=self.target,
            body=data["body"],
            parent_id=data["parent"],
            anchor=data["anchor"],
        )
        return Response(_one(request, comment), status=status.HTTP_201_CREATED)


class _OnComment(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_comment)
    target: Comment


class CommentDetailView(_OnComment):
    needs = {"PATCH": Need.EDIT, "DELETE": Need.DELETE}

    @extend_schema(responses=CommentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(request, self.target))

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = validated(CommentEditSerializer, request.data)
        services.comment_edit(actor=signed_in(request), comment=self.target, body=data["body"])
        return Response(_one(request, self.target))

    @extend_schema(responses={200: CommentSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        """Deletes the comment; answers the tombstone that keeps its replies in place."""
        services.comment_delete(actor=signed_in(request), comment=self.target)
        return Response(_one(request, self.target))


class ReactionView(_OnComment):
    needs = {"PUT": Need.REACT, "DELETE": Need.REACT}

    @extend_schema(request=ReactionInputSerializer, responses=CommentSerializer)
    def put(self, request: Request, pk: int) -> Response:
        data = validated(ReactionInputSerializer, request.data)
        services.reaction_set(actor=signed_in(request), comment=self.target, stance=data["stance"])
        return Response(_one(request, self.target))

    @extend_schema(responses={200: CommentSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        """Takes back your reaction; answers the comment with its counts."""
        services.reaction_set(actor=signed_in(request), comment=self.target, stance=None)
        return Response(_one(request, self.target))


class FlagView(_OnComment):
    needs = {"POST": Need.FLAG}

    @extend_schema(request=FlagInputSerializer, responses={201: FlagSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = validated(FlagInputSerializer, request.data)
        flag = services.comment_flag(
            actor=signed_in(request), comment=self.target, reason=data["reason"]
        )
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class ModerateView(_OnComment):
    needs = {"POST": Need.MODERATE}

    @extend_schema(request=ModerateInputSerializer, responses=CommentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(ModerateInputSerializer, request.data)
        services.comment_moderate(
            actor=signed_in(request),
            comment=self.target,
            action=data["action"],
            reason=data["reason"],
        )
        return Response(_one(request, self.target))


class DismissFlagsView(_OnComment):
    needs = {"POST": Need.MODERATE}

    @extend_schema(request=DismissFlagsInputSerializer, responses=CommentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Dismisses the comment's open flags as unfounded; 409 when it has none open."""
        data = validated(DismissFlagsInputSerializer, request.data)
        services.comment_flags_dismiss(
            actor=signed_in(request), comment=self.target, reason=data["reason"]
        )
        return Response(_one(request, self.target))


class DispositionView(_OnComment):
    needs = {"PUT": Need.DISPOSE}

    @extend_schema(request=DispositionInputSerializer, responses=CommentSerializer)
    def put(self, request: Request, pk: int) -> Response:
        data = validated(DispositionInputSerializer, request.data)
        services.disposition_set(
            actor=signed_in(request),
            comment=self.target,
            outcome=data["outcome"],
            response=data["response"],
            version_number=data["version"],
            amendment_id=data["amendment"],
        )
        return Response(_one(request, self.target))


class DispositionTableView(APIView):
    """Every top-level comment with its disposition or "awaiting_response"; ``?format=csv``."""

    permission_classes = [Needs]
    access = staticmethod(access_framework)
    renderer_classes = [JSONRenderer, CSVRenderer]
    csv_fields = list(DispositionRowSerializer().fields)
    target: Framework

    @extend_schema(
        parameters=[
            OpenApiParameter("outcome", str, enum=OUTCOMES, description="only this outcome"),
            OpenApiParameter(
                "group",
                str,
                enum=StakeholderGroup.values,
                description="only the comments of this stakeholder group",
            ),
            OpenApiParameter(
                "format", str, enum=["json", "csv"], description="`csv`: the table as CSV"
            ),
        ],
        responses={
            (200, "application/json"): DispositionRowSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        framework = self.target
        # DRF's negotiation refuses an unknown ?format= (404) but reads a blank one as none.
        _query_choice(request, "format", ["json", "csv"])
        comments = tables.disposition_table(
            framework=framework,
            outcome=_query_choice(request, "outcome", OUTCOMES),
            group=_query_choice(request, "group", StakeholderGroup.values),
        )
        reader = reader_for(request.user, framework)
        response = Response([tables.disposition_record(c, reader) for c in comments])
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
        ):
            response["Content-Disposition"] = (
                f'attachment; filename="{framework.slug}-dispositions.csv"'
            )
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # An error is JSON like everywhere in the API, also when the table was asked for as CSV.
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
