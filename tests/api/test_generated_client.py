"""The API as integrators meet it (issue 9): the served schema is all they need.

An outside integrator downloads ``/api/v1/schema/``, generates a Python client from it with
openapi-python-client and drives the API with nothing else. This module does exactly that, as
the personas of ``tests.conftest.World`` (an organizer, a participant of each stakeholder group,
an observer, an outsider, anonymous), and proves that:

- the served schema is a valid OpenAPI document, and the generator reads it without a warning
  (``tests/api/conftest.py`` fails every test loudly otherwise);
- signing in, reading convenings and members, inviting, drafting (framework, clauses,
  amendments, alternatives, versions, diffs), discussing (comments, reactions, flags,
  moderation, dispositions as JSON and CSV, cursor pages), re-hashing the audit trail and
  revoking a token all work through the generated functions alone;
- every answer, each refusal included (400, 401, 403, 404, 409, 410, 429), has a documented
  status and parses into the generated model the schema names for it (``Error`` for every
  refusal), with no key the schema leaves out, and comes back whole from ``to_dict()``;
- openapi-core finds every request and every response of the flow valid against the schema.

Each test gathers what shows the schema wrong and asserts none of it at its end
(``Integrator.assert_clean``). Only requests the schema allows are sent: every refusal here is
one a well-formed request earns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest
from django.core import mail
from django.test import override_settings
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator.shortcuts import get_validator_cls
from packaging.version import InvalidVersion, Version

from convene import services
from convene.models import User
from deliberation.discussion import services as discussion
from tests.api.conftest import Integrator
from tests.conftest import World
from tests.deliberation.conftest import TRIGGER_SPEC, Drafting, make_drafting
from tests.factories import PASSWORD

PERSONAS = ["organizer", "policymaker", "industry", "civil_society", "observer", "outsider"]
NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def drafting(world: World) -> Drafting:
    """A framework in consultation with a scope and a trigger clause, made through services."""
    return make_drafting(world)


def signed_in(integrator: Integrator, world: World) -> dict[str, Any]:
    """A generated client per persona, each holding the token its own sign-in answered."""
    people: dict[str, User] = {name: getattr(world, name) for name in PERSONAS}
    return {name: integrator.sign_in(user) for name, user in people.items()}


def query_value(url: str | None, name: str) -> str | None:
    """A parameter of a ``next`` link, to hand back to the generated function."""
    return parse_qs(urlsplit(url).query)[name][0] if url else None


# --- the document -----------------------------------------------------------------------------


def _defaults_outside_their_schema(node: Any, validator: Any, path: str = "#") -> list[str]:
    """Where a ``default`` breaks the very schema it is the default of."""
    if isinstance(node, list):
        node = dict(enumerate(node))
    if not isinstance(node, dict):
        return []
    found = [
        f
        for k, v in node.items()
        for f in _defaults_outside_their_schema(v, validator, f"{path}/{k}")
    ]
    if "default" in node and "type" in node:
        rule = {k: v for k, v in node.items() if k != "default"}
        if not validator(rule).is_valid(node["default"]):
            found.append(f"{path}: default {node['default']!r} breaks its own schema")
    return found


def test_the_served_schema_is_a_valid_openapi_document(served_schema: dict[str, Any]) -> None:
    """Valid by the rules of the OpenAPI version it declares (openapi-spec-validator), with a
    version generators can write into a package's metadata."""
    errors = [e.message for e in get_validator_cls(served_schema)(served_schema).iter_errors()]
    if errors:
        oas30 = served_schema["openapi"].startswith("3.0")
        validator = OAS30Validator if oas30 else OAS31Validator
        errors += _defaults_outside_their_schema(served_schema, validator)
    try:
        Version(served_schema["info"]["version"])
    except InvalidVersion as exc:
        errors.append(f"info.version: {exc} (PEP 440)")
    assert not errors, "\n".join(errors)


def test_the_schema_declares_the_token_as_generators_send_it(
    served_schema: dict[str, Any], generated: ModuleType
) -> None:
    """Generators send a token as ``Authorization: Bearer <token>`` (openapi-python-client's
    ``AuthenticatedClient`` does unless told otherwise) or as an ``http`` scheme says. The
    schema's ``tokenAuth`` (an apiKey whose ``Token`` prefix only its prose gives) can't tell
    them; an ``http`` ``bearer`` scheme accepted wherever ``tokenAuth`` is can."""
    assert attrs.fields_dict(generated.AuthenticatedClient)["prefix"].default == "Bearer"
    schemes = served_schema["components"]["securitySchemes"]
    bearer = {n for n, s in schemes.items() if (s["type"], s.get("scheme")) == ("http", "bearer")}
    assert bearer, schemes
    for path, operations in served_schema["paths"].items():
        for method, operation in operations.items():
            names = {name for need in operation.get("security", []) for name in need}
            assert "tokenAuth" not in names or names & bearer, (method, path, names)


# --- people -----------------------------------------------------------------------------------


def test_personas_sign_in_read_the_convening_and_revoke_a_token(
    world: World, integrator: Integrator
) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    slug, anonymous = world.convening.slug, integrator.anonymous()
    people = signed_in(integrator, world)
    for name, client in people.items():
        assert call(200, m.Me, api.me.me_retrieve, client=client).email == f"{name}@example.org"
        listed = call(200, m.PaginatedConveningList, api.convenings.convenings_list, client=client)
        assert slug in {c.slug for c in listed.results}

    convening = call(200, m.Convening, api.convenings.convenings_retrieve, slug, client=anonymous)
    assert convening.title == world.convening.title
    members = call(
        200,
        m.PaginatedMembershipList,
        api.convenings.convenings_members_list,
        slug,
        client=people["observer"],
    )
    assert members.count == 5
    policymaker = next(x.id for x in members.results if x.user.id == world.policymaker.pk)
    member = call(
        200,
        m.Membership,
        api.convenings.convenings_members_retrieve,
        slug,
        policymaker,
        client=people["industry"],
    )
    assert member.organization_detail.name == "Ministry"
    orgs = call(
        200, m.PaginatedOrganizationList, api.organizations.organizations_list, client=anonymous
    )
    assert {"Ministry", "Lab", "NGO"} <= {o.name for o in orgs.results}
    kinds = call(200, [m.ClauseKind], api.clause_kinds.clause_kinds_list, client=anonymous)
    assert {"scope", "trigger"} <= {k.kind for k in kinds}

    script = integrator.sign_in(world.organizer, name="drafting script")
    tokens = call(200, m.PaginatedApiTokenList, api.auth.auth_tokens_list, client=script)
    assert [(t.name, t.current) for t in tokens.results] == [
        ("drafting script", True),
        ("integration", False),
    ]
    call(204, None, api.auth.auth_tokens_destroy, tokens.results[1].id, client=script)
    integrator.refused(401, api.me.me_retrieve, client=people["organizer"])
    call(200, m.Me, api.me.me_retrieve, client=script)
    integrator.assert_clean()


def test_an_invitation_joins_once(
    world: World, integrator: Integrator, django_capture_on_commit_callbacks: Any
) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    slug, anonymous = world.convening.slug, integrator.anonymous()
    organizer = integrator.sign_in(world.organizer)
    newcomer = m.MemberAddRequest(
        email="newcomer@example.org",
        role=m.RoleEnum.PARTICIPANT,
        stakeholder_group=m.StakeholderGroupEnum.INDUSTRY,
        organization=world.org_lab.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call(
            202,
            m.Invitation,
            api.convenings.convenings_members_create,
            slug,
            client=organizer,
            body=newcomer,
        )
    # The token is only in the mail, as the invitee reads it.
    (link,) = re.findall(r"/invitations/([^/\s]+)/", str(mail.outbox[-1].body))
    accept = m.InvitationAcceptRequest(password=NEW_PASSWORD, display_name="Nadia")
    joined = call(
        200,
        m.Membership,
        api.invitations.invitations_accept_create,
        link,
        client=anonymous,
        body=accept,
    )
    assert (joined.role, joined.organization) == (m.RoleEnum.PARTICIPANT, world.org_lab.pk)
    integrator.refused(
        410, api.invitations.invitations_accept_create, link, client=anonymous, body=accept
    )

    second = m.InvitationInputRequest(email="second@example.org", role=m.RoleEnum.OBSERVER)
    invited = call(
        201,
        m.Invitation,
        api.convenings.convenings_invitations_create,
        slug,
        client=organizer,
        body=second,
    )
    listed = call(
        200,
        m.PaginatedInvitationList,
        api.convenings.convenings_invitations_list,
        slug,
        client=organizer,
    )
    assert {i.email for i in listed.results} == {"newcomer@example.org", "second@example.org"}
    revoke = api.convenings.convenings_invitations_revoke_create
    assert call(200, m.Invitation, revoke, slug, invited.id, client=organizer).status == "revoked"
    integrator.assert_clean()


# --- drafting ---------------------------------------------------------------------------------


def test_organizers_draft_and_participants_amend(world: World, integrator: Integrator) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    organizer = integrator.sign_in(world.organizer)
    create = api.frameworks.frameworks_clauses_create
    title = "Framework for a Coordinated Pause"
    framework = call(
        201,
        m.Framework,
        api.convenings.convenings_frameworks_create,
        world.convening.slug,
        client=organizer,
        body=m.FrameworkInputRequest(title=title, preamble="The parties…"),
    )
    scope = m.ClauseInputRequest(
        kind=m.ClauseKindEnum.SCOPE, title="Scope", text="It applies to frontier AI developers."
    )
    scope = call(201, m.Clause, create, framework.slug, client=organizer, body=scope)
    trigger = m.ClauseInputRequest(
        kind=m.ClauseKindEnum.TRIGGER,
        title="Capability trigger",
        text="A pause is triggered when the task horizon doubles too fast.",
        spec=m.Trigger.from_dict(TRIGGER_SPEC),
    )
    trigger = call(201, m.Clause, create, framework.slug, client=organizer, body=trigger)
    assert isinstance(trigger.spec, m.Trigger) and trigger.spec.window == "P180D"
    reorder = m.ReorderRequest(order=[trigger.id, scope.id])
    order = call(
        200,
        [m.Clause],
        api.frameworks.frameworks_clauses_reorder_create,
        framework.slug,
        client=organizer,
        body=reorder,
    )
    assert [c.id for c in order] == [trigger.id, scope.id]
    to = m.TransitionRequest(to=m.FrameworkStatusEnum.CONSULTATION)
    moved = call(
        200,
        m.TransitionResult,
        api.frameworks.frameworks_transition_create,
        framework.slug,
        client=organizer,
        body=to,
    )
    assert moved.status == m.FrameworkStatusEnum.CONSULTATION and moved.open_items == []

    amendment = _amend(integrator, world, scope.id)
    _bracket_and_resolve(integrator, world, trigger.id)
    clauses = call(
        200,
        m.PaginatedClauseList,
        api.frameworks.frameworks_clauses_list,
        framework.slug,
        client=integrator.anonymous(),
    )
    assert [(c.id, c.version) for c in clauses.results] == [(trigger.id, 2), (scope.id, 2)]
    _read_the_history(integrator, world, scope.id, amendment)
    integrator.assert_clean()


def _amend(integrator: Integrator, world: World, clause: int) -> Any:
    """A participant proposes an amendment; an organizer accepts it."""
    api, m, call = integrator.api, integrator.models, integrator.call
    proposal = m.AmendmentInputRequest(
        text="It applies to frontier AI developers and to their hosts.",
        rationale="Hosting providers run the same models.",
    )
    proposed = call(
        201,
        m.Amendment,
        api.clauses.clauses_amendments_create,
        clause,
        client=integrator.sign_in(world.policymaker),
        body=proposal,
    )
    assert (proposed.status, proposed.is_stale) == (m.AmendmentStatusEnum.OPEN, False)
    listed = call(
        200,
        m.PaginatedAmendmentList,
        api.clauses.clauses_amendments_list,
        clause,
        client=integrator.sign_in(world.observer),
    )
    assert [a.id for a in listed.results] == [proposed.id]
    decision = m.DecisionRequest(reason="Agreed in the drafting group.")
    accepted = call(
        200,
        m.Amendment,
        api.amendments.amendments_accept_create,
        proposed.id,
        client=integrator.sign_in(world.organizer),
        body=decision,
    )
    assert accepted.status == m.AmendmentStatusEnum.ACCEPTED and accepted.resulting_version
    return accepted


def _bracket_and_resolve(integrator: Integrator, world: World, clause: int) -> None:
    """Two participants table alternatives (the clause is bracketed); an organizer chooses."""
    api, m, call = integrator.api, integrator.models, integrator.call
    tabled = []
    for who, months in ((world.industry, 6), (world.civil_society, 3)):
        alternative = m.AlternativeInputRequest(
            text=f"A pause is triggered below a {months}-month doubling time.",
            spec=m.Trigger.from_dict({**TRIGGER_SPEC, "threshold": months}),
            rationale="A different threshold.",
        )
        tabled.append(
            call(
                201,
                m.Alternative,
                api.clauses.clauses_alternatives_create,
                clause,
                client=integrator.sign_in(who),
                body=alternative,
            )
        )
    anonymous = integrator.anonymous()
    bracketed = call(200, m.Clause, api.clauses.clauses_retrieve, clause, client=anonymous)
    assert bracketed.status == m.ClauseStatusEnum.BRACKETED
    listed = call(
        200,
        m.PaginatedAlternativeList,
        api.clauses.clauses_alternatives_list,
        clause,
        client=anonymous,
    )
    assert [a.label for a in listed.results] == ["A", "B"]
    choice = m.ResolveRequest(alternative=tabled[1].id, reason="The stricter trigger.")
    resolved = call(
        200,
        m.Clause,
        api.clauses.clauses_resolve_create,
        clause,
        client=integrator.sign_in(world.organizer),
        body=choice,
    )
    assert resolved.spec.threshold == 3 and resolved.status == m.ClauseStatusEnum.OPEN
    diff = call(
        200, m.Diff, api.clauses.clauses_diff_retrieve, clause, client=anonymous, from_=1, to=2
    )
    assert [change.field for change in diff.spec_changes] == ["threshold"]


def _read_the_history(integrator: Integrator, world: World, clause: int, amendment: Any) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    reader = integrator.sign_in(world.observer)
    versions = call(
        200, m.PaginatedVersionList, api.clauses.clauses_versions_list, clause, client=reader
    )
    assert sorted(v.number for v in versions.results) == [1, 2]
    second = call(200, m.Version, api.clauses.clauses_versions_retrieve, clause, 2, client=reader)
    assert (second.author.id, second.accepted_by.id) == (world.policymaker.pk, world.organizer.pk)
    assert (second.amendment, second.alternative) == (amendment.id, None)
    diff = call(
        200, m.Diff, api.clauses.clauses_diff_retrieve, clause, client=reader, from_=1, to=2
    )
    assert "".join(op.text for op in diff.ops if op.op != m.OpEnum.DELETE) == second.text


# --- discussion -------------------------------------------------------------------------------


def _post(integrator: Integrator, client: Any, clause: int, body: str, **extra: Any) -> Any:
    comment = integrator.models.CommentInputRequest(body=body, **extra)
    create = integrator.api.clauses.clauses_comments_create
    return integrator.call(
        201, integrator.models.Comment, create, clause, client=client, body=comment
    )


def _react(integrator: Integrator, client: Any, comment: int, stance: str) -> Any:
    m = integrator.models
    body = m.ReactionInputRequest(stance=m.StanceEnum(stance))
    react = integrator.api.comments.comments_reaction_update
    return integrator.call(200, m.Comment, react, comment, client=client, body=body)


def test_participants_discuss_and_organizers_moderate(
    drafting: Drafting, integrator: Integrator
) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    people, clause = signed_in(integrator, drafting.world), drafting.scope.pk
    quote = m.AnchorRequest(paragraph=0, quote="frontier AI developers")
    opening = _post(integrator, people["policymaker"], clause, "Too *narrow*.", anchor=quote)
    assert opening.anchor.quote == "frontier AI developers"
    reply = _post(integrator, people["industry"], clause, "Hosts too?", parent=opening.id)
    assert (reply.parent, reply.depth) == (opening.id, 1)

    agreed = _react(integrator, people["industry"], opening.id, "agree")
    assert agreed.my_reaction == "agree" and agreed.reactions.to_dict()["agree"] == 1
    _react(integrator, people["civil_society"], opening.id, "disagree")
    unreact = api.comments.comments_reaction_destroy
    withdrawn = call(200, m.Comment, unreact, opening.id, client=people["civil_society"])
    assert withdrawn.my_reaction is None
    edit = m.CommentEditRequest(body="Too *narrow*, I think.")
    edited = call(
        200,
        m.Comment,
        api.comments.comments_partial_update,
        opening.id,
        client=people["policymaker"],
        body=edit,
    )
    assert edited.edited_at is not None

    _flag_and_hide(integrator, people, reply.id)
    _dispose(integrator, people["organizer"], opening.id, drafting.framework.slug)
    integrator.assert_clean()


def _flag_and_hide(integrator: Integrator, people: dict[str, Any], comment: int) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    flag = m.FlagInputRequest(reason="Off topic")
    flagged = call(
        201,
        m.Flag,
        api.comments.comments_flag_create,
        comment,
        client=people["civil_society"],
        body=flag,
    )
    assert flagged.comment == comment
    hide = m.ModerateInputRequest(action=m.ActionEnum.HIDE, reason="Off topic")
    hidden = call(
        200,
        m.Comment,
        api.comments.comments_moderate_create,
        comment,
        client=people["organizer"],
        body=hide,
    )
    assert hidden.status == m.CommentStatusEnum.HIDDEN
    seen = call(200, m.Comment, api.comments.comments_retrieve, comment, client=people["observer"])
    assert (seen.body, seen.moderation_reason, seen.anchor) == ("", "Off topic", None)


def _dispose(integrator: Integrator, organizer: Any, comment: int, framework: str) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    outcome = m.DispositionInputRequest(
        outcome=m.OutcomeEnum.PARTLY_ACCEPTED, response="Hosts are covered by clause 3."
    )
    disposed = call(
        200,
        m.Comment,
        api.comments.comments_disposition_update,
        comment,
        client=organizer,
        body=outcome,
    )
    assert disposed.disposition.outcome == m.OutcomeEnum.PARTLY_ACCEPTED
    table = api.frameworks.frameworks_dispositions_list
    rows = call(200, [m.DispositionRow], table, framework, client=integrator.anonymous())
    assert [(r.comment, r.outcome) for r in rows] == [(comment, "partly_accepted")]
    as_csv = _dispositions_csv(integrator, framework)
    assert [(int(r["comment"]), r["outcome"]) for r in as_csv] == [(comment, "partly_accepted")]


def _dispositions_csv(integrator: Integrator, framework: str) -> list[dict[str, str]]:
    """``?format=csv``: the generated request, sent by the generated client's own httpx client.
    openapi-python-client parses one content type per status (JSON here), so the CSV answer is
    read as text; openapi-core still checks it against the schema."""
    operation = integrator.api.frameworks.frameworks_dispositions_list
    as_csv = integrator.models.FrameworksDispositionsListFormat.CSV
    client = integrator.anonymous().get_httpx_client()
    response = client.request(**operation._get_kwargs(framework, format_=as_csv))
    integrator.validate(response)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_walking_the_comment_cursor_returns_every_comment_once(
    drafting: Drafting, integrator: Integrator
) -> None:
    api, m, call = integrator.api, integrator.models, integrator.call
    world, clause = drafting.world, drafting.scope.pk
    posted = [
        discussion.comment_post(actor=who, clause=drafting.scope, body=f"Point {n}.").pk
        for n, who in enumerate([world.policymaker, world.industry, world.civil_society] * 2)
    ]
    industry = integrator.sign_in(world.industry)
    gone = _post(integrator, industry, clause, "On second thought…").id
    tombstone = call(200, m.Comment, api.comments.comments_destroy, gone, client=industry)
    assert (tombstone.status, tombstone.author, tombstone.body) == ("deleted", None, "")

    reader, seen, cursor = integrator.anonymous(), [], None
    while True:
        after = {"cursor": cursor} if cursor else {}
        page = call(
            200,
            m.PaginatedCommentList,
            api.clauses.clauses_comments_list,
            clause,
            client=reader,
            page_size=2,
            top_level=True,
            **after,
        )
        seen += [c.id for c in page.results]
        cursor = query_value(page.next_, "cursor")
        if cursor is None:
            break
    assert sorted(seen) == sorted([*posted, gone]) and len(seen) == len(set(seen))
    integrator.assert_clean()


# --- the audit trail --------------------------------------------------------------------------


def _link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prev_hash.encode() + b"\n" + body.encode()).hexdigest()


def test_anyone_re_hashes_the_audit_trail(drafting: Drafting, integrator: Integrator) -> None:
    """docs/api.md's check, on the generated models' ``to_dict()``."""
    m, audit = integrator.models, integrator.api.convenings.convenings_audit_list
    slug, reader = drafting.world.convening.slug, integrator.anonymous()
    prev, page_number, events = "0" * 64, 1, 0
    while page_number:
        page = integrator.call(
            200,
            m.PaginatedAuditEventList,
            audit,
            slug,
            client=reader,
            page=page_number,
            page_size=3,
        )
        for event in (e.to_dict() for e in page.results):
            keys = ("chain", "seq", "verb", "target_type", "target_id", "payload", "created_at")
            content = {key: event[key] for key in keys}
            content["actor"] = event["actor"]["id"] if event["actor"] else None
            assert event["prev_hash"] == prev, event["seq"]
            assert _link_hash(prev, content) == event["hash"], event["seq"]
            prev, events = event["hash"], events + 1
        page_number = int(query_value(page.next_, "page") or 0)
    assert events == page.count > 3
    integrator.assert_clean()


# --- every refusal, in the one error shape ----------------------------------------------------


def _bad_input(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    """Switching attribution without confirming it: a well-formed request, refused on a field."""
    m, update = integrator.models, integrator.api.convenings.convenings_partial_update
    switch = m.ConveningUpdateRequest(attribution=m.AttributionEnum.GROUP)
    organizer = integrator.sign_in(world.organizer)
    error = integrator.refused(400, update, world.convening.slug, client=organizer, body=switch)
    return error, "confirm_attribution_change"


def _unknown_token(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    stranger = integrator.with_token("0" * 40)
    return integrator.refused(401, integrator.api.me.me_retrieve, client=stranger), None


def _not_yours(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    m, update = integrator.models, integrator.api.convenings.convenings_partial_update
    rename = m.ConveningUpdateRequest(title="Renamed")
    participant = integrator.sign_in(world.policymaker)
    error = integrator.refused(403, update, world.convening.slug, client=participant, body=rename)
    return error, None


def _private(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    closed = services.convening_create(
        actor=world.other_organizer, title="Closed talks", visibility="private"
    )
    outsider = integrator.sign_in(world.outsider)
    read = integrator.api.convenings.convenings_retrieve
    return integrator.refused(404, read, closed.slug, client=outsider), None


def _invalid_transition(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    m, move = integrator.models, integrator.api.frameworks.frameworks_transition_create
    framework = make_drafting(world, status="draft").framework
    to = m.TransitionRequest(to=m.FrameworkStatusEnum.ADOPTED)
    organizer = integrator.sign_in(world.organizer)
    return integrator.refused(409, move, framework.slug, client=organizer, body=to), "to"


def _revoked_invitation(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    invitation, link = services.invitation_create(
        actor=world.organizer, convening=world.convening, email="late@example.org", role="observer"
    )
    services.invitation_revoke(actor=world.organizer, invitation=invitation)
    accept = integrator.models.InvitationAcceptRequest(password=NEW_PASSWORD, display_name="Lee")
    accept_it = integrator.api.invitations.invitations_accept_create
    anonymous = integrator.anonymous()
    return integrator.refused(410, accept_it, link, client=anonymous, body=accept), None


def _locked_out(integrator: Integrator, world: World) -> tuple[Any, str | None]:
    """The sign-in lockout brought within reach: the second failure locks the account, and then
    even the right password is refused, with ``Retry-After``."""
    m, sign_in = integrator.models, integrator.api.auth.auth_token_create
    anonymous = integrator.anonymous()
    with override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=timedelta(minutes=15)):
        for password, status in (("wrong", 400), ("wrong again", 429), (PASSWORD, 429)):
            body = m.TokenRequestRequest(email=world.observer.email, password=password)
            error = integrator.refused(status, sign_in, client=anonymous, body=body)
    assert int(integrator.last.headers["Retry-After"]) > 0
    return error, None


REFUSALS: dict[int, Callable[[Integrator, World], tuple[Any, str | None]]] = {
    400: _bad_input,
    401: _unknown_token,
    403: _not_yours,
    404: _private,
    409: _invalid_transition,
    410: _revoked_invitation,
    429: _locked_out,
}


@pytest.mark.parametrize("status", sorted(REFUSALS))
def test_each_refusal_is_the_generated_error_model(
    status: int, world: World, integrator: Integrator
) -> None:
    error, field = REFUSALS[status](integrator, world)
    errors = error.errors.to_dict()
    assert list(errors) == ([field] if field else []), errors
    integrator.assert_clean()


# --- voting rounds (issue 10) -----------------------------------------------------------------
def test_organizers_run_a_round_and_anyone_checks_its_record(
    world: World, integrator: Integrator
) -> None:
    from deliberation.voting import record as record_hashing
    from tests.deliberation.voting.conftest import make_voting

    api, m, call = integrator.api, integrator.models, integrator.call
    voting = make_voting(world)
    organizer = integrator.sign_in(world.organizer)
    rule = m.RuleRequest(threshold=m.ThresholdEnum.TWO_THIRDS, quorum_percent=50, chambers=True)
    body = m.RoundInputRequest(
        title="Final reading",
        motions=[
            m.MotionInputRequest(
                kind=m.MotionKindEnum.ADOPT_CLAUSE, clause=voting.scope.id, rule=rule
            ),
            m.MotionInputRequest(
                kind=m.MotionKindEnum.CHOOSE_ALTERNATIVE,
                clause=voting.trigger.id,
                method=m.MotionMethodEnum.SCHULZE,
            ),
        ],
    )
    slug = voting.framework.slug
    created = call(
        201, m.Round, api.frameworks.frameworks_rounds_create, slug, client=organizer, body=body
    )
    assert created.status == m.RoundStatusEnum.DRAFT
    patched = call(
        200,
        m.Round,
        api.rounds.rounds_partial_update,
        created.id,
        client=organizer,
        body=m.RoundUpdateRequest(description="Two motions."),
    )
    assert patched.description == "Two motions."
    listed = call(
        200,
        m.PaginatedRoundList,
        api.frameworks.frameworks_rounds_list,
        slug,
        client=integrator.anonymous(),
    )
    assert [r.id for r in listed.results] == [created.id]
    opened = call(200, m.Round, api.rounds.rounds_open_create, created.id, client=organizer)
    adopt, choose = (motion.id for motion in opened.motions)
    live = call(
        200,
        m.Results,
        api.rounds.rounds_results_retrieve,
        created.id,
        client=integrator.anonymous(),
    )
    assert live.motions[0].outcome is None
    receipts = {}
    for user in (world.policymaker, world.industry, world.civil_society):
        delegate = integrator.sign_in(user)
        ballot = m.BallotInputRequest(
            choices=[
                m.ChoiceRequest(motion=adopt, position=m.PositionEnum.YES),
                m.ChoiceRequest(motion=choose, ranking=[voting.option_b.id, voting.option_a.id]),
            ]
        )
        cast = call(
            200, m.Ballot, api.rounds.rounds_ballot_update, created.id, client=delegate, body=ballot
        )
        receipts[user.pk] = cast.receipt.leaf
        mine = call(200, m.Ballot, api.rounds.rounds_ballot_retrieve, created.id, client=delegate)
        assert mine.receipt.leaf == cast.receipt.leaf
    roll = call(200, [m.RollEntry], api.rounds.rounds_roll_list, created.id, client=organizer)
    assert len(roll) == 3
    observer = integrator.sign_in(world.observer)
    refused = call(
        403,
        m.Error,
        api.rounds.rounds_ballot_update,
        created.id,
        client=observer,
        body=m.BallotInputRequest(
            choices=[m.ChoiceRequest(motion=adopt, position=m.PositionEnum.YES)]
        ),
    )
    assert refused.detail
    early = call(
        409, m.Error, api.rounds.rounds_record_retrieve, created.id, client=integrator.anonymous()
    )
    assert "closes" in early.detail
    closed = call(200, m.Round, api.rounds.rounds_close_create, created.id, client=organizer)
    assert closed.status == m.RoundStatusEnum.CLOSED and len(closed.head) == 64
    late = call(
        409,
        m.Error,
        api.rounds.rounds_ballot_update,
        created.id,
        client=integrator.sign_in(world.policymaker),
        body=m.BallotInputRequest(
            choices=[m.ChoiceRequest(motion=adopt, position=m.PositionEnum.NO)]
        ),
    )
    assert late.detail
    results = call(
        200,
        m.Results,
        api.rounds.rounds_results_retrieve,
        created.id,
        client=integrator.anonymous(),
    )
    assert [r.outcome for r in results.motions] == [m.MotionOutcomeEnum.ADOPTED] * 2
    assert results.motions[1].winner == voting.option_b.id
    published = call(
        200, m.Record, api.rounds.rounds_record_retrieve, created.id, client=integrator.anonymous()
    )
    leaves = {b.leaf for b in published.ballots}
    assert set(receipts.values()) == leaves
    for ballot in published.ballots:
        choices = [c.to_dict() for c in ballot.choices]
        voter = ballot.voter.id if ballot.voter else None
        leaf = record_hashing.leaf_hash(
            round_id=created.id, voter=voter, choices=choices, nonce=ballot.nonce
        )
        assert leaf == ballot.leaf
    assert record_hashing.counted_root(leaves) == published.counted_root
    integrator.assert_clean()


# --- the public record (issue 11) -------------------------------------------------------------
def test_organizers_publish_and_anyone_reads_the_edition(
    world: World, integrator: Integrator
) -> None:
    from deliberation.publishing import export
    from tests.deliberation.publishing.test_publishing import _adopt
    from tests.deliberation.voting.conftest import make_voting

    api, m, call = integrator.api, integrator.models, integrator.call
    voting = make_voting(world)
    organizer = integrator.sign_in(world.organizer)
    slug = voting.framework.slug
    early = call(409, m.Error, api.frameworks.frameworks_publish_create, slug, client=organizer)
    assert "adopted" in early.detail
    _adopt(voting)
    published = call(
        200, m.Published, api.frameworks.frameworks_publish_create, slug, client=organizer
    )
    assert published.edition == 1
    anonymous = integrator.anonymous()
    listed = call(
        200, m.PaginatedPublishedFrameworkList, api.published.published_list, client=anonymous
    )
    assert [(p.slug, p.edition) for p in listed.results] == [(slug, 1)]
    latest = call(
        200, m.ConveneFrameworkVersion1, api.published.published_retrieve, slug, client=anonymous
    )
    first = call(
        200,
        m.ConveneFrameworkVersion1,
        api.published.published_editions_retrieve,
        slug,
        1,
        client=anonymous,
    )
    assert latest.to_dict() == first.to_dict()
    assert first.content_hash == published.content_hash == export.content_hash(first.to_dict())
    call(404, m.Error, api.published.published_editions_retrieve, slug, 2, client=anonymous)
    integrator.assert_clean()
