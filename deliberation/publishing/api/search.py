"""GET /api/v1/search/: frameworks, clauses and comments the caller may read (see
deliberation/publishing/search.py for who sees what)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import validated
from deliberation.publishing import search


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=search.MAX_QUERY, help_text="Words to find.")
    kind = serializers.ChoiceField(
        choices=search.KINDS, required=False, help_text="Only this kind of result."
    )
    # Any text: a slug that names no convening finds nothing.
    convening = serializers.CharField(
        max_length=80, required=False, help_text="Only this convening's (its slug)."
    )
    page = serializers.IntegerField(min_value=1, max_value=search.MAX_PAGE, default=1)


class NamedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=search.KINDS)
    title = serializers.CharField()
    snippet = serializers.CharField(
        help_text="HTML: escaped text, the matched words in <mark> elements."
    )
    url = serializers.CharField(help_text="The page to read it on (a path on this site).")
    framework = NamedSerializer()
    convening = NamedSerializer()
    clause = serializers.IntegerField(allow_null=True, help_text="The clause's number, if any.")
    published = serializers.BooleanField(help_text="Whether its framework is published.")


class SearchResultsSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = HitSerializer(many=True)


OPTIONAL = ("kind", "convening", "page")


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[SearchQuerySerializer], responses={200: SearchResultsSerializer})
    def get(self, request: Request) -> Response:
        # DRF reads an optional parameter given blank (``?kind=``) as absent; a client's mistake
        # would then search everything, so it is refused, as the list filters do.
        blank = [name for name in OPTIONAL if request.query_params.get(name) == ""]
        if blank:
            raise ValidationError({name: ["Give a value, or leave it out."] for name in blank})
        query: dict[str, Any] = validated(SearchQuerySerializer, request.query_params)
        found = search.search(
            user=request.user,
            q=query["q"],
            kind=query.get("kind"),
            convening=query.get("convening"),
            page=query["page"],
        )
        return Response(
            {
                "page": found.page,
                "has_next": found.has_next,
                "results": HitSerializer(found.hits, many=True).data,
            }
        )
