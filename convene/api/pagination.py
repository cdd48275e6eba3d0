from __future__ import annotations

import re
from typing import Any

from rest_framework import pagination

from convene.errors import DomainError

_DIGITS = re.compile(r"[0-9]+")
PAGE_SIZE_DESCRIPTION = "Results per page, at least 1; a larger value than {max} counts as {max}."


class StrictPageSize:
    """``?page_size=`` as a whole number of at least 1 (else 400), capped at ``max_page_size``.
    DRF's own reading falls back to the default for ``null``, ``0`` or ``-5``, so a client's
    mistake went unnoticed."""

    page_size: int
    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 200

    def get_page_size(self, request: Any) -> int:
        assert self.page_size_query_param is not None and self.max_page_size is not None
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0") if _DIGITS.fullmatch(raw) else ""
        if not digits:
            raise DomainError(
                "Give page_size as a whole number of at least 1.", field=self.page_size_query_param
            )
        # Compared as text first: int() of thousands of digits is refused by Python itself.
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's envelope, with ``next`` and ``previous`` nullable as OpenAPI 3.1 says it
        (``type: [string, "null"]``; 3.1 has no ``nullable``)."""
        envelope: dict[str, Any] = super().get_paginated_response_schema(schema)  # type: ignore[misc]
        for link in ("next", "previous"):
            prop = envelope["properties"].get(link, {})
            if prop.pop("nullable", False):
                prop["type"] = [prop["type"], "null"]
        return envelope

    def _documented(self, parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = PAGE_SIZE_DESCRIPTION.format(max=self.max_page_size)
            elif parameter["name"] == "page":
                parameter["schema"]["minimum"] = 1
        return parameters


class Pagination(StrictPageSize, pagination.PageNumberPagination):
    """``?page=N&page_size=M``; answers ``{count, next, previous, results}``. A page that is not
    a whole number of at least 1 is a 400 (DRF read a blank one as the first); one past the
    last page is a 404."""

    page_size = 50

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        if not _DIGITS.fullmatch(raw) or not raw.strip("0"):
            raise DomainError(
                "Give page as a whole number of at least 1.", field=self.page_query_param
            )
        return raw

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return self._documented(super().get_schema_operation_parameters(view))


class CursorPagination(StrictPageSize, pagination.CursorPagination):
    """``?cursor=…&page_size=M``; answers ``{next, previous, results}``."""

    page_size = 50

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return self._documented(super().get_schema_operation_parameters(view))
