"""API v1 for comments: threads, reactions, flags, moderation and dispositions."""

from __future__ import annotations

import csv
import io
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.fields import StrictCharField
from convene.api.input import validated as _valid
from convene.api.throttling import CommentPostThrottle
from convene.errors import DomainError
from deliberation import comment_selectors as selectors
from deliberation import services
from deliberation.models import Amendment, ClauseVersion, Comment, Disposition, Reaction
from deliberation.permissions import (
    access_clause,
    access_comment,
    access_framework,
    can_manage_framework,
)


# --- output ---------------------------------------------------------------------------------
class CommentAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    display_name = serializers.CharField(required=False)
    handle = serializers.CharField(required=False)
    stakeholder_group = serializers.CharField()
    organization = serializers.CharField(required=False, allow_null=True)
    country = serializers.CharField(required=False, allow_null=True)


def author_of(comment: Comment, *, names: bool, show_country: bool) -> dict[str, Any] | None:
    """The author as this viewer may see them: named, or only by group in Chatham House mode."""
    if comment.status == Comment.Status.DELETED:
        return None
    org = comment.author_organization
    if names:
        return {
            "id": comment.author_id,
            "display_name": comment.author.display_name,
            "handle": comment.author.handle,
            "stakeholder_group": comment.author_group,
            "organization": org.name if org else None,
            "country": org.country if org else None,
        }
    author: dict[str, Any] = {"stakeholder_group": comment.author_group}
    if show_country:
        author["country"] = org.country if org else None
    return author


class DispositionSerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField()
    amendment = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Disposition
        fields = ["outcome", "response", "version", "amendment", "decided_at"]

    def get_version(self, obj: Disposition) -> int | None:
        return obj.version.number if obj.version else None


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

    def _shown(self, obj: Comment) -> bool:
        if obj.status == Comment.Status.VISIBLE:
            return True
        return obj.status == Comment.Status.HIDDEN and self.context.get("organizer", False)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_anchor(self, obj: Comment) -> dict[str, Any] | None:
        return obj.anchor

    @extend_schema_field(CommentAuthorSerializer(allow_null=True))
    def get_author(self, obj: Comment) -> dict[str, Any] | None:
        return author_of(
            obj,
            names=self.context.get("names", True),
            show_country=self.context.get("country", False),
        )

    def get_body(self, obj: Comment) -> str:
        return obj.body if self._shown(obj) else ""

    def get_body_html(self, obj: Comment) -> str:
        return obj.body_html if self._shown(obj) else ""

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_reactions(self, obj: Comment) -> dict[str, int]:
        return {"agree": obj.agree_count, "disagree": obj.disagree_count, "pass": obj.pass_count}

    @extend_schema_field(
        serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    )
    def get_reactions_by_group(self, obj: Comment) -> dict[str, dict[str, int]]:
        return self.context.get("by_group", {}).get(obj.pk, {})

    @extend_schema_field(serializers.CharField(allow_null=True))
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


def comment_context(request: Request, framework: Any, comments: list[Comment]) -> dict[str, Any]:
    by_group, mine = selectors.reaction_summary(comments, user=request.user)
    return {
        "names": selectors.viewer_sees_names(request.user, framework),
        "country": framework.convening.attribution_shows_country,
        "organizer": bool(can_manage_framework(request.user, framework)),
        "by_group": by_group,
        "mine": mine,
    }


def _one(request: Request, comment_id: int) -> dict[str, Any]:
    comment = access_comment(request.user, comment_id)
    fresh = selectors.comment_list(clause=comment.clause).get(pk=comment.pk)
    framework = comment.clause.framework
    return CommentSerializer(fresh, context=comment_context(request, framework, [fresh])).data  # type: ignore[return-value]


# --- input ----------------------------------------------------------------------------------
class AnchorSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(min_value=0)
    quote = StrictCharField(max_length=1000, trim_whitespace=False)


class CommentInputSerializer(serializers.Serializer):
    body = StrictCharField(max_length=10_000, trim_whitespace=False)
    parent = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    anchor = AnchorSerializer(required=False, allow_null=True, default=None)


class CommentEditSerializer(serializers.Serializer):
    body = StrictCharField(max_length=10_000, trim_whitespace=False)


class ReactionInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Reaction.Stance.choices)


class FlagInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500)


class ModerateInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("hide", "hide"), ("restore", "restore")])
    reason = StrictCharField(max_length=500)


class DispositionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Disposition.Outcome.choices)
    response = StrictCharField(max_length=10_000)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    amendment = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


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
            actor=request.user,
            clause=clause,
            body=data["body"],
            parent=parent,
            anchor=data["anchor"],
        )
        return Response(_one(request, comment.pk), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=CommentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(request, pk))

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(CommentEditSerializer, request.data)
        services.comment_edit(actor=request.user, comment=comment, body=data["body"])
        return Response(_one(request, pk))

    @extend_schema(responses=CommentSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        services.comment_delete(actor=request.user, comment=comment)
        return Response(_one(request, pk))


class ReactionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReactionInputSerializer, responses=CommentSerializer)
    def put(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(ReactionInputSerializer, request.data)
        services.reaction_set(actor=request.user, comment=comment, stance=data["stance"])
        return Response(_one(request, pk))

    @extend_schema(responses=CommentSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        services.reaction_set(actor=request.user, comment=comment, stance=None)
        return Response(_one(request, pk))


class FlagView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=FlagInputSerializer, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        comment = access_comment(request.user, pk)
        data = _valid(FlagInputSerializer, request.data)
        flag = services.comment_flag(actor=request.user, comment=comment, reason=data["reason"])
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
            actor=request.user, comment=comment, action=data["action"], reason=data["reason"]
        )
        return Response(_one(request, pk))


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
            actor=request.user,
            comment=comment,
            outcome=data["outcome"],
            response=data["response"],
            version=version,
            amendment=amendment,
        )
        return Response(_one(request, pk))


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
