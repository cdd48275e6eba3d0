"""API v1 views of the public record: publish, list what is published, read an edition."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from convene.api.input import signed_in
from convene.audit import timestamp
from convene.permissions import Need
from deliberation.publishing import selectors, services
from deliberation.publishing.document_schema import document_schema
from deliberation.publishing.models import Edition
from deliberation.publishing.permissions import can_publish
from deliberation.text.permissions import access_framework


class PublishedSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    content_hash = serializers.CharField()


class PublishedFrameworkSerializer(serializers.Serializer):
    slug = serializers.CharField(source="framework.slug")
    title = serializers.CharField(source="framework.title")
    convening = serializers.CharField(source="framework.convening.title")
    edition = serializers.IntegerField(source="number")
    published_at = serializers.DateTimeField()
    content_hash = serializers.CharField()


def _published(edition: Edition) -> dict[str, Any]:
    return {
        "edition": edition.number,
        "published_at": timestamp(edition.published_at),
        "content_hash": edition.content_hash,
    }


class PublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: PublishedSerializer,
            409: OpenApiResponse(description="The framework is not adopted."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        actor = signed_in(request)
        framework = access_framework(actor, slug, need=Need.VIEW)
        can_publish(actor, framework).authorize()
        edition = services.framework_publish(actor=actor, framework=framework)
        return Response(_published(edition))


class PublishedListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublishedFrameworkSerializer

    def get_queryset(self) -> QuerySet[Edition]:
        return selectors.published_list()


DOCUMENT = OpenApiResponse(
    response={"$ref": "#/components/schemas/FrameworkDocument"},
    description="The edition's JSON export (framework-v1, /schemas/framework-v1.json).",
)


NOT_MODIFIED = OpenApiResponse(
    description="Not modified: the edition is still the one whose ETag was sent in If-None-Match."
)


def _edition_response(request: Request, slug: str, number: int | None = None) -> Response:
    """The edition's document with its content hash as a strong ETag; 304, without reading the
    document, when the client already holds it (If-None-Match)."""
    stamp = (
        selectors.latest_stamp(slug) if number is None else selectors.edition_stamp(slug, number)
    )
    if stamp is None:
        raise Http404("No such published framework or edition.")
    held = parse_etags(request.headers.get("If-None-Match", ""))
    if quote_etag(stamp.content_hash) in held or "*" in held:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = quote_etag(stamp.content_hash)
        return response
    edition = selectors.edition(slug=slug, number=number)
    response = Response(edition.content)
    response["ETag"] = quote_etag(edition.content_hash)
    return response


class PublishedDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: DOCUMENT, 304: NOT_MODIFIED})
    def get(self, request: Request, slug: str) -> Response:
        return _edition_response(request, slug)


class EditionView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: DOCUMENT, 304: NOT_MODIFIED})
    def get(self, request: Request, slug: str, number: int) -> Response:
        return _edition_response(request, slug, number)


def schema_view(request: HttpRequest) -> JsonResponse:
    """``/schemas/framework-v1.json``: what an edition's JSON export follows."""
    return JsonResponse(document_schema(), json_dumps_params={"indent": 2})
