"""Who may read and change frameworks, clauses and proposals.

Reading follows the convening (public, or members of a private one). Writing needs a role:
organizers edit and decide; participants and organizers propose; observers only read.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from convene.models import Role
from convene.permissions import can_view_convening, is_organizer, membership_of
from deliberation.models import Alternative, Amendment, Clause, Comment, Framework


@rules.predicate
def can_view_framework(user: Any, framework: Framework) -> bool:
    return bool(can_view_convening(user, framework.convening))


@rules.predicate
def can_manage_framework(user: Any, framework: Framework) -> bool:
    return bool(is_organizer(user, framework.convening))


@rules.predicate
def can_propose(user: Any, framework: Framework) -> bool:
    membership = membership_of(user, framework.convening)
    return membership is not None and membership.role in {Role.ORGANIZER, Role.PARTICIPANT}


rules.add_perm("deliberation.view_framework", can_view_framework)
rules.add_perm("deliberation.manage_framework", can_manage_framework)
rules.add_perm("deliberation.propose", can_propose)


def _check(user: Any, framework: Framework, manage: bool, propose: bool) -> None:
    if not can_view_framework(user, framework):
        raise Http404("No such framework.")
    if manage and not can_manage_framework(user, framework):
        raise PermissionDenied("Only organizers of this convening may do this.")
    if propose and not can_propose(user, framework):
        raise PermissionDenied("Only participants and organizers may propose text.")


def access_framework(
    user: Any, slug: str, *, manage: bool = False, propose: bool = False
) -> Framework:
    framework = Framework.objects.select_related("convening").filter(slug=slug).first()
    if framework is None:
        raise Http404("No such framework.")
    _check(user, framework, manage, propose)
    return framework


def access_clause(
    user: Any, clause_id: int, *, manage: bool = False, propose: bool = False
) -> Clause:
    clause = (
        Clause.objects.select_related("framework__convening", "current_version")
        .filter(pk=clause_id)
        .first()
    )
    if clause is None:
        raise Http404("No such clause.")
    _check(user, clause.framework, manage, propose)
    return clause


def access_amendment(user: Any, amendment_id: int) -> Amendment:
    amendment = (
        Amendment.objects.select_related("clause__framework__convening", "base_version", "author")
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None:
        raise Http404("No such amendment.")
    _check(user, amendment.clause.framework, False, False)
    return amendment


def check_amendment_decider(user: Any, amendment: Amendment) -> None:
    if not can_manage_framework(user, amendment.clause.framework):
        raise PermissionDenied("Only organizers may accept or reject amendments.")


def check_amendment_author(user: Any, amendment: Amendment) -> None:
    if amendment.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the author may withdraw an amendment.")


def check_alternative_proposer(user: Any, alternative: Alternative) -> None:
    if alternative.proposer_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the proposer may withdraw an alternative.")


def access_comment(user: Any, comment_id: int, *, manage: bool = False) -> Comment:
    """Fetch a comment the user may read (else 404); with ``manage``, one they moderate
    (else 403)."""
    comment = (
        Comment.objects.select_related("clause__framework__convening", "clause__current_version")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    _check(user, comment.clause.framework, manage, False)
    return comment
