"""The OpenAPI schema says what the server answers (issue 8, point 10).

``.ci/schemathesis`` fuzzes the served schema against a running server; these pin what it found:
fields that come back null are nullable, every error status an operation can answer is
documented in the one error shape, the patterns the schema gives strings are exactly what the
fields accept, and query strings the schema does not allow are refused instead of ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils.text import slugify
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from convene.api.fields import SingleLineCharField, StrictCharField
from convene.api.schema import (
    DATE_TIME_PATTERN,
    country_code_schema,
    slug_schema,
    text_pattern,
)
from convene.api.summaries import SUMMARIES
from convene.management.commands.api_schema import problems, rendered, served_schema
from convene.models import StakeholderGroup
from convene.parsing import LARGEST
from deliberation.discussion import services as discussion_services
from tests.conftest import World, client_for
from tests.deliberation.conftest import Drafting, make_drafting

ERROR = {"$ref": "#/components/schemas/Error"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drafting(world: World) -> Drafting:
    return make_drafting(world)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    component: dict[str, Any] = schema["components"]["schemas"][name]
    return component


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Disposition", "amendment"),
        ("Version", "amendment"),
        ("Version", "alternative"),
        ("Membership", "organization"),
        ("Membership", "organization_detail"),
        ("MyMembership", "organization"),
        ("Invitation", "organization"),
    ],
)
def test_fields_that_come_back_null_are_nullable(
    schema: dict[str, Any], component: str, field: str
) -> None:
    assert _allows_null(_component(schema, component)["properties"][field])


def _allows_null(property_: dict[str, Any]) -> bool:
    """As OpenAPI 3.1 says it: ``type: [..., "null"]``, or a ``oneOf`` branch that is null."""
    types = property_.get("type", [])
    branches = property_.get("oneOf", [])
    return "null" in types or {"type": "null"} in branches or {"$ref": NULL_ENUM} in branches


NULL_ENUM = "#/components/schemas/NullEnum"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Comment", "author"),
        ("Comment", "disposition"),
        ("Comment", "anchor"),
        ("AuditEvent", "actor"),
    ],
)
def test_a_nullable_reference_is_one_of_the_reference_and_null(
    schema: dict[str, Any], component: str, field: str
) -> None:
    property_ = _component(schema, component)["properties"][field]
    assert "allOf" not in property_ and "nullable" not in property_
    assert {"type": "null"} in property_["oneOf"]


def test_the_schema_is_openapi_3_1_with_a_valid_version(schema: dict[str, Any]) -> None:
    from packaging.version import Version

    assert schema["openapi"] == "3.1.0"
    assert str(Version(schema["info"]["version"])) == schema["info"]["version"]


@pytest.mark.parametrize(
    ("component", "field", "enum"),
    [
        ("ClauseKind", "kind", "ClauseKindEnum"),
        ("Invitation", "status", "InvitationStatusEnum"),
    ],
)
def test_values_that_are_one_of_a_few_are_enums(
    schema: dict[str, Any], component: str, field: str, enum: str
) -> None:
    property_ = _component(schema, component)["properties"][field]
    refs = [property_.get("$ref")] + [b.get("$ref") for b in property_.get("allOf", [])]
    assert f"#/components/schemas/{enum}" in refs
    assert _component(schema, enum)["enum"]


def test_my_reaction_is_a_stance_or_null(schema: dict[str, Any]) -> None:
    mine = _component(schema, "Comment")["properties"]["my_reaction"]
    assert {"$ref": "#/components/schemas/StanceEnum"} in mine["oneOf"]
    assert _allows_null(mine)
    assert set(_component(schema, "StanceEnum")["enum"]) == {"agree", "disagree", "pass"}


def test_reactions_have_a_fixed_shape_with_every_group_named(schema: dict[str, Any]) -> None:
    counts = _component(schema, "StanceCounts")
    assert set(counts["required"]) == set(counts["properties"]) == {"agree", "disagree", "pass"}
    by_group = _component(schema, "ReactionsByGroup")["properties"]
    assert set(by_group) == {*StakeholderGroup.values, "none"}
    counts_ref = {"$ref": "#/components/schemas/StanceCounts"}
    assert all(counts_ref in p["allOf"] for p in by_group.values())


def test_spec_changes_are_field_from_to(schema: dict[str, Any]) -> None:
    items = _component(schema, "Diff")["properties"]["spec_changes"]["items"]
    assert items == {"$ref": "#/components/schemas/SpecChange"}
    assert set(_component(schema, "SpecChange")["properties"]) == {"field", "from", "to"}


def test_every_operation_has_a_summary_from_the_table(schema: dict[str, Any]) -> None:
    operations = {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) == set(SUMMARIES)
    for key, operation in operations.items():
        assert operation["summary"] == SUMMARIES[key]


def test_the_committed_schema_is_the_served_one() -> None:
    """docs/openapi.json shows a change to the API in review; ``make schema-update`` writes it."""
    served = served_schema()
    assert problems(served) == []
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == rendered(served), "run `make schema-update` and commit docs/openapi.json"


def test_the_error_shape_is_one_component(schema: dict[str, Any]) -> None:
    error = _component(schema, "Error")
    assert error["required"] == ["detail", "errors"]
    assert error["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/v1/clauses/{id}/amendments/", {"400", "401", "403", "404", "409", "429"}),
        ("get", "/api/v1/clauses/{id}/comments/", {"400", "401", "403", "404"}),
        ("get", "/api/v1/convenings/{slug}/members/", {"400", "401", "403", "404"}),
        (
            "post",
            "/api/v1/invitations/{token}/accept/",
            {"400", "401", "403", "404", "409", "410", "429"},
        ),
        ("post", "/api/v1/auth/token/", {"400", "403", "409", "429"}),
        ("get", "/api/v1/clause-kinds/", {"401"}),
    ],
)
def test_every_error_status_is_documented_in_the_error_shape(
    schema: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    responses = schema["paths"][path][method]["responses"]
    errors = {code for code in responses if code >= "400"}
    assert errors == statuses
    for code in errors:
        assert responses[code]["content"]["application/json"]["schema"] == ERROR
    if "429" in errors:
        assert "Retry-After" in responses["429"]["headers"]


def test_token_sign_in_takes_no_credentials_and_reads_anonymously(schema: dict[str, Any]) -> None:
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "security" not in schema
    # Reads resolved by ``Needs`` answer anonymous callers; writes need a token.
    clause = schema["paths"]["/api/v1/clauses/{id}/"]
    assert {} in clause["get"]["security"]
    assert {} not in clause["patch"]["security"]


def test_the_token_scheme_spells_out_the_header(schema: dict[str, Any]) -> None:
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Authorization: Token <key>" in scheme["description"]


def test_deletes_on_comments_document_the_comment_they_answer(schema: dict[str, Any]) -> None:
    for path in ("/api/v1/comments/{id}/", "/api/v1/comments/{id}/reaction/"):
        responses = schema["paths"][path]["delete"]["responses"]
        assert "204" not in responses
        assert responses["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Comment"
        }


def test_the_disposition_table_is_documented_as_json_and_csv(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/frameworks/{slug}/dispositions/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    format_ = next(p for p in operation["parameters"] if p["name"] == "format")
    assert set(format_["schema"]["enum"]) == {"json", "csv"}


def test_request_bodies_are_the_ones_the_server_reads(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    assert "requestBody" not in paths["/api/v1/amendments/{id}/withdraw/"]["post"]
    rebase = _component(schema, "AmendmentRebaseRequest")
    assert set(rebase["properties"]) == {"text", "spec", "rationale"}
    assert _component(schema, "RejectRequest")["required"] == ["reason"]
    # PATCH bodies are validated whole: a comment edit needs its body.
    assert _component(schema, "CommentEditRequest")["required"] == ["body"]
    assert set(_component(schema, "Flag")["properties"]) == {"id", "comment", "reason"}


def test_specs_are_documented_as_the_kinds_publish_them(schema: dict[str, Any]) -> None:
    spec = _component(schema, "ClauseSpec")
    titles = {variant["title"] for variant in spec["oneOf"]}
    assert titles == {"Trigger", "Lift condition", "Verification", "Adjudication"}


# --- the schema's string patterns are exactly the fields' rules -----------------------------


def _any(value: str) -> bool:
    return True


def _not_blank(value: str) -> bool:
    return bool(value.strip())


# name → (field, what the service checks after the field): a text, a body or a quote is kept as
# sent, and the services refuse one that is all blank.
FIELDS: dict[str, tuple[serializers.CharField, Any]] = {
    "trimmed": (StrictCharField(max_length=20), _any),
    "trimmed, may be blank": (StrictCharField(max_length=20, allow_blank=True), _any),
    "single line": (SingleLineCharField(max_length=20), _any),
    "single line, two at least": (SingleLineCharField(min_length=2, max_length=20), _any),
    "kept as sent": (StrictCharField(max_length=20, trim_whitespace=False), _not_blank),
    "password": (
        StrictCharField(max_length=20, trim_whitespace=False, style={"input_type": "password"}),
        _any,
    ),
}
CHARACTERS = st.sampled_from(
    ["a", "Z", "0", " ", "\t", "\n", "\r", "\x00", "\x01", "\x85", "\xa0", "\u2028", "\u202e"]
)


def _accepts(field: serializers.CharField, value: str) -> bool:
    try:
        field.run_validation(value)
    except serializers.ValidationError:
        return False
    return True


def _schema_allows(field: serializers.CharField, value: str) -> bool:
    """As the schema says: ``maxLength``, ``minLength`` and the pattern, or the empty string
    as a ``oneOf`` branch of its own for a field that may be blank."""
    if field.allow_blank and value == "":
        return True
    lengths = (field.min_length or 1) <= len(value) <= (field.max_length or len(value))
    return lengths and bool(re.search(text_pattern(field), value))


@pytest.mark.parametrize("name", FIELDS)
@settings(max_examples=300, deadline=None)
@given(value=st.lists(CHARACTERS, max_size=24).map("".join))
def test_a_text_pattern_allows_exactly_what_its_field_accepts(name: str, value: str) -> None:
    field, service_accepts = FIELDS[name]
    accepted = _accepts(field, value) and service_accepts(value)
    assert _schema_allows(field, value) == accepted, repr(value)


def test_a_limit_counts_the_string_as_sent() -> None:
    field = StrictCharField(max_length=5)
    assert not _accepts(field, "abc   ")
    assert _accepts(field, " abc ")


def test_the_country_pattern_takes_the_codes_in_any_case() -> None:
    pattern = re.compile(country_code_schema()["pattern"])
    assert all(pattern.search(code) for code in ("DE", "de", "Ke"))
    assert not any(pattern.search(code) for code in ("XX", "D", "DEU", " DE"))


SLUG_CHARACTERS = st.sampled_from(["a", "Z", "0", "_", "-", " ", "é"])


@settings(max_examples=500, deadline=None)
@given(value=st.lists(SLUG_CHARACTERS, max_size=8).map("".join))
def test_the_slug_pattern_allows_exactly_what_the_services_accept(value: str) -> None:
    slug = value.strip().lower()
    accepted = bool(slug) and slug == slugify(slug)
    assert bool(re.search(slug_schema()["pattern"], value)) == accepted, repr(value)


# --- query strings the schema does not allow are refused ------------------------------------


@pytest.mark.parametrize("page_size", ["null", "0", "-5", "1.5", ""])
def test_a_page_size_that_is_not_a_whole_number_is_400(world: World, page_size: str) -> None:
    response = APIClient().get("/api/v1/convenings/", {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["errors"] == {"page_size": [response.json()["detail"]]}


def test_a_page_size_past_the_limit_counts_as_the_limit(world: World) -> None:
    response = APIClient().get("/api/v1/organizations/", {"page_size": "9" * 50})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["", "0", "abc"])
def test_a_page_that_is_not_a_whole_number_is_400(world: World, page: str) -> None:
    assert APIClient().get("/api/v1/convenings/", {"page": page}).status_code == 400


def test_a_page_past_the_last_is_404(world: World) -> None:
    assert APIClient().get("/api/v1/convenings/", {"page": "99"}).status_code == 404


def test_a_blank_filter_is_400(world: World) -> None:
    response = APIClient().get("/api/v1/organizations/", {"kind": ""})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


@pytest.mark.parametrize("query", ["format=", "outcome=", "outcome=maybe", "group=", "group=press"])
def test_dispositions_refuse_a_blank_or_unknown_filter(drafting: Drafting, query: str) -> None:
    url = f"/api/v1/frameworks/{drafting.framework.slug}/dispositions/?{query}"
    response = client_for(drafting.world.organizer).get(url)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_an_error_asked_for_as_csv_is_json(world: World) -> None:
    response = APIClient().get("/api/v1/frameworks/no-such-framework/dispositions/?format=csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(("top_level", "status"), [("TRUE", 200), ("0", 200), ("yes", 400)])
def test_top_level_is_a_boolean(drafting: Drafting, top_level: str, status: int) -> None:
    discussion_services.comment_post(
        actor=drafting.world.policymaker, clause=drafting.trigger, body="On the trigger."
    )
    url = f"/api/v1/clauses/{drafting.trigger.pk}/comments/?top_level={top_level}"
    assert APIClient().get(url).status_code == status


def test_query_ids_are_documented_up_to_what_the_parser_reads(
    schema: dict[str, Any], drafting: Drafting
) -> None:
    operation = schema["paths"]["/api/v1/clauses/{id}/comments/"]["get"]
    root = next(p for p in operation["parameters"] if p["name"] == "root")
    assert root["schema"]["maximum"] == LARGEST
    url = f"/api/v1/clauses/{drafting.trigger.pk}/comments/"
    assert APIClient().get(url, {"root": str(LARGEST)}).status_code == 200
    assert APIClient().get(url, {"root": str(LARGEST + 1)}).status_code == 400


@settings(max_examples=300, deadline=None)
@given(value=st.from_regex(DATE_TIME_PATTERN, fullmatch=True))
def test_every_date_time_the_pattern_allows_is_read(value: str) -> None:
    assert serializers.DateTimeField().run_validation(value) is not None


def test_date_time_inputs_carry_the_pattern(schema: dict[str, Any]) -> None:
    opens_at = _component(schema, "RoundInputRequest")["properties"]["opens_at"]
    assert opens_at["pattern"] == DATE_TIME_PATTERN


@pytest.mark.parametrize("blank", ["\x85", "\x1c\t", "\u3000 \x85\r"])
def test_what_python_trims_is_blank_to_the_pattern_too(blank: str) -> None:
    # The pattern spells Python's whitespace out: ECMA's \s, which validators such as
    # schemathesis use, lacks U+001C to U+001F and U+0085, which str.strip() removes.
    field = StrictCharField(max_length=20)
    assert not _accepts(field, blank)
    assert "\\s" not in text_pattern(field)
    assert not re.search(text_pattern(field), blank)


def test_text_filters_say_that_blank_and_nul_are_refused(
    schema: dict[str, Any], world: World
) -> None:
    """A filter the server refuses for a NUL character says so (found by schemathesis: a
    ``country`` holding NUL matched the schema and was answered 400)."""
    filters = [
        p
        for op in schema["paths"]["/api/v1/organizations/"].values()
        for p in op.get("parameters", [])
        if p["name"] == "country"
    ]
    assert filters, "the organizations list filters by country"
    pattern = re.compile(filters[0]["schema"]["pattern"].replace("\\u0000", "\\x00"))
    assert filters[0]["schema"]["minLength"] == 1
    assert pattern.fullmatch("FR") and not pattern.fullmatch("\x00\x0b©")
    response = client_for(None).get("/api/v1/organizations/", {"country": "\x00F"})
    assert response.status_code == 400 and "country" in response.json()["errors"]
