"""Filtering list endpoints by query string (django-filter), strictly."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend

from convene.errors import DomainError


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter given blank (``?kind=``) is a 400 like any
    other value outside its choices: django-filter reads it as no filter at all, so a client's
    mistake listed everything."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        for name in filterset_class.base_filters if filterset_class else ():
            if request.query_params.get(name) == "":
                raise DomainError(f"Give a value for {name}, or leave it out.", field=name)
        return super().filter_queryset(request, queryset, view)
