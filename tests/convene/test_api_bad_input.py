"""Bad input to every write endpoint gets a 4xx JSON answer naming the field, never a 500.

Every case starts from a body that is accepted (``test_the_valid_body_is_accepted`` proves it)
and spoils one field, so a refusal can only come from that field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from convene import services
from convene.models import Membership, Role
from tests.conftest import World, client_for
from tests.factories import PASSWORD, UserFactory


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    body: dict[str, Any]
    actor: str  # "anonymous" or a World attribute


ORG = object()  # placeholder for the id of an organization of the world

ENDPOINTS: dict[str, Endpoint] = {
    "token": Endpoint(
        "post",
        "/api/v1/auth/token/",
        {"email": "outsider@example.org", "password": PASSWORD},
        "anonymous",
    ),
    "organization_create": Endpoint(
        "post",
        "/api/v1/organizations/",
        {"name": "Federal Agency", "kind": "regulator", "country": "DE"},
        "outsider",
    ),
    "convening_create": Endpoint(
        "post",
        "/api/v1/convenings/",
        {
            "title": "Side meeting",
            "description": "*Notes*",
            "visibility": "private",
            "slug": "side",
        },
        "outsider",
    ),
    "convening_update": Endpoint(
        "patch",
        "/api/v1/convenings/{slug}/",
        {"title": "Renamed", "description": "New text", "visibility": "private"},
        "organizer",
    ),
    "member_add": Endpoint(
        "post",
        "/api/v1/convenings/{slug}/members/",
        {
            "email": "newcomer@example.org",
            "role": "participant",
            "stakeholder_group": "industry",
            "organization": ORG,
            "head_of_delegation": False,
        },
        "organizer",
    ),
    "member_update": Endpoint(
        "patch",
        "/api/v1/convenings/{slug}/members/{member}/",
        {
            "role": "participant",
            "stakeholder_group": "industry",
            "organization": ORG,
            "head_of_delegation": True,
        },
        "organizer",
    ),
    "invitation_create": Endpoint(
        "post",
        "/api/v1/convenings/{slug}/invitations/",
        {
            "email": "invitee@example.org",
            "role": "participant",
            "stakeholder_group": "civil_society",
            "organization": ORG,
        },
        "organizer",
    ),
    "invitation_accept": Endpoint(
        "post",
        "/api/v1/invitations/{token}/accept/",
        {"password": "a long enough passphrase", "display_name": "New Delegate"},
        "anonymous",
    ),
}

STRING_FIELDS = {
    "token": ["email", "password"],
    "organization_create": ["name", "country"],
    "convening_create": ["title", "description", "slug"],
    "convening_update": ["title", "description"],
    "member_add": ["email"],
    "invitation_create": ["email"],
    "invitation_accept": ["password", "display_name"],
}
CHOICE_FIELDS = {
    "organization_create": ["kind"],
    "convening_create": ["visibility"],
    "convening_update": ["visibility"],
    "member_add": ["role", "stakeholder_group"],
    "member_update": ["role", "stakeholder_group"],
    "invitation_create": ["role", "stakeholder_group"],
}
BOOLEAN_FIELDS = {"member_add": ["head_of_delegation"], "member_update": ["head_of_delegation"]}
ORGANIZATION_FIELDS = ["member_add", "member_update", "invitation_create"]
REQUIRED = {
    "token": ["email", "password"],
    "organization_create": ["name", "kind", "country"],
    "convening_create": ["title"],
    "member_add": ["email", "role"],
    "invitation_create": ["email", "role"],
    # Optional to the serializer, required for a new account by the service.
    "invitation_accept": ["password", "display_name"],
}
MAX_LENGTH = {
    ("organization_create", "name"): 200,
    ("convening_create", "title"): 200,
    ("convening_create", "description"): 20_000,
    ("convening_create", "slug"): 80,
    ("convening_update", "title"): 200,
    ("convening_update", "description"): 20_000,
    ("invitation_accept", "display_name"): 120,
    ("invitation_accept", "password"): 128,
    ("token", "password"): 128,
    ("token", "email"): 254,
}

NOT_STRINGS = [42, 4.2, True, False, None, ["text"], {"text": "text"}, []]
NOT_CHOICES = [1, True, None, ["organizer"], {"value": "organizer"}, "chairman", "ORGANIZER"]
NOT_BOOLEANS = ["true", "false", 1, 0, None, "yes", [], {}]
NOT_ORGANIZATIONS = ["abc", True, 1.5, [1], {"id": 1}, 987_654_321, 10**30, -1, "1; drop"]


def _cases() -> list[Any]:
    cases: list[Any] = []

    def add(endpoint: str, field: str, value: Any, label: str) -> None:
        cases.append(pytest.param(endpoint, field, value, id=f"{endpoint}-{field}-{label}"))

    for endpoint, fields in STRING_FIELDS.items():
        for field in fields:
            for value in NOT_STRINGS:
                add(endpoint, field, value, f"type-{value!r}")
            add(endpoint, field, "nul\x00byte", "nul-byte")
    for endpoint, fields in CHOICE_FIELDS.items():
        for field in fields:
            for value in NOT_CHOICES:
                add(endpoint, field, value, f"choice-{value!r}")
    for endpoint, fields in BOOLEAN_FIELDS.items():
        for field in fields:
            for value in NOT_BOOLEANS:
                add(endpoint, field, value, f"bool-{value!r}")
    for endpoint in ORGANIZATION_FIELDS:
        for value in NOT_ORGANIZATIONS:
            add(endpoint, "organization", value, f"org-{value!r}")
    for (endpoint, field), limit in MAX_LENGTH.items():
        add(endpoint, field, "x" * (limit + 1), f"longer-than-{limit}")
    for endpoint in ["member_add", "invitation_create"]:
        add(endpoint, "email", "not-an-address", "malformed-email")
        add(endpoint, "email", "a" * 250 + "@example.org", "oversized-email")
    for country in ["ZZ", "12", "F", "FRA", "", "  "]:
        add("organization_create", "country", country, f"country-{country!r}")
    for endpoint, field in [
        ("organization_create", "name"),
        ("convening_create", "title"),
        ("convening_update", "title"),
        ("invitation_accept", "display_name"),
    ]:
        add(endpoint, field, "", "blank")
        add(endpoint, field, "   ", "whitespace")
    for slug in ["Has Spaces", "ünïcode", "-", "a/b"]:
        add("convening_create", "slug", slug, f"slug-{slug!r}")
    # Domain rules checked by the services, answered with the same shape.
    add("member_add", "stakeholder_group", "", "participant-without-group")
    add("invitation_create", "stakeholder_group", "", "participant-without-group")
    # Single-line fields refuse line breaks and bidirectional overrides (issue 8, point 9);
    # an address without an account is no longer refused but invited (point 5).
    for endpoint, field in [
        ("organization_create", "name"),
        ("convening_create", "title"),
        ("convening_create", "slug"),
        ("convening_update", "title"),
        ("invitation_accept", "display_name"),
    ]:
        add(endpoint, field, "one\r\nBcc: two@example.org", "line-break")
        add(endpoint, field, "txt\u202eexe", "rtl-override")
    add("invitation_accept", "password", "short", "weak-password")
    add("invitation_accept", "password", "password", "common-password")
    return cases


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    UserFactory(email="newcomer@example.org")
    _invitation, token = services.invitation_create(
        actor=world.organizer,
        convening=world.convening,
        email="fresh@example.org",
        role=Role.OBSERVER,
    )
    member = Membership.objects.get(convening=world.convening, user=world.civil_society)
    return {"world": world, "token": token, "member": member.pk}


def _call(setup: dict[str, Any], name: str, body: Any, **kwargs: Any) -> Any:
    world: World = setup["world"]
    endpoint = ENDPOINTS[name]
    url = endpoint.url.format(
        slug=world.convening.slug, member=setup["member"], token=setup["token"]
    )
    client = client_for(world.actor(endpoint.actor))
    return getattr(client, endpoint.method)(url, body, **kwargs)


def _valid_body(setup: dict[str, Any], name: str) -> dict[str, Any]:
    world: World = setup["world"]
    return {
        key: (world.org_lab.pk if value is ORG else value)
        for key, value in ENDPOINTS[name].body.items()
    }


def _assert_error_shape(response: Any, field: str | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:400])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    for key, messages in body["errors"].items():
        assert isinstance(key, str)
        assert isinstance(messages, list) and messages
        assert all(isinstance(m, str) and m for m in messages)
    if field is not None:
        assert field in body["errors"], body
    return body


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_the_valid_body_is_accepted(setup: dict[str, Any], name: str) -> None:
    response = _call(setup, name, _valid_body(setup, name), format="json")
    assert response.status_code in {200, 201}, response.content


@pytest.mark.parametrize(("name", "field", "value"), _cases())
def test_a_bad_field_is_refused_with_its_name(
    setup: dict[str, Any], name: str, field: str, value: Any
) -> None:
    body = {**_valid_body(setup, name), field: value}
    response = _call(setup, name, body, format="json")
    _assert_error_shape(response, field)
    assert response.status_code in {400, 409}


@pytest.mark.parametrize(
    ("name", "field"), [(name, field) for name, fields in REQUIRED.items() for field in fields]
)
def test_a_missing_required_field_is_named(setup: dict[str, Any], name: str, field: str) -> None:
    body = _valid_body(setup, name)
    del body[field]
    response = _call(setup, name, body, format="json")
    assert response.status_code == 400
    _assert_error_shape(response, field)


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize(
    "raw", ['{"title": ', "{'single': 'quotes'}", "not json", '{"a": 1}}', "\xff\xfe"]
)
def test_a_malformed_json_body_is_a_400(setup: dict[str, Any], name: str, raw: str) -> None:
    response = _call(setup, name, raw.encode("latin-1"), content_type="application/json")
    assert response.status_code == 400
    _assert_error_shape(response)


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize("raw", ["[]", "[1, 2]", '"a string"', "42", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_a_400(
    setup: dict[str, Any], name: str, raw: str
) -> None:
    response = _call(setup, name, raw, content_type="application/json")
    assert response.status_code == 400
    _assert_error_shape(response)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_a_form_encoded_body_is_refused_as_unsupported(setup: dict[str, Any], name: str) -> None:
    response = _call(setup, name, "title=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    _assert_error_shape(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations/?kind=spaceship",
        "/api/v1/organizations/?page=abc",
        "/api/v1/organizations/?page=999",
        "/api/v1/convenings/?page=0",
        "/api/v1/organizations/99999999999999999999/",
        "/api/v1/convenings/{slug}/members/99999999999999999999/",
    ],
)
def test_bad_query_strings_and_ids_are_4xx(setup: dict[str, Any], path: str) -> None:
    world: World = setup["world"]
    response = client_for(world.organizer).get(path.format(slug=world.convening.slug))
    _assert_error_shape(response)


def test_an_oversized_member_id_in_a_write_is_404(setup: dict[str, Any]) -> None:
    world: World = setup["world"]
    client = client_for(world.organizer)
    base = f"/api/v1/convenings/{world.convening.slug}"
    for response in [
        client.patch(f"{base}/members/99999999999999999999/", {"role": "observer"}, format="json"),
        client.delete(f"{base}/members/99999999999999999999/"),
        client.post(f"{base}/invitations/99999999999999999999/revoke/"),
    ]:
        assert response.status_code == 404
        _assert_error_shape(response)


def test_an_unknown_organization_is_named_in_the_errors(setup: dict[str, Any]) -> None:
    body = {**_valid_body(setup, "invitation_create"), "organization": 987_654_321}
    response = _call(setup, "invitation_create", body, format="json")
    assert response.status_code == 400
    assert "organization" in _assert_error_shape(response)["errors"]


def test_refused_input_changes_nothing(setup: dict[str, Any]) -> None:
    world: World = setup["world"]
    before = world.convening.title
    response = _call(
        setup, "convening_update", {"title": "x" * 201, "visibility": "private"}, format="json"
    )
    assert response.status_code == 400
    world.convening.refresh_from_db()
    assert (world.convening.title, world.convening.visibility) == (before, "public")
