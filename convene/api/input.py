"""Reading request bodies: one place that validates input serializers for every API view."""

from __future__ import annotations

from typing import Any


def validated(serializer_class: type[Any], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The serializer's validated data; a ValidationError (→ 400 with field errors) otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
