"""API v1: a clause's thread summary (anyone who may read the clause)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.permissions import Needs
from deliberation.models import Summary
from deliberation.text.permissions import access_clause

POINT = inline_serializer(
    "SummaryPoint",
    {
        "text": serializers.CharField(),
        "comments": serializers.ListField(child=serializers.IntegerField()),
    },
    many=True,
)
SUMMARY = inline_serializer(
    "ThreadSummary",
    {
        "generated_at": serializers.DateTimeField(allow_null=True),
        "comment_count": serializers.IntegerField(),
        "covers_until": serializers.DateTimeField(allow_null=True),
        "key_points": POINT,
        "by_group": serializers.DictField(
            child=serializers.DictField(child=serializers.IntegerField())
        ),
        "common_ground": POINT,
        "divides": POINT,
        "method": serializers.ChoiceField(
            choices=["extractive", "llm"],
            allow_null=True,
            help_text="How the key points were made; null before the first summary.",
        ),
    },
)
EMPTY: dict[str, Any] = {"key_points": [], "by_group": {}, "common_ground": [], "divides": []}


class ClauseSummaryView(APIView):
    permission_classes = [Needs]
    access = staticmethod(access_clause)

    @extend_schema(responses=SUMMARY)
    def get(self, request: Request, pk: int) -> Response:
        """The thread's key points (each citing its comments), stance by stakeholder group,
        common ground and divides, as of ``covers_until``. Regenerated after every few new
        comments; before the first, ``generated_at`` is null and the lists are empty."""
        summary = Summary.objects.filter(clause_id=pk).first()
        if summary is None:
            return Response(
                {
                    "generated_at": None,
                    "comment_count": 0,
                    "covers_until": None,
                    "method": None,
                    **EMPTY,
                }
            )
        return Response(
            {
                "generated_at": summary.generated_at,
                "comment_count": summary.comment_count,
                "covers_until": summary.covers_until,
                "method": summary.data.get("method", "extractive"),
                **{key: summary.data.get(key, EMPTY[key]) for key in EMPTY},
            }
        )
