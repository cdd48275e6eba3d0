"""One JSON error shape for the whole API: ``{"detail": str, "errors": {field: [str]}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from convene.errors import DomainError


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into ``{"field.sub.0": ["message"]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = key if not prefix else f"{prefix}.{key}"
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif (
        isinstance(errors, list) and errors and all(not isinstance(e, (dict, list)) for e in errors)
    ):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            for field, messages in _flatten(
                value, f"{prefix}.{index}" if prefix else str(index)
            ).items():
                flat.setdefault(field, []).extend(messages)
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _encodable(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8: an error message that quotes the
    input must not echo a lone surrogate, which no JSON encoder can write (a 500)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    return value


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _handle(exc, context)
    if response is not None:
        response.data = _encodable(response.data)
    return response


def _handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "errors": exc.errors}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.items()), None)
        detail = "Invalid input."
        if first:
            detail = f"Invalid input: {first[0]}: {first[1][0]}"
        return Response({"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data = {"detail": str(response.data.get("detail", "Error.")), "errors": {}}
    return response
