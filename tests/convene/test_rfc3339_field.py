"""Date-times in API bodies are RFC 3339, as the schema's "date-time" format says (schemathesis
found DRF taking "…T00:00Z", which a client generated from the schema would call invalid)."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError

from convene.api.fields import Rfc3339DateTimeField


@pytest.mark.parametrize(
    "value", ["2026-12-10T10:00:00Z", "2026-12-10t10:00:00.25+02:00", "1000-01-01T00:00:00-05:30"]
)
def test_rfc3339_date_times_are_taken(value: str) -> None:
    assert Rfc3339DateTimeField().to_internal_value(value).tzinfo is not None


@pytest.mark.parametrize(
    "value", ["2026-12-10T10:00Z", "2026-12-10", "2026-12-10 10:00:00Z", "2026-12-10T10:00:00", 5]
)
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        Rfc3339DateTimeField().to_internal_value(value)
