from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from convene.plaintext import single_line_problem


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans and objects instead of coercing them."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        # The limit counts the string as sent (the schema's maxLength), not what is left after
        # trimming, so a client can't send more than the schema allows.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class SingleLineCharField(StrictCharField):
    """A title, name, slug or short reason: one line, no control characters, no bidirectional
    overrides (``convene.plaintext``). Multi-line text (descriptions, bodies) stays a
    StrictCharField."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        problem = single_line_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem, code="not_single_line")
        return value


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true and false."""

    default_error_messages = {"not_a_boolean": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_a_boolean")
        return data


class StrictEmailField(serializers.EmailField):
    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return str(super().to_internal_value(data)).strip().lower()


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id as a JSON integer (or a string of digits); 1.5 or true is refused, not read as 1."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.strip().isdigit():
            self.fail("incorrect_type", data_type="str")
        return super().to_internal_value(data)


# RFC 3339's date-time, what OpenAPI's "date-time" format means: seconds and an offset are
# required. DRF's own parsing also takes "2026-12-01T10:00Z" or a date alone, which a client
# generated from the schema would call invalid.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


class Rfc3339DateTimeField(serializers.DateTimeField):
    """A date-time as RFC 3339 writes it, refused with 400 otherwise."""

    default_error_messages = {
        "rfc3339": "Give a date and time as RFC 3339, e.g. 2026-12-01T10:00:00Z.",
    }

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            self.fail("rfc3339")
        return super().to_internal_value(value)
