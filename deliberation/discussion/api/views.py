"""API v1 for comments: threads, reactions, flags, moderation and dispositions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in
from convene.api.input import validated as _valid
from convene.api.throttling import CommentPostThrottle
from convene.errors import DomainError
from deliberation.discussion import selectors as selectors
from deliberation.discussion import services
from deliberation.discussion.api.serializers import (
    CommentEditSerializer,
    CommentInputSerializer,
    CommentSerializer,
    CSVRenderer,
    DispositionInputSerializer,
    DispositionRowSerializer,
    FlagInputSerializer,
    ModerateInputSerializer,
    ReactionInputSerializer,
)
from deliberation.models import Amendment, ClauseVersion, Comment, Disposition
from deliberation.text.permissions import (
    access_clause,
    access_comment,
    access_framework,
    can_manage_framework,
)


def comment_context(request: Request, framework: Any, comments: list[Comment]) -> dict[str, Any]:
    by_group, mine = selectors.reaction_summary(comments, user=request.user)
    return {
        "names": selectors.viewer_sees_names(request.user, framework),
        "country": framework.convening.attribution_shows_country,
        "organizer": bool(can_manage_framework(request.user, framework)),
        "by_group": by_group,
        "mine": mine,
    }


def _one(request: Request, comment: Comment) -> dict[str, Any]:
    """The comment as this reader sees it, re-read after any change. ``comment`` must already be
    authorized (from ``access_comment``, or posted on a clause from ``access_clause``)."""
    fresh = selectors.comment_list(clause=comment.clause).get(pk=comment.pk)
    framework = comment.clause.framework
    return CommentSerializer(fresh, context=comment_context(request, framework, [fresh])).data  # type: ignore[return-value]


# --- views ----------------------------------------------------------------------------------
class CommentCursor(CursorPagination):
    """Keyset pagination by id: stable while new comments arrive, each comment exactly once."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CommentListView(generics.ListAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CommentSerializer
    pagination_class = CommentCursor

    def get_throttles(self) -> list[Any]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(CommentPostThrottle())
        return throttles

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        clause = access_clause(self.request.user, self.kwargs["pk"])
        self.framework = clause.framework
        queryset = selectors.comment_list(clause=clause)
        for name in ("parent", "root"):
            raw = self.request.query_params.get(name)
            if raw is not None:
                if not raw.isdigit():
                    raise DomainError("Give a comment id.", field=name)
                queryset = queryset.filter(**{name: int(raw)})
        if self.request.query_params.get("top_level") in {"1", "true"}:
            queryset = queryset.filter(parent=None)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", int, description="only direct replies to this comment"),
            OpenApiParameter("root", int, description="only this thread"),
            OpenApiParameter("top_level", bool, description="only top-level comments"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset) or []
        context = comment_context(request, self.framework, page)
        return self.get_paginated_response(CommentSerializer(page, many=True, context=context).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        clause = access_clause(request.user, pk)
        data = _valid(CommentInputSerializer, request.data)
        parent = None
        if data["parent"] is not None:
            parent = Comment.objects.filter(pk=data["parent"], clause=clause).first()
            if parent is None:
                raise DomainError("No such comment on this clause.", field="parent")
        comment = services.comment_post(
            actor=signed_in(request),
            clause=clause,
            body=data["body"],
            parent=parent,
            anchor=data["anchor"],
        )
        return Response(_one(request, comment), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=CommentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(request, access_comment(request.user, pk)))

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(CommentEditSerializer, request.data)
        services.comment_edit(actor=signed_in(request), comment=comment, body=data["body"])
        return Response(_one(request, comment))

    @extend_schema(responses=CommentSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        services.comment_delete(actor=signed_in(request), comment=comment)
        return Response(_one(request, comment))


class ReactionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReactionInputSerializer, responses=CommentSerializer)
    def put(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(ReactionInputSerializer, request.data)
        services.reaction_set(actor=signed_in(request), comment=comment, stance=data["stance"])
        return Response(_one(request, comment))

    @extend_schema(responses=CommentSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        services.reaction_set(actor=signed_in(request), comment=comment, stance=None)
        return Response(_one(request, comment))


class FlagView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=FlagInputSerializer, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(FlagInputSerializer, request.data)
        flag = services.comment_flag(
            actor=signed_in(request), comment=comment, reason=data["reason"]
        )
        return Response(
            {"id": flag.pk, "comment": comment.pk, "reason": flag.reason},
            status=status.HTTP_201_CREATED,
        )


class ModerateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ModerateInputSerializer, responses=CommentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk, manage=True)
        data = _valid(ModerateInputSerializer, request.data)
        services.comment_moderate(
            actor=signed_in(request), comment=comment, action=data["action"], reason=data["reason"]
        )
        return Response(_one(request, comment))


class DispositionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DispositionInputSerializer, responses=CommentSerializer)
    def put(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk, manage=True)
        data = _valid(DispositionInputSerializer, request.data)
        version = amendment = None
        if data["version"] is not None:
            version = ClauseVersion.objects.filter(
                clause_id=comment.clause_id, number=data["version"]
            ).first()
            if version is None:
                raise DomainError("No such version of this clause.", field="version")
        if data["amendment"] is not None:
            amendment = Amendment.objects.filter(
                clause_id=comment.clause_id, pk=data["amendment"]
            ).first()
            if amendment is None:
                raise DomainError("No such amendment on this clause.", field="amendment")
        services.disposition_set(
            actor=signed_in(request),
            comment=comment,
            outcome=data["outcome"],
            response=data["response"],
            version=version,
            amendment=amendment,
        )
        return Response(_one(request, comment))


class DispositionTableView(APIView):
    """Every top-level comment with its disposition or "awaiting_response"; ``?format=csv``."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    csv_fields = list(DispositionRowSerializer().fields)

    @extend_schema(
        parameters=[
            OpenApiParameter("outcome", str, description="an outcome, or awaiting_response"),
            OpenApiParameter("group", str, description="the commenter's stakeholder group"),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses=DispositionRowSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        framework = access_framework(request.user, slug)
        names = selectors.viewer_sees_names(request.user, framework)
        outcome = request.query_params.get("outcome")
        group = request.query_params.get("group")
        valid_outcomes = {*Disposition.Outcome.values, "awaiting_response"}
        if outcome and outcome not in valid_outcomes:
            raise DomainError(
                f"Unknown outcome; use one of {', '.join(sorted(valid_outcomes))}.", field="outcome"
            )
        rows = []
        for comment in selectors.disposition_table(framework=framework):
            disposition = getattr(comment, "disposition", None)
            row_outcome = disposition.outcome if disposition else "awaiting_response"
            if (outcome and row_outcome != outcome) or (group and comment.author_group != group):
                continue
            hidden = comment.status != Comment.Status.VISIBLE
            deleted = comment.status == Comment.Status.DELETED
            rows.append(
                {
                    "comment": comment.pk,
                    "clause": comment.clause_id,
                    "clause_number": comment.clause.position,
                    "clause_title": comment.clause.title,
                    "author": comment.author.display_name if names and not deleted else "",
                    "stakeholder_group": comment.author_group,
                    "created_at": comment.created_at.isoformat(),
                    "excerpt": "" if hidden else comment.body[:300],
                    "status": comment.status,
                    "outcome": row_outcome,
                    "response": disposition.response if disposition else "",
                    "version": disposition.version.number
                    if disposition and disposition.version
                    else None,
                    "amendment": disposition.amendment_id if disposition else None,
                    "decided_at": disposition.decided_at.isoformat() if disposition else None,
                }
            )
        response = Response(rows)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
        ):
            response["Content-Disposition"] = (
                f'attachment; filename="{framework.slug}-dispositions.csv"'
            )
        return response
