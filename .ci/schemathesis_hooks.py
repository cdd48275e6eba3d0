"""Schemathesis hooks for .ci/schemathesis (loaded through .ci/schemathesis.toml).

``positive_data_acceptance`` holds that a request the schema allows is never refused as invalid
(400). Some of the API's input rules depend on what is stored, which no schema can say: a spec
must be the one for *this* clause's kind, a reorder must list *this* framework's clauses, an
organization id must name one that exists. Others tie one field of a body to another (a
participant needs a stakeholder group). For the operations below, and only these, the TOML
file lets that check accept a 400; ``refusals_name_stateful_fields`` then holds such a 400 to
naming only the fields listed for its operation, so a refusal of anything else still fails.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import schemathesis

KIND_SPEC = "must be the spec of the clause's kind (null for kinds without one)"
EXISTING_ORGANIZATION = "must name an existing organization"
MEMBER_FIELDS = {
    "stakeholder_group": "required for a participant (the role, in the body or stored)",
    "head_of_delegation": "needs an organization, and an account: an invitation can't make one",
    "organization": EXISTING_ORGANIZATION,
}

# Operation → {field: why its validity depends on stored state or on another field}.
STATEFUL_FIELDS: dict[str, dict[str, str]] = {
    "POST /api/v1/convenings/{slug}/members/": MEMBER_FIELDS,
    "PATCH /api/v1/convenings/{slug}/members/{id}/": MEMBER_FIELDS,
    "PATCH /api/v1/convenings/{slug}/": {
        "confirm_attribution_change": "required (true) when the attribution actually changes",
    },
    "POST /api/v1/convenings/{slug}/invitations/": MEMBER_FIELDS,
    "POST /api/v1/invitations/{token}/accept/": {
        "password": "needed for a new account only, and checked against the invited address "
        "and name (Django's password validators, a list of common passwords)",
        "display_name": "needed for a new account only",
    },
    "PATCH /api/v1/frameworks/{slug}/": {
        "consultation_opens_at": "must be before the close (given or stored)",
        "consultation_closes_at": "must be after the opening and not after the planned vote "
        "(given or stored)",
        "voting_planned_at": "must be at or after the consultation's close (given or stored)",
    },
    "POST /api/v1/frameworks/{slug}/clauses/": {"spec": KIND_SPEC + ", the kind in the body"},
    "PATCH /api/v1/clauses/{id}/": {
        "spec": KIND_SPEC,
        "rationale": "required when the text, spec or kind actually change",
    },
    "POST /api/v1/frameworks/{slug}/clauses/reorder/": {
        "order": "must list every clause of the framework once",
    },
    "POST /api/v1/clauses/{id}/amendments/": {
        "spec": KIND_SPEC,
        "text": "must change the clause's current text or spec (which the request cannot know)",
    },
    "POST /api/v1/amendments/{id}/rebase/": {
        "spec": KIND_SPEC,
        "text": "must change the clause's current text or spec (which the request cannot know)",
    },
    "POST /api/v1/clauses/{id}/alternatives/": {"spec": KIND_SPEC},
    "POST /api/v1/clauses/{id}/resolve/": {"alternative": "must be an alternative of the clause"},
    "POST /api/v1/clauses/{id}/comments/": {
        "parent": "must be a comment on the clause",
        "anchor": "the quote must occur in that paragraph of the current version",
    },
    "POST /api/v1/frameworks/{slug}/rounds/": {
        "motions": "must name clauses, amendments and bracketed clauses of this framework, "
        "one motion per clause, with one vote unit",
        "closes_at": "must be in the future, and after opens_at",
        "opens_at": "must be before closes_at",
    },
    "PATCH /api/v1/rounds/{id}/": {
        "motions": "must name clauses, amendments and bracketed clauses of the round's framework",
        "closes_at": "must be in the future, and after opens_at (given or stored)",
        "opens_at": "must be before closes_at (given or stored)",
    },
    "PUT /api/v1/rounds/{id}/ballot/": {
        "choices": "must name this round's motions, each with the choice its kind takes",
    },
    "PUT /api/v1/comments/{id}/disposition/": {
        "comment": "must be a top-level comment (the path's comment, as stored)",
        "version": "must be a version of the comment's clause",
        "amendment": "must be an amendment of the comment's clause",
    },
}


SIGN_IN = "POST /api/v1/auth/token/"  # relaxed in the TOML file for wrong credentials


def _relaxed_in_config() -> set[str]:
    config = tomllib.loads(Path(__file__).with_name("schemathesis.toml").read_text())
    names: set[str] = set()
    for operation in config.get("operations", []):
        statuses = operation["checks"]["positive_data_acceptance"]["expected-statuses"]
        if "400" in statuses:
            include = operation["include-name"]
            names.update([include] if isinstance(include, str) else include)
    return names


# The TOML file and this table must name the same operations.
_expected = {*STATEFUL_FIELDS, SIGN_IN}
assert _relaxed_in_config() == _expected, _relaxed_in_config() ^ _expected


@schemathesis.check
def refusals_name_stateful_fields(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 400 to a request the schema allows names only fields whose rules depend on stored
    state (``STATEFUL_FIELDS``); elsewhere ``positive_data_acceptance`` refuses any 400."""
    allowed = STATEFUL_FIELDS.get(case.operation.label)
    meta = case.meta
    if allowed is None or response.status_code != 400 or meta is None:
        return None
    if not meta.generation.mode.is_positive:
        return None
    try:
        errors = response.json().get("errors") or {}
    except (ValueError, AttributeError):
        errors = {}
    fields = {path.split(".")[0] for path in errors}
    if not fields or not fields <= set(allowed):
        raise AssertionError(
            f"Valid data refused with 400 on {sorted(fields) or 'no field'}; only "
            f"{sorted(allowed)} may be refused here, as they depend on stored state."
        )
    return None
