"""Following clauses and frameworks: to hear of new versions and decided amendments.

Commenting on a clause follows it (``follow_auto``); unfollowing is remembered, so a later
comment does not follow it again behind the member's back.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from convene.models import User
from deliberation.models import Clause, Follow, Framework


def _target(clause: Clause | None, framework: Framework | None) -> dict[str, Any]:
    return {"clause": clause} if clause is not None else {"framework": framework}


def follow_set(
    *, user: User, clause: Clause | None = None, framework: Framework | None = None, active: bool
) -> Follow:
    """Follow (``active``) or unfollow one clause or framework; the caller checked access."""
    target = _target(clause, framework)
    with transaction.atomic():
        follow, _ = Follow.objects.select_for_update().get_or_create(user=user, **target)
        if follow.active != active:
            follow.active = active
            follow.save(update_fields=["active"])
    return follow


def follow_auto(*, user: User, clause: Clause) -> None:
    """Follow the clause unless the member already chose (either way). Inside the caller's
    transaction; a concurrent first comment by the same member is the constraint's to settle."""
    if Follow.objects.filter(user=user, clause=clause).exists():
        return
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, clause=clause)
    except IntegrityError:
        pass  # followed by the other request


def is_following(
    user: User, *, clause: Clause | None = None, framework: Framework | None = None
) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, active=True, **_target(clause, framework)).exists()


def followers(clause: Clause) -> list[int]:
    """Who follows the clause, directly or through its framework (one query)."""
    where = Q(clause_id=clause.pk) | Q(framework_id=clause.framework_id)
    return list(Follow.objects.filter(where, active=True).values_list("user_id", flat=True))


def framework_followers(framework: Framework) -> list[int]:
    return list(
        Follow.objects.filter(framework=framework, active=True).values_list("user_id", flat=True)
    )
