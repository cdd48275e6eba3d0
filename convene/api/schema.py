"""The OpenAPI schema as the server answers (drf-spectacular's ``AutoSchema``, made exact).

What spectacular can't infer from a view is filled in here, once for every operation, rather than
by decorating each view:

- the error answers: the one error shape (``Error``, from ``convene.api.errors``) under each
  status the operation can answer (400 for input, 401/403 for credentials and refusals, 404 for a
  path or a page that names nothing, 409 and 429 for writes), keeping any description a view
  gives for one of them;
- who may call it without credentials: reads of views resolved by ``Needs`` (an anonymous
  reader gets the public object, and 404 for a private one); a view with ``members_only = True``
  (a member list) also refuses reads with 403, to a non-member of a public convening;
- what a request's strings may hold, as the fields and filters check it: surrounding whitespace
  is trimmed before a field may be blank, single-line fields refuse control and bidirectional
  characters (``convene.plaintext``), and no field takes NUL.

``schemathesis`` checks all of this against the running server (``.ci/schemathesis``).
"""

from __future__ import annotations

from typing import Any

from django_countries import countries
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from convene.api.fields import SingleLineCharField
from convene.api.permissions import Needs
from convene.api.summaries import SUMMARIES
from convene.permissions import Need


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers (``convene.api.errors``)."""

    detail = serializers.CharField(help_text="One readable sentence.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a field named like Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path (dotted when nested: `spec.threshold`, `order.2`) → messages; "
        "`{}` when the error is not about a field.",
    )


ERROR_DESCRIPTIONS = {
    "400": "The input is malformed or invalid; `errors` names the fields.",
    "401": "Credentials are needed, or the token sent is invalid, expired or revoked.",
    "403": "Not yours to do (or, signed in with a session, the CSRF token is missing).",
    "404": "It does not exist, or it is private and you are not a member (or no such page).",
    "409": "Valid, but the current state forbids it; `detail` says why.",
    "410": "It existed but can no longer be used.",
    "429": "Rate limit hit; `Retry-After` says in how many seconds to try again.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>`` (``convene.api.authentication``)."""

    target_class = "convene.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Send `Authorization: Token <key>`: the word `Token`, one space, then "
            "a key from `POST /api/v1/auth/token/`. Keys expire; list and revoke yours at "
            "`/api/v1/auth/tokens/`. `Authorization: Bearer <key>` works as well (`bearerAuth`).",
        }


class BearerScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <key>``: the same keys, the prefix generated clients default to."""

    target_class = "convene.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The same key as `tokenAuth`, sent as `Authorization: Bearer <key>`.",
        }


def country_code_schema() -> dict[str, Any]:
    """An ISO 3166-1 alpha-2 code as the server takes it: exactly two letters, in any case."""
    codes = "|".join(f"[{a}{a.lower()}][{b}{b.lower()}]" for (a, b), _name in countries)
    return {
        "type": "string",
        "pattern": f"^(?:{codes})$",
        "description": "ISO 3166-1 alpha-2 country code, e.g. `DE` (stored upper case).",
    }


def slug_schema() -> dict[str, Any]:
    """A slug as the services take it: stripped and lower-cased, then what ``slugify`` leaves
    unchanged (letters, digits, ``_`` and single hyphens, a letter or digit at either end)."""
    first_or_last, inner = "[A-Za-z0-9]", "[A-Za-z0-9_]"
    one_part = f"{first_or_last}(?:{inner}*{first_or_last})?"
    parts = f"{first_or_last}{inner}*(?:-{inner}+)*-{inner}*{first_or_last}"
    return {
        "type": "string",
        "pattern": rf"^\s*(?:{one_part}|{parts})\s*$",
        "description": "Lower-case letters, digits, `_` and single hyphens, e.g. `brake-2026`; "
        "made from the title when left out.",
    }


# DRF refuses NUL in every CharField; single-line fields also refuse control characters (Cc),
# line and paragraph separators and bidirectional controls. (Lone surrogates are refused too,
# but no UTF-8 text holds one, and regex engines such as Rust's refuse them in a pattern.)
_NEVER = r"\x00"
_NOT_ONE_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"


# What Python's str.strip() (and so a trimming field) treats as whitespace, spelled out: the
# ECMA ``\s`` that validators use lacks U+001C to U+001F and U+0085, and adds U+FEFF.
_WS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def handle_schema() -> dict[str, Any]:
    """An @handle as ``user_profile_update`` takes it: stripped, an optional leading ``@``
    dropped and lower-cased, then ``convene.services.accounts.HANDLE``."""
    edge, inner, ws = "[A-Za-z0-9_]", "[A-Za-z0-9_-]", f"[{_WS}]"
    return {
        "type": "string",
        "pattern": rf"^{ws}*@?{edge}(?:{inner}{{0,38}}{edge})?{ws}*$",
        "maxLength": 60,
        "description": "How others @mention you: 1 to 40 letters, digits, `-` and `_`, not "
        "starting or ending with `-`; stored lower case, without the `@`. Another account's "
        "handle is 409.",
    }


def text_pattern(field: serializers.CharField) -> str:
    """A regular expression for what ``field`` accepts as sent.

    A trimmed field counts only what is left after trimming (the server strips, then checks), so
    the pattern allows any whitespace around a core that must not be empty unless the field may
    be blank; a single-line field's characters are checked after trimming too."""
    bad = _NOT_ONE_LINE if isinstance(field, SingleLineCharField) else _NEVER
    edge, inner, ws = rf"[^{_WS}{bad}]", f"[^{bad}]", f"[{_WS}]"
    if not field.trim_whitespace:
        # Kept as sent (texts, bodies, quotes), but the services refuse one that is all blank;
        # a password is taken as it is.
        if field.allow_blank or field.style.get("input_type") == "password":
            return f"^{inner}*$"
        return f"^{inner}*{edge}{inner}*$"
    minimum = max(field.min_length or 1, 1)
    if minimum == 1:
        core = rf"{edge}(?:{inner}*{edge})?"
    else:
        core = rf"{edge}{inner}{{{minimum - 2},}}{edge}"
    if field.allow_blank:
        # spectacular offers the empty string as its own ``oneOf`` branch: exclude it here.
        return rf"^(?:{ws}+|{ws}*{core}{ws}*)$"
    return rf"^{ws}*{core}{ws}*$"


# ISO 8601 as clients should write it (the API reads more, as Django's parse_datetime does): a
# real date (29 February left out), T, hours and minutes, optional seconds, and an offset or Z.
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE_TIME_PATTERN = (
    rf"^[1-9][0-9]{{3}}-{_MONTH_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r"(?::[0-5][0-9](?:\.[0-9]{1,6})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)


class AutoSchema(SpectacularAutoSchema):
    def get_summary(self) -> str | None:
        """The operation's line in ``convene.api.summaries`` (by method and path, ``{pk}``
        spelled ``{id}`` as the schema does)."""
        path = self.path.replace("{pk}", "{id}")
        return SUMMARIES.get((self.method.upper(), path)) or super().get_summary()

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if not any(auths):
            # No credentials read at all (token sign-in): no security requirement, so that
            # generators type the operation as callable without a token.
            return []
        anonymous = {} in auths
        if any(isinstance(p, Needs) for p in self.view.get_permissions()):
            needs: dict[str, Need] = getattr(self.view, "needs", {})
            anonymous = (
                self.method in SAFE_METHODS and needs.get(self.method, Need.VIEW) is Need.VIEW
            )
        auths = [auth for auth in auths if auth]
        return [*auths, {}] if anonymous else auths

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not isinstance(field, serializers.EmailField)
            and isinstance(schema, dict)
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            schema["pattern"] = text_pattern(field)
        if (
            direction == "request"
            and isinstance(field, serializers.DateTimeField)
            and isinstance(schema, dict)
        ):
            # ``format`` only annotates; the pattern makes the shape a rule ("" is no time).
            schema.setdefault("pattern", DATE_TIME_PATTERN)
        if (
            direction == "request"
            and isinstance(field, serializers.PrimaryKeyRelatedField)
            and isinstance(schema, dict)
            and schema.get("type") == "integer"
        ):
            schema.setdefault("minimum", 1)  # ids count from 1
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # A field that may be blank besides its pattern becomes a oneOf here; its default
        # belongs to the whole field, not to the pattern's branch, where "" contradicts it.
        for branch in schema.get("oneOf", []):
            if "default" in branch:
                schema["default"] = branch.pop("default")

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        for parameter in parameters:
            # A blank filter is refused (convene.api.filters.FilterBackend), and so is a NUL
            # character (the filter's form field), so the schema says both.
            if parameter["schema"].get("type") == "string" and "enum" not in parameter["schema"]:
                parameter["schema"].setdefault("minLength", 1)
                parameter["schema"].setdefault("pattern", "^[^\\u0000]*$")
        return parameters

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        # A body given as a raw schema (e.g. a oneOf) is optional to drf-spectacular; a view
        # that refuses a request without one says so.
        if getattr(self.view, "request_body_required", False) and "requestBody" in operation:
            operation["requestBody"]["required"] = True
        responses = operation["responses"]
        for code in self._error_statuses(operation):
            description = ERROR_DESCRIPTIONS.get(code, "Error.")
            response = responses.setdefault(code, {"description": description})
            response.setdefault("description", description)
            response.setdefault("content", {"application/json": {"schema": error}})
            if code == "429":
                response.setdefault("headers", RETRY_AFTER)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        """The error statuses this operation can answer, besides any its view declares."""
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        writes = self.method not in SAFE_METHODS
        signs_in = any(operation.get("security", []))
        codes = [code for code in operation["responses"] if code >= "400"]
        if operation.get("requestBody") or query:
            codes.append("400")
        if signs_in:
            codes.append("401")
        if signs_in and (writes or getattr(self.view, "members_only", False)):
            codes.append("403")
        if getattr(self.view, "refuses_some_readers", False):
            # A read with a parameter only some readers may use (e.g. an organizers' order).
            codes.append("403")
        if any(p["in"] == "path" for p in parameters) or query & {"page", "cursor"}:
            codes.append("404")
        if writes:
            codes += ["409", "429"]
        return sorted(set(codes))
